// Package writeplan is write-back's use case, shared by the command line
// (crumbs clean, crumbs apply) and the UI's apply key (docs/writeback.md,
// docs/writeback.md): a Plan per store — what to remove and change, what
// is kept, protected, skipped or refused — built from the store as read
// and, for apply, the jar's pending changes, then Run through package
// writeback's safety sequence.
package writeplan

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Env is what planning and running need of the caller.
type Env struct {
	Discover discover.Env
	Root     string // the backups folder
	Password string // Chromium Safe Storage password given by hand
	Now      func() time.Time
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Plan is what one store is to undergo.
type Plan struct {
	Store  writeback.Store
	Before []cookie.Cookie // the store as read
	Change importers.Change
	// Removed counts the cookies to remove by purpose.
	Removed   map[cookie.Purpose]int
	Sites     int // sites the removed cookies are on
	Protected int // cookies kept because protected
	Kept      int
	Skipped   map[string]int // reason → count
	Refused   string         // why the store was refused or failed ("" if not)
	Backup    string         // the backup's id once run
	// AfterRun, if set, runs once the store has been changed (the jar
	// follows a clean; apply forgets the pending changes it wrote).
	AfterRun func(ctx context.Context) error
	// EmptyDone: a plan with nothing to write still runs AfterRun (apply
	// forgets pending changes that are all gone or skipped).
	EmptyDone bool
}

// NewPlan starts the plan of store s.
func NewPlan(s writeback.Store) *Plan {
	return &Plan{Store: s, Removed: map[cookie.Purpose]int{}, Skipped: map[string]int{}}
}

// Start begins the plan of store s, which was opened with openErr: the plan
// is refused (with the reason) when the store could not be opened, its
// browser is running or the store cannot be read; otherwise Before holds the
// store's cookies. clean and apply both begin here.
func Start(ctx context.Context, s writeback.Store, openErr error, now time.Time) *Plan {
	p := NewPlan(s)
	err := openErr
	if err == nil {
		err = s.CheckRunning()
	}
	if err == nil {
		res, rerr := s.Read(ctx, now)
		if rerr == nil {
			p.Before = res.Cookies
		}
		err = rerr
	}
	if err != nil {
		p.Refused = err.Error()
	}
	return p
}

func (p *Plan) Skip(reason string) { p.Skipped[reason]++ }

// Finish counts what the plan keeps and on how many sites it removes.
func (p *Plan) Finish() {
	sites := map[string]bool{}
	for i := range p.Change.Delete {
		sites[cookie.Site(p.Change.Delete[i].Domain)] = true
	}
	p.Sites = len(sites)
	p.Kept = len(p.Before) - len(p.Change.Delete)
}

func (p *Plan) RemovedCount() int { return len(p.Change.Delete) }

// RemovedText is "412 tracking cookies" or "13 cookies (12 tracking, 1 unknown)".
func (p *Plan) RemovedText() string {
	n := p.RemovedCount()
	var parts []string
	for _, pu := range cookie.Purposes {
		if k := p.Removed[pu]; k > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k, pu))
		}
	}
	if len(parts) == 1 {
		for _, pu := range cookie.Purposes {
			if p.Removed[pu] > 0 {
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

// Describe is the body of the plan's human line, without the backup part.
func (p *Plan) Describe(dry bool) string {
	verb, keep, change := "removed", "kept", "changed"
	if dry {
		verb, keep, change = "would remove", "keep", "change"
	}
	var parts []string
	if p.RemovedCount() > 0 {
		parts = append(parts, fmt.Sprintf("%s %s on %s", verb, p.RemovedText(), plural(p.Sites, "site", "sites")))
	}
	if len(p.Change.Update) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s", change, plural(len(p.Change.Update), "cookie", "cookies")))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to change")
	}
	k := fmt.Sprintf("%s %d", keep, p.Kept)
	if p.Protected > 0 {
		k += fmt.Sprintf(" (%d protected)", p.Protected)
	}
	parts = append(parts, k)
	for _, kv := range countsDesc(p.Skipped) {
		parts = append(parts, fmt.Sprintf("skipped %d: %s", kv.n, kv.key))
	}
	return strings.Join(parts, ", ")
}

// JSON is one source's summary in `--json` (docs/writeback.md).
type JSON struct {
	Source    string         `json:"source"`
	Backup    string         `json:"backup,omitempty"`
	Removed   map[string]int `json:"removed"`
	Changed   int            `json:"changed"`
	Protected int            `json:"protected"`
	Kept      int            `json:"kept"`
	Skipped   []Skip         `json:"skipped"`
	Refused   string         `json:"refused,omitempty"`
}

// Skip is one reason changes were left out.
type Skip struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

func (p *Plan) JSON() JSON {
	out := JSON{Source: p.Store.Source, Backup: p.Backup, Removed: map[string]int{}, Changed: len(p.Change.Update),
		Protected: p.Protected, Kept: p.Kept, Skipped: []Skip{}, Refused: p.Refused}
	for pu, n := range p.Removed {
		if n > 0 {
			out.Removed[string(pu)] = n
		}
	}
	for _, kv := range countsDesc(p.Skipped) {
		out.Skipped = append(out.Skipped, Skip{kv.key, kv.n})
	}
	return out
}

// Run runs every plan that is not refused and has something to do through
// the safety sequence (package writeback), recording each plan's backup or
// the reason it failed. It returns warnings (the jar could not follow).
func Run(ctx context.Context, env Env, madeBy string, plans []*Plan) ([]string, error) {
	var warnings []string
	for _, p := range plans {
		if p.Refused == "" && p.Change.Empty() && p.EmptyDone && p.AfterRun != nil {
			if err := p.AfterRun(ctx); err != nil {
				return warnings, err
			}
		}
		if p.Refused != "" || p.Change.Empty() {
			continue
		}
		b, err := writeback.Run(ctx, p.Store, p.Before, p.Change, writeback.Options{
			Root: env.Root, MadeBy: madeBy, Summary: p.Describe(false), Now: env.now()})
		if b != nil && err == nil {
			p.Backup = b.ID
		}
		if err != nil {
			p.Refused = err.Error()
			continue
		}
		if p.AfterRun != nil {
			if err := p.AfterRun(ctx); err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: the browser's store is changed but the jar did not follow: %v", p.Store.Source, err))
			}
		}
	}
	return warnings, nil
}

