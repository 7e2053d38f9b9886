package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
)

// WriteOutput writes what write produces to path the way the shell's '>'
// would, except that a regular file only ever exists whole (docs/cli.md,
// "Output files"):
//
//   - "" or "-" is stdout;
//   - a regular file (or a path that does not exist yet) is written to a
//     0600 temporary file in the same directory, synced and renamed over
//     the path, so an error, a crash or a cancelled ctx leaves the old file
//     as it was and no temporary file behind;
//   - a symlink is followed (a chain of them too) and its final target is
//     written that way: the link itself survives (a dotfiles link);
//   - anything else — a character device (/dev/null), a FIFO, a socket, or
//     the process's own descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N,
//     process substitution) — is opened and streamed into, never renamed
//     over, chmod'ed or created.
//
// ctx cancels the write: write should check it (an io.Writer that fails
// once ctx is done is handed to it), and a cancelled atomic write renames
// nothing.
func WriteOutput(ctx context.Context, path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(&ctxWriter{ctx: ctx, w: stdout})
	}
	target, stream, err := resolveOutput(path)
	if err != nil {
		return err
	}
	if stream {
		return streamTo(ctx, path, write)
	}
	return atomicWrite(ctx, path, target, write)
}

// maxLinks bounds a symlink chain, as the kernel's ELOOP does.
const maxLinks = 40

// resolveOutput follows path's symlinks to the file to write. stream is
// true when the final file exists and is not a regular file, or when a
// link in the chain is one of the kernel's descriptor links (their text is
// no path: "pipe:[1234]").
func resolveOutput(path string) (target string, stream bool, err error) {
	p := filepath.Clean(path)
	for i := 0; i <= maxLinks; i++ {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, false, nil // created by the rename
		case err != nil:
			return "", false, fmt.Errorf("%s: %w", path, unwrapPathError(err))
		case fi.Mode().IsRegular():
			return p, false, nil
		case fi.IsDir():
			return "", false, fmt.Errorf("%s: is a directory", path)
		case fi.Mode()&fs.ModeSymlink == 0:
			return p, true, nil // device, FIFO, socket
		case descriptorLink(p):
			return p, true, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", false, fmt.Errorf("%s: %w", path, unwrapPathError(err))
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = filepath.Clean(link)
	}
	return "", false, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// descriptorLink reports whether p names one of the process's descriptors:
// /dev/fd/N, /dev/stdout and kin, /proc/*/fd/N. The directory is resolved
// first, since /dev/fd is itself a link to /proc/self/fd.
func descriptorLink(p string) bool {
	switch p {
	case "/dev/stdin", "/dev/stdout", "/dev/stderr":
		return true
	}
	dir := filepath.Dir(p)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if dir == "/dev/fd" {
		return true
	}
	return strings.HasPrefix(dir, "/proc/") && filepath.Base(dir) == "fd"
}

// streamTo opens a file that is not crumbs' to replace and writes into it.
// A FIFO without a reader is waited for (as the shell waits) but the wait
// ends with ctx; O_NONBLOCK keeps the open itself from blocking.
func streamTo(ctx context.Context, path string, write func(io.Writer) error) error {
	var f *os.File
	for {
		var err error
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|syscall.O_NONBLOCK, 0)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.ENXIO) { // ENXIO: a FIFO with no reader yet
			return fmt.Errorf("%s: cannot write: %w", path, unwrapPathError(err))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	err := write(&ctxWriter{ctx: ctx, w: f})
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%s: %w", path, unwrapPathError(cerr))
	}
	return err
}

// atomicWrite writes target through a 0600 temporary file beside it.
func atomicWrite(ctx context.Context, path, target string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".crumbs-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, unwrapPathError(err))
	}
	forget := cleanup.Register(tmp.Name()) // removed on a signal or panic too
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		forget()
	}()
	// CreateTemp already uses 0600; say it explicitly, it is the contract.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = write(&ctxWriter{ctx: ctx, w: tmp}); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, unwrapPathError(err))
	}
	return nil
}

// ctxWriter fails every write once ctx is done, so that a long export
// stops at the next buffer flush after Ctrl-C.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// unwrapPathError drops the *os.PathError's own path (a temporary name the
// user never asked for) and keeps the reason.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
