package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	uc "github.com/crumbs-dev/crumbs/internal/app" // the use cases; "app" is this package's run state
	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

// protectionJSON is one entry of `protect --list --json`.
type protectionJSON struct {
	Filter  string `json:"filter"`
	Origin  string `json:"origin"` // "jar" or "FILE:LINE"
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Cookies int    `json:"cookies"` // live cookies it covers now
	Added   string `json:"added,omitempty"`
}

// suggestionJSON is one entry of `protect --suggest --json`.
type suggestionJSON struct {
	Site      string   `json:"site"`
	Filter    string   `json:"filter"`
	Names     []string `json:"names"`
	LastUsed  string   `json:"lastUsed,omitempty"`
	Protected bool     `json:"protected"`
}

const protectHelp = `A protection is a filter: every cookie it matches is protected, and no
bulk removal takes a protected cookie — 'crumbs purge', a bulk delete in the
UI, and the write-back commands keep it and say how many they kept.
Protections are rules, not marks on rows: re-imports, --prune and updates of
crumbs' knowledge keep them, and a cookie imported later is covered at once.
Each protect and unprotect is one change: 'crumbs undo' reverts it.

Usually a protection is a whole site (domain:github.com, which covers its
subdomains) or one cookie (domain:example.com name:sessionid). The rules file
can hold protections too, for dotfiles:

  [[protect]]
  filter = "domain:github.com"

Those are listed as coming from the file and only editing the file removes
them.`

func (a *app) protectCommand() *cobra.Command {
	var list, suggest, asJSON, yes bool
	cmd := &cobra.Command{
		Use:   "protect FILTER... | --list | --suggest",
		Short: "Protect cookies from every purge (keep your logins)",
		Long: `Protect the cookies that match FILTER (all arguments make one filter).

` + protectHelp + `

--list shows every protection, where it comes from and how many cookies it
covers now. --suggest shows the sites where you are signed in — a cookie
whose purpose is session and whose name or reason says sign-in (not merely a
cookie that ends with the browser session), not expired, and used in the
last 30 days where the browser records it — with the cookie names that show
it, most recently used first; --suggest --yes protects them all.

` + filterHelp,
		Example: `  crumbs protect domain:github.com
  crumbs protect domain:example.com name:sessionid
  crumbs protect --list
  crumbs protect --suggest
  crumbs protect --suggest --yes
  crumbs unprotect domain:github.com`,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			switch {
			case list && suggest:
				return usageErrorf("protect: --list and --suggest do not go together")
			case (list || suggest) && len(args) > 0:
				return usageErrorf("protect: --list and --suggest take no FILTER")
			case !list && !suggest && len(args) == 0:
				return usageErrorf("protect needs a FILTER (domain:github.com), --list or --suggest")
			case asJSON && !list && !suggest:
				return usageErrorf("protect: --json goes with --list or --suggest")
			case yes && !suggest:
				return usageErrorf("protect: --yes goes with --suggest")
			}
			if list {
				return a.protectList(cmd, asJSON)
			}
			if suggest {
				return a.protectSuggest(cmd, asJSON, yes)
			}
			f, err := parseFilter(args)
			if err != nil {
				return err
			}
			return a.withJar(func(j *jar.Jar) error {
				p, added, n, err := j.ProtectCounted(cmd.Context(), f)
				var inv *cookie.InvalidError
				if errors.As(err, &inv) {
					return usageErrorf("protect: %s", inv.Reason)
				}
				if err != nil {
					return err
				}
				if !added {
					fmt.Fprintf(a.env.Stderr, "already protected: %s (%s)\n", termsafe.String(p.Text), originText(p))
					return nil
				}
				fmt.Fprintf(a.env.Stderr, "protected %s: %s now — crumbs undo reverts it\n", termsafe.String(p.Text), plural(n, "cookie", "cookies"))
				return nil
			})
		}),
	}
	fl := cmd.Flags()
	fl.BoolVarP(&list, "list", "l", false, "list the protections and how many cookies each covers")
	fl.BoolVar(&suggest, "suggest", false, "show the sites where you are signed in")
	fl.BoolVar(&asJSON, "json", false, "with --list or --suggest: JSON on stdout")
	fl.BoolVarP(&yes, "yes", "y", false, "with --suggest: protect every suggested site")
	return cmd
}

func (a *app) unprotectCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "unprotect FILTER...",
		Short: "Remove a protection",
		Long: `Remove the protection with this filter (all arguments make one filter; the
same filter as given to protect, in any order or case of its terms). One
change: 'crumbs undo' reverts it. A protection written in the rules file is
removed by editing the file; unprotect says where it is.

` + protectHelp,
		Example: `  crumbs unprotect domain:github.com
  crumbs unprotect domain:example.com name:sessionid`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("unprotect needs the FILTER of a protection ('crumbs protect --list' shows them)")
			}
			return nil
		},
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			f, err := parseFilter(args)
			if err != nil {
				return err
			}
			return a.withJar(func(j *jar.Jar) error {
				p, err := j.Unprotect(cmd.Context(), f)
				var fe *jar.FileProtectionError
				switch {
				case errors.As(err, &fe):
					return fmt.Errorf("unprotect %s: it comes from the rules file %s; remove it there", termsafe.String(fe.Protection.Text), termsafe.String(fe.Protection.Origin()))
				case errors.Is(err, jar.ErrNotProtected):
					return fmt.Errorf("unprotect %s: no protection has this filter ('crumbs protect --list' shows them)", termsafe.String(f.String()))
				case err != nil:
					return err
				}
				fmt.Fprintf(a.env.Stderr, "unprotected %s — crumbs undo reverts it\n", termsafe.String(p.Text))
				return nil
			})
		}),
	}
}

