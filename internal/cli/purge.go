package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) purgeCommand() *cobra.Command {
	var (
		purpose                       string
		dryRun, yes, includeProtected bool
	)
	cmd := &cobra.Command{
		Use:     "purge [FILTER...] [--purpose P]",
		Short:   "Move every matching cookie to the trash",
		Long:    purgeLong + filterHelp,
		Example: purgeExample,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			terms := args
			if purpose != "" {
				p, err := parsePurpose(purpose)
				if err != nil {
					return err
				}
				terms = append(append([]string(nil), args...), "purpose:"+string(p))
			}
			f, err := parseFilter(terms)
			if err != nil {
				return err
			}
			interactive := isTerminal(a.env.Stdin) && isTerminal(a.env.Stderr)
			if !yes && !dryRun && !interactive {
				return usageErrorf("purge: stdin is not a terminal, so nobody can confirm: add --yes (or --dry-run to look first)")
			}
			return a.withJar(func(j *jar.Jar) error {
				ctx := cmd.Context()
				if yes && !dryRun {
					return a.purgeNow(ctx, j, f, includeProtected)
				}
				all, err := matching(ctx, j, f)
				if err != nil {
					return err
				}
				if len(all) == 0 {
					fmt.Fprintln(a.env.Stderr, "no cookie matches: nothing to purge")
					return nil
				}
				cs, kept := all, 0
				if !includeProtected {
					cs, kept = unprotected(all)
				}
				sites := siteCount(cs)
				scope := plural(len(cs), "cookie", "cookies") + " on " + plural(sites, "site", "sites")
				keptNote := ""
				if kept > 0 {
					keptNote = fmt.Sprintf(", kept %d protected", kept)
				}
				if len(cs) == 0 {
					fmt.Fprintf(a.env.Stderr, "every matching cookie is protected: nothing to purge (kept %d protected; --include-protected takes them)\n", kept)
					return nil
				}
				if dryRun {
					if err := a.cookieTable(cs, false, j).write(a.env.Stdout); err != nil {
						return err
					}
					fmt.Fprintf(a.env.Stderr, "dry run: would move %s to the trash%s\n", scope, keptNote)
					return nil
				}
				if !yes {
					q := fmt.Sprintf("Move %s to the trash?", scope)
					if kept > 0 {
						q = fmt.Sprintf("Move %s to the trash (%d protected kept)?", scope, kept)
					}
					ok, err := a.confirm(q)
					if err != nil {
						return err
					}
					if !ok {
						fmt.Fprintln(a.env.Stderr, "nothing purged")
						return &exitError{ExitFailure}
					}
				}
				r, err := j.PurgeWith(ctx, f, jar.RemoveOptions{IncludeProtected: includeProtected})
				if err != nil {
					return err
				}
				a.reportPurge(r, sites)
				return nil
			})
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&purpose, "purpose", "", "only cookies of this purpose: session, personalization, tracking, unknown")
	fl.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVarP(&dryRun, "dry-run", "n", false, "show what would be purged, change nothing")
	fl.BoolVar(&includeProtected, "include-protected", false, "take protected cookies too (see 'crumbs protect')")
	_ = cmd.RegisterFlagCompletionFunc("purpose", completePurpose)
	return cmd
}

// purgeNow is purge --yes: nobody is asked, so nothing is read before the
// purge itself, which counts what it moved and kept (a purge costs what it
// removes, docs/budgets.md §2). The messages are those of a purge that
// asked first.
func (a *app) purgeNow(ctx context.Context, j *jar.Jar, f cookie.Filter, includeProtected bool) error {
	r, err := j.PurgeWith(ctx, f, jar.RemoveOptions{IncludeProtected: includeProtected})
	if err != nil {
		return err
	}
	switch {
	case r.Moved == 0 && r.Kept > 0:
		fmt.Fprintf(a.env.Stderr, "every matching cookie is protected: nothing to purge (kept %d protected; --include-protected takes them)\n", r.Kept)
		return nil
	case r.Moved == 0:
		fmt.Fprintln(a.env.Stderr, "no cookie matches: nothing to purge")
		return nil
	}
	a.reportPurge(r, r.Sites)
	return nil
}

// reportPurge says what a purge moved (on how many sites) and kept.
func (a *app) reportPurge(r jar.Removal, sites int) {
	scope := plural(r.Moved, "cookie", "cookies") + " on " + plural(sites, "site", "sites")
	note := ""
	switch {
	case r.Kept > 0:
		note = fmt.Sprintf(", kept %d protected", r.Kept)
	case r.Protected > 0:
		note = fmt.Sprintf(", %d of them protected (--include-protected)", r.Protected)
	}
	fmt.Fprintf(a.env.Stderr, "moved %s to the trash%s — crumbs undo reverts it\n", scope, note)
}

// unprotected drops the protected cookies of cs (the jar sets ProtectedBy)
// and counts them.
func unprotected(cs []cookie.Cookie) ([]cookie.Cookie, int) {
	out := make([]cookie.Cookie, 0, len(cs))
	for i := range cs {
		if cs[i].ProtectedBy == "" {
			out = append(out, cs[i])
		}
	}
	return out, len(cs) - len(out)
}

// confirm asks a y/N question on stderr and reads the answer from stdin.
// Anything but y or yes is no.
func (a *app) confirm(question string) (bool, error) {
	fmt.Fprintf(a.env.Stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(a.env.Stderr)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

func completePurpose(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"session", "personalization", "tracking", "unknown"}, cobra.ShellCompDirectiveNoFileComp
}

// purgeLong is the --help text of crumbs purge (long).
const purgeLong = `Move every live cookie that matches the filter (and --purpose) to the trash,
as one change: 'crumbs undo' brings them all back, and 'crumbs trash restore'
can bring back any of them later.

With no filter and no --purpose, purge selects every cookie in the jar.

Confirmation: on a terminal, purge asks y/N first unless --yes is given.
When stdin is not a terminal (a script, a pipe) there is nobody to ask, so
purge refuses with exit code 2 unless --yes is given.

Protected cookies (see 'crumbs protect') are kept: the summary says how
many ("kept 3 protected"). --include-protected takes them too, for the rare
case, and says how many of them it took.

--dry-run changes nothing: it prints the cookies that would go (the same
table as 'crumbs list') on stdout and the count on stderr.

`

// purgeExample is the --help text of crumbs purge (example).
const purgeExample = `  crumbs purge --purpose tracking             # asks, then purges
  crumbs purge --purpose tracking --yes       # no question (scripts)
  crumbs purge domain:doubleclick.net --yes
  crumbs purge --purpose tracking -source:chrome:Default --dry-run
  crumbs purge domain:example.com --include-protected --yes`
