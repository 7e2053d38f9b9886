package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// filterKeys are the keys of filter terms (docs/jar.md §Filter language): in clean's
// arguments a word with one of them is a term, any other word a SOURCE.
var filterKeys = map[string]bool{"domain": true, "name": true, "value": true, "purpose": true, "source": true, "is": true}

func isFilterTerm(arg string) bool {
	k, _, ok := strings.Cut(strings.TrimPrefix(arg, "-"), ":")
	return ok && filterKeys[strings.ToLower(k)]
}

func (a *app) cleanCommand() *cobra.Command {
	var (
		purpose, password   string
		dryRun, yes, asJSON bool
	)
	cmd := &cobra.Command{
		Use:     "clean SOURCE... [TERM...] [--purpose P]",
		Short:   "Remove cookies from the browsers' own stores (tracking cookies by default)",
		Long:    cleanLong,
		Example: cleanExample,
		Args:    cobra.MinimumNArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var specs, terms []string
			for _, arg := range args {
				if isFilterTerm(arg) {
					terms = append(terms, arg)
				} else {
					specs = append(specs, arg)
				}
			}
			if len(specs) == 0 {
				return usageErrorf("clean: give at least one SOURCE (a browser, browser:PROFILE, all, or a path)")
			}
			byDefault := len(terms) == 0 && purpose == ""
			if purpose != "" {
				p, err := parsePurpose(purpose)
				if err != nil {
					return err
				}
				terms = append(terms, "purpose:"+string(p))
			}
			if byDefault {
				terms = []string{"purpose:tracking"}
			}
			f, err := parseFilter(terms)
			if err != nil {
				return err
			}
			interactive := isTerminal(a.env.Stdin) && isTerminal(a.env.Stderr)
			if !yes && !dryRun && !interactive {
				return usageErrorf("clean: stdin is not a terminal, so nobody can confirm: add --yes (or --dry-run to look first)")
			}
			if byDefault && !asJSON {
				fmt.Fprintln(a.env.Stderr, "no terms given: removing the tracking cookies")
			}
			j, err := a.existingJar()
			if err != nil {
				return err
			}
			if j != nil {
				defer j.Close()
			}
			plans, err := a.cleanPlans(ctx, specs, f, a.password(password), j)
			if err != nil {
				return err
			}
			if dryRun && !asJSON {
				var cs []cookie.Cookie
				for _, p := range plans {
					cs = append(cs, p.Change.Delete...)
				}
				if len(cs) > 0 {
					if err := a.cookieTable(cs, false, nil).write(a.env.Stdout); err != nil {
						return err
					}
				}
			}
			if !yes && !dryRun {
				ok, err := a.confirmPlans("Remove from", plans)
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(a.env.Stderr, "nothing removed")
					return &exitError{ExitFailure}
				}
			}
			return a.runPlans(ctx, writeback.MadeByClean, plans, dryRun, asJSON)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&purpose, "purpose", "", "only cookies of this purpose: session, personalization, tracking, unknown")
	fl.StringVar(&password, "password", "", "Chromium Safe Storage password (default $CRUMBS_SAFE_STORAGE_PASSWORD)")
	fl.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVarP(&dryRun, "dry-run", "n", false, "show what would be removed, change nothing")
	fl.BoolVar(&asJSON, "json", false, "print the summary as JSON on stdout")
	_ = cmd.RegisterFlagCompletionFunc("purpose", completePurpose)
	return cmd
}

