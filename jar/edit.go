package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

const userReason = "your verdict"

// Update replaces the live cookie c.ID with c after validating it. The
// identity may change unless it collides with another live cookie. A
// cookie whose VerdictBy is EvidenceUser keeps its purpose as the user's
// verdict; any other is re-classified. One undo step.
func (j *Jar) Update(ctx context.Context, c cookie.Cookie) error {
	if c.ID <= 0 {
		return ErrNotFound
	}
	now := j.Now()
	if err := cookie.Validate(&c, now); err != nil {
		return err
	}
	_, err := j.change(ctx, kindEdit, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		if err := j.updateIn(ctx, tx, rec, c); err != nil {
			return "", 0, err
		}
		return "edit " + c.Host() + " " + c.Name, 1, nil
	})
	return err
}

// updateIn is the body of one cookie's edit inside a change: validation of
// the identity, classification, verdicts, the before-image, the pending
// write-back record and the row itself.
func (j *Jar) updateIn(ctx context.Context, tx *sql.Tx, rec *recorder, c cookie.Cookie) error {
	rows, err := tx.QueryContext(ctx, selectCookies+` WHERE id = ?`, c.ID)
	if err != nil {
		return j.fileError(err)
	}
	olds, err := scanCookies(rows, 1)
	if err != nil {
		return err
	}
	if len(olds) == 0 {
		return ErrNotFound
	}
	old := olds[0]
	newID, oldID := c.Identity(), old.Identity()
	if newID != oldID {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM live WHERE `+cookieIdentityWhere+` AND id != ?`,
			append(cookieIdentityArgs(newID), c.ID)...).Scan(&other)
		if err == nil {
			return &cookie.InvalidError{Field: "name", Reason: "another cookie with this source, domain, path and name exists"}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// A trashed cookie of the new identity, held in place, moves
		// out into its trash entry: it stays in the trash.
		if err := freeIdentity(ctx, tx, rec, newID); err != nil {
			return err
		}
	}
	if c.VerdictBy == cookie.EvidenceUser {
		if c.Reason == "" {
			c.Reason = userReason
		}
	} else if j.classifier != nil {
		c.VerdictBy = ""
		j.classifier.Classify(&c)
	}
	normalize(&c)
	// The verdict follows the cookie: drop the old identity's, keep the
	// new one if the purpose is the user's.
	if newID != oldID || c.VerdictBy != cookie.EvidenceUser {
		if err := j.dropVerdicts(ctx, tx, rec, []cookie.Identity{oldID}); err != nil {
			return err
		}
	}
	if c.VerdictBy == cookie.EvidenceUser {
		if err := j.putVerdicts(ctx, tx, rec, []cookie.Identity{newID}, c.Purpose, c.Reason); err != nil {
			return err
		}
	}
	if err := rec.saveCookies(ctx, tx, idList([]int64{c.ID})); err != nil {
		return err
	}
	if err := recordEdit(ctx, tx, rec, &old, &c); err != nil {
		return err
	}
	sets := make([]string, len(cookieColumns))
	for i, col := range cookieColumns {
		sets[i] = col.name + " = ?"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cookies SET `+strings.Join(sets, ", ")+` WHERE id = ?`,
		append(rowArgs(&c, cookie.Site(c.Domain)), c.ID)...); err != nil {
		return fmt.Errorf("jar %s: edit: %w", j.path, err)
	}
	return nil
}

const identityWhere = `source = ? AND partition_key = ? AND container_key = ? AND domain = ? AND host_only = ? AND path = ? AND name = ?`

// cookieIdentityWhere finds a live cookie by identity through the
// identity index, which leads with site.
const cookieIdentityWhere = `site = ? AND ` + identityWhere

func cookieIdentityArgs(id cookie.Identity) []any {
	return append([]any{cookie.Site(id.Domain)}, identityArgs(id)...)
}

func identityArgs(id cookie.Identity) []any {
	return []any{id.Source, id.Partition, id.Container, id.Domain, b2i(id.HostOnly), id.Path, id.Name}
}

// dropVerdicts removes the user's verdicts for these identities.
func (j *Jar) dropVerdicts(ctx context.Context, tx *sql.Tx, rec *recorder, ids []cookie.Identity) error {
	for _, id := range ids {
		var vid int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM verdicts WHERE `+identityWhere, identityArgs(id)...).Scan(&vid)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if err := rec.saveVerdicts(ctx, tx, idList([]int64{vid})); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM verdicts WHERE id = ?`, vid); err != nil {
			return err
		}
	}
	return nil
}

