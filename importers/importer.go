// Package importers turns browser cookie stores and cookie files into
// cookie.Cookie values. Each store format has a package of its own below this
// one; they all read through the same small contract defined here and know
// nothing of the jar's SQL or of the terminal UI.
//
// Readers never change a source file: SQLite stores are read from a private
// snapshot copy (package snapshot).
package importers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Options carries what some readers need. The zero value is usable.
type Options struct {
	// Source is the id written into every cookie's Source field
	// ("firefox:default-release", "file:cookies.txt").
	Source string
	// Browser is the discovered browser id ("chrome", "brave", "firefox", …);
	// empty for a bare file. Chromium readers use it to pick keyring names.
	Browser string
	// Password is the Chromium Safe Storage password given by hand
	// (--password / CRUMBS_SAFE_STORAGE_PASSWORD); empty means ask the OS.
	Password string
	// Now is the clock reading used for "session"/"expired" decisions; zero
	// means time.Now().
	Now time.Time
	// Progress, if set, is called now and then with rows done and rows total
	// (total may be 0 when unknown). It must be cheap.
	Progress func(done, total int)
}

// Clock returns o.Now or, when unset, the current time.
func (o Options) Clock() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// Result is what a reader found.
type Result struct {
	Cookies []cookie.Cookie
	// Refused counts rows or lines that were not imported; Warnings say why,
	// one line each, already naming the file.
	Refused  int
	Warnings []string
}

// Warnf appends a warning.
func (r *Result) Warnf(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// Reader reads one cookie store or cookie file.
type Reader interface {
	// Read reads every cookie of the store at path. A store in which nothing
	// is recognisable as a cookie is an error; a store with some bad rows
	// returns the good ones and counts the rest in Result.Refused.
	Read(ctx context.Context, path string, opts Options) (*Result, error)
}

// ReaderFunc adapts a function to Reader.
type ReaderFunc func(ctx context.Context, path string, opts Options) (*Result, error)

// Read calls f.
func (f ReaderFunc) Read(ctx context.Context, path string, opts Options) (*Result, error) {
	return f(ctx, path, opts)
}

// FileError is an error about one input file: it always names the file.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Errorf returns a FileError for path.
func Errorf(path, format string, args ...any) error {
	return &FileError{Path: path, Err: fmt.Errorf(format, args...)}
}

// FileErr returns a FileError for path whose message is err's cause without
// the *fs.PathError wrapping, which would name the path a second time.
func FileErr(path string, err error) error {
	return &FileError{Path: path, Err: Cause(err)}
}

// Cause strips an *fs.PathError (open, stat, read) down to its reason, so
// that a message names the file once.
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// OpenRegular opens path for reading only if it is a regular file. It opens
// without blocking and checks the open file itself, so a FIFO or device put
// where a cookie file should be is refused without hanging, and nothing can
// be swapped in between the check and the read.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, FileErr(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, FileErr(path, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		if st.IsDir() {
			return nil, nil, Errorf(path, "is a directory, not a cookie file")
		}
		return nil, nil, Errorf(path, "not a regular file (%s)", st.Mode().Type())
	}
	return f, st, nil
}

// FileSource is the source id of a file read without one given: "file:"
// and its absolute, cleaned path, the id package source gives every file
// (source.FileSourceID).
func FileSource(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file:" + filepath.Clean(path)
}
