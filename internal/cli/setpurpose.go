package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) setPurposeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set-purpose PURPOSE FILTER...",
		Short: "Give matching cookies your own purpose verdict",
		Long: `Set the purpose of every live cookie that matches the filter as your own
verdict. A user verdict beats every rule, survives re-imports and updates of
crumbs' knowledge, and is marked with * in 'crumbs list'.

PURPOSE is session, personalization, tracking or unknown (or a prefix of
one), or "auto" to drop your verdict and let the rules decide again.
A filter is required, so that a slip cannot relabel the whole jar.
One change: 'crumbs undo' reverts it.

` + filterHelp,
		Example: `  crumbs set-purpose session domain:example.com name:remember_me
  crumbs set-purpose tracking name:_ga
  crumbs set-purpose auto domain:example.com`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("set-purpose needs a PURPOSE and at least one FILTER term")
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return []string{"session", "personalization", "tracking", "unknown", "auto"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			auto := strings.EqualFold(args[0], "auto")
			var p cookie.Purpose
			if !auto {
				var err error
				if p, err = parsePurpose(args[0]); err != nil {
					return err
				}
			}
			f, err := parseFilter(args[1:])
			if err != nil {
				return err
			}
			return a.withJar(func(j *jar.Jar) error {
				ctx := cmd.Context()
				cs, err := matching(ctx, j, f)
				if err != nil {
					return err
				}
				if len(cs) == 0 {
					fmt.Fprintln(a.env.Stderr, "no cookie matches: nothing changed")
					return nil
				}
				var n int
				if auto {
					n, err = j.ClearVerdict(ctx, ids(cs))
				} else {
					n, err = j.SetPurpose(ctx, ids(cs), p)
				}
				if err != nil {
					return err
				}
				what := "set purpose " + string(p) + " on"
				if auto {
					what = "cleared your verdict on"
				}
				fmt.Fprintf(a.env.Stderr, "%s %s — crumbs undo reverts it\n", what, plural(n, "cookie", "cookies"))
				return nil
			})
		}),
	}
}
