package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

func (a *app) backupsCommand() *cobra.Command {
	var asJSON bool
	list := func(cmd *cobra.Command, args []string) error {
		root, err := a.backupsRoot()
		if err != nil {
			return err
		}
		src := ""
		if len(args) == 1 {
			src = a.backupSource(cmd, root, args[0])
		}
		bs, err := writeback.List(root, src)
		if err != nil {
			return err
		}
		if asJSON {
			type row struct {
				Source string    `json:"source"`
				ID     string    `json:"id"`
				Time   time.Time `json:"time"`
				MadeBy string    `json:"madeBy"`
				Files  int       `json:"files"`
				Size   int64     `json:"size"`
				Dir    string    `json:"dir"`
			}
			out := make([]row, 0, len(bs))
			for _, b := range bs {
				out = append(out, row{b.Source, b.ID, b.Time, b.MadeBy, len(b.Files), b.Size(), b.Dir()})
			}
			enc := json.NewEncoder(jsonesc.NewWriter(a.env.Stdout))
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		if len(bs) == 0 {
			fmt.Fprintf(a.env.Stderr, "no backups in %s\n", root)
			return nil
		}
		t := &table{header: []string{"source", "id", "time", "made by", "files", "size"}}
		for _, b := range bs {
			t.rows = append(t.rows, []string{oneLine(b.Source), b.ID, b.Time.Local().Format("2006-01-02 15:04:05"),
				b.MadeBy, strconv.Itoa(len(b.Files)), humanSize(b.Size())})
		}
		return t.write(a.env.Stdout)
	}
	cmd := &cobra.Command{
		Use:   "backups [list [SOURCE]]",
		Short: "List the backups clean and apply made, or put one back",
		Long: `Every clean and apply copies the store's files into a backup before it
changes anything: $XDG_DATA_HOME/crumbs/backups/SOURCE/ID/, with a manifest
holding the SHA-256 of every file and the files that did not exist. The
newest 10 per source are kept.

'crumbs backups restore SOURCE [ID]' puts one back (see its --help).`,
		Example: `  crumbs backups
  crumbs backups list firefox:default-release
  crumbs backups restore firefox:default-release`,
		Args: cobra.NoArgs,
		RunE: a.run(list),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	listCmd := &cobra.Command{
		Use:   "list [SOURCE]",
		Short: "List backups (of one source)",
		Args:  cobra.MaximumNArgs(1),
		RunE:  a.run(list),
	}
	listCmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	cmd.AddCommand(listCmd, a.backupsRestoreCommand())
	return cmd
}

func (a *app) backupsRestoreCommand() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "restore SOURCE [ID]",
		Short: "Put a backup back into the browser's store",
		Long: `Put a backup back: exactly its files, and the files that did not exist when
it was taken are removed (a stale -wal would replay onto the restored
database). Without ID it takes the newest backup made by a clean or an apply,
so restoring twice does not undo the first restore. The browser must be
closed. The current state is backed up first (marked as made by a restore),
so a restore can itself be undone by naming that backup.`,
		Example: `  crumbs backups restore firefox:default-release
  crumbs backups restore 'chrome:Profile 1' 20261201T184000Z`,
		Args: cobra.RangeArgs(1, 2),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			root, err := a.backupsRoot()
			if err != nil {
				return err
			}
			src := a.backupSource(cmd, root, args[0])
			id := ""
			if len(args) == 2 {
				id = args[1]
			}
			b, err := writeback.Find(root, src, id)
			if err != nil {
				return err
			}
			interactive := isTerminal(a.env.Stdin) && isTerminal(a.env.Stderr)
			if !yes {
				if !interactive {
					return usageErrorf("backups restore: stdin is not a terminal, so nobody can confirm: add --yes")
				}
				ok, err := a.confirm(fmt.Sprintf("Put backup %s of %s (%s, made by %s) back into %s? The current state is backed up first.",
					b.ID, oneLine(b.Source), b.Time.Local().Format("2006-01-02 15:04:05"), b.MadeBy, oneLine(b.Base)))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(a.env.Stderr, "nothing restored")
					return &exitError{ExitFailure}
				}
			}
			nb, err := writeback.Restore(cmd.Context(), root, b, a.env.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "%s: restored backup %s (made by %s); the state before is backup %s — crumbs backups restore %s %s goes back to it\n",
				oneLine(b.Source), b.ID, b.MadeBy, nb.ID, shellWord(b.Source), nb.ID)
			return nil
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// backupSource turns a SOURCE argument into the source id backups are kept
// under: the id itself when it has backups, else the one store a browser
// name or path resolves to.
func (a *app) backupSource(cmd *cobra.Command, root, spec string) string {
	if bs, _ := writeback.List(root, spec); len(bs) > 0 {
		return spec
	}
	ts, _ := source.Resolve(cmd.Context(), spec, a.discoverEnv())
	if len(ts) == 1 {
		return ts[0].SourceID
	}
	return spec
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
