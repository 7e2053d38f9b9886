package writeback

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// RunningError refuses a write-back because a browser process holds the
// profile (docs/writeback.md): "firefox:default-release is running (pid 4242);
// close it first".
type RunningError struct {
	Source string
	PID    int // 0 when the process could not be named
	How    string
}

func (e *RunningError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is running (pid %d); close it first", e.Source, e.PID)
	}
	return fmt.Sprintf("%s is running (%s); close it first", e.Source, e.How)
}

// ErrRunning matches every *RunningError with errors.Is.
var ErrRunning = errors.New("browser running")

func (e *RunningError) Is(target error) bool { return target == ErrRunning }

// holder finds a live process that holds the profile: one with a file open
// inside any of dirs. Lock files are not proof either way (docs/browsers.md §Is the browser running?):
// Firefox leaves its "lock" behind after a clean quit, and a running
// Chromium keeps its Cookies database unlocked. So on Linux every process
// of ours is asked, through /proc/PID/fd, what it has open. Where /proc is
// missing (macOS, Windows) a lock whose owner pid is alive counts, as
// discovery reads it (importers/discover/running.go).
func holder(dirs []string) (pid int, how string) {
	var clean []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			d = r
		}
		clean = append(clean, filepath.Clean(d))
	}
	if pid, ok := procHolder(clean); ok {
		return pid, "an open file in the profile"
	}
	if procAvailable() {
		return 0, ""
	}
	for _, d := range clean {
		if pid := lockOwner(d); pid != 0 {
			return pid, "its lock file"
		}
	}
	return 0, ""
}

func procAvailable() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	_, err := os.Stat("/proc/self/fd")
	return err == nil
}

// procHolder scans /proc for a process (other than this one) with an open
// file under one of dirs.
func procHolder(dirs []string) (int, bool) {
	if !procAvailable() || len(dirs) == 0 {
		return 0, false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		fdDir := "/proc/" + e.Name() + "/fd"
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue // gone, or another user's process
		}
		for _, fd := range fds {
			target, err := os.Readlink(fdDir + "/" + fd.Name())
			if err != nil || !strings.HasPrefix(target, "/") {
				continue
			}
			for _, d := range dirs {
				if target == d || strings.HasPrefix(target, d+string(filepath.Separator)) {
					return pid, true
				}
			}
		}
	}
	return 0, false
}

// lockOwner reads a Firefox "lock" (→ "<ip>:+<pid>") or Chromium
// "SingletonLock" (→ "<host>-<pid>") symlink in dir and returns its pid
// when that process is alive.
func lockOwner(dir string) int {
	for _, name := range []string{"lock", "SingletonLock"} {
		target, err := os.Readlink(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		i := strings.LastIndexAny(target, "+-")
		if i < 0 {
			continue
		}
		pid, err := strconv.Atoi(target[i+1:])
		if err == nil && pid > 0 && pidAlive(pid) {
			return pid
		}
	}
	return 0
}
