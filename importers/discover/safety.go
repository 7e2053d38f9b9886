package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
)

// Paths found inside a browser's files (profiles.ini, Local State) and
// symlinks inside a profile are untrusted (docs/security.md §5): a store that leads
// out of its folder, or that is not a regular file, is refused, never
// followed or opened. The checks below are the only gate.

// ErrRefused marks a refusal for safety reasons (as opposed to "not
// there"); test with errors.Is.
var ErrRefused = errors.New("refused")

type refusal struct{ msg string }

func (r *refusal) Error() string        { return r.msg }
func (r *refusal) Is(target error) bool { return target == ErrRefused }

func refusef(format string, args ...any) error {
	return &refusal{msg: fmt.Sprintf(format, args...)}
}

// within reports whether target is dir or lies inside it. Both must be
// cleaned absolute paths.
func within(dir, target string) bool {
	rel, err := filepath.Rel(dir, target)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// escapes reports whether a relative path climbs out of its base
// lexically ("../x", "a/../../x").
func escapes(rel string) bool {
	c := filepath.Clean(filepath.FromSlash(rel))
	return c == ".." || strings.HasPrefix(c, ".."+string(filepath.Separator))
}

// realDir resolves symlinks of an existing directory.
func realDir(p string) (string, error) {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(r)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", p)
	}
	return r, nil
}

// containedDir resolves dir and checks that it stays inside root (a
// resolved directory). A symlinked profile dir pointing elsewhere is refused.
func containedDir(root, dir string) (string, error) {
	r, err := realDir(dir)
	if err != nil {
		return "", err
	}
	if !within(root, r) {
		return "", refusef("%s leads out of %s (to %s)", dir, root, r)
	}
	return r, nil
}

// checkStore looks for a database file at path inside the profile folder
// dir (resolved). It returns the path to open, "" when there is none, or a
// refusal when the file is a symlink leading out of dir or is not a regular
// file (directory, FIFO, device, socket).
func checkStore(dir, path string) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	r, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", refusef("%s is a dangling symlink", path)
	} else if err != nil {
		return "", err
	}
	if !within(dir, r) {
		return "", refusef("%s leads out of the profile folder %s (to %s)", path, dir, r)
	}
	fi, err := os.Stat(r)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", refusef("%s is a %s, not a database file", path, kindOf(fi.Mode()))
	}
	return r, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// readSmallFile reads a regular file of at most max bytes
// (importers.ReadSmall): a symlink, FIFO or device is refused without
// following or blocking on it, and the check is made on the open file.
func readSmallFile(path string, max int64) ([]byte, error) {
	data, err := importers.ReadSmall(path, max)
	if errors.Is(err, importers.ErrNotRegular) {
		return nil, refusef("%s %v", path, err)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return data, err
}
