package ui

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

// The helpers of the tests that drive the real binary in tmux
// (tmux_test.go, copy_test.go, live_test.go, protect_tmux_test.go): one
// start-up, one build of the binary per run, screen capture and waits.

// tmuxBinary starts every test of the real binary in tmux: it skips under
// -short and where tmux is not installed, and returns the binary (built
// once per run) and a folder of the test's own.
func tmuxBinary(t *testing.T) (bin, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the tmux tests of the real binary run in the normal test run")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	return buildBinary(t), t.TempDir()
}

// firstOpen opens a jar that this test binary wrote once with the real
// binary bin and says how long that took. The test binary knows no public
// suffix list version (jar/resite.go), so the real binary's first writable
// open recomputes the sites of every row: a user's jar pays that once per
// new list, not per start, so a test that times a start does it first.
func firstOpen(t *testing.T, bin, jarPath string) time.Duration {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command(bin, "--jar", jarPath, "list", "domain:example.invalid").CombinedOutput(); err != nil {
		t.Fatalf("the first open of %s: %v\n%s", jarPath, err, out)
	}
	return time.Since(start).Round(time.Millisecond)
}

type tmuxSession struct {
	t    *testing.T
	name string
	sock string // a private tmux server (-L), or "" for the default one
}

// tmux runs a tmux command against the session's server.
func (s *tmuxSession) tmux(args ...string) *exec.Cmd {
	if s.sock != "" {
		args = append([]string{"-L", s.sock}, args...)
	}
	return exec.Command("tmux", args...)
}

func startTmux(t *testing.T, dir string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: fmt.Sprintf("crumbs-ui-%d", time.Now().UnixNano())}
	s.start(dir, args...)
	return s
}

// startTmuxPrivate starts the session on a tmux server of its own, whose
// options (set-clipboard) the test may change without touching anyone
// else's tmux; the server goes with the test. setup runs before the
// program starts (server options).
func startTmuxPrivate(t *testing.T, dir string, setup [][]string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, name: "crumbs-ui", sock: fmt.Sprintf("crumbs-ui-test-%d", time.Now().UnixNano())}
	t.Cleanup(func() { s.tmux("kill-server").Run() })
	if out, err := s.tmux("new-session", "-d", "-s", "setup").CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	for _, a := range setup {
		if out, err := s.tmux(a...).CombinedOutput(); err != nil {
			t.Fatalf("tmux %v: %v %s", a, err, out)
		}
	}
	s.start(dir, args...)
	return s
}

func (s *tmuxSession) start(dir string, args ...string) {
	t := s.t
	t.Helper()
	cmd := append([]string{"new-session", "-d", "-s", s.name, "-x", "120", "-y", "40", "-c", dir,
		"env", "TERM=xterm-256color", "NO_COLOR=", "COLORTERM=", "GOMEMLIMIT=" + os.Getenv("UI_TEST_GOMEMLIMIT")}, args...)
	if out, err := s.tmux(cmd...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v %s", err, out)
	}
	t.Cleanup(func() { s.tmux("kill-session", "-t", s.name).Run() })
}

func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %q: %v %s", keys, err, out)
	}
}

func (s *tmuxSession) capture() string {
	out, _ := s.tmux("capture-pane", "-p", "-t", s.name).Output()
	return string(out)
}

// waitFor polls the pane until it shows every one of subs.
func (s *tmuxSession) waitFor(subs ...string) string {
	s.t.Helper()
	return s.waitForLong(15*time.Second, subs...)
}

// statusLine is the line of a captured screen that shows the busy spinner.
func statusLine(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "…") && strings.Contains(l, "jar ") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// waitForLong is waitFor with its own deadline.
func (s *tmuxSession) waitForLong(d time.Duration, subs ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		screen := s.capture()
		ok := true
		for _, sub := range subs {
			if !strings.Contains(screen, sub) {
				ok = false
			}
		}
		if ok {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", subs, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitExit waits for the program to quit, which ends its session.
func (s *tmuxSession) waitExit() {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.tmux("has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			s.t.Fatalf("q did not quit:\n%s", s.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) panePID() int {
	out, err := s.tmux("list-panes", "-t", s.name, "-F", "#{pane_pid}").Output()
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return pid
}

// memOf reads a process's peak and current resident size in KiB.
func memOf(t *testing.T, pid int) (peakKB, nowKB int) {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "VmHWM:" {
			peakKB, _ = strconv.Atoi(f[1])
		} else if len(f) > 1 && f[0] == "VmRSS:" {
			nowKB, _ = strconv.Atoi(f[1])
		}
	}
	return peakKB, nowKB
}

func buildBinary(t *testing.T) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if built != "" {
		if _, err := os.Stat(built); err == nil {
			return built // one build serves every tmux test of the run
		}
	}
	dir, err := os.MkdirTemp("", "crumbs-ui-bin-")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "crumbs")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = testshared.Root(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	built = bin
	return bin
}

var (
	buildMu sync.Mutex
	built   string // the binary built for this test run (left in the temp dir)
)

// firefoxFixture copies ../shared's Firefox fixture into dir/firefox (the
// import may write beside it) and returns its profile folder; without
// ../shared the test skips.
func firefoxFixture(t *testing.T, dir string) (profile string) {
	t.Helper()
	fixture := testshared.Path(t, "fixtures", "browsers", "firefox")
	if out, err := exec.Command("cp", "-r", fixture, filepath.Join(dir, "firefox")).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return filepath.Join(dir, "firefox", "profiles", "fx0cookie.default-release")
}

// cli runs the built binary's command line on one jar, in the test's
// folder, failing the test on a non-zero exit; it returns stdout.
type cli func(args ...string) string

func cliOn(t *testing.T, bin, dir, jarPath string) cli {
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--jar", jarPath}, args...)...)
		cmd.Dir = dir
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("crumbs %v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
}

// count is how many cookies `crumbs list --json TERMS` lists.
func (c cli) count(terms ...string) int {
	return strings.Count(c(append([]string{"list", "--json"}, terms...)...), `"name":`)
}

// TestMain removes the binary the tmux tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}
