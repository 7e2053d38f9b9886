package cleanup

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Grace is how long a signalled crumbs may take to stop on its own
// (rolling back an import, dropping a partial export) before it removes
// what is registered and exits anyway: the contract is "within a second".
const Grace = 700 * time.Millisecond

// Signals is what crumbs stops on.
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// OnSignals returns a context cancelled by the first of Signals. The run
// then has Grace to end by itself; after that, or at a second signal, every
// registered path is removed and the process exits with 128+signal.
func OnSignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, Signals...)
	done := make(chan struct{})
	go func() {
		var sig os.Signal
		select {
		case sig = <-ch:
		case <-done:
			return
		}
		cancel()
		select {
		case <-ch:
		case <-time.After(Grace):
		case <-done:
			return
		}
		RemoveAll()
		code := 1
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
