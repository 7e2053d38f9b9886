package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
)

func (a *app) undoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "undo",
		Short: "Revert the last change to the jar",
		Long: `Revert the last change to the jar, whoever made it (this command line, the UI,
another crumbs process, an earlier run): an import, an edit, a purpose
verdict, a delete, a purge, a restore from the trash. Run it again to revert
the change before that. The history lives in the jar file itself.`,
		Example: `  crumbs purge --purpose tracking --yes
  crumbs undo        # every purged cookie is back`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			return a.withJar(func(j *jar.Jar) error {
				ch, err := j.Undo(cmd.Context())
				if errors.Is(err, jar.ErrNothingToUndo) {
					return errors.New("undo: nothing to undo")
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "undid %s\n", describeChange(ch))
				if ch.Kind == jar.KindClean {
					fmt.Fprintln(a.env.Stderr, "the cookies are back in the jar only: crumbs backups restore SOURCE puts them back into the browser")
				}
				return nil
			})
		}),
	}
}

// describeChange renders a change for a message: "purge domain:x: 12
// cookies (2026-05-01 10:00:00)".
func describeChange(ch jar.Change) string {
	s := termsafe.String(ch.Summary)
	if s == "" {
		s = ch.Kind
		if ch.Count > 0 {
			s += " of " + plural(ch.Count, "cookie", "cookies")
		}
	}
	if !ch.At.IsZero() {
		s += " (" + ch.At.Local().Format("2006-01-02 15:04:05") + ")"
	}
	return s
}
