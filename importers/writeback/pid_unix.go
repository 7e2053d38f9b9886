//go:build !windows

package writeback

import "golang.org/x/sys/unix"

// pidAlive reports whether a process with this pid exists (kill 0; EPERM
// means it exists but is someone else's).
func pidAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}