func originText(p jar.Protection) string {
	if p.FromFile() {
		return "from the rules file " + termsafe.String(p.Origin())
	}
	return "in the jar"
}

func (a *app) protectList(cmd *cobra.Command, asJSON bool) error {
	return a.withJarForReading(func(j *jar.Jar) error {
		rows, err := uc.ListProtections(cmd.Context(), j)
		if err != nil {
			return err
		}
		if asJSON {
			out := make([]protectionJSON, len(rows))
			for i, r := range rows {
				out[i] = protectionJSON{Filter: r.Text, Origin: r.Origin(), File: r.File, Line: r.Line, Cookies: r.Covers}
				if !r.Added.IsZero() {
					out[i].Added = r.Added.UTC().Format(time.RFC3339)
				}
			}
			return writeJSON(a, out)
		}
		if len(rows) == 0 {
			fmt.Fprintln(a.env.Stderr, "nothing is protected: 'crumbs protect --suggest' shows the sites where you are signed in")
			return nil
		}
		t := &table{header: []string{"FILTER", "COOKIES", "FROM", "ADDED"}}
		for _, r := range rows {
			added := ""
			if !r.Added.IsZero() {
				added = r.Added.UTC().Format("2006-01-02 15:04")
			}
			t.add(termsafe.String(r.Text), strconv.Itoa(r.Covers), termsafe.String(r.Origin()), added)
		}
		return t.write(a.env.Stdout)
	})
}

func (a *app) protectSuggest(cmd *cobra.Command, asJSON, yes bool) error {
	open := a.withJar
	if !yes {
		open = a.withJarForReading
	}
	return open(func(j *jar.Jar) error {
		ctx := cmd.Context()
		// Only session cookies can be sign-in cookies (uc.SignIn): stream
		// those instead of loading the jar (a million cookies: 3.9 s and
		// 489 MB held, docs/decisions.md).
		sug := uc.NewSuggester(j.Now())
		if err := j.Each(ctx, jar.Query{Filter: sessionOnly}, sug.Add); err != nil {
			return err
		}
		sugs := sug.Suggestions()
		if yes {
			added := 0
			for _, s := range sugs {
				if s.Protected {
					continue
				}
				f, err := parseFilter([]string{s.Filter})
				if err != nil {
					return err
				}
				_, ok, err := j.Protect(ctx, f)
				if err != nil {
					return err
				}
				if ok {
					added++
					fmt.Fprintf(a.env.Stderr, "protected %s (%s)\n", termsafe.String(s.Filter), termsafe.String(strings.Join(s.Names, ", ")))
				}
			}
			switch {
			case len(sugs) == 0:
				fmt.Fprintln(a.env.Stderr, "no site where you are signed in: nothing protected")
			case added == 0:
				fmt.Fprintln(a.env.Stderr, "every suggested site is protected already")
			default:
				fmt.Fprintf(a.env.Stderr, "protected %s — each is one change for crumbs undo\n", plural(added, "site", "sites"))
			}
			return nil
		}
		if asJSON {
			out := make([]suggestionJSON, len(sugs))
			for i, s := range sugs {
				out[i] = suggestionJSON{Site: s.Site, Filter: s.Filter, Names: s.Names, Protected: s.Protected}
				if !s.LastUsed.IsZero() {
					out[i].LastUsed = s.LastUsed.UTC().Format(time.RFC3339)
				}
			}
			return writeJSON(a, out)
		}
		if len(sugs) == 0 {
			fmt.Fprintln(a.env.Stderr, "no site where you are signed in (a sign-in cookie, not expired, used in the last 30 days)")
			return nil
		}
		t := &table{header: []string{"SITE", "LAST USED", "PROTECTED", "SIGN-IN COOKIES"}}
		for _, s := range sugs {
			last, prot := "-", "no"
			if !s.LastUsed.IsZero() {
				last = s.LastUsed.UTC().Format("2006-01-02 15:04")
			}
			if s.Protected {
				prot = "yes"
			}
			t.add(termsafe.String(s.Site), last, prot, truncate(termsafe.String(strings.Join(s.Names, ", ")), 80))
		}
		if err := t.write(a.env.Stdout); err != nil {
			return err
		}
		fmt.Fprintln(a.env.Stderr, "crumbs protect --suggest --yes protects them all")
		return nil
	})
}

// writeJSON writes v as indented JSON on stdout.
func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(jsonesc.NewWriter(a.env.Stdout))
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// sessionOnly selects the cookies whose purpose is session: the only ones
// a sign-in suggestion looks at.
var sessionOnly = func() cookie.Filter {
	f, err := cookie.ParseFilter("purpose:" + string(cookie.PurposeSession))
	if err != nil {
		panic(err)
	}
	return f
}()
