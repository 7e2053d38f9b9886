package cli

import (
	"bufio"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/jar"
)

var sortKeys = map[string]jar.SortKey{
	"domain":  jar.SortDomain,
	"name":    jar.SortName,
	"purpose": jar.SortPurpose,
	"expires": jar.SortExpires,
	"source":  jar.SortSource,
	"created": jar.SortCreated,
}

func sortKeyNames() string {
	return "domain, name, purpose, expires, source, created"
}

func (a *app) listCommand() *cobra.Command {
	var (
		asJSON, values, desc bool
		sortBy               string
		limit                int
	)
	cmd := &cobra.Command{
		Use:   "list [FILTER...]",
		Short: "List the cookies in the jar as a table, or as JSON",
		Long: `List the live cookies of the jar (not the trash) that match the filter.

The table shows domain, name, purpose, source, expiry, flags and value.
Values are secrets: they are shown as ******** unless --values is given
(long values are then cut at 60 columns; --json always carries them whole).
Every string is made safe for the terminal first: control characters,
escape sequences and bidi overrides appear as visible escapes (\x1b, \u202e).

FLAGS letters: S secure, H HttpOnly, P partitioned, C in a container,
X value unreadable (for example Chromium v20 app-bound encryption),
K protected (see 'crumbs protect'; list is:protected shows them all).

--json prints the export JSON (the chrome.cookies shape; see 'crumbs export').

` + filterHelp,
		Example: `  crumbs list
  crumbs list purpose:tracking
  crumbs list domain:example.com -is:expired --values
  crumbs list --sort expires --limit 20
  crumbs list --json is:session > sessions.json`,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			f, err := parseFilter(args)
			if err != nil {
				return err
			}
			key, ok := sortKeys[strings.ToLower(sortBy)]
			if !ok {
				return usageErrorf("--sort: unknown column %q (want one of %s)", sortBy, sortKeyNames())
			}
			if limit < 0 {
				return usageErrorf("--limit: must not be negative")
			}
			return a.withReadJar(func(j *jar.Jar) error {
				q := jar.Query{Filter: f, Sort: key, Desc: desc, Limit: limit}
				if !a.classifyInMemory(j) && key == jar.SortDomain && !desc {
					// The default order streams from the jar: a million
					// cookies are listed without holding them (docs/budgets.md §5).
					if asJSON {
						w := cookiejson.NewWriter(a.env.Stdout)
						if err := j.Each(cmd.Context(), q, w.Add); err != nil {
							return err
						}
						return w.Close()
					}
					return a.streamCookieTable(cmd.Context(), j, q, values)
				}
				cs, err := a.readCookies(cmd.Context(), j, q)
				if err != nil {
					return err
				}
				if asJSON {
					w := bufio.NewWriterSize(a.env.Stdout, 256<<10)
					if err := cookiejson.Write(w, cs); err != nil {
						return err
					}
					return w.Flush()
				}
				return a.cookieTable(cs, values, j).write(a.env.Stdout)
			})
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print the export JSON instead of a table")
	fl.BoolVar(&values, "values", false, "show cookie values (masked otherwise)")
	fl.StringVar(&sortBy, "sort", "domain", "sort by column: "+sortKeyNames())
	fl.BoolVar(&desc, "desc", false, "reverse the sort order")
	fl.IntVar(&limit, "limit", 0, "show at most N cookies (0: all)")
	return cmd
}
