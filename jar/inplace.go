package jar

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// A trash entry can hold its cookie in place (schema 9, docs/jar.md
// "Trash"). A purge, a delete, a prune and a clean's follow-up used to copy
// every cookie they remove into trash and delete it from cookies: at
// 40,000 of 100,000 cookies that rewrote every page of cookies and of its
// identity index, 52 MB of WAL written twice (docs/decisions.md, "Purge ≤
// re-import: what a non-copying trash would take"). Now they add one small
// trash row per cookie, in_place = 1, whose cookie columns are empty: the
// cookie stays in its row of cookies, and the trash entry's content is that
// row. So:
//
//   - cookies holds the live cookies and the ones held in place; the view
//     live is the live ones, and every read of live cookies reads it;
//   - the view trash_entries is the trash with every entry's content;
//   - the identity index still holds a cookie held in place, so whatever
//     puts a live cookie with that identity into cookies (an import, a
//     restore, an edit) first moves the held cookie out into its trash
//     row (materialize), as one more undoable part of its change;
//   - undo of a move in place deletes the trash rows it added: the cookies
//     never left.
//
// Invariant: a cookie held in place is the most recent deletion of its
// identity (a copied entry of the same identity can only be older: for it
// to be newer the identity must have been live again, which materialized
// the held one first).

// liveCount counts the live cookies without reading them: the rows of
// cookies (a count SQLite takes from the table's b-tree) less the entries
// held in place (each holds one row, the unique index counts them). A
// damaged jar whose entries name rows that are gone counts too few, never
// fewer than none; the readers sized by it find the rows do not fit and
// read again in one piece (snapshot.go; TestDanglingEntriesDoNotHurt).
const liveCount = `max(0, (SELECT count(*) FROM cookies) - (SELECT count(*) FROM trash WHERE in_place))`

// liveCountIn is liveCount of the ids in (?, ?], the range given twice.
const liveCountIn = `SELECT max(0, (SELECT count(*) FROM cookies WHERE id > ? AND id <= ?) -
	(SELECT count(*) FROM trash WHERE in_place AND cookie_id > ? AND cookie_id <= ?))`

// heldRow is true of a row of cookies a trash entry holds in place.
const heldRow = `EXISTS (SELECT 1 FROM trash t WHERE t.in_place AND t.cookie_id = cookies.id)`

// inPlaceDDL brings the trash and the views to schema 9; a new jar runs the
// same statements after its tables, so that both have one layout.
var inPlaceDDL = []string{
	`ALTER TABLE trash ADD COLUMN in_place INTEGER NOT NULL DEFAULT 0`,
	`ALTER TABLE undo_trash ADD COLUMN in_place INTEGER NOT NULL DEFAULT 0`,
	// At most one entry holds a cookie row; and the index answers live's
	// NOT EXISTS with one probe per row.
	`CREATE UNIQUE INDEX trash_in_place ON trash (cookie_id) WHERE in_place`,
	// The first test has no correlation: SQLite runs it once per
	// statement, and while the trash holds nothing in place no row pays
	// for the second (a probe of trash_in_place per row: +60% on a full
	// read here, docs/decisions.md "The trash holds cookies in place").
	`CREATE VIEW live AS SELECT * FROM cookies c
	WHERE NOT EXISTS (SELECT 1 FROM trash WHERE in_place)
		OR NOT EXISTS (SELECT 1 FROM trash t WHERE t.in_place AND t.cookie_id = c.id)`,
	`CREATE VIEW trash_entries AS
	SELECT id, cookie_id, deleted_at, in_place, ` + colList + ` FROM trash WHERE NOT in_place
	UNION ALL
	SELECT t.id, t.cookie_id, t.deleted_at, t.in_place, ` + prefixed("c.", colList) + `
	FROM trash t JOIN cookies c ON c.id = t.cookie_id WHERE t.in_place`,
}

// migrateV8toV9 lets the trash hold cookies in place (inplace.go). Every
// existing entry is a copy, as before.
func migrateV8toV9(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('trash') WHERE name = 'in_place'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 { // a test's jar built with this schema's tables, at an older version
		return nil
	}
	for _, stmt := range inPlaceDDL {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func prefixed(p, list string) string {
	cols := strings.Split(list, ", ")
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}

// emptyColumns are the cookie columns' values of an entry held in place:
// ” for text, 0 for integers, an empty blob for more.
var emptyColumns = func() string {
	vals := make([]string, len(cookieColumns))
	for i, c := range cookieColumns {
		switch {
		case strings.HasPrefix(c.typ, "TEXT"):
			vals[i] = "''"
		case strings.HasPrefix(c.typ, "BLOB"):
			vals[i] = "x''"
		default:
			vals[i] = "0"
		}
	}
	return strings.Join(vals, ", ")
}()

// moveInPlace moves the live cookies with these ids to the trash in place:
// one small trash row each, the cookie rows untouched. Undo deletes the
// rows it added (above the change's max_trash), which puts the cookies
// back. It returns how many moved.
//
// The ids must be of live cookies, read in this transaction (every caller
// selects them so): the rows are made from the list alone, without a
// lookup of each in cookies, which was half of a purge's time. A cookie
// held already would fail the unique index (and end the change), not be
// held twice.
func moveInPlace(ctx context.Context, tx *sql.Tx, at int64, ids []int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	res, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO trash (cookie_id, deleted_at, in_place, `+colList+`)
		SELECT value, ?, 1, `+emptyColumns+` FROM json_each(?)`, at, idList(ids))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// materialize moves the cookies of these rows of cookies that the trash
// holds in place out of cookies into their entries, which become copies:
// before an identity they hold is made live again. Rows not held are left
// alone. The entries' and the cookies' before-images go to the undo history
// first, so undo puts both back as they were.
func materialize(ctx context.Context, tx *sql.Tx, rec *recorder, rows []int64) error {
	if len(rows) == 0 {
		return nil
	}
	q, err := tx.QueryContext(ctx, `SELECT id, cookie_id FROM trash WHERE in_place AND cookie_id `+inIDs, idList(rows))
	if err != nil {
		return err
	}
	var entries, held []int64
	for q.Next() {
		var e, c int64
		if err := q.Scan(&e, &c); err != nil {
			q.Close()
			return err
		}
		entries, held = append(entries, e), append(held, c)
	}
	q.Close()
	if err := q.Err(); err != nil || len(entries) == 0 {
		return err
	}
	list := idList(entries)
	if err := rec.saveTrash(ctx, tx, list); err != nil {
		return err
	}
	if err := rec.saveCookies(ctx, tx, idList(held)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE trash SET (`+colList+`) = (SELECT `+colList+` FROM cookies c WHERE c.id = trash.cookie_id), in_place = 0
		WHERE id `+inIDs, list); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM cookies WHERE id `+inIDs, idList(held))
	return err
}

// freeIdentity makes way for a live cookie of identity id: if the trash
// holds a cookie of that identity in place, the cookie moves out into its
// entry (materialize). A live cookie of that identity is the caller's to
// handle.
func freeIdentity(ctx context.Context, tx *sql.Tx, rec *recorder, id cookie.Identity) error {
	rows, err := selectIDs(ctx, tx, `SELECT id FROM cookies WHERE `+cookieIdentityWhere+` AND `+heldRow, cookieIdentityArgs(id)...)
	if err != nil {
		return err
	}
	return materialize(ctx, tx, rec, rows)
}