// putVerdicts records the user's verdict for these identities.
func (j *Jar) putVerdicts(ctx context.Context, tx *sql.Tx, rec *recorder, ids []cookie.Identity, p cookie.Purpose, reason string) error {
	find, err := tx.PrepareContext(ctx, `SELECT id FROM verdicts WHERE `+identityWhere)
	if err != nil {
		return err
	}
	defer find.Close()
	for _, id := range ids {
		var vid int64
		err := find.QueryRowContext(ctx, identityArgs(id)...).Scan(&vid)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO verdicts (`+verdictCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				append(identityArgs(id), string(p), reason)...); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if err := rec.saveVerdicts(ctx, tx, idList([]int64{vid})); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE verdicts SET purpose = ?, reason = ? WHERE id = ?`, string(p), reason, vid); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete moves the live cookies with these ids to the trash, keeping the
// protected ones (DeleteWith says how many, and can take them too). One
// undo step.
func (j *Jar) Delete(ctx context.Context, ids []int64) (int, error) {
	r, err := j.deleteIDs(ctx, ids, RemoveOptions{})
	return r.Moved, err
}

// Purge moves every live cookie matching f to the trash (all of them if f
// is empty), keeping the protected ones (PurgeWith says how many, and can
// take them too). One undo step.
func (j *Jar) Purge(ctx context.Context, f cookie.Filter) (int, error) {
	r, err := j.purge(ctx, f, RemoveOptions{})
	return r.Moved, err
}

func (j *Jar) deleteIDs(ctx context.Context, ids []int64, o RemoveOptions) (Removal, error) {
	var r Removal
	if len(ids) == 0 {
		return r, nil
	}
	_, err := j.change(ctx, kindDelete, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		cs, err := loadLive(ctx, tx, ids)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		if err := j.markIn(ctx, tx, cs); err != nil {
			return "", 0, err
		}
		var move []int64
		move, r = splitProtected(cs, o)
		if err := recordDeletions(ctx, tx, rec, cs, move); err != nil {
			return "", 0, err
		}
		n, err := j.moveToTrash(ctx, tx, rec, move)
		if err != nil {
			return "", 0, err
		}
		r.Moved = n
		return "delete " + r.summary(), n, nil
	})
	if err != nil {
		return Removal{}, err
	}
	return r, nil
}

func (j *Jar) purge(ctx context.Context, f cookie.Filter, o RemoveOptions) (Removal, error) {
	var r Removal
	_, err := j.change(ctx, kindPurge, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		sel, rm, err := j.purgeSelection(ctx, tx, rec, f, o)
		if err != nil {
			return "", 0, err
		}
		r = rm
		if sel.where != nil {
			// The selection is the filter itself: the pending record
			// reads the same rows in the same scan order, not each by id,
			// while the selection's ids are read on another connection.
			err = recordDeletionsWhere(ctx, tx, rec, *sel.where)
			var werr error
			sel.ids, sel.sites, werr = sel.wait()
			if err == nil {
				err = werr
			}
		} else {
			err = recordDeletionIDs(ctx, tx, rec, sel.ids)
		}
		if err != nil {
			return "", 0, err
		}
		n, err := j.moveToTrash(ctx, tx, rec, sel.ids)
		if err != nil {
			return "", 0, err
		}
		r.Moved, r.Sites = n, sel.sites
		what := "everything"
		if !f.IsEmpty() {
			what = f.String()
		}
		return "purge " + what + ": " + r.summary(), n, nil
	})
	if err != nil {
		return Removal{}, err
	}
	return r, nil
}

// purgeSel is what a purge moves: the ids in id order, their distinct
// sites, and, when the compiled filter selects exactly them, the filter.
type purgeSel struct {
	ids   []int64
	sites int
	where *filterSQL
	// wait, with where, returns ids and sites once read: they are read
	// on a connection of their own meanwhile (purgeSelection).
	wait func() ([]int64, int, error)
}

