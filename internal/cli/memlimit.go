package cli

import (
	"os"
	"runtime/debug"
)

// inputMemoryLimit is the Go heap's soft limit while crumbs reads cookie
// files into memory (import, export --from) whose total size is at most
// smallInput. Issue 8 item 4 bounds the peak memory of any input under
// 100 MB at 512 MB: a 99 MB JSON file of 199,000 cookies (under
// importers.MaxCookies) is ~300 MB live, and the GC's slack under main's
// 800 MiB limit took the process to 640–820 MB; with this limit the same
// runs peak at 365–431 MB for the same CPU (docs/decisions.md "Bounds on
// hostile input"). Larger work — several stores, a browser's profiles, a
// million-cookie import — keeps main's limit (docs/budgets.md §5): its
// live heap may pass 384 MiB, where this limit would only make the GC run
// without pause. The limit is soft: it never fails a run.
const (
	inputMemoryLimit = 384 << 20
	smallInput       = 100 << 20
)

// limitInputMemory sets inputMemoryLimit when every path is a regular
// file and together they are at most smallInput bytes, unless the user
// set GOMEMLIMIT.
func (a *app) limitInputMemory(paths ...string) {
	if v := a.env.Getenv("GOMEMLIMIT"); v != "" && v != "default" {
		return
	}
	var total int64
	for _, p := range paths {
		if p == "-" {
			continue // standard input: copied to a file, read as one; not sized here
		}
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			return
		}
		total += st.Size()
	}
	if len(paths) == 0 || total > smallInput {
		return
	}
	if debug.SetMemoryLimit(-1) > inputMemoryLimit {
		debug.SetMemoryLimit(inputMemoryLimit)
	}
}
