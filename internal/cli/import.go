package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/jar"
)

func (a *app) importCommand() *cobra.Command {
	var (
		password      string
		prune, dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "import SOURCE...",
		Short: "Read browser stores and cookie files into the jar",
		Long: `Read cookies from browsers and files into the jar. New cookies are added,
changed ones updated, nothing is removed unless --prune is given. Importing
the same store twice changes nothing. All SOURCEs go in as ONE change:
'crumbs undo' reverts the whole import.

SOURCE is
  a browser id: firefox, chrome, chromium, brave, edge, opera, vivaldi,
    librewolf, safari, … (every profile of it; 'crumbs browsers' lists them)
  browser:PROFILE: one profile by display or folder name (chrome:"Profile 1")
  all: every profile of every browser found
  a path: a profile folder, a Chromium user-data folder, a cookie database
    (cookies.sqlite, Cookies), a Cookies.binarycookies, a cookies.txt or a
    .json export (Cookie-Editor, EditThisCookie, crumbs export --format json)

Browser files are never changed: databases are read from a private copy.

Encrypted Chromium values need the Safe Storage password; crumbs asks the OS
keyring. For a profile copied from another machine give it with --password
or CRUMBS_SAFE_STORAGE_PASSWORD.

A summary per source goes to stderr: cookies read, rows refused and why;
then what the import added, updated, left unchanged and pruned.
Nothing is written to the jar when any explicitly named source fails.`,
		Example: `  crumbs import firefox
  crumbs import chrome:Default brave
  crumbs import all --prune
  crumbs import ~/Downloads/cookies.txt
  crumbs import ./Cookies --password peanuts --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("import needs at least one SOURCE (a browser, all, or a path)")
			}
			return nil
		},
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			reads, err := a.readSources(ctx, args, a.password(password))
			if err != nil {
				return err
			}
			batches := make([]jar.Batch, 0, len(reads))
			for _, r := range reads {
				batches = append(batches, jar.Batch{Source: r.ID, File: r.Path, Cookies: r.Result.Cookies})
			}
			return a.withJar(func(j *jar.Jar) error {
				st, err := j.Import(ctx, batches, jar.ImportOptions{Prune: prune, DryRun: dryRun})
				if err != nil {
					return err
				}
				// Summaries only once the import is in: a failure is one line.
				for _, r := range reads {
					a.reportRead(r)
				}
				// Several sources: what each one did, then the total.
				if len(st.BySource) > 1 {
					for _, r := range reads {
						if ps, ok := st.BySource[r.ID]; ok {
							fmt.Fprintf(a.env.Stderr, "%s: %d added, %d updated, %d unchanged, %d pruned\n",
								oneLine(r.ID), ps.Added, ps.Updated, ps.Unchanged, ps.Pruned)
							delete(st.BySource, r.ID) // a source read twice is reported once
						}
					}
				}
				counts := fmt.Sprintf("%d added, %d updated, %d unchanged, %d pruned",
					st.Added, st.Updated, st.Unchanged, st.Pruned)
				switch {
				case dryRun:
					fmt.Fprintf(a.env.Stderr, "dry run: would import %s (nothing written)\n", counts)
				case st.Added+st.Updated+st.Pruned == 0:
					fmt.Fprintf(a.env.Stderr, "imported: %s — the jar was already up to date\n", counts)
				default:
					fmt.Fprintf(a.env.Stderr, "imported: %s — crumbs undo reverts it\n", counts)
				}
				return nil
			})
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&password, "password", "", "Chromium Safe Storage password (default $CRUMBS_SAFE_STORAGE_PASSWORD, else the OS keyring)")
	fl.BoolVar(&prune, "prune", false, "move cookies of these sources that are no longer in the store to the trash")
	fl.BoolVarP(&dryRun, "dry-run", "n", false, "show what would change, write nothing")
	return cmd
}

// reportRead prints one source's read summary and its warnings on stderr.
func (a *app) reportRead(r readSource) {
	line := fmt.Sprintf("%s: read %s from %s", oneLine(r.ID), plural(len(r.Result.Cookies), "cookie", "cookies"), oneLine(r.Path))
	if r.Result.Refused > 0 {
		line += fmt.Sprintf(", %d refused", r.Result.Refused)
	}
	fmt.Fprintln(a.env.Stderr, line)
	for _, w := range r.Result.Warnings {
		fmt.Fprintln(a.env.Stderr, "  warning: "+oneLine(w))
	}
}