// purgeSelection is what a purge of f moves and what it keeps. Only the
// rows the compiled filter selects are read, and when it is exact and
// nothing is protected only their ids and sites: a purge costs what it
// removes, not the size of the jar.
func (j *Jar) purgeSelection(ctx context.Context, tx *sql.Tx, rec *recorder, f cookie.Filter, o RemoveOptions) (purgeSel, Removal, error) {
	now := j.Now()
	fs := compileFilter(f, now)
	p, err := j.protector(ctx, tx)
	if err != nil {
		return purgeSel{}, Removal{}, j.fileError(err)
	}
	if fs.exact && p.Empty() {
		// The ids are read through SQLite's C API on a reading connection
		// of their own (the driver's per-row cost was most of this read),
		// on another goroutine while the purge records its pending rows.
		// The purge holds the write lock and has written no cookie or
		// trash row yet, so that connection sees exactly what tx sees.
		var ids []int64
		var nSites int
		done := make(chan error, 1)
		go func() {
			raw, err := j.rawConn(ctx)
			if err != nil {
				done <- err
				return
			}
			defer raw.Close()
			sites := map[string]bool{}
			err = raw.Each(`SELECT id, site FROM live`+fs.clause("WHERE")+` ORDER BY id`, namedArgs(fs.args), func(r *sqlraw.Row) error {
				ids = append(ids, r.Int64(0))
				if site := r.Bytes(1); !sites[string(site)] {
					sites[string(site)] = true
				}
				return nil
			})
			nSites = len(sites)
			done <- err
		}()
		wait := func() ([]int64, int, error) {
			err := <-done
			return ids, nSites, j.fileError0(err)
		}
		return purgeSel{where: &fs, wait: wait}, Removal{}, nil
	}
	cs, err := selectMatching(ctx, tx, ` ORDER BY id`, fs, p, now,
		func(c *cookie.Cookie) bool { return f.Match(c, now) })
	if err != nil {
		return purgeSel{}, Removal{}, j.fileError(err)
	}
	ids, r := splitProtected(cs, o)
	moved := make(map[int64]bool, len(ids))
	for _, id := range ids {
		moved[id] = true
	}
	sites, names := siteCache{}, map[string]bool{}
	for i := range cs {
		if moved[cs[i].ID] {
			names[sites.site(cs[i].Domain)] = true
		}
	}
	return purgeSel{ids: ids, sites: len(names)}, r, nil
}

// selectMatching reads the live cookies a filter matches: those fs (the
// filter compiled) selects and, unless fs is exact, match accepts. Each has
// ProtectedBy set from p before match sees it; order is the SQL order clause.
func selectMatching(ctx context.Context, q querier, order string, fs filterSQL, p *Protector, now time.Time, match func(*cookie.Cookie) bool) ([]cookie.Cookie, error) {
	rows, err := q.QueryContext(ctx, selectCookies+fs.clause("WHERE")+order, fs.args...)
	if err != nil {
		return nil, err
	}
	var sel []cookie.Cookie
	err = eachCookie(rows, func(c *cookie.Cookie) {
		c.ProtectedBy = ""
		if pr, ok := p.Match(c, now); ok {
			c.ProtectedBy = pr.Text
		}
		if fs.exact || match(c) {
			sel = append(sel, *c)
		}
	})
	return sel, err
}

// selectIDs runs a query of one id column.
func selectIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// markIn sets ProtectedBy on cs from the protections as q sees them.
func (j *Jar) markIn(ctx context.Context, q querier, cs []cookie.Cookie) error {
	p, err := j.protector(ctx, q)
	if err != nil {
		return j.fileError(err)
	}
	if p != nil {
		p.Mark(cs, j.Now())
	}
	return nil
}

// loadLive reads the live cookies with these ids inside tx.
func loadLive(ctx context.Context, tx *sql.Tx, ids []int64) ([]cookie.Cookie, error) {
	rows, err := tx.QueryContext(ctx, selectCookies+` WHERE id `+inIDs+` ORDER BY id`, idList(ids))
	if err != nil {
		return nil, err
	}
	return scanCookies(rows, len(ids))
}

