// Command crumbs is a terminal cookie-jar manager: it reads the cookie stores
// of every browser into one jar, explains what each cookie is for, and
// purges and exports them. See docs/cli.md.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
	"github.com/crumbs-dev/crumbs/internal/cli"
)

// version is set at release time (-ldflags "-X main.version=…", see
// .goreleaser.yaml); a plain build reports "dev".
var version = "dev"

// memoryLimit is the Go heap's soft limit for a command: the GC works
// harder near it instead of letting the heap grow to twice the live data,
// which keeps an import of a million cookies under the 1 GB budget
// (docs/budgets.md §5). Smaller work never reaches it; the UI sets a
// lower one of its own.
const memoryLimit = 800 << 20

func main() {
	if v := os.Getenv("GOMEMLIMIT"); v == "" || v == "default" {
		debug.SetMemoryLimit(memoryLimit)
	}
	cli.Version = version
	// Folders of earlier runs that were killed outright (SIGKILL, power
	// cut) hold copies of cookie stores: remove them first.
	cleanup.RemoveStale()
	// SIGINT, SIGTERM, SIGHUP and SIGQUIT cancel the context: a running
	// import rolls back its transaction instead of dying half way, an
	// export leaves its target as it was; if the run does not end within
	// cleanup.Grace, the temp files go anyway and crumbs exits.
	ctx, stop := cleanup.OnSignals(context.Background())
	code := run(ctx, cli.Execute)
	stop()
	// Goroutines still copying (the UI's welcome count) never run their
	// deferred removals once main returns: the registry does it for them.
	cleanup.RemoveAll()
	os.Exit(code)
}

// run runs crumbs (execute is cli.Execute); a panic removes the temp
// files before it goes on.
func run(ctx context.Context, execute func(context.Context) int) int {
	defer func() {
		if r := recover(); r != nil {
			cleanup.RemoveAll()
			panic(r)
		}
	}()
	return execute(ctx)
}
