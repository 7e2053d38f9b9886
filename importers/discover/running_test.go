//go:build !windows

package discover

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestRunningDetection(t *testing.T) {
	me, dead := os.Getpid(), deadPid(t)
	if pidAlive(dead) {
		t.Skip("the dead pid was reused")
	}
	h := newHome(t)
	ini := "[Profile0]\nName=live\nIsRelative=1\nPath=live\n[Profile1]\nName=stale\nIsRelative=1\nPath=stale\n[Profile2]\nName=parentlock-only\nIsRelative=1\nPath=pl\n"
	h.writeAll(map[string]string{
		".mozilla/firefox/profiles.ini":          ini,
		".mozilla/firefox/live/cookies.sqlite":   "SQLITE:gecko:0",
		".mozilla/firefox/live/lock":             "->127.0.1.1:+" + strconv.Itoa(me),
		".mozilla/firefox/stale/cookies.sqlite":  "SQLITE:gecko:0",
		".mozilla/firefox/stale/lock":            "->127.0.1.1:+" + strconv.Itoa(dead),
		".mozilla/firefox/pl/cookies.sqlite":     "SQLITE:gecko:0",
		".mozilla/firefox/pl/.parentlock":        "",
		".config/chromium/Default/Cookies":       "SQLITE:chromium:0",
		".config/chromium/SingletonLock":         "->testhost-" + strconv.Itoa(me),
		".config/google-chrome/Default/Cookies":  "SQLITE:chromium:0",
		".config/google-chrome/SingletonLock":    "->testhost-" + strconv.Itoa(dead),
		".config/vivaldi/Default/Cookies":        "SQLITE:chromium:0",
		".config/vivaldi/SingletonLock":          "->otherhost-" + strconv.Itoa(dead),
		".config/microsoft-edge/Default/Cookies": "SQLITE:chromium:0",
	})
	for _, d := range []string{".config/chromium", ".config/google-chrome", ".config/vivaldi", ".config/microsoft-edge"} {
		h.write(d+"/Default/Preferences", "{}")
	}
	diff(t, summary(h, mustDiscover(t, h.env("linux", nil))), `
chrome:Default|native|D|.config/google-chrome/Default/Cookies
chromium:Default|native|DR|.config/chromium/Default/Cookies
edge:Default|native|D|.config/microsoft-edge/Default/Cookies
firefox:live|native|R|.mozilla/firefox/live/cookies.sqlite
firefox:parentlock-only|native||.mozilla/firefox/pl/cookies.sqlite
firefox:stale|native||.mozilla/firefox/stale/cookies.sqlite
vivaldi:Default|native|DR|.config/vivaldi/Default/Cookies`)
}

// TestParentLockHeldByAnotherProcess: on macOS Firefox leaves .parentlock
// behind; only an fcntl lock held by a live process means "running".
func TestParentLockHeldByAnotherProcess(t *testing.T) {
	if os.Getenv("CRUMBS_HOLD_LOCK") != "" {
		return // the helper runs in TestMain-less mode via holdLock below
	}
	dir := t.TempDir()
	lock := filepath.Join(dir, ".parentlock")
	if err := os.WriteFile(lock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if fileLockHeld(lock) {
		t.Fatal("an unlocked .parentlock reads as held")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLockHelper$")
	cmd.Env = append(os.Environ(), "CRUMBS_HOLD_LOCK="+lock)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper: %q, %v", line, err)
	}
	if !fileLockHeld(lock) {
		t.Error("a .parentlock locked by another process reads as free")
	}
	if !geckoRunning(dir) {
		t.Error("geckoRunning is false while .parentlock is held")
	}
}

// TestHoldLockHelper is not a test: run as a subprocess, it holds an fcntl
// lock on $CRUMBS_HOLD_LOCK until stdin closes.
func TestHoldLockHelper(t *testing.T) {
	path := os.Getenv("CRUMBS_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process only")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		os.Exit(2)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		os.Exit(3)
	}
	os.Stdout.WriteString("locked\n")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	os.Exit(0)
}
