//go:build unix

package purpose

import (
	"syscall"
	"time"
)

// cpuTime is this process's user+system CPU time: what the throughput test
// divides by, so that other work on the machine does not count against it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
