// Command crumbs is a terminal cookie-jar manager: it reads the cookie stores
// of every browser into one jar, explains what each cookie is for, and
// purges and exports them. See docs/cli.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/crumbs-dev/crumbs/internal/cli"
)

// version is set at release time (-ldflags "-X main.version=…", see
// .goreleaser.yaml); a plain build reports "dev".
var version = "dev"

func main() {
	cli.Version = version
	// Ctrl-C cancels the context: a running import rolls back its
	// transaction instead of dying half way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx)
	stop()
	os.Exit(code)
}
