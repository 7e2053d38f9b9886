package jar

// Pending write-back (docs/writeback.md): the jar keeps, per
// source, the deletions (delete, purge) and edits made since that source's
// last `crumbs apply`, until apply writes them into the browser's store.
//
// A pending change is a row of its own, recorded by the change that made
// it (change_id), so that:
//   - undoing that change removes the row (the deletion or edit is no
//     longer pending);
//   - emptying the trash leaves it (the row does not live in the trash);
//   - a re-import does not bring a pending deletion back, nor overwrite a
//     pending edit (Import skips those identities and counts them);
//   - a deletion whose cookie is live again (restored from the trash) is
//     not pending while it is live.
//
// Prune records nothing: the cookies it trashes are those the browser no
// longer has (docs/decisions.md).

import (
	"context"
	"database/sql"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Pending kinds.
const (
	PendingDelete = "delete"
	PendingEdit   = "edit"
)

// EditFields says which fields an edit changed, as bits.
type EditFields int

// The fields write-back can write, and the identity (which it cannot).
const (
	FieldValue EditFields = 1 << iota
	FieldExpires
	FieldSecure
	FieldHTTPOnly
	FieldSameSite
	FieldIdentity
)

// Has reports whether f has every bit of g.
func (f EditFields) Has(g EditFields) bool { return f&g == g }

const pendingDDL = `CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY, change_id INTEGER NOT NULL, kind TEXT NOT NULL,
	source TEXT NOT NULL, partition_key TEXT NOT NULL, container_key TEXT NOT NULL,
	domain TEXT NOT NULL, host_only INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
	cookie_id INTEGER NOT NULL, purpose TEXT NOT NULL, fields INTEGER NOT NULL) STRICT`

const pendingIndexDDL = `CREATE INDEX IF NOT EXISTS pending_source ON pending (source, id)`

// migrateV4toV5 adds the pending table. No cookie row is touched.
func migrateV4toV5(ctx context.Context, tx *sql.Tx) error {
	for _, stmt := range []string{pendingDDL, pendingIndexDDL} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// recordPending records cs as pending changes of kind, made by rec's
// change. Cookies without a store key (read from a cookies.txt, made by
// hand) cannot be written back and are not recorded.
func recordPending(ctx context.Context, tx *sql.Tx, rec *recorder, kind string, cs []cookie.Cookie, fields func(*cookie.Cookie) EditFields) error {
	var stmt *sql.Stmt
	for i := range cs {
		c := &cs[i]
		if c.OriginalKey == "" {
			continue
		}
		if stmt == nil {
			var err error
			stmt, err = tx.PrepareContext(ctx, `INSERT INTO pending (change_id, kind, `+identityColumns+`, cookie_id, purpose, fields)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
		}
		var f EditFields
		if fields != nil {
			f = fields(c)
		}
		id := c.Identity()
		if _, err := stmt.ExecContext(ctx, append(append([]any{rec.change, kind}, identityArgs(id)...),
			c.ID, string(c.Purpose), int(f))...); err != nil {
			return err
		}
	}
	return nil
}

// recordDeletions records the cookies of cs whose ids are in moved.
func recordDeletions(ctx context.Context, tx *sql.Tx, rec *recorder, cs []cookie.Cookie, moved []int64) error {
	in := make(map[int64]bool, len(moved))
	for _, id := range moved {
		in[id] = true
	}
	sel := make([]cookie.Cookie, 0, len(moved))
	for i := range cs {
		if in[cs[i].ID] {
			sel = append(sel, cs[i])
		}
	}
	return recordPending(ctx, tx, rec, PendingDelete, sel, nil)
}

// recordDeletionIDs records the live cookies with these ids (before they
// move to the trash) that have an original key (write-back needs one): one
// INSERT … SELECT in which SQLite copies their identities itself and tests
// the key with crumbs_keyed (sqlfuncs.go). A purge of 40,000 cookies costs
// one statement, not a read and an insert per cookie. OR ROLLBACK: a
// failure ends the whole change, so SQLite keeps no statement journal.
func recordDeletionIDs(ctx context.Context, tx *sql.Tx, rec *recorder, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO pending (change_id, kind, `+identityColumns+`, cookie_id, purpose, fields)
		SELECT ?, ?, `+identityColumns+`, id, purpose, 0 FROM live WHERE id `+inIDs+` AND `+keyedFunc+`(more) ORDER BY id`,
		rec.change, PendingDelete, idList(ids))
	return err
}

// recordDeletionsWhere is recordDeletionIDs of the live cookies fs selects
// (exactly: a purge's selection, before it moves them), by one scan in id
// order instead of a lookup per id.
func recordDeletionsWhere(ctx context.Context, tx *sql.Tx, rec *recorder, fs filterSQL) error {
	where := ` WHERE ` + keyedFunc + `(more)`
	if fs.where != "" {
		where = ` WHERE (` + fs.where + `) AND ` + keyedFunc + `(more)`
	}
	_, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO pending (change_id, kind, `+identityColumns+`, cookie_id, purpose, fields)
		SELECT ?, ?, `+identityColumns+`, id, purpose, 0 FROM live`+where+` ORDER BY id`,
		append([]any{rec.change, PendingDelete}, fs.args...)...)
	return err
}

// editFields compares a cookie before and after an edit.
func editFields(old, c *cookie.Cookie) EditFields {
	var f EditFields
	if old.Value != c.Value || old.ValueUnreadable != c.ValueUnreadable {
		f |= FieldValue
	}
	if old.Session != c.Session || !old.Expires.Equal(c.Expires) {
		f |= FieldExpires
	}
	if old.Secure != c.Secure {
		f |= FieldSecure
	}
	if old.HTTPOnly != c.HTTPOnly {
		f |= FieldHTTPOnly
	}
	if old.SameSite != c.SameSite {
		f |= FieldSameSite
	}
	if old.Identity() != c.Identity() {
		f |= FieldIdentity
	}
	return f
}

// recordEdit records the edit of old into c, if it changed a field the
// store holds.
func recordEdit(ctx context.Context, tx *sql.Tx, rec *recorder, old, c *cookie.Cookie) error {
	f := editFields(old, c)
	if f == 0 {
		return nil
	}
	o := *old
	return recordPending(ctx, tx, rec, PendingEdit, []cookie.Cookie{o}, func(*cookie.Cookie) EditFields { return f })
}

// undoPending removes the pending rows a change recorded (history.go).
func undoPending(ctx context.Context, tx *sql.Tx, change int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE change_id = ?`, change)
	return err
}

// pendingKeys returns, per source, the identity keys (identityKey) of the
// cookies with a pending change that a re-import must leave alone.
func pendingKeys(ctx context.Context, tx *sql.Tx, sources []string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	var buf []byte
	for _, src := range sources {
		rows, err := tx.QueryContext(ctx, `SELECT kind, partition_key, container_key, domain, host_only, path, name, cookie_id
			FROM pending WHERE source = ?`, src)
		if err != nil {
			return nil, err
		}
		type prow struct {
			kind     string
			id       cookie.Identity
			cookieID int64
		}
		var ps []prow
		for rows.Next() {
			var p prow
			var ho int64
			p.id.Source = src
			if err := rows.Scan(&p.kind, &p.id.Partition, &p.id.Container, &p.id.Domain, &ho, &p.id.Path, &p.id.Name, &p.cookieID); err != nil {
				rows.Close()
				return nil, err
			}
			p.id.HostOnly = ho != 0
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			continue
		}
		find, err := tx.PrepareContext(ctx, `SELECT id FROM live WHERE `+cookieIdentityWhere)
		if err != nil {
			return nil, err
		}
		m := map[string]bool{}
		for _, p := range ps {
			var live int64
			err := find.QueryRowContext(ctx, cookieIdentityArgs(p.id)...).Scan(&live)
			isLive := err == nil
			if err != nil && err != sql.ErrNoRows {
				find.Close()
				return nil, err
			}
			if p.kind == PendingDelete && isLive {
				continue // restored: the deletion is not pending while it is live
			}
			buf = identityKey(buf, p.id.Partition, p.id.Container, p.id.Domain, p.id.HostOnly, p.id.Path, p.id.Name)
			m[string(buf)] = true
		}
		find.Close()
		out[src] = m
	}
	return out, nil
}

// PendingChange is one cookie's change waiting to be written back.
type PendingChange struct {
	Kind string // PendingDelete or PendingEdit
	// Identity is the cookie's identity in its store, as it was when the
	// change was made.
	Identity cookie.Identity
	Purpose  cookie.Purpose
	// Fields (edits) are the fields changed since the last apply.
	Fields EditFields
	// Cookie (edits) is the cookie as the jar holds it now.
	Cookie *cookie.Cookie
}

// Pending returns the pending changes of source and the largest pending
// row id read, for ClearPending. A deletion whose cookie is live again, and
// an edit whose cookie is gone or pending deletion, are left out.
func (j *Jar) Pending(ctx context.Context, source string) ([]PendingChange, int64, error) {
	var out []PendingChange
	var maxID int64
	err := j.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, partition_key, container_key, domain, host_only, path, name, cookie_id, purpose, fields
			FROM pending WHERE source = ? ORDER BY id`, source)
		if err != nil {
			return j.fileError(err)
		}
		type prow struct {
			PendingChange
			cookieID int64
		}
		var ps []prow
		for rows.Next() {
			var p prow
			var id, ho, fields int64
			var purpose string
			p.Identity.Source = source
			if err := rows.Scan(&id, &p.Kind, &p.Identity.Partition, &p.Identity.Container, &p.Identity.Domain, &ho,
				&p.Identity.Path, &p.Identity.Name, &p.cookieID, &purpose, &fields); err != nil {
				rows.Close()
				return err
			}
			p.Identity.HostOnly, p.Purpose, p.Fields = ho != 0, cookie.Purpose(purpose), EditFields(fields)
			maxID = max(maxID, id)
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		find, err := tx.PrepareContext(ctx, `SELECT id FROM live WHERE `+cookieIdentityWhere)
		if err != nil {
			return err
		}
		defer find.Close()
		deleted := map[cookie.Identity]bool{}
		for _, p := range ps {
			if p.Kind != PendingDelete || deleted[p.Identity] {
				continue
			}
			var live int64
			err := find.QueryRowContext(ctx, cookieIdentityArgs(p.Identity)...).Scan(&live)
			if err == nil {
				continue // live again
			}
			if err != sql.ErrNoRows {
				return err
			}
			deleted[p.Identity] = true
			out = append(out, p.PendingChange)
		}
		edits := map[int64]*PendingChange{}
		var order []int64
		for _, p := range ps {
			if p.Kind != PendingEdit || deleted[p.Identity] {
				continue
			}
			if e := edits[p.cookieID]; e != nil {
				e.Fields |= p.Fields
				continue
			}
			pc := p.PendingChange
			edits[p.cookieID] = &pc
			order = append(order, p.cookieID)
		}
		if len(order) > 0 {
			cs, err := loadLive(ctx, tx, order)
			if err != nil {
				return err
			}
			byID := map[int64]*cookie.Cookie{}
			for i := range cs {
				byID[cs[i].ID] = &cs[i]
			}
			for _, id := range order {
				c := byID[id]
				if c == nil {
					continue // deleted since (by a clean, or a prune)
				}
				e := edits[id]
				e.Cookie = c
				if c.Identity() != e.Identity {
					e.Fields |= FieldIdentity
				}
				out = append(out, *e)
			}
		}
		return nil
	})
	return out, maxID, err
}

// PendingSources lists the sources with pending rows.
func (j *Jar) PendingSources(ctx context.Context) ([]string, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT DISTINCT source FROM pending ORDER BY source`)
	if err != nil {
		return nil, j.fileError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ClearPending forgets the pending changes of source up to row id upTo
// (Pending's second result), once apply has written them. Changes recorded
// meanwhile stay. It is not an undo step: the jar's cookies do not change.
func (j *Jar) ClearPending(ctx context.Context, source string, upTo int64) error {
	return j.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE source = ? AND id <= ?`, source, upTo)
		return err
	})
}
