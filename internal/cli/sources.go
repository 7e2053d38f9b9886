package cli

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/importers/source"
)

// readSource is one store read for import or export --from.
type readSource struct {
	Spec   string // the SOURCE argument it came from
	ID     string // source id written into the cookies
	Path   string
	Result *importers.Result
}

// readSources resolves every SOURCE argument and reads every store it names.
// A store that fails is fatal when its argument named exactly one store; when
// an argument stands for several (all, or a browser with several profiles)
// the failing ones are reported on stderr and skipped, unless all of them
// fail. Nothing here touches the jar.
func (a *app) readSources(ctx context.Context, specs []string, password string) ([]readSource, error) {
	env := a.discoverEnv()
	type job struct {
		spec   string
		target source.Target
		many   bool
	}
	var jobs []job
	for _, spec := range specs {
		ts, err := source.Resolve(ctx, spec, env)
		if ws := discover.WarningsOf(err); ws != nil {
			// Some profiles were refused (a symlink out of the profile, a
			// FIFO for a database); the targets returned are good.
			for _, w := range ws {
				fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
			}
		} else if err != nil {
			return nil, err
		}
		for _, t := range ts {
			jobs = append(jobs, job{spec: spec, target: t, many: len(ts) > 1})
		}
	}
	progress := a.progress()
	defer progress.done()
	var out []readSource
	failed := map[string]int{}
	total := map[string]int{}
	for _, jb := range jobs {
		total[jb.spec]++
		t := jb.target
		opts := t.Options
		opts.Password = password
		opts.Now = a.env.Now()
		opts.Progress = progress.func_(t.SourceID)
		res, err := t.Read(ctx, opts)
		if err == nil {
			err = nothingRecognised(t.Path, res)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !jb.many {
				return nil, err
			}
			failed[jb.spec]++
			progress.clear()
			fmt.Fprintf(a.env.Stderr, "crumbs: warning: skipped %s: %s\n", oneLine(t.SourceID), oneLine(err.Error()))
			continue
		}
		out = append(out, readSource{Spec: jb.spec, ID: t.SourceID, Path: t.Path, Result: res})
	}
	for spec, n := range failed {
		if n == total[spec] {
			return nil, fmt.Errorf("%s: every store failed to read (see the warnings above)", spec)
		}
	}
	return out, nil
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

// nothingRecognised turns a read that found no cookie but refused rows or
// warned into an error (PRODUCT §11: a script handed the wrong file must
// notice). A store that is simply empty (a fresh profile, a cookies.txt with
// only its header) is not an error.
func nothingRecognised(path string, res *importers.Result) error {
	if res == nil {
		return importers.Errorf(path, "no result from the reader")
	}
	if len(res.Cookies) > 0 || (res.Refused == 0 && len(res.Warnings) == 0) {
		return nil
	}
	if len(res.Warnings) > 0 {
		// Warnings already name the file.
		return fmt.Errorf("%s (nothing recognisable as a cookie)", res.Warnings[0])
	}
	return importers.Errorf(path, "nothing recognisable as a cookie: all %d rows refused", res.Refused)
}