// cleanPlans resolves the SOURCEs and plans each store: read it, classify
// it as the jar would, and pick the matching unprotected cookies.
func (a *app) cleanPlans(ctx context.Context, specs []string, f cookie.Filter, password string, j *jar.Jar) ([]*writeplan.Plan, error) {
	env := a.discoverEnv()
	classifier, err := a.classifier()
	if err != nil {
		return nil, err
	}
	prot, err := a.protections(ctx, j)
	if err != nil {
		return nil, err
	}
	now := a.env.Now()
	var plans []*writeplan.Plan
	seen := map[string]bool{}
	for _, spec := range specs {
		ts, err := source.Resolve(ctx, spec, env)
		if ws := discover.WarningsOf(err); ws != nil {
			for _, w := range ws {
				fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
			}
		} else if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if seen[t.SourceID] {
				continue
			}
			seen[t.SourceID] = true
			s, err := writeback.FromTarget(t, password)
			p := writeplan.Start(ctx, s, err, now)
			plans = append(plans, p)
			if p.Refused != "" {
				continue
			}
			var verdicts map[cookie.Identity]cookie.Purpose
			if j != nil {
				if verdicts, err = j.Verdicts(ctx, s.Source); err != nil {
					return nil, err
				}
			}
			for i := range p.Before {
				c := &p.Before[i]
				if v, ok := verdicts[c.Identity()]; ok {
					c.Purpose, c.VerdictBy = v, cookie.EvidenceUser
				} else {
					classifier.Classify(c)
				}
				if !f.Match(c, now) {
					continue
				}
				if _, ok := prot.Match(c, now); ok {
					p.Protected++
					continue
				}
				p.Change.Delete = append(p.Change.Delete, *c)
				p.Removed[c.Purpose]++
			}
			p.Finish()
			if j != nil && len(p.Change.Delete) > 0 {
				ids := make([]cookie.Identity, len(p.Change.Delete))
				for i := range p.Change.Delete {
					ids[i] = p.Change.Delete[i].Identity()
				}
				summary := fmt.Sprintf("clean %s: %s removed from the browser", s.Source, p.RemovedText())
				p.AfterRun = func(ctx context.Context) error {
					_, err := j.FollowClean(ctx, ids, summary)
					return err
				}
			}
		}
	}
	writeplan.SortPlans(plans)
	return plans, nil
}

// protections returns the protections of docs/jar.md §Protections that clean and apply
// honour: the jar's and the rules file's, or with no jar the rules file's.
func (a *app) protections(ctx context.Context, j *jar.Jar) (*jar.Protector, error) {
	if j != nil {
		return j.Protector(ctx)
	}
	c, err := a.classifier()
	if err != nil {
		return nil, err
	}
	var ps []jar.Protection
	if pc, ok := c.(*purpose.Classifier); ok {
		for _, fp := range pc.Protections() {
			p, err := jar.FileProtection(fp.Filter, fp.File, fp.Line)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", fp.File, fp.Line, err)
			}
			ps = append(ps, p)
		}
	}
	return jar.NewProtector(ps), nil
}

// cleanLong is the --help text of crumbs clean (long).
const cleanLong = `Remove cookies from each SOURCE's own store, read straight from the browser
(no jar needed). This changes the browser: with no TERM and no --purpose it
removes the tracking cookies; with terms it removes every cookie that
matches them, and --purpose narrows further. Protected cookies are never
removed, and the summary counts them.

Arguments: a word without a filter key is a SOURCE (a browser, browser:PROFILE,
all, or a path); a key:value term (domain:, name:, value:, purpose:, source:,
is:) or a negated one (-is:session) narrows what is removed. Free words are
not filters here, so 'clean chromium' always means the browser.

Purposes are decided as in the jar: your verdicts recorded in the jar for
that source's cookies, your rules file, then crumbs' built-in knowledge.

Safety, per store: the browser must be closed (else the store is refused,
exit 1); every file of the store is copied into a backup first
($XDG_DATA_HOME/crumbs/backups/SOURCE/ID/); the change is one transaction;
afterwards SQLite's integrity check and crumbs' own re-read must show exactly
the intended store, or the backup is put back and the command fails.
'crumbs backups restore SOURCE' undoes a clean. If the jar holds the removed
cookies, they move to its trash as one undo step.

Confirmation: on a terminal, clean names the counts per source and asks
first unless --yes is given; without a terminal it needs --yes.
--dry-run shows what would go and changes nothing. --json prints one object
per source (see docs/writeback.md).`

// cleanExample is the --help text of crumbs clean (example).
const cleanExample = `  crumbs clean firefox --dry-run             # what would go
  crumbs clean firefox chrome --yes           # remove their tracking cookies
  crumbs clean chrome domain:doubleclick.net  # every cookie of that site
  crumbs backups restore firefox:default-release   # undo a clean`
