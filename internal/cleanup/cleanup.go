// Package cleanup is crumbs' one registry of things to remove before the
// process ends: the private temp folders holding store snapshots and editor
// files, and hidden partial exports. The normal path removes each as soon
// as it is done with it; the registry is for the other paths — a signal
// (SIGINT, SIGTERM, SIGHUP, SIGQUIT), a panic in main, a goroutine still
// copying when the program exits — where deferred calls never run
// (docs/decisions.md, "Temp files and signals").
//
// Temp folders are named crumbs-<kind>-<pid>-<random>, so that a later run
// can tell the folders of a process that is gone (killed with SIGKILL, a
// power cut) from those of one still running, and remove them (RemoveStale).
package cleanup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

var (
	mu      sync.Mutex
	paths   = map[string]bool{}
	closing bool
)

// ErrStopping is returned by MkdirTemp once RemoveAll has run: nothing new
// may be created while the process ends.
var ErrStopping = errors.New("crumbs is stopping")

// MkdirTemp creates a private (0700) folder crumbs-<kind>-<pid>-* in the
// temp dir and registers it. Remove it with Remove.
func MkdirTemp(kind string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if closing {
		return "", ErrStopping
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("crumbs-%s-%d-", kind, os.Getpid()))
	if err != nil {
		return "", err
	}
	// MkdirTemp uses 0700 already; say it whatever the umask.
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	paths[dir] = true
	return dir, nil
}

// Register adds path (a file or folder) to what RemoveAll removes and
// returns the function that forgets it again (call it once path is gone
// or has become the real output, such as a renamed export).
func Register(path string) (forget func()) {
	mu.Lock()
	defer mu.Unlock()
	if closing {
		os.RemoveAll(path)
		return func() {}
	}
	paths[path] = true
	return func() {
		mu.Lock()
		delete(paths, path)
		mu.Unlock()
	}
}

// Remove removes path and forgets it.
func Remove(path string) error {
	mu.Lock()
	delete(paths, path)
	mu.Unlock()
	return os.RemoveAll(path)
}

// RemoveAll removes everything registered and refuses new temp folders
// from then on. It is safe to call more than once and from any goroutine.
func RemoveAll() {
	mu.Lock()
	defer mu.Unlock()
	closing = true
	for p := range paths {
		os.RemoveAll(p)
		delete(paths, p)
	}
}

// Pending returns how many paths are registered (for tests).
func Pending() int {
	mu.Lock()
	defer mu.Unlock()
	return len(paths)
}

// stalePattern matches the folders MkdirTemp makes.
var stalePattern = regexp.MustCompile(`^crumbs-[a-z]+-([0-9]+)-[0-9]+$`)

// RemoveStale removes the crumbs temp folders in the temp dir that belong
// to this user and whose process no longer runs, and returns how many it
// removed. Folders of a running crumbs, of other users, and anything not
// named by MkdirTemp are left alone.
func RemoveStale() int {
	tmp := os.TempDir()
	es, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range es {
		m := stalePattern.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		p := filepath.Join(tmp, e.Name())
		info, err := os.Lstat(p)
		if err != nil || !info.IsDir() || !ownedByMe(info) {
			continue
		}
		if os.RemoveAll(p) == nil {
			n++
		}
	}
	return n
}

// CreateBeside creates an empty private (0600) file beside path, named
// <path>.crumbs-<kind>-<pid>-<random>, and registers it: a file that must
// later be linked or renamed into path's place has to be in its folder.
// Remove it with Remove (also once it has been linked into place).
func CreateBeside(path, kind string) (string, error) {
	mu.Lock()
	if closing {
		mu.Unlock()
		return "", ErrStopping
	}
	mu.Unlock()
	f, err := os.CreateTemp(filepath.Dir(path), fmt.Sprintf("%s.crumbs-%s-%d-*", filepath.Base(path), kind, os.Getpid()))
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	if err := os.Chmod(name, 0o600); err != nil { // CreateTemp uses 0600; say it whatever the umask
		os.Remove(name)
		return "", err
	}
	Register(name)
	return name, nil
}

// RemoveStaleBeside removes the files CreateBeside made beside path whose
// process no longer runs (killed before it could remove them), and returns
// how many it removed. Files of a running crumbs, of other users, and
// anything else are left alone.
func RemoveStaleBeside(path string) int {
	dir, base := filepath.Dir(path), filepath.Base(path)
	es, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	prefix := base + ".crumbs-"
	n := 0
	for _, e := range es {
		name := e.Name()
		if len(name) <= len(prefix) || name[:len(prefix)] != prefix || !e.Type().IsRegular() {
			continue
		}
		m := besidePattern.FindStringSubmatch(name[len(prefix):])
		if m == nil {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		p := filepath.Join(dir, name)
		if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() || !ownedByMe(info) {
			continue
		}
		if os.Remove(p) == nil {
			n++
		}
	}
	return n
}

// besidePattern matches what CreateBeside appends after "<base>.crumbs-".
var besidePattern = regexp.MustCompile(`^[a-z]+-([0-9]+)-[0-9]+$`)
