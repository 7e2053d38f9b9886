package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/discover"
	uc "github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/ui"
)

// setupUI makes the root command (crumbs with no command) open the UI.
func (a *app) setupUI(root *cobra.Command) {
	var readOnly, mouse bool
	root.Flags().BoolVar(&readOnly, "readonly", false, "open the UI without any action that changes the jar")
	root.Flags().BoolVar(&mouse, "mouse", false, "let the UI use the mouse (stops text selection in the terminal)")
	root.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		open := a.withJar
		if readOnly {
			// Read-only never creates a jar; a missing one is said first.
			open = a.withReadJar
			if err := a.jarExists(); err != nil {
				return err
			}
		}
		if !isTerminal(a.env.Stdin) || !isTerminal(a.env.Stdout) {
			return errors.New("the UI needs a terminal on stdin and stdout; for scripts see 'crumbs --help' (list, export, purge, …)")
		}
		return open(func(j *jar.Jar) error {
			opts := ui.Options{
				ReadOnly: readOnly,
				Mouse:    mouse,
				NoColor:  a.noColor || a.env.Getenv("NO_COLOR") != "",
				Discover: a.uiDiscover,
				Read:     a.uiRead,
			}
			c, err := a.classifier()
			if err != nil {
				return err
			}
			opts.Classifier = c
			if !readOnly {
				// W and the purge dialog's "purge and clean the browsers"
				// (docs/writeback.md).
				if env, err := a.planEnv(a.password("")); err == nil {
					opts.WriteBack = &env
				}
			}
			a.registerVendors() // the report screen and vendor: use the user's rules too (report.go)
			return ui.Run(cmd.Context(), j, opts)
		})
	})
}

// uiDiscover lists profiles for the UI's import picker.
func (a *app) uiDiscover(ctx context.Context) ([]ui.Profile, error) {
	ps, err := discover.Discover(a.discoverEnv())
	if err != nil && discover.WarningsOf(err) == nil {
		return nil, err
	}
	out := make([]ui.Profile, 0, len(ps))
	for _, p := range ps {
		up := ui.Profile{
			Spec: p.SourceID(), Browser: p.Browser, Name: p.Name,
			Path: p.Store, Running: p.Running, Cookies: -1,
		}
		if p.Store == "" {
			up.Err = "no cookie store yet"
		} else if n, err := discover.CountCookies(ctx, p); err != nil {
			up.Err = err.Error()
		} else {
			up.Cookies = n
		}
		out = append(out, up)
	}
	return out, nil
}

// uiRead reads one profile for the UI's import, without touching the jar,
// through the same use case as crumbs import (internal/app.ReadSources).
func (a *app) uiRead(ctx context.Context, p ui.Profile, progress func(done, total int)) ([]jar.Batch, []string, error) {
	rr, err := uc.ReadSources(ctx, []string{p.Spec}, uc.ReadOptions{
		Env:      a.discoverEnv(),
		Password: a.password(""),
		Now:      a.env.Now(),
		Progress: func(string) func(done, total int) { return progress },
	})
	if err != nil {
		return nil, nil, err
	}
	warnings := rr.Warnings
	for _, r := range rr.Reads {
		if r.Result.Refused > 0 {
			warnings = append(warnings, r.Line(a.env.Getenv("HOME")))
		}
		warnings = append(warnings, r.Result.Warnings...)
	}
	if len(rr.Failed) > 0 {
		return nil, warnings, rr.Failed[0]
	}
	return rr.Batches(false), warnings, nil
}
