package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/source"
	uc "github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

func (a *app) importCommand() *cobra.Command {
	var (
		password                  string
		prune, dryRun, asExported bool
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
SOURCEs are independent: one that is not found or cannot be read is named
on stderr and the others are still imported; the exit code is then 1. A
store read only in part is not imported at all (and never pruned).`,
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
			a.limitInputMemory(args...)
			purpose.Preload() // the classifier is ready when the stores are read
			rr, err := a.readSources(ctx, args, a.password(password))
			if err != nil {
				return err
			}
			if len(rr.Reads) == 0 {
				// Nothing to import: the jar is not opened (nor created).
				return a.readFailures(rr)
			}
			// A new jar's first import is built beside it (docs/jar.md).
			err = a.withJarOpened([]jar.Option{jar.BuildNewAside()}, func(j *jar.Jar) error {
				opts := jar.ImportOptions{Prune: prune, DryRun: dryRun}
				trackersLine := a.newTrackersAhead(&opts, readIDs(rr.Reads)) // trackersline.go
				st, err := uc.Import(ctx, j, rr, uc.ImportOptions{ImportOptions: opts, AsExported: asExported})
				if err != nil {
					return err
				}
				// Summaries only once the import is in: a failure is one line.
				for _, r := range rr.Reads {
					a.reportRead(r)
				}
				if asExported {
					a.reportRestored(rr)
				}
				// Several sources: what each one did, then the total.
				if len(st.BySource) > 1 {
					for _, r := range rr.Reads {
						if ps, ok := st.BySource[r.ID]; ok {
							fmt.Fprintf(a.env.Stderr, "%s: %s\n", oneLine(uc.ShowSource(r.ID, a.env.Getenv("HOME"))), uc.ImportCounts(ps))
							delete(st.BySource, r.ID) // a source read twice is reported once
						}
					}
				}
				fmt.Fprintln(a.env.Stderr, uc.ImportSummary(st, dryRun))
				trackersLine(ctx, j)
				return nil
			})
			if err != nil {
				return err
			}
			return a.readFailures(rr)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&password, "password", "", "Chromium Safe Storage password (default $CRUMBS_SAFE_STORAGE_PASSWORD, else the OS keyring)")
	fl.BoolVar(&prune, "prune", false, "move cookies of these sources that are no longer in the store to the trash")
	fl.BoolVarP(&dryRun, "dry-run", "n", false, "show what would change, write nothing")
	fl.BoolVar(&asExported, "as-exported", false, "a crumbs JSON export: restore the sources it names (else the file is the source)")
	return cmd
}

// reportRead prints one source's read summary and its warnings on stderr.
func (a *app) reportRead(r uc.Read) {
	fmt.Fprintln(a.env.Stderr, oneLine(r.Line(a.env.Getenv("HOME"))))
	for _, w := range r.Result.Warnings {
		fmt.Fprintln(a.env.Stderr, "  warning: "+oneLine(w))
	}
}

// reportRestored names the sources an import --as-exported writes into.
func (a *app) reportRestored(rr uc.ReadReport) {
	home := a.env.Getenv("HOME")
	for _, r := range rr.Reads {
		if r.Format != source.FormatJSON {
			continue
		}
		var srcs []string
		for _, b := range rr.Batches(true) {
			if b.File == r.Path && len(b.Cookies) > 0 {
				srcs = append(srcs, uc.ShowSource(b.Source, home)+" ("+uc.Plural(len(b.Cookies), "cookie", "cookies")+")")
			}
		}
		fmt.Fprintf(a.env.Stderr, "%s: as exported, into %s\n", oneLine(uc.ShowSource(r.ID, home)), oneLine(strings.Join(srcs, ", ")))
	}
}
