//go:build unix

package snapshot

import "syscall"

// openFlags keeps a source open from following a symbolic link or blocking
// on a FIFO that replaced the file after it was checked.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
