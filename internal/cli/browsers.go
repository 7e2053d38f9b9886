package cli

import (
	"encoding/json"
	"fmt"
	uc "github.com/crumbs-dev/crumbs/internal/app"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/internal/termsafe"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

// discoverEnv describes this run's machine to discovery; HOME and the XDG
// variables come from the run's environment so tests can fake a home.
func (a *app) discoverEnv() discover.Env {
	env := discover.DefaultEnv()
	env.Getenv = a.env.Getenv
	if h := a.env.Getenv("HOME"); h != "" && env.OS != "windows" {
		env.Home = h
	}
	return env
}

// browserJSON is one line of `browsers --json`.
type browserJSON struct {
	Browser     string `json:"browser"`
	BrowserName string `json:"browserName"`
	Profile     string `json:"profile"`
	Source      string `json:"source"`
	Dir         string `json:"dir"`
	Store       string `json:"store"`
	Running     bool   `json:"running"`
	Default     bool   `json:"default"`
	Variant     string `json:"variant,omitempty"`
	Cookies     *int   `json:"cookies"`         // null when it could not be counted
	Error       string `json:"error,omitempty"` // why not
}

func (a *app) browsersCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "browsers",
		Short: "List the browser profiles found on this machine",
		Long: `List every browser profile crumbs finds: browser, profile name, the source id
to use with 'crumbs import' and 'crumbs export --from', whether the browser is
running, how many cookies its store holds, and the store's path.

Counting reads a private copy of each store; the browser's files are never
changed. Profiles that were refused (a symlink leading out of the profile
folder, a FIFO where a database should be) are reported on stderr.`,
		Example: `  crumbs browsers
  crumbs browsers --json | jq -r '.[].source'`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			ps, err := discover.Discover(a.discoverEnv())
			for _, w := range discover.WarningsOf(err) {
				fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
			}
			if err != nil && discover.WarningsOf(err) == nil {
				return err
			}
			rows := make([]browserJSON, len(ps))
			for i, p := range ps {
				r := browserJSON{
					Browser: p.Browser, BrowserName: p.BrowserName, Profile: p.Name,
					Source: p.SourceID(), Dir: p.Dir, Store: p.Store,
					Running: p.Running, Default: p.Default, Variant: p.Variant,
				}
				if n, err := discover.CountCookies(cmd.Context(), p); err != nil {
					r.Error = err.Error()
				} else {
					r.Cookies = &n
				}
				rows[i] = r
			}
			if asJSON {
				enc := json.NewEncoder(jsonesc.NewWriter(a.env.Stdout))
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintln(a.env.Stderr, "no browser profile found")
				return nil
			}
			t := &table{header: []string{"BROWSER", "PROFILE", "SOURCE", "RUNNING", "COOKIES", "STORE"}}
			for _, r := range rows {
				running := "no"
				if r.Running {
					running = "yes"
				}
				count := "?"
				if r.Cookies != nil {
					count = uc.Thousands(*r.Cookies)
				}
				store := r.Store
				if store == "" {
					store = "(no cookie store yet)"
				}
				t.add(termsafe.String(r.BrowserName), termsafe.String(r.Profile), termsafe.String(r.Source),
					running, count, termsafe.String(store))
			}
			for _, r := range rows {
				if r.Error != "" {
					fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(r.Error))
				}
			}
			return t.write(a.env.Stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array instead of a table")
	return cmd
}
