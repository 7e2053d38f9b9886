package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Protections (docs/jar.md §Protections). A protection is a
// filter; every cookie it matches is protected: bulk removals (Purge,
// Delete, and write-back's clean and apply) keep it unless told otherwise.
// Protections are rules, not row flags: they live in their own table (or in
// the user's rules file) and so survive re-import, prune, knowledge updates
// and the undo of unrelated changes. Adding or removing one is one undo
// step; protections from the rules file are fixed for the run.

// maxProtectionDef is the changes column that records the largest
// protection id before a change (see history.go). Steps recorded before
// schema 3 added no protection: the default says so.
const maxProtectionDef = `max_protection INTEGER NOT NULL DEFAULT 9223372036854775807`

// protectionTables are the schema-3 tables: the protections and the
// before-images of those a change removed.
var protectionTables = []string{
	`CREATE TABLE protections (id INTEGER PRIMARY KEY, filter TEXT NOT NULL, added INTEGER NOT NULL) STRICT`,
	`CREATE TABLE undo_protections (change_id INTEGER NOT NULL, id INTEGER NOT NULL,
	filter TEXT NOT NULL, added INTEGER NOT NULL, PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID`,
}

const protectionCols = "filter, added"

// migrateV2toV3 adds the protection tables and the changes column that lets
// undo remove an added protection. No cookie row is touched.
func migrateV2toV3(ctx context.Context, tx *sql.Tx) error {
	for _, stmt := range protectionTables {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `ALTER TABLE changes ADD COLUMN `+maxProtectionDef)
	return err
}

var (
	// ErrNotProtected is returned by Unprotect when no protection has the
	// filter.
	ErrNotProtected = errors.New("no protection has this filter")
)

// FileProtectionError is returned by Unprotect for a protection written in
// the rules file: only editing the file removes it.
type FileProtectionError struct {
	Protection Protection
}

func (e *FileProtectionError) Error() string {
	return fmt.Sprintf("protection %q comes from the rules file %s: remove it there", e.Protection.Text, e.Protection.Origin())
}

// Protection is one protection rule.
type Protection struct {
	// ID is the protection's row in the jar; 0 for one from the rules file.
	ID     int64
	Filter cookie.Filter
	// Text is the filter as written, the text Cookie.ProtectedBy carries.
	Text string
	// File and Line locate a protection from the rules file; File is ""
	// for one stored in the jar.
	File string
	Line int
	// Added is when it was stored in the jar (zero for the rules file's).
	Added time.Time
}

// FromFile reports whether the protection comes from the rules file.
func (p Protection) FromFile() bool { return p.File != "" }

