package cli

// What clean and apply share on the command line (docs/writeback.md,
// docs/writeback.md): the confirmation naming the counts per source and the
// summary in both shapes; the plans themselves are package writeplan's.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg"

	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

// backupsRoot is $XDG_DATA_HOME/crumbs/backups.
// planEnv is writeplan's view of this run.
func (a *app) planEnv(password string) (writeplan.Env, error) {
	root, err := a.backupsRoot()
	if err != nil {
		return writeplan.Env{}, err
	}
	return writeplan.Env{Discover: a.discoverEnv(), Root: root, Password: password, Now: a.env.Now}, nil
}

func (a *app) backupsRoot() (string, error) {
	home := a.env.Getenv("XDG_DATA_HOME")
	if home == "" {
		home = xdg.DataHome
	}
	if home == "" {
		return "", errors.New("no data directory for backups (set XDG_DATA_HOME)")
	}
	return filepath.Join(home, "crumbs", "backups"), nil
}

// confirmPlans asks once for every store, naming the counts per source.
// Refused and empty plans are not asked about. It returns false when the
// user said no.
func (a *app) confirmPlans(verb string, plans []*writeplan.Plan) (bool, error) {
	var lines []string
	for _, p := range plans {
		if p.Refused != "" || p.Change.Empty() {
			continue
		}
		lines = append(lines, "  "+oneLine(p.Store.Source)+": "+p.Describe(true))
	}
	if len(lines) == 0 {
		return true, nil
	}
	fmt.Fprintf(a.env.Stderr, "%s the browsers' own stores (a backup of each is kept):\n%s\n", verb, strings.Join(lines, "\n"))
	return a.confirm("Go ahead?")
}

// runPlans runs every plan that is not refused and has something to do,
// then prints the summaries. Any refusal or failure makes the command fail
// (exit 1) after every store had its turn.
func (a *app) runPlans(ctx context.Context, madeBy string, plans []*writeplan.Plan, dry, asJSON bool) error {
	if !dry {
		env, err := a.planEnv("")
		if err != nil {
			return err
		}
		warnings, err := writeplan.Run(ctx, env, madeBy, plans)
		for _, w := range warnings {
			fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
		}
		if err != nil {
			return err
		}
	}
	failed := false
	if asJSON {
		out := make([]writeplan.JSON, 0, len(plans))
		for _, p := range plans {
			out = append(out, p.JSON())
		}
		enc := json.NewEncoder(jsonesc.NewWriter(a.env.Stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	for _, p := range plans {
		src := oneLine(p.Store.Source)
		switch {
		case p.Refused != "":
			failed = true
			fmt.Fprintf(a.env.Stderr, "crumbs: %s\n", oneLine(p.Refused))
		case asJSON:
		case dry:
			fmt.Fprintf(a.env.Stderr, "%s: %s; dry run, nothing changed\n", src, p.Describe(true))
		case p.Backup == "":
			fmt.Fprintf(a.env.Stderr, "%s: %s\n", src, p.Describe(false))
		default:
			fmt.Fprintf(a.env.Stderr, "%s: %s; backup %s — crumbs backups restore %s undoes it\n",
				src, p.Describe(false), p.Backup, shellWord(p.Store.Source))
		}
	}
	if failed {
		return &exitError{ExitFailure}
	}
	return nil
}

// shellWord quotes s for a shell when it needs it ("chrome:Profile 1").
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// existingJar opens the jar only if its file exists: clean needs no jar,
// and must not create one.
func (a *app) existingJar() (*jar.Jar, error) {
	path, err := a.jarFile()
	if err != nil {
		return nil, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	return a.openJar()
}
