//go:build !unix

package purpose

import "time"

// cpuTime is not measured here; the throughput test falls back to wall time.
func cpuTime() time.Duration { return 0 }