// Origin is "jar" or the rules file's location ("rules.toml:12").
func (p Protection) Origin() string {
	switch {
	case p.File == "":
		return "jar"
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// FileProtection makes a protection from the rules file (file and line as
// the caller knows them) for WithFileProtections.
func FileProtection(filter, file string, line int) (Protection, error) {
	f, err := cookie.ParseFilter(filter)
	if err != nil {
		return Protection{}, err
	}
	if err := checkProtectionFilter(f); err != nil {
		return Protection{}, err
	}
	if file == "" {
		file = "rules file"
	}
	return Protection{Filter: f, Text: f.String(), File: file, Line: line}, nil
}

// WithFileProtections adds protections written in the user's rules file
// (made with FileProtection). They hold for this Jar value only, are
// listed first and cannot be removed with Unprotect.
func WithFileProtections(ps ...Protection) Option {
	return func(o *options) { o.fileProtections = append(o.fileProtections, ps...) }
}

func checkProtectionFilter(f cookie.Filter) error {
	if f.IsEmpty() {
		return &cookie.InvalidError{Field: "filter", Reason: "a protection needs a filter (domain:example.com); an empty one would protect every cookie"}
	}
	if f.UsesProtected() {
		return &cookie.InvalidError{Field: "filter", Reason: "a protection cannot use is:protected"}
	}
	return nil
}

// Protector tells for a cookie whether a protection covers it, and which.
// It works on any cookie — from the jar or read straight from a browser
// store — and is safe for concurrent use once made.
type Protector struct {
	ps []Protection
	// byDomain[i]: ps[i] has only domain: terms, so whether it covers a
	// cookie depends on the cookie's domain alone (Mark caches it).
	byDomain []bool
}

// NewProtector makes a Protector from protections, earlier ones first.
func NewProtector(ps []Protection) *Protector {
	p := &Protector{ps: append([]Protection(nil), ps...), byDomain: make([]bool, len(ps))}
	for i := range p.ps {
		ts := p.ps[i].Filter.Terms()
		p.byDomain[i] = len(ts) > 0
		for _, t := range ts {
			if t.Key != "domain" {
				p.byDomain[i] = false
			}
		}
	}
	return p
}

// Protections are the protections p checks, in order.
func (p *Protector) Protections() []Protection {
	if p == nil {
		return nil
	}
	return append([]Protection(nil), p.ps...)
}

// Empty reports whether p has no protection (nothing is protected).
func (p *Protector) Empty() bool { return p == nil || len(p.ps) == 0 }

// Match returns the first protection covering c at time now. It ignores
// c.ProtectedBy.
func (p *Protector) Match(c *cookie.Cookie, now time.Time) (Protection, bool) {
	if p == nil {
		return Protection{}, false
	}
	for i := range p.ps {
		if p.ps[i].Filter.Match(c, now) {
			return p.ps[i], true
		}
	}
	return Protection{}, false
}

// Mark sets ProtectedBy on every cookie of cs (the covering protection's
// Text, or "") and returns how many are protected: what Match says for
// each, with the site protections (domain: terms only) decided once per
// distinct domain, since a snapshot holds 100,000 cookies on far fewer.
func (p *Protector) Mark(cs []cookie.Cookie, now time.Time) int {
	if p.Empty() {
		for i := range cs {
			cs[i].ProtectedBy = ""
		}
		return 0
	}
	firstByDomain := map[string]int{} // domain → first byDomain protection covering it, -1
	lastDomain, last := "", -1
	n := 0
	for i := range cs {
		c := &cs[i]
		c.ProtectedBy = ""
		k, ok := last, i > 0 && c.Domain == lastDomain
		if !ok {
			if k, ok = firstByDomain[c.Domain]; !ok {
				k = -1
				for idx := range p.ps {
					if p.byDomain[idx] && p.ps[idx].Filter.Match(c, now) {
						k = idx
						break
					}
				}
				firstByDomain[c.Domain] = k
			}
			lastDomain, last = c.Domain, k
		}
		best := k
		for idx := range p.ps {
			if best >= 0 && idx >= best {
				break
			}
			if !p.byDomain[idx] && p.ps[idx].Filter.Match(c, now) {
				best = idx
				break
			}
		}
		if best >= 0 {
			c.ProtectedBy = p.ps[best].Text
			n++
		}
	}
	return n
}

// Covers counts for each protection of p how many of cs it covers (a
// cookie two protections cover counts for both).
func (p *Protector) Covers(cs []cookie.Cookie, now time.Time) []int {
	if p == nil {
		return nil
	}
	out := make([]int, len(p.ps))
	for i := range cs {
		for k := range p.ps {
			if p.ps[k].Filter.Match(&cs[i], now) {
				out[k]++
			}
		}
	}
	return out
}

// Protections lists every protection: the rules file's first, then the
// jar's in the order they were added.
func (j *Jar) Protections(ctx context.Context) ([]Protection, error) {
	ps, err := j.loadProtections(ctx, j.db)
	if err != nil {
		return nil, j.fileError(err)
	}
	return ps, nil
}

// Protector returns a Protector with the jar's current protections.
func (j *Jar) Protector(ctx context.Context) (*Protector, error) {
	ps, err := j.Protections(ctx)
	if err != nil {
		return nil, err
	}
	return NewProtector(ps), nil
}

// Protect stores a protection with filter f. One undo step. If a
// protection with the same filter (Filter.Equal) exists already, that one
// is returned with added false and nothing changes.
func (j *Jar) Protect(ctx context.Context, f cookie.Filter) (p Protection, added bool, err error) {
	p, added, _, err = j.ProtectCounted(ctx, f)
	return p, added, err
}

// ProtectCounted is Protect that also says how many live cookies the new
// protection covers (0 when it was there already).
func (j *Jar) ProtectCounted(ctx context.Context, f cookie.Filter) (p Protection, added bool, covers int, err error) {
	if err := checkProtectionFilter(f); err != nil {
		return Protection{}, false, 0, err
	}
	_, err = j.change(ctx, kindProtect, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		ps, err := j.loadProtections(ctx, tx)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		for _, old := range ps {
			if old.Filter.Equal(f) {
				p = old
				return "", 0, nil
			}
		}
		now := j.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO protections (`+protectionCols+`) VALUES (?, ?)`, f.String(), toMicro(now))
		if err != nil {
			return "", 0, j.fileError(err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return "", 0, err
		}
		p, added = Protection{ID: id, Filter: f, Text: f.String(), Added: fromMicro(toMicro(now))}, true
		n, err := countCovers(ctx, tx, []Protection{p}, now)
		if err != nil {
			return "", 0, err
		}
		covers = n[0]
		return fmt.Sprintf("protect %s (%s now)", p.Text, plural(covers, "cookie")), 1, nil
	})
	if err != nil {
		return Protection{}, false, 0, err
	}
	return p, added, covers, nil
}

// Unprotect removes the jar's protection whose filter equals f
// (Filter.Equal). One undo step. A protection from the rules file gives a
// *FileProtectionError, no such protection ErrNotProtected.
func (j *Jar) Unprotect(ctx context.Context, f cookie.Filter) (Protection, error) {
	var p Protection
	_, err := j.change(ctx, kindProtect, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		ps, err := j.loadProtections(ctx, tx)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		found := false
		for _, old := range ps {
			if old.Filter.Equal(f) {
				if old.FromFile() {
					return "", 0, &FileProtectionError{Protection: old}
				}
				p, found = old, true
				break
			}
		}
		if !found {
			return "", 0, ErrNotProtected
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_protections (change_id, id, `+protectionCols+`)
			SELECT ?, id, `+protectionCols+` FROM protections WHERE id = ? AND id <= ?`, rec.change, p.ID, rec.maxProtection); err != nil {
			return "", 0, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM protections WHERE id = ?`, p.ID); err != nil {
			return "", 0, err
		}
		return "unprotect " + p.Text, 1, nil
	})
	if err != nil {
		return Protection{}, err
	}
	return p, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// loadProtections reads the jar's protections after the rules file's. A
// stored filter this build cannot parse (written by a newer crumbs with a
// term it does not know) would protect nothing it was meant to: it is an
// error rather than silently ignored.
func (j *Jar) loadProtections(ctx context.Context, q querier) ([]Protection, error) {
	out := append([]Protection(nil), j.fileProtections...)
	rows, err := q.QueryContext(ctx, `SELECT id, `+protectionCols+` FROM protections ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, added int64
		var text string
		if err := rows.Scan(&id, &text, &added); err != nil {
			return nil, err
		}
		p, err := parseProtection(id, text, added)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// parseProtection is the protection of a row of the protections table.
func parseProtection(id int64, text string, added int64) (Protection, error) {
	p := Protection{ID: id, Text: text, Added: fromMicro(added)}
	var err error
	if p.Filter, err = cookie.ParseFilter(p.Text); err != nil {
		return Protection{}, fmt.Errorf("protection %d %q: %w", p.ID, p.Text, err)
	}
	return p, nil
}

// protector loads the protections inside q (nil when there are none, so
// that callers skip the marking pass).
func (j *Jar) protector(ctx context.Context, q querier) (*Protector, error) {
	ps, err := j.loadProtections(ctx, q)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return NewProtector(ps), nil
}

// RemoveOptions say what a bulk removal does with protected cookies.
type RemoveOptions struct {
	// IncludeProtected takes protected cookies too: crumbs purge
	// --include-protected, or a single delete the user confirmed.
	IncludeProtected bool
}

// Removal is what a bulk removal did.
type Removal struct {
	Moved int // cookies moved to the trash
	// Kept counts cookies it selected but kept because a protection
	// covers them ("kept 31 protected").
	Kept int
	// Protected counts, of Moved, the protected cookies taken with
	// IncludeProtected.
	Protected int
	// Sites counts the distinct sites of the moved cookies (set by a purge).
	Sites int
}

// summary is the undo history's text for a removal: "…: 12 cookies, kept
// 3 protected".
func (r Removal) summary() string {
	s := plural(r.Moved, "cookie")
	if r.Kept > 0 {
		s += fmt.Sprintf(", kept %d protected", r.Kept)
	}
	if r.Protected > 0 {
		s += fmt.Sprintf(" (%d of them protected)", r.Protected)
	}
	return s
}

// PurgeWith is Purge with options: it moves every live cookie matching f to
// the trash except, unless o.IncludeProtected, the protected ones, and
// says how many it kept. One undo step (none if it moved nothing).
func (j *Jar) PurgeWith(ctx context.Context, f cookie.Filter, o RemoveOptions) (Removal, error) {
	return j.purge(ctx, f, o)
}

// DeleteWith is Delete with options: it moves the live cookies with these
// ids to the trash except, unless o.IncludeProtected, the protected ones.
// One undo step (none if it moved nothing).
func (j *Jar) DeleteWith(ctx context.Context, ids []int64, o RemoveOptions) (Removal, error) {
	return j.deleteIDs(ctx, ids, o)
}

// split divides cookies (already selected for removal, ProtectedBy set)
// into the ids to move and the removal's counts.
func splitProtected(cs []cookie.Cookie, o RemoveOptions) ([]int64, Removal) {
	var r Removal
	ids := make([]int64, 0, len(cs))
	for i := range cs {
		if cs[i].ProtectedBy != "" {
			if !o.IncludeProtected {
				r.Kept++
				continue
			}
			r.Protected++
		}
		ids = append(ids, cs[i].ID)
	}
	return ids, r
}