// rewrite stores new contents for live cookies (same identity), saving
// their before-images.
func (j *Jar) rewrite(ctx context.Context, tx *sql.Tx, rec *recorder, cs []cookie.Cookie) error {
	ids := make([]int64, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	if err := rec.saveCookies(ctx, tx, idList(ids)); err != nil {
		return err
	}
	sets := make([]string, len(cookieColumns))
	for i, col := range cookieColumns {
		sets[i] = col.name + " = ?"
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE cookies SET `+strings.Join(sets, ", ")+` WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	sites := siteCache{}
	for i := range cs {
		normalize(&cs[i])
		if _, err := stmt.ExecContext(ctx, append(rowArgs(&cs[i], sites.site(cs[i].Domain)), cs[i].ID)...); err != nil {
			return err
		}
	}
	return nil
}

// SetPurpose records the user's verdict p for these cookies (EvidenceUser).
// The verdict is kept by identity, so it survives re-import, prune and
// re-import, and knowledge updates. One undo step.
func (j *Jar) SetPurpose(ctx context.Context, ids []int64, p cookie.Purpose) (int, error) {
	if cookie.PurposeRank(p) == len(cookie.Purposes) {
		return 0, &cookie.InvalidError{Field: "purpose", Reason: fmt.Sprintf("unknown purpose %q", p)}
	}
	return j.changeVerdicts(ctx, ids, func(cs []cookie.Cookie, tx *sql.Tx, rec *recorder, idents []cookie.Identity) (string, error) {
		for i := range cs {
			cs[i].Purpose, cs[i].Reason, cs[i].VerdictBy = p, userReason, cookie.EvidenceUser
		}
		if err := j.putVerdicts(ctx, tx, rec, idents, p, userReason); err != nil {
			return "", err
		}
		return fmt.Sprintf("mark %s as %s", plural(len(cs), "cookie"), p), nil
	})
}

// ClearVerdict forgets the user's verdict for these cookies and classifies
// them again. One undo step.
func (j *Jar) ClearVerdict(ctx context.Context, ids []int64) (int, error) {
	return j.changeVerdicts(ctx, ids, func(cs []cookie.Cookie, tx *sql.Tx, rec *recorder, idents []cookie.Identity) (string, error) {
		for i := range cs {
			cs[i].Purpose, cs[i].Reason, cs[i].VerdictBy = cookie.PurposeUnknown, "", cookie.EvidenceNone
			if j.classifier != nil {
				cs[i].VerdictBy = ""
				j.classifier.Classify(&cs[i])
			}
		}
		if err := j.dropVerdicts(ctx, tx, rec, idents); err != nil {
			return "", err
		}
		return "clear your verdict on " + plural(len(cs), "cookie"), nil
	})
}

// changeVerdicts is the one undo step of setting or clearing the user's
// verdict on the live cookies ids: apply updates the loaded cookies and the
// verdicts table and returns the change's summary; the rows are rewritten
// afterwards.
func (j *Jar) changeVerdicts(ctx context.Context, ids []int64, apply func(cs []cookie.Cookie, tx *sql.Tx, rec *recorder, idents []cookie.Identity) (string, error)) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	return j.change(ctx, kindVerdict, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		cs, err := loadLive(ctx, tx, ids)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		idents := make([]cookie.Identity, len(cs))
		for i := range cs {
			idents[i] = cs[i].Identity()
		}
		summary, err := apply(cs, tx, rec, idents)
		if err != nil {
			return "", 0, err
		}
		if err := j.rewrite(ctx, tx, rec, cs); err != nil {
			return "", 0, err
		}
		return summary, len(cs), nil
	})
}

// reclassifyIfNeeded classifies every cookie without a user verdict again
// when the classifier's version differs from the one recorded in the jar.
// It is maintenance, not a change: no undo step.
func (j *Jar) reclassifyIfNeeded(ctx context.Context) error {
	want := j.classifier.Version()
	have, err := j.metaValue(ctx, j.db, classifierVersionKey)
	if err != nil {
		return j.fileError(err)
	}
	if have == want {
		return nil
	}
	return j.write(ctx, func(tx *sql.Tx) error {
		// Check again under the write lock: another process may have done it.
		if have, err = j.metaValue(ctx, tx, classifierVersionKey); err != nil {
			return j.fileError(err)
		}
		if have == want {
			return nil
		}
		for _, table := range []string{"cookies", "trash"} {
			if err := j.reclassifyTable(ctx, tx, table, ""); err != nil {
				return fmt.Errorf("jar %s: re-classifying: %w", j.path, err)
			}
		}
		return setMeta(ctx, tx, classifierVersionKey, want)
	})
}

// reclassifyTable classifies the rows of table without a user verdict
// (and matching the extra condition "AND …", if any) again.
func (j *Jar) reclassifyTable(ctx context.Context, tx *sql.Tx, table, and string, args ...any) error {
	if table == "trash" {
		// An entry held in place has no content of its own: its cookie's
		// row, in cookies, is classified there.
		and = "AND NOT in_place " + and
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, `+readColumns+` FROM `+table+` WHERE verdict_by != 'user' `+and, args...)
	if err != nil {
		return err
	}
	cs, err := scanCookies(rows, 0)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE `+table+` SET purpose = ?, reason = ?, verdict_by = ?, chash = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	sites := siteCache{}
	for i := range cs {
		c := cs[i]
		c.VerdictBy = ""
		j.classifier.Classify(&c)
		normalize(&c)
		if c.Purpose == cs[i].Purpose && c.Reason == cs[i].Reason && c.VerdictBy == cs[i].VerdictBy {
			continue
		}
		site := sites.site(c.Domain)
		if _, err := stmt.ExecContext(ctx, string(c.Purpose), c.Reason, string(c.VerdictBy),
			cookieHash(&c, site), c.ID); err != nil {
			return err
		}
	}
	return nil
}
