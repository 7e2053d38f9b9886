package importers

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The bounds of every reader (docs/decisions.md, "Bounds on hostile input").
const (
	// MaxValue is the largest cookie name or value crumbs loads, in bytes.
	// Browsers cap a whole cookie at 4 KiB (RFC 6265bis section 5.6, Chromium's
	// kMaxCookieNamePlusValueSize); 64 KiB leaves room for anything a
	// browser could ever have stored and keeps one hostile row from costing
	// more than that.
	MaxValue = 64 << 10
	// MaxCookies is the most cookies one store or file may hold. Browsers
	// keep a few thousand (Chromium 3300, Firefox 3000 by default); crumbs
	// is built for 100k. A store claiming more is not a browser's, and
	// would cost ~260 bytes of memory per cookie before its strings.
	MaxCookies = 200_000
)

// TooLarge reports whether a name or value is over MaxValue.
func TooLarge(name, value string) bool { return len(name) > MaxValue || len(value) > MaxValue }

// Size caps of the side files next to a store (docs/decisions.md, "Bounds
// on hostile input"): each fits the real thing many times over.
const (
	MaxINI          = 1 << 20  // profiles.ini, installs.ini: a few hundred bytes per profile
	MaxContainers   = 1 << 20  // containers.json: a few KB
	MaxLocalState   = 16 << 20 // Chromium's Local State: tens to hundreds of KB
	MaxSessionStore = 64 << 20 // a compressed session store: a few MB
)

// ErrNotRegular marks a side file refused because it is a symbolic link, a
// FIFO, a device or a directory (errors.Is).
var ErrNotRegular = errors.New("not a regular file")

type notRegular struct{ msg string }

func (e *notRegular) Error() string        { return e.msg }
func (e *notRegular) Is(target error) bool { return target == ErrNotRegular }

// ReadSmall reads the regular file at path whole, refusing a symbolic link
// (the last component is not followed), a FIFO, a device or a socket
// without blocking on it, and a file larger than max. The check is made on
// the open file, so nothing can be swapped in between. A missing file is
// an error satisfying errors.Is(err, fs.ErrNotExist).
func ReadSmall(path string, max int64) ([]byte, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &notRegular{"is a symbolic link (not followed)"}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|sideFlags, 0)
	if err != nil {
		if isLoop(err) {
			return nil, &notRegular{"is a symbolic link (not followed)"}
		}
		return nil, Cause(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, Cause(err)
	}
	if !st.Mode().IsRegular() {
		return nil, &notRegular{"is a " + kind(st.Mode()) + ", not a regular file"}
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%d bytes, more than the %d a real one could be", st.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, Cause(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("more than the %d bytes a real one could be", max)
	}
	return data, nil
}

// ReadSideFile reads rel, a file inside the folder root (a profile or
// user-data dir), with ReadSmall's rules, and refuses it when any folder
// on the way below root is a symbolic link: a side file is never read from
// outside the folder it belongs to.
func ReadSideFile(root, rel string, max int64) ([]byte, error) {
	parts := strings.Split(filepath.Clean(rel), string(filepath.Separator))
	p := root
	for _, dir := range parts[:len(parts)-1] {
		p = filepath.Join(p, dir)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, Cause(err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &notRegular{fmt.Sprintf("%s is a symbolic link (not followed out of %s)", p, root)}
		}
		if !fi.IsDir() {
			return nil, &notRegular{fmt.Sprintf("%s is not a directory", p)}
		}
	}
	return ReadSmall(filepath.Join(root, rel), max)
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "device"
	}
	return "special file"
}

// isLoop reports ELOOP, what O_NOFOLLOW gives for a link swapped in after
// the Lstat.
func isLoop(err error) bool {
	return err != nil && strings.Contains(Cause(err).Error(), "too many levels of symbolic links")
}
