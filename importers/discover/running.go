package discover

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Whether a browser is running is told by its lock files
// (docs/browsers.md §Is the browser running?).
// Lock files outlive a crash, so each one is checked for a live owner:
//
//   - Firefox on Linux: "lock" is a symlink to "<ip>:+<pid>"; the profile is
//     in use when that pid is alive. ".parentlock" exists on Linux and macOS
//     whether Firefox runs or not (it stays behind after exit), so its mere
//     presence means nothing; it counts only while another process holds an
//     fcntl lock on it. On Windows "parent.lock" counts while it cannot be
//     opened (Firefox holds it without sharing).
//   - Chromium on Linux and macOS: "SingletonLock" in the user-data dir is a
//     symlink to "<hostname>-<pid>". Same host: running when the pid is
//     alive. Another host (a shared home): we cannot tell, so it counts as
//     running, as Chromium itself assumes. On Windows "lockfile" counts while
//     it cannot be opened.
//
// Only symlink targets are read; nothing is followed.

func geckoRunning(dir string) bool {
	if target, err := os.Readlink(filepath.Join(dir, "lock")); err == nil {
		if i := strings.LastIndex(target, ":+"); i >= 0 {
			if pid, err := strconv.Atoi(target[i+2:]); err == nil && pidAlive(pid) {
				return true
			}
		}
	}
	return fileLockHeld(filepath.Join(dir, ".parentlock")) || fileLockHeld(filepath.Join(dir, "parent.lock"))
}

func chromiumRunning(userData string, env Env) bool {
	target, err := os.Readlink(filepath.Join(userData, "SingletonLock"))
	if err == nil {
		i := strings.LastIndex(target, "-")
		if i < 0 {
			return true // unknown shape: err on the side of "running"
		}
		host, pidText := target[:i], target[i+1:]
		pid, err := strconv.Atoi(pidText)
		if err != nil {
			return true
		}
		if host != env.hostname() {
			return true
		}
		return pidAlive(pid)
	}
	return fileLockHeld(filepath.Join(userData, "lockfile"))
}
