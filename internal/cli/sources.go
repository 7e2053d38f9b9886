package cli

import (
	"context"
	"fmt"
	"sync"
	"time"

	uc "github.com/crumbs-dev/crumbs/internal/app"
)

// readSources resolves and reads every SOURCE through the use case
// (internal/app.ReadSources), with a progress line on a terminal, and
// prints discovery's warnings. Failed SOURCEs are in the report; the caller
// decides (import: partial success, exit 1).
func (a *app) readSources(ctx context.Context, specs []string, password string) (uc.ReadReport, error) {
	progress := a.progress()
	defer progress.done()
	rr, err := uc.ReadSources(ctx, specs, uc.ReadOptions{
		Env:      a.discoverEnv(),
		Password: password,
		Now:      a.env.Now(),
		Progress: progress.func_,
		Stdin:    a.env.Stdin,
	})
	progress.clear()
	for _, w := range rr.Warnings {
		fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
	}
	return rr, err
}

// readFailures prints every failed SOURCE, one line each, and returns the
// error that ends the run: the failure itself when it is the only thing
// the command was asked to do, else exit 1 after what did work.
func (a *app) readFailures(rr uc.ReadReport) error {
	if len(rr.Failed) == 0 {
		return nil
	}
	if len(rr.Failed) == 1 && len(rr.Reads) == 0 {
		return rr.Failed[0]
	}
	for _, f := range rr.Failed {
		fmt.Fprintln(a.env.Stderr, "crumbs: "+oneLine(f.Error()))
	}
	return &exitError{code: ExitFailure}
}

// password returns --password or $CRUMBS_SAFE_STORAGE_PASSWORD.
func (a *app) password(flag string) string {
	if flag != "" {
		return flag
	}
	return a.env.Getenv("CRUMBS_SAFE_STORAGE_PASSWORD")
}

// progressLine draws "reading SOURCE: n/m" on stderr when stderr is a
// terminal, at most ten times a second; otherwise it does nothing.
type progressLine struct {
	a     *app
	on    bool
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func (a *app) progress() *progressLine {
	return &progressLine{a: a, on: isTerminal(a.env.Stderr)}
}

func (p *progressLine) func_(label string) func(done, total int) {
	if !p.on {
		return nil
	}
	return func(done, total int) {
		p.mu.Lock()
		defer p.mu.Unlock()
		now := time.Now()
		if now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		p.last = now
		if total > 0 {
			fmt.Fprintf(p.a.env.Stderr, "\r\x1b[Kreading %s: %d/%d", oneLine(label), done, total)
		} else {
			fmt.Fprintf(p.a.env.Stderr, "\r\x1b[Kreading %s: %d", oneLine(label), done)
		}
		p.drawn = true
	}
}

func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.a.env.Stderr, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progressLine) done() { p.clear() }
