package cli

import (
	"runtime/debug"
)

// inputMemoryLimit is the Go heap's soft limit while crumbs reads a whole
// store or file into memory (import, export --from). Issue 8 item 4 bounds
// the peak memory of any input under 100 MB at 512 MB: a 99 MB JSON file
// of 199,000 cookies (under importers.MaxCookies) is ~300 MB live, and the
// GC's default slack (GOGC=100) took the process to 640–820 MB; with this
// limit the same runs peak at 400–445 MB for the same CPU, and a 100k-cookie
// store, far below it, runs as before (docs/decisions.md "Bounds on hostile
// input"). The limit is soft: a larger live heap only makes the GC run more
// often, never fails.
const inputMemoryLimit = 384 << 20

// limitInputMemory sets inputMemoryLimit unless the user set GOMEMLIMIT.
func (a *app) limitInputMemory() {
	if a.env.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if debug.SetMemoryLimit(-1) > inputMemoryLimit {
		debug.SetMemoryLimit(inputMemoryLimit)
	}
}
