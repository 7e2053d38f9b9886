package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Trashed is a cookie in the trash. Cookie.ID is the trash entry id, not
// the id the cookie had while live.
type Trashed struct {
	cookie.Cookie
	DeletedAt time.Time
	// inPlace: the entry holds its cookie's row in cookies (inplace.go).
	inPlace bool
}

var selectTrash = `SELECT deleted_at, in_place, id, ` + readColumns + ` FROM trash_entries`

func scanTrash(rows *sql.Rows) ([]Trashed, error) {
	defer rows.Close()
	var deleted, inPlace int64
	s := newRowScanner(&deleted, &inPlace)
	var out []Trashed
	for rows.Next() {
		var t Trashed
		if err := s.scan(rows, &t.Cookie); err != nil {
			return nil, err
		}
		t.DeletedAt, t.inPlace = fromMicro(deleted), inPlace != 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// Trash lists the trash, most recently deleted first.
func (j *Jar) Trash(ctx context.Context) ([]Trashed, error) {
	rows, err := j.db.QueryContext(ctx, selectTrash+` ORDER BY deleted_at DESC, id DESC`)
	if err != nil {
		return nil, j.fileError(err)
	}
	ts, err := scanTrash(rows)
	if err != nil {
		return nil, j.fileError(err)
	}
	// A trashed cookie carries the protection that would cover it live
	// (say, one purge --include-protected took), for the trash's tables.
	p, err := j.protector(ctx, j.db)
	if err != nil {
		return nil, j.fileError(err)
	}
	if p != nil {
		now := j.Now()
		for i := range ts {
			if pr, ok := p.Match(&ts[i].Cookie, now); ok {
				ts[i].ProtectedBy = pr.Text
			}
		}
	}
	return ts, nil
}

// Restore puts trash entries back among the live cookies (nil ids = the
// whole trash) and returns how many it restored (RestoreCounted).
func (j *Jar) Restore(ctx context.Context, ids []int64) (int, error) {
	n, _, err := j.RestoreCounted(ctx, ids)
	return n, err
}

// RestoreCounted puts trash entries back among the live cookies (nil ids =
// the whole trash) as one undo step, and never overwrites a newer cookie
// (issue 8 item 11): of several trashed copies of one identity the most
// recently deleted is restored (the others stay in the trash); a live
// cookie with that identity is replaced only when the trashed copy is
// newer (its last update, else creation, is later), and moves to the trash
// in its place; a live cookie as new or newer is kept, and the entry is
// counted as skipped and stays in the trash.
func (j *Jar) RestoreCounted(ctx context.Context, ids []int64) (restored, skipped int, err error) {
	if ids != nil && len(ids) == 0 {
		return 0, 0, nil
	}
	_, err = j.change(ctx, kindRestore, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		restored, skipped = 0, 0
		pick, err := j.newestTrashed(ctx, tx, ids)
		if err != nil {
			return "", 0, err
		}
		if len(pick) == 0 {
			return "", 0, nil
		}
		entries, older, err := newerThanLive(ctx, tx, pick)
		if err != nil {
			return "", 0, err
		}
		skipped = older
		if len(entries) == 0 {
			return "", 0, nil
		}
		if err := j.putBack(ctx, tx, rec, pick, entries); err != nil {
			return "", 0, err
		}
		restored = len(entries)
		return "restore " + plural(restored, "cookie"), restored, nil
	})
	if err != nil {
		return 0, 0, err
	}
	return restored, skipped, nil
}

// newestTrashed reads the trash entries ids (nil: all), newest deletion
// first, keeping of each identity only the newest: the one restored.
func (j *Jar) newestTrashed(ctx context.Context, tx *sql.Tx, ids []int64) ([]Trashed, error) {
	q := selectTrash + ` ORDER BY deleted_at DESC, id DESC`
	var args []any
	if ids != nil {
		q = selectTrash + ` WHERE id ` + inIDs + ` ORDER BY deleted_at DESC, id DESC`
		args = append(args, idList(ids))
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, j.fileError(err)
	}
	ts, err := scanTrash(rows)
	if err != nil {
		return nil, err
	}
	seen := make(map[cookie.Identity]bool, len(ts))
	var pick []Trashed
	for _, t := range ts {
		id := t.Identity()
		if seen[id] {
			continue // an older copy of an identity being restored
		}
		seen[id] = true
		pick = append(pick, t)
	}
	return pick, nil
}

// newerThanLive are the entries of pick newer than the live cookie of
// their identity (or without one), and how many are not.
func newerThanLive(ctx context.Context, tx *sql.Tx, pick []Trashed) (entries []int64, skipped int, err error) {
	find, err := tx.PrepareContext(ctx, `SELECT id, `+readColumns+` FROM live WHERE `+cookieIdentityWhere)
	if err != nil {
		return nil, 0, err
	}
	defer find.Close()
	for _, t := range pick {
		rows, err := find.QueryContext(ctx, cookieIdentityArgs(t.Identity())...)
		if err != nil {
			return nil, 0, err
		}
		var live cookie.Cookie
		found := false
		s := newRowScanner()
		for rows.Next() {
			if err := s.scan(rows, &live); err != nil {
				rows.Close()
				return nil, 0, err
			}
			found = true
		}
		rows.Close()
		if found && !stamp(&t.Cookie).After(stamp(&live)) {
			skipped++ // the live cookie is as new or newer: kept
			continue
		}
		entries = append(entries, t.ID)
	}
	return entries, skipped, nil
}

// putBack moves the trash entries (of pick) back among the live cookies.
func (j *Jar) putBack(ctx context.Context, tx *sql.Tx, rec *recorder, pick []Trashed, entries []int64) error {
	list := idList(entries)
	if err := rec.saveTrash(ctx, tx, list); err != nil {
		return err
	}
	put, err := tx.PrepareContext(ctx, `INSERT INTO cookies (`+colList+`) SELECT `+colList+` FROM trash WHERE id = ? AND NOT in_place`)
	if err != nil {
		return err
	}
	defer put.Close()
	for _, t := range pick {
		if !slices.Contains(entries, t.ID) {
			continue
		}
		if t.inPlace {
			// Its row never left cookies, and no live cookie can hold
			// its identity (the identity index holds the row): deleting
			// the entry, below, restores it.
			continue
		}
		// An older live cookie with the same identity gives way to the
		// restored one and goes to the trash itself: nothing is lost.
		var live int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM live WHERE `+cookieIdentityWhere, cookieIdentityArgs(t.Identity())...).Scan(&live)
		switch {
		case err == nil:
			if _, err := j.copyToTrash(ctx, tx, rec, []int64{live}); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		// So does a trashed one held in place (it stays in the trash).
		if err := freeIdentity(ctx, tx, rec, t.Identity()); err != nil {
			return err
		}
		if _, err := put.ExecContext(ctx, t.ID); err != nil {
			return fmt.Errorf("jar %s: restore: %w", j.path, err)
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM trash WHERE id `+inIDs, list)
	return err
}

// stamp is when a cookie was last set: its last update, else its creation.
func stamp(c *cookie.Cookie) time.Time {
	if !c.LastUpdated.IsZero() {
		return c.LastUpdated.Time()
	}
	return c.Created.Time()
}

// EmptyTrash forgets the cookies in the trash for good (issue 8 item 10):
// it deletes them from the trash and every copy of them from the undo
// history (the before-images of their identities in undo_cookies and
// undo_trash), records no undo step (it cannot be undone), and makes sure
// the bytes leave the file: the deletes run with secure_delete, then VACUUM
// rewrites the database without any free space that could still hold an
// older copy, and a TRUNCATE checkpoint empties the -wal. The count is the
// number of cookies forgotten.
func (j *Jar) EmptyTrash(ctx context.Context) (int, error) {
	if j.readOnly {
		return 0, j.readOnlyError()
	}
	if err := j.publishFirst(ctx); err != nil {
		return 0, err
	}
	conn, err := j.db.Conn(ctx)
	if err != nil {
		return 0, j.fileError(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return 0, j.fileError(err)
	}
	defer conn.ExecContext(context.Background(), `PRAGMA secure_delete = OFF`)
	var n int64
	err = func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return j.fileError(err)
		}
		defer tx.Rollback()
		for _, t := range []string{"undo_cookies", "undo_trash"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE (`+identityColumns+`) IN (SELECT `+identityColumns+` FROM trash_entries)`); err != nil {
				return j.fileError(err)
			}
		}
		// The cookies the trash holds in place (inplace.go) leave cookies.
		if _, err := tx.ExecContext(ctx, `DELETE FROM cookies WHERE id IN (SELECT cookie_id FROM trash WHERE in_place)`); err != nil {
			return j.fileError(err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM trash`)
		if err != nil {
			return j.fileError(err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, tx); err != nil { // as every write (importdigest.go)
			return j.fileError(err)
		}
		return j.fileError0(tx.Commit())
	}()
	if err != nil || n == 0 {
		return 0, err
	}
	// The rows are gone; what is left is older copies in free pages and
	// free space inside pages (deletes before this one ran without
	// secure_delete) and the WAL's old frames. VACUUM builds the database
	// anew in memory (temp_store) and writes it back; the checkpoint copies
	// that into the file and truncates the WAL to zero bytes.
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return int(n), j.fileError(err)
	}
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return int(n), fmt.Errorf("jar %s: the trash is emptied, but compacting the file failed, so older copies of the values may remain in it: %w", j.path, err)
	}
	// A reader (a background checkpoint of this process, another crumbs)
	// keeps the checkpoint from finishing: retry for a while.
	j.bg.Wait()
	var busy, logFrames, done int
	for try := 0; ; try++ {
		err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
		if err == nil && busy == 0 {
			return int(n), nil
		}
		if try == 50 || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err == nil {
		err = errors.New("another process is reading the jar")
	}
	return int(n), fmt.Errorf("jar %s: the trash is emptied, but its -wal could not be cleared yet (%v); it is at the next checkpoint", j.path, err)
}

// fileError0 is fileError for an error that may be nil.
func (j *Jar) fileError0(err error) error {
	if err == nil {
		return nil
	}
	return j.fileError(err)
}