// PendingSources turns apply's arguments into source ids with pending
// changes (all of them without arguments).
func PendingSources(ctx context.Context, env Env, j *jar.Jar, args []string) (srcs, notes []string, err error) {
	pending, err := j.PendingSources(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(args) == 0 {
		return pending, nil, nil
	}
	has := map[string]bool{}
	for _, s := range pending {
		has[s] = true
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, arg := range args {
		if strings.EqualFold(arg, "all") {
			for _, s := range pending {
				add(s)
			}
			continue
		}
		if has[arg] {
			add(arg)
			continue
		}
		ts, err := source.Resolve(ctx, arg, env.Discover)
		if err != nil && len(ts) == 0 {
			return nil, nil, fmt.Errorf("%s: no pending changes for this source, and it names no store: %v", arg, err)
		}
		n := 0
		for _, t := range ts {
			if has[t.SourceID] {
				add(t.SourceID)
				n++
			}
		}
		if n == 0 {
			notes = append(notes, arg+": no pending changes")
		}
	}
	return out, notes, nil
}

// StoreOf finds the store of a source id: a discovered profile, or the
// file the jar last imported it from.
func StoreOf(ctx context.Context, env Env, j *jar.Jar, src string) (writeback.Store, error) {
	if !strings.HasPrefix(src, "file:") {
		if ts, err := source.Resolve(ctx, src, env.Discover); len(ts) == 1 && ts[0].SourceID == src {
			return writeback.FromTarget(ts[0], env.Password)
		} else if err != nil && len(ts) == 0 {
			return writeback.Store{Source: src}, err
		}
	}
	infos, err := j.Sources(ctx)
	if err != nil {
		return writeback.Store{Source: src}, err
	}
	for _, in := range infos {
		if in.Source != src || in.File == "" {
			continue
		}
		ts, err := source.Resolve(ctx, in.File, env.Discover)
		if err != nil && len(ts) == 0 {
			return writeback.Store{Source: src}, fmt.Errorf("%s: its store %s: %v", src, in.File, err)
		}
		if len(ts) != 1 {
			return writeback.Store{Source: src}, fmt.Errorf("%s: %s names %d stores", src, in.File, len(ts))
		}
		t := ts[0]
		t.SourceID, t.Options.Source = src, src
		return writeback.FromTarget(t, env.Password)
	}
	return writeback.Store{Source: src}, fmt.Errorf("%s: the jar does not know where this source's store is (import it again)", src)
}

// Apply plans the apply of each source: it reads each source's store and matches the jar's pending
// changes to its cookies.
func Apply(ctx context.Context, env Env, j *jar.Jar, srcs []string) ([]*Plan, error) {
	prot, err := j.Protector(ctx)
	if err != nil {
		return nil, err
	}
	now := env.now()
	var plans []*Plan
	for _, src := range srcs {
		ps, upTo, err := j.Pending(ctx, src)
		if err != nil {
			return nil, err
		}
		s, err := StoreOf(ctx, env, j, src)
		p := Start(ctx, s, err, now)
		plans = append(plans, p)
		if p.Refused != "" {
			continue
		}
		byID := make(map[cookie.Identity]*cookie.Cookie, len(p.Before))
		for i := range p.Before {
			byID[p.Before[i].Identity()] = &p.Before[i]
		}
		for _, pc := range ps {
			sc := byID[pc.Identity]
			if sc == nil {
				p.Skip("no longer in the store")
				continue
			}
			if _, ok := prot.Match(sc, now); ok {
				p.Protected++
				continue
			}
			if pc.Kind == jar.PendingDelete {
				p.Change.Delete = append(p.Change.Delete, *sc)
				p.Removed[pc.Purpose]++
				continue
			}
			switch {
			case pc.Fields.Has(jar.FieldIdentity):
				p.Skip("domain, name or path edited: the store knows a cookie by them")
				continue
			case sc.Encryption == cookie.EncV20:
				p.Skip(oscrypt.ErrAppBoundWrite.Error())
				continue
			case pc.Cookie.ValueUnreadable && pc.Fields.Has(jar.FieldValue):
				p.Skip("value unreadable in the jar")
				continue
			}
			n := *sc
			c := pc.Cookie
			if pc.Fields.Has(jar.FieldValue) {
				n.Value = c.Value
			}
			if pc.Fields.Has(jar.FieldExpires) {
				n.Expires, n.Session = c.Expires, c.Session
			}
			if pc.Fields.Has(jar.FieldSecure) {
				n.Secure = c.Secure
			}
			if pc.Fields.Has(jar.FieldHTTPOnly) {
				n.HTTPOnly = c.HTTPOnly
			}
			if pc.Fields.Has(jar.FieldSameSite) {
				n.SameSite = c.SameSite
			}
			p.Change.Update = append(p.Change.Update, importers.Edit{Old: *sc, New: n})
		}
		p.Finish()
		src, upTo := src, upTo
		p.AfterRun = func(ctx context.Context) error { return j.ClearPending(ctx, src, upTo) }
		if p.Change.Empty() {
			// Nothing left to write (all gone or skipped): the pending rows
			// are done with unless the source was refused.
			p.EmptyDone = true
		}
	}
	SortPlans(plans)
	return plans, nil
}

// SortPlans orders plans by source for stable output.
func SortPlans(ps []*Plan) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Store.Source < ps[j].Store.Source })
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
