package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrNothingToUndo is returned by Undo when the history is empty.
var ErrNothingToUndo = errors.New("nothing to undo")

// Change is one entry of the undo history.
type Change struct {
	ID      int64
	Kind    string // import, edit, delete, purge, verdict, restore, empty-trash, protect
	Summary string // for people: "import firefox:default-release: 12 added, 3 updated"
	Count   int    // cookies affected
	At      time.Time
}

// Change kinds.
const (
	kindImport     = "import"
	kindEdit       = "edit"
	kindDelete     = "delete"
	kindPurge      = "purge"
	kindVerdict    = "verdict"
	kindRestore    = "restore"
	kindEmptyTrash = "empty-trash"
	kindProtect    = "protect" // adding or removing a protection (protect.go)
)

// historyLimit is how many changes the undo history keeps; older ones are
// forgotten (and can no longer be undone).
const historyLimit = 50

// How undo works. Every change runs in one transaction that first writes
// its row in changes, with the largest row id of cookies, trash, verdicts
// and protections at that moment. Rows the change adds get larger ids (SQLite
// assigns max+1, and no change inserts an explicit id), so they need no
// record at all: undo deletes everything above the recorded maxima. Rows
// the change updates or removes are copied, before the first touch, into
// undo_cookies, undo_trash and undo_verdicts (INSERT OR IGNORE keeps the
// first image). Undo deletes the added rows and the current versions of the
// copied rows and puts the copies back: the tables are then exactly as
// before. An import that only adds rows costs no copies.

// recorder is handed to a change while it runs.
type recorder struct {
	change                                         int64
	maxCookie, maxTrash, maxVerdict, maxProtection int64
}

// change runs fn as one undo step of the given kind. fn returns a summary
// and how many cookies it affected; 0 means nothing changed and no step is
// recorded (whatever fn wrote outside the undoable tables is kept).
func (j *Jar) change(ctx context.Context, kind string, fn func(tx *sql.Tx, rec *recorder) (string, int, error)) (int, error) {
	var count int
	err := j.write(ctx, func(tx *sql.Tx) error {
		rec := &recorder{}
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT coalesce(max(id), 0) FROM cookies),
			(SELECT coalesce(max(id), 0) FROM trash),
			(SELECT coalesce(max(id), 0) FROM verdicts),
			(SELECT coalesce(max(id), 0) FROM protections)`).Scan(&rec.maxCookie, &rec.maxTrash, &rec.maxVerdict, &rec.maxProtection); err != nil {
			return j.fileError(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, summary, count, at, max_cookie, max_trash, max_verdict, max_protection)
			VALUES (?, '', 0, ?, ?, ?, ?, ?)`, kind, toMicro(j.Now()), rec.maxCookie, rec.maxTrash, rec.maxVerdict, rec.maxProtection)
		if err != nil {
			return j.fileError(err)
		}
		if rec.change, err = res.LastInsertId(); err != nil {
			return err
		}
		summary, n, err := fn(tx, rec)
		if err != nil {
			return err
		}
		count = n
		if n == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE id = ?`, rec.change)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET summary = ?, count = ? WHERE id = ?`, summary, n, rec.change); err != nil {
			return err
		}
		// Keep the last historyLimit changes.
		old := rec.change - historyLimit
		if old > 0 {
			for _, t := range []string{"undo_cookies", "undo_trash", "undo_verdicts", "undo_protections"} {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE change_id <= ?`, old); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE id <= ?`, old); err != nil {
				return err
			}
		}
		return nil
	})
	return count, err
}

// idList renders ids for "IN (SELECT value FROM json_each(?))".
func idList(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

const inIDs = `IN (SELECT value FROM json_each(?))`

// saveCookies copies the before-images of the live cookies with these ids.
func (rec *recorder) saveCookies(ctx context.Context, tx *sql.Tx, ids string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_cookies (change_id, id, `+colList+`)
		SELECT ?, id, `+colList+` FROM cookies WHERE id `+inIDs+` AND id <= ?`, rec.change, ids, rec.maxCookie)
	return err
}

// saveTrash copies the before-images of these trash entries.
func (rec *recorder) saveTrash(ctx context.Context, tx *sql.Tx, ids string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_trash (change_id, id, cookie_id, deleted_at, `+colList+`)
		SELECT ?, id, cookie_id, deleted_at, `+colList+` FROM trash WHERE id `+inIDs+` AND id <= ?`, rec.change, ids, rec.maxTrash)
	return err
}

