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
// before. An import that only adds rows costs no copies. Cookies moved to
// the trash need no copy either: the trash rows the change added (above
// max_trash) are their before-images, id (cookie_id) and all, and undo puts
// them back from there unless undo_cookies holds an older image.
//
// The change also records the classifier knowledge it ran with: undo
// classifies the rows it puts back again only when the knowledge is not
// the same any more (docs/decisions.md, "Undo re-classifies only after a
// knowledge change").

// recorder is handed to a change while it runs.
type recorder struct {
	change                                         int64
	maxCookie, maxTrash, maxVerdict, maxProtection int64
	// conn is the transaction's connection, for statements through
	// SQLite's C API in the same transaction (rawWriter).
	conn *sql.Conn
}

// change runs fn as one undo step of the given kind. fn returns a summary
// and how many cookies it affected; 0 means nothing changed and no step is
// recorded (whatever fn wrote outside the undoable tables is kept).
func (j *Jar) change(ctx context.Context, kind string, fn func(tx *sql.Tx, rec *recorder) (string, int, error)) (int, error) {
	var count int
	err := j.writeConn(ctx, true, func(conn *sql.Conn, tx *sql.Tx) error {
		rec := &recorder{conn: conn}
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT coalesce(max(id), 0) FROM cookies),
			(SELECT coalesce(max(id), 0) FROM trash),
			(SELECT coalesce(max(id), 0) FROM verdicts),
			(SELECT coalesce(max(id), 0) FROM protections)`).Scan(&rec.maxCookie, &rec.maxTrash, &rec.maxVerdict, &rec.maxProtection); err != nil {
			return j.fileError(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, summary, count, at, max_cookie, max_trash, max_verdict, max_protection, knowledge)
			VALUES (?, '', 0, ?, ?, ?, ?, ?, ?)`, kind, toMicro(j.Now()), rec.maxCookie, rec.maxTrash, rec.maxVerdict, rec.maxProtection, j.knowledge())
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
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_trash (change_id, id, cookie_id, deleted_at, in_place, `+colList+`)
		SELECT ?, id, cookie_id, deleted_at, in_place, `+colList+` FROM trash WHERE id `+inIDs+` AND id <= ?`, rec.change, ids, rec.maxTrash)
	return err
}

// saveVerdicts copies the before-images of these verdict rows.
func (rec *recorder) saveVerdicts(ctx context.Context, tx *sql.Tx, ids string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_verdicts (change_id, id, `+verdictCols+`)
		SELECT ?, id, `+verdictCols+` FROM verdicts WHERE id `+inIDs+` AND id <= ?`, rec.change, ids, rec.maxVerdict)
	return err
}

const verdictCols = identityColumns + ", purpose, reason"

// The multi-row INSERT … SELECT statements of a change say OR ROLLBACK:
// a constraint failure there is a bug that ends the whole change anyway,
// and with ABORT (the default) SQLite must keep a statement journal of
// every page the statement touches to undo just that statement — 5–8% of
// an import's or an undo's CPU (docs/decisions.md, "No statement journals").

// moveToTrash moves live cookies to the trash, in place (inplace.go): the
// cookie rows stay, and undo deletes the trash rows the change added.
func (j *Jar) moveToTrash(ctx context.Context, tx *sql.Tx, rec *recorder, ids []int64) (int, error) {
	return moveInPlace(ctx, tx, toMicro(j.Now()), ids)
}

// copyToTrash moves live cookies to the trash as copies, for a caller
// about to put another cookie with the same identity into cookies (a
// restore). The trash rows it adds are their before-images: each keeps the
// cookie's id (cookie_id) and every column, and undo puts them back from
// there (no copy in undo_cookies).
func (j *Jar) copyToTrash(ctx context.Context, tx *sql.Tx, rec *recorder, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	list := idList(ids)
	if _, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO trash (cookie_id, deleted_at, `+colList+`)
		SELECT id, ?, `+colList+` FROM live WHERE id `+inIDs+` ORDER BY id`, toMicro(j.Now()), list); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM cookies WHERE id `+inIDs+` AND NOT `+heldRow, list)
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
		var knowledge string
		err := tx.QueryRowContext(ctx, `SELECT id, kind, summary, count, at, max_cookie, max_trash, max_verdict, max_protection, knowledge
			FROM changes ORDER BY id DESC LIMIT 1`).
			Scan(&c.ID, &c.Kind, &c.Summary, &c.Count, &at, &maxCookie, &maxTrash, &maxVerdict, &maxProtection, &knowledge)
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
			{"trash", "undo_trash", "id, cookie_id, deleted_at, in_place, " + colList, maxTrash},
			{"verdicts", "undo_verdicts", "id, " + verdictCols, maxVerdict},
			{"protections", "undo_protections", "id, " + protectionCols, maxProtection},
		}
		// Rows put back may carry purposes from older knowledge (the jar
		// was re-classified since): then classify them again. With the
		// same knowledge that would change nothing.
		reclassify := j.classifier != nil && knowledge != j.classifier.Version()
		// Remove everything the change added or touched first, then put
		// the before-images back: no identity can collide on the way.
		for i, s := range steps {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+` WHERE id > ?`, s.max); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+` WHERE id IN (SELECT id FROM `+s.undo+` WHERE change_id = ?)`, c.ID); err != nil {
				return err
			}
			if i == 0 {
				// A row with the id of a cookie the change copied to the
				// trash was added after it: SQLite gives a new row max+1,
				// which is a removed row's id when that was the largest.
				if _, err := tx.ExecContext(ctx, `DELETE FROM cookies WHERE id IN (SELECT cookie_id FROM trash WHERE id > ? AND NOT in_place)`, maxTrash); err != nil {
					return err
				}
				// The live cookies are now those the change did not touch:
				// put back the ones it moved to the trash, before the trash
				// rows it added go.
				if err := j.undoMoves(ctx, tx, c, maxTrash, reclassify); err != nil {
					return err
				}
			}
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO `+s.table+` (`+s.cols+`) SELECT `+s.cols+` FROM `+s.undo+` WHERE change_id = ?`, c.ID); err != nil {
				return fmt.Errorf("jar %s: undo %s: %w", j.path, c.Kind, err)
			}
			if reclassify && (s.table == "cookies" || s.table == "trash") {
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

// undoMoves puts back the live cookies change c moved to the trash: the
// trash rows above maxTrash, as they were (cookie_id is their id), except
// those of which undo_cookies holds an older image (the change updated
// them first).
func (j *Jar) undoMoves(ctx context.Context, tx *sql.Tx, c Change, maxTrash int64, reclassify bool) error {
	if _, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO cookies (id, `+colList+`) SELECT cookie_id, `+colList+` FROM trash
		WHERE id > ? AND NOT in_place AND cookie_id NOT IN (SELECT id FROM undo_cookies WHERE change_id = ?) ORDER BY cookie_id`, maxTrash, c.ID); err != nil {
		return fmt.Errorf("jar %s: undo %s: %w", j.path, c.Kind, err)
	}
	if !reclassify {
		return nil
	}
	if err := j.reclassifyTable(ctx, tx, "cookies", `AND id IN (SELECT cookie_id FROM trash WHERE id > ? AND NOT in_place)`, maxTrash); err != nil {
		return fmt.Errorf("jar %s: undo %s: %w", j.path, c.Kind, err)
	}
	return nil
}

// knowledge is what the jar's classifier knows (its version), "" without one.
func (j *Jar) knowledge() string {
	if j.classifier == nil {
		return ""
	}
	return j.classifier.Version()
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
