package cli

// What clean and apply share (PRODUCT §9, docs/writeback.md): a plan per
// store, the confirmation naming the counts per source, the run through
// package writeback's safety sequence, and the summary in both shapes.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/adrg/xdg"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// backupsRoot is $XDG_DATA_HOME/crumbs/backups.
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

// wbPlan is what one store is to undergo.
type wbPlan struct {
	store  writeback.Store
	before []cookie.Cookie
	change importers.Change
	// removed counts the cookies to remove by purpose.
	removed   map[cookie.Purpose]int
	sites     int
	protected int
	kept      int
	skipped   map[string]int
	refused   string
	backup    string
	// afterRun, if set, runs once the store has been changed (the jar
	// follows).
	afterRun func(ctx context.Context) error
	// emptyDone: a plan with nothing to write still runs afterRun (apply
	// forgets pending changes that are all gone or skipped).
	emptyDone bool
}

func newPlan(s writeback.Store) *wbPlan {
	return &wbPlan{store: s, removed: map[cookie.Purpose]int{}, skipped: map[string]int{}}
}

func (p *wbPlan) skip(reason string) { p.skipped[reason]++ }

// finish counts what the plan keeps and on how many sites it removes.
func (p *wbPlan) finish() {
	sites := map[string]bool{}
	for i := range p.change.Delete {
		sites[cookie.Site(p.change.Delete[i].Domain)] = true
	}
	p.sites = len(sites)
	p.kept = len(p.before) - len(p.change.Delete)
}

func (p *wbPlan) removedCount() int { return len(p.change.Delete) }

// removedText is "412 tracking cookies" or "13 cookies (12 tracking, 1 unknown)".
func (p *wbPlan) removedText() string {
	n := p.removedCount()
	var parts []string
	for _, pu := range cookie.Purposes {
		if k := p.removed[pu]; k > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k, pu))
		}
	}
	if len(parts) == 1 {
		for _, pu := range cookie.Purposes {
			if p.removed[pu] > 0 {
				return plural(n, string(pu)+" cookie", string(pu)+" cookies")
			}
		}
	}
	s := plural(n, "cookie", "cookies")
	if len(parts) > 1 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// describe is the body of the plan's human line, without the backup part.
func (p *wbPlan) describe(dry bool) string {
	verb, keep, change := "removed", "kept", "changed"
	if dry {
		verb, keep, change = "would remove", "keep", "change"
	}
	var parts []string
	if p.removedCount() > 0 {
		parts = append(parts, fmt.Sprintf("%s %s on %s", verb, p.removedText(), plural(p.sites, "site", "sites")))
	}
	if len(p.change.Update) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s", change, plural(len(p.change.Update), "cookie", "cookies")))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to change")
	}
	k := fmt.Sprintf("%s %d", keep, p.kept)
	if p.protected > 0 {
		k += fmt.Sprintf(" (%d protected)", p.protected)
	}
	parts = append(parts, k)
	for _, kv := range countsDesc(p.skipped) {
		parts = append(parts, fmt.Sprintf("skipped %d: %s", kv.n, kv.key))
	}
	return strings.Join(parts, ", ")
}

// wbJSON is one source's summary in `--json` (PRODUCT §9).
type wbJSON struct {
	Source    string         `json:"source"`
	Backup    string         `json:"backup,omitempty"`
	Removed   map[string]int `json:"removed"`
	Changed   int            `json:"changed"`
	Protected int            `json:"protected"`
	Kept      int            `json:"kept"`
	Skipped   []wbSkip       `json:"skipped"`
	Refused   string         `json:"refused,omitempty"`
}

type wbSkip struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

func (p *wbPlan) json() wbJSON {
	out := wbJSON{Source: p.store.Source, Backup: p.backup, Removed: map[string]int{}, Changed: len(p.change.Update),
		Protected: p.protected, Kept: p.kept, Skipped: []wbSkip{}, Refused: p.refused}
	for pu, n := range p.removed {
		if n > 0 {
			out.Removed[string(pu)] = n
		}
	}
	for _, kv := range countsDesc(p.skipped) {
		out.Skipped = append(out.Skipped, wbSkip{kv.key, kv.n})
	}
	return out
}

// confirmPlans asks once for every store, naming the counts per source.
// Refused and empty plans are not asked about. It returns false when the
// user said no.
func (a *app) confirmPlans(verb string, plans []*wbPlan) (bool, error) {
	var lines []string
	for _, p := range plans {
		if p.refused != "" || p.change.Empty() {
			continue
		}
		lines = append(lines, "  "+oneLine(p.store.Source)+": "+p.describe(true))
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
func (a *app) runPlans(ctx context.Context, madeBy string, plans []*wbPlan, dry, asJSON bool) error {
	root, err := a.backupsRoot()
	if err != nil {
		return err
	}
	failed := false
	for _, p := range plans {
		if p.refused == "" && !dry && p.change.Empty() && p.emptyDone && p.afterRun != nil {
			if err := p.afterRun(ctx); err != nil {
				return err
			}
		}
		if p.refused != "" || dry || p.change.Empty() {
			continue
		}
		b, err := writeback.Run(ctx, p.store, p.before, p.change, writeback.Options{
			Root: root, MadeBy: madeBy, Summary: p.describe(false), Now: a.env.Now()})
		if b != nil && err == nil {
			p.backup = b.ID
		}
		if err != nil {
			p.refused = err.Error()
			continue
		}
		if p.afterRun != nil {
			if err := p.afterRun(ctx); err != nil {
				fmt.Fprintf(a.env.Stderr, "crumbs: warning: %s: the browser is cleaned but the jar did not follow: %s\n", oneLine(p.store.Source), oneLine(err.Error()))
			}
		}
	}
	if asJSON {
		out := make([]wbJSON, 0, len(plans))
		for _, p := range plans {
			out = append(out, p.json())
		}
		enc := json.NewEncoder(a.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	for _, p := range plans {
		src := oneLine(p.store.Source)
		switch {
		case p.refused != "":
			failed = true
			fmt.Fprintf(a.env.Stderr, "crumbs: %s\n", oneLine(p.refused))
		case asJSON:
		case dry:
			fmt.Fprintf(a.env.Stderr, "%s: %s; dry run, nothing changed\n", src, p.describe(true))
		case p.backup == "":
			fmt.Fprintf(a.env.Stderr, "%s: %s\n", src, p.describe(false))
		default:
			fmt.Fprintf(a.env.Stderr, "%s: %s; backup %s — crumbs backups restore %s undoes it\n",
				src, p.describe(false), p.backup, shellWord(p.store.Source))
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

// sortPlans orders plans by source for stable output.
func sortPlans(ps []*wbPlan) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].store.Source < ps[j].store.Source })
}

type keyCount struct {
	key string
	n   int
}

// countsDesc orders a reason → count map largest first, then by reason.
func countsDesc(m map[string]int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, n := range m {
		if n > 0 {
			out = append(out, keyCount{k, n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].key < out[j].key
	})
	return out
}