// saveVerdicts copies the before-images of these verdict rows.
func (rec *recorder) saveVerdicts(ctx context.Context, tx *sql.Tx, ids string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_verdicts (change_id, id, `+verdictCols+`)
		SELECT ?, id, `+verdictCols+` FROM verdicts WHERE id `+inIDs+` AND id <= ?`, rec.change, ids, rec.maxVerdict)
	return err
}

const verdictCols = identityColumns + ", purpose, reason"

// moveToTrash moves live cookies to the trash, recording them for undo.
func (j *Jar) moveToTrash(ctx context.Context, tx *sql.Tx, rec *recorder, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	list := idList(ids)
	if err := rec.saveCookies(ctx, tx, list); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trash (cookie_id, deleted_at, `+colList+`)
		SELECT id, ?, `+colList+` FROM cookies WHERE id `+inIDs+` ORDER BY id`, toMicro(j.Now()), list); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM cookies WHERE id `+inIDs, list)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// LastChange is the change Undo would revert, if any.
func (j *Jar) LastChange(ctx context.Context) (Change, bool, error) {
	var c Change
	var at int64
	err := j.db.QueryRowContext(ctx, `SELECT id, kind, summary, count, at FROM changes ORDER BY id DESC LIMIT 1`).
		Scan(&c.ID, &c.Kind, &c.Summary, &c.Count, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Change{}, false, nil
	}
	if err != nil {
		return Change{}, false, j.fileError(err)
	}
	c.At = fromMicro(at)
	return c, true, nil
}

// History lists the undo history, newest first.
func (j *Jar) History(ctx context.Context) ([]Change, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT id, kind, summary, count, at FROM changes ORDER BY id DESC`)
	if err != nil {
		return nil, j.fileError(err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.Summary, &c.Count, &at); err != nil {
			return nil, err
		}
		c.At = fromMicro(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Undo reverts the last change exactly, whoever made it. It is not itself
// recorded: there is no redo.
func (j *Jar) Undo(ctx context.Context) (Change, error) {
	var c Change
	err := j.write(ctx, func(tx *sql.Tx) error {
		var at, maxCookie, maxTrash, maxVerdict, maxProtection int64
		err := tx.QueryRowContext(ctx, `SELECT id, kind, summary, count, at, max_cookie, max_trash, max_verdict, max_protection
			FROM changes ORDER BY id DESC LIMIT 1`).
			Scan(&c.ID, &c.Kind, &c.Summary, &c.Count, &at, &maxCookie, &maxTrash, &maxVerdict, &maxProtection)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNothingToUndo
		}
		if err != nil {
			return j.fileError(err)
		}
		c.At = fromMicro(at)
		steps := []struct {
			table, undo, cols string
			max               int64
		}{
			{"cookies", "undo_cookies", "id, " + colList, maxCookie},
			{"trash", "undo_trash", "id, cookie_id, deleted_at, " + colList, maxTrash},
			{"verdicts", "undo_verdicts", "id, " + verdictCols, maxVerdict},
			{"protections", "undo_protections", "id, " + protectionCols, maxProtection},
		}
		// Remove everything the change added or touched first, then put
		// the before-images back: no identity can collide on the way.
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+` WHERE id > ?`, s.max); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+` WHERE id IN (SELECT id FROM `+s.undo+` WHERE change_id = ?)`, c.ID); err != nil {
				return err
			}
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+s.table+` (`+s.cols+`) SELECT `+s.cols+` FROM `+s.undo+` WHERE change_id = ?`, c.ID); err != nil {
				return fmt.Errorf("jar %s: undo %s: %w", j.path, c.Kind, err)
			}
			// Rows put back may carry purposes from older knowledge (the
			// jar was re-classified since): classify them again. With the
			// same knowledge this changes nothing, and undo stays exact.
			if j.classifier != nil && (s.table == "cookies" || s.table == "trash") {
				if err := j.reclassifyTable(ctx, tx, s.table, `AND id IN (SELECT id FROM `+s.undo+` WHERE change_id = ?)`, c.ID); err != nil {
					return fmt.Errorf("jar %s: undo %s: %w", j.path, c.Kind, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.undo+` WHERE change_id = ?`, c.ID); err != nil {
				return err
			}
		}
		if err := undoPending(ctx, tx, c.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM changes WHERE id = ?`, c.ID)
		return err
	})
	if err != nil {
		return Change{}, err
	}
	return c, nil
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}
