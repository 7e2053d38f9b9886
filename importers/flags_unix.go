//go:build unix

package importers

import "syscall"

// sideFlags keeps a side file's open from following a symbolic link or
// blocking on a FIFO.
const sideFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
