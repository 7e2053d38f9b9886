package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes a file that only ever exists whole and private:
// the content goes to a 0600 temporary file in the same directory, which is
// synced and then renamed over path. A crash or an error leaves any earlier
// file at path untouched and no temporary file behind.
func writeFileAtomic(path string, write func(w io.Writer) error) (err error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".crumbs-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, unwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp already uses 0600; say it explicitly, it is the contract.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, unwrapPathError(err))
	}
	return nil
}

// unwrapPathError drops the *os.PathError's own path (a temporary name the
// user never asked for) and keeps the reason.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		return le.Err
	}
	return err
}
