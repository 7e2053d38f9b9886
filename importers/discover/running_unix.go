//go:build !windows

package discover

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pidAlive reports whether a process with this pid exists (kill 0; EPERM
// means it exists but belongs to someone else).
func pidAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}

// fileLockHeld reports whether another process holds an fcntl lock on path.
// The file is opened read-only, without following symlinks and without
// blocking (a FIFO would otherwise hang us); F_GETLK only asks.
func fileLockHeld(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		return false
	}
	return lk.Type != unix.F_UNLCK
}
