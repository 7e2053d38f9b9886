package cli

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) trashCommand() *cobra.Command {
	var asJSON, values bool
	list := func(cmd *cobra.Command, args []string) error {
		f, err := parseFilter(args)
		if err != nil {
			return err
		}
		return a.withReadJar(func(j *jar.Jar) error {
			ts, err := trashMatching(cmd, j, f)
			if err != nil {
				return err
			}
			if asJSON {
				cs := make([]cookie.Cookie, len(ts))
				for i := range ts {
					cs[i] = ts[i].Cookie
				}
				w := bufio.NewWriterSize(a.env.Stdout, 256<<10)
				if err := cookiejson.Write(w, cs); err != nil {
					return err
				}
				return w.Flush()
			}
			t := &table{header: []string{"DELETED", "DOMAIN", "NAME", "PURPOSE", "SOURCE", "VALUE"}}
			for i := range ts {
				c := &ts[i].Cookie
				t.add(ts[i].DeletedAt.Local().Format("2006-01-02 15:04"),
					termsafe.String(c.Domain), truncate(termsafe.String(c.Name), 60),
					string(c.Purpose), termsafe.String(c.Source), valueCell(c, values, 60))
			}
			return t.write(a.env.Stdout)
		})
	}

	cmd := &cobra.Command{
		Use:   "trash [list|restore [FILTER...]|empty]",
		Short: "List, restore or empty the trash",
		Long: `Deleted and purged cookies wait in the trash until it is emptied.

  crumbs trash [list] [FILTER...]   the cookies in the trash, newest first
  crumbs trash restore [FILTER...]  put matching cookies (all without a filter) back
  crumbs trash empty                forget the trash for good (asks; --yes in scripts)

Restoring is one change, so 'crumbs undo' reverts it. It restores the most
recently deleted copy of each cookie and never overwrites a newer one: a
live cookie set later than the trashed copy is kept (counted as skipped).
Emptying cannot be undone: the values leave the jar file and its history.`,
		Example: `  crumbs trash
  crumbs trash restore domain:example.com
  crumbs trash empty --yes`,
		RunE: a.run(list),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the export JSON instead of a table")
	cmd.Flags().BoolVar(&values, "values", false, "show cookie values (masked otherwise)")

	listCmd := &cobra.Command{
		Use:     "list [FILTER...]",
		Short:   "List the cookies in the trash",
		Example: "  crumbs trash list\n  crumbs trash list --json purpose:tracking",
		RunE:    a.run(list),
	}
	listCmd.Flags().BoolVar(&asJSON, "json", false, "print the export JSON instead of a table")
	listCmd.Flags().BoolVar(&values, "values", false, "show cookie values (masked otherwise)")

	restoreCmd := &cobra.Command{
		Use:     "restore [FILTER...]",
		Short:   "Put cookies from the trash back into the jar",
		Long:    "Put the trashed cookies that match the filter back; with no filter, all of them.\n\n" + filterHelp,
		Example: "  crumbs trash restore\n  crumbs trash restore domain:example.com name:sid",
		RunE:    a.run(a.trashRestore),
	}

	var yes bool
	emptyCmd := &cobra.Command{
		Use:   "empty",
		Short: "Delete the cookies in the trash for good",
		Long: `Forget every cookie in the trash for good. This cannot be undone: the
values are removed from the trash and from the undo history, and the jar file
is rewritten (SQLite secure_delete, VACUUM, then a checkpoint that empties the
-wal) so that no copy of them stays in it.

On a terminal it asks y/N first unless --yes is given; when stdin is not a
terminal it refuses (exit 2) without --yes.`,
		Example: "  crumbs trash empty\n  crumbs trash empty --yes",
		Args:    cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			return a.trashEmpty(cmd, yes)
		}),
	}
	emptyCmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")

	cmd.AddCommand(listCmd, restoreCmd, emptyCmd)
	return cmd
}

// trashRestore puts the trashed cookies matching the filter in args back
// (all of them without a filter), as one undoable change.
func (a *app) trashRestore(cmd *cobra.Command, args []string) error {
	f, err := parseFilter(args)
	if err != nil {
		return err
	}
	return a.withJar(func(j *jar.Jar) error {
		var sel []int64 // nil restores everything
		if !f.IsEmpty() {
			ts, err := trashMatching(cmd, j, f)
			if err != nil {
				return err
			}
			if len(ts) == 0 {
				fmt.Fprintln(a.env.Stderr, "no cookie in the trash matches: nothing restored")
				return nil
			}
			sel = make([]int64, len(ts))
			for i := range ts {
				sel[i] = ts[i].ID
			}
		}
		n, skipped, err := j.RestoreCounted(cmd.Context(), sel)
		if err != nil {
			return err
		}
		if skipped > 0 {
			fmt.Fprintf(a.env.Stderr, "kept %s newer than the trashed copy\n", plural(skipped, "live cookie", "live cookies"))
		}
		fmt.Fprintf(a.env.Stderr, "restored %s from the trash — crumbs undo reverts it\n", plural(n, "cookie", "cookies"))
		return nil
	})
}

// trashEmpty forgets the trash for good, after asking unless yes.
func (a *app) trashEmpty(cmd *cobra.Command, yes bool) error {
	if !yes && !(isTerminal(a.env.Stdin) && isTerminal(a.env.Stderr)) {
		return usageErrorf("trash empty: stdin is not a terminal, so nobody can confirm: add --yes")
	}
	return a.withJar(func(j *jar.Jar) error {
		if !yes {
			counts, err := j.Counts(cmd.Context())
			if err != nil {
				return err
			}
			if counts.Trash == 0 {
				fmt.Fprintln(a.env.Stderr, "the trash is already empty")
				return nil
			}
			ok, err := a.confirm(fmt.Sprintf("Forget the %s in the trash for good? This cannot be undone.", plural(counts.Trash, "cookie", "cookies")))
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(a.env.Stderr, "the trash was left as it was")
				return &exitError{ExitFailure}
			}
		}
		n, err := j.EmptyTrash(cmd.Context())
		if err != nil {
			return err
		}
		fmt.Fprintf(a.env.Stderr, "forgot %s from the trash (cannot be undone)\n", plural(n, "cookie", "cookies"))
		return nil
	})
}

// trashMatching returns the trashed cookies the filter selects, newest first
// as the jar returns them.
func trashMatching(cmd *cobra.Command, j *jar.Jar, f cookie.Filter) ([]jar.Trashed, error) {
	ts, err := j.Trash(cmd.Context())
	if err != nil || f.IsEmpty() {
		return ts, err
	}
	now := j.Now()
	out := ts[:0]
	for _, t := range ts {
		if f.Match(&t.Cookie, now) {
			out = append(out, t)
		}
	}
	return out, nil
}
