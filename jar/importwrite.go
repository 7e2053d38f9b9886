package jar

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
)

// The import's writes: its statements, prepared through SQLite's C API on
// the handle of the write transaction's own connection (rawWriter), so
// that they run inside the driver's open transaction (docs/decisions.md,
// "The import writes through the C API"), and the inserts and updates
// place (import.go) makes with them.

// prepare makes the statements a real (not dry) import writes with.
func (im *importer) prepare() error {
	sets := make([]string, len(cookieColumns))
	for i, c := range cookieColumns {
		sets[i] = c.name + " = ?"
	}
	var err error
	if im.save, err = im.tx.PrepareContext(im.ctx, `INSERT OR IGNORE INTO undo_cookies (change_id, id, `+colList+`)
			SELECT ?, id, `+colList+` FROM cookies WHERE id = ? AND id <= ?`); err != nil {
		return err
	}
	if im.raw, err = rawWriter(im.ctx, im.rec.conn); err != nil {
		return err
	}
	// OR ROLLBACK: a multi-row insert with the default ABORT keeps a
	// statement journal to undo just itself, and no import goes on after
	// a failed insert (docs/decisions.md, "No statement journals").
	row := `(` + placeholders(len(cookieColumns)) + `)`
	insert := `INSERT OR ROLLBACK INTO cookies (` + colList + `) VALUES `
	if im.ins, err = im.raw.Prepare(insert + row); err != nil {
		return err
	}
	if im.insMany, err = im.raw.Prepare(insert + strings.Repeat(row+`, `, insertRows-1) + row); err != nil {
		return err
	}
	im.upd, err = im.raw.Prepare(`UPDATE cookies SET ` + strings.Join(sets, ", ") + ` WHERE id = ?`)
	return err
}

func (im *importer) closeStatements() {
	for _, s := range []*sqlraw.Stmt{im.ins, im.insMany, im.upd} {
		if s != nil {
			s.Close()
		}
	}
	if im.raw != nil {
		im.raw.Close()
	}
	if im.save != nil {
		im.save.Close()
	}
}

// insertRows is how many new cookies one INSERT carries: SQLite's work per
// row is the same, its work per statement (step, reset) is shared
// (docs/decisions.md, "The import writes through the C API").
const insertRows = 32

// flush inserts the pending new cookies: a full statement of insertRows,
// else one statement each. Their ids are consecutive (max+1 each, under
// our write lock), so the last insert id gives them all.
func (im *importer) flush() error {
	k := len(im.pending)
	if k == 0 {
		return nil
	}
	if len(im.toFree) > 0 { // identities held in the trash, before they go in again
		if err := materialize(im.ctx, im.tx, im.rec, im.toFree); err != nil {
			return fmt.Errorf("jar %s: import: %w", im.j.path, err)
		}
		im.toFree = im.toFree[:0]
	}
	defer func() {
		clear(im.pending) // the chunk's memory may be reused
		im.pending, im.pendingEx = im.pending[:0], im.pendingEx[:0]
	}()
	// Only the raw statements run from here on: the binds re-enter the
	// connection's mutex instead of taking it (sqlraw.Conn.Hold).
	defer im.raw.Hold()()
	if k < insertRows {
		for i, p := range im.pending {
			id, err := bindCookie(im.ins, 0, p).Exec()
			if err != nil {
				return fmt.Errorf("jar %s: import: %w", im.j.path, err)
			}
			im.pendingEx[i].id = id
		}
		return nil
	}
	for i, p := range im.pending {
		bindCookie(im.insMany, i*nCookieColumns, p)
	}
	last, err := im.insMany.Exec()
	if err != nil {
		return fmt.Errorf("jar %s: import: %w", im.j.path, err)
	}
	for i, ex := range im.pendingEx {
		ex.id = last - int64(k-1-i)
	}
	return nil
}

// update rewrites the cookie ex with p, saving its before-image (a
// cookie this import added has none: undo deletes it).
func (im *importer) update(ex *existing, p *prepped) error {
	if ex.id < 0 { // the same identity earlier in this import, not inserted yet
		if err := im.flush(); err != nil {
			return err
		}
	}
	if _, err := im.save.ExecContext(im.ctx, im.rec.change, ex.id, im.rec.maxCookie); err != nil {
		return err
	}
	defer im.raw.Hold()() // the raw statement only, as in flush
	s := bindCookie(im.upd, 0, p)
	s.Int64(nCookieColumns+1, ex.id)
	if _, err := s.Exec(); err != nil {
		return fmt.Errorf("jar %s: import %s: %w", im.j.path, p.c.Source, err)
	}
	return nil
}

// rawWriter borrows the handle of conn, a write transaction's connection,
// for statements through SQLite's C API inside that transaction. Close it
// before the transaction ends.
func rawWriter(ctx context.Context, conn *sql.Conn) (*sqlraw.Conn, error) {
	var h uintptr
	if err := conn.Raw(func(dc any) (err error) {
		h, err = sqlraw.DriverHandle(dc)
		return err
	}); err != nil {
		return nil, err
	}
	return sqlraw.Borrow(ctx, h), nil
}

// bindCookie binds the prepared cookie p's values of cookieColumns, in
// order, to s's parameters after the first at.
func bindCookie(s *sqlraw.Stmt, at int, p *prepped) *sqlraw.Stmt {
	c := &p.c
	s.Text(at+1, c.Source)
	s.Text(at+2, c.Partition.Key())
	s.Text(at+3, c.Container.Key())
	s.Text(at+4, c.Domain)
	s.Int64(at+5, b2i(c.HostOnly))
	s.Text(at+6, c.Path)
	s.Text(at+7, c.Name)
	s.Text(at+8, p.site)
	s.Text(at+9, c.Value)
	s.Int64(at+10, p.flags)
	s.Int64(at+11, p.expires)
	s.Text(at+12, string(c.Purpose))
	s.Text(at+13, c.Reason)
	s.Text(at+14, string(c.VerdictBy))
	s.Int64(at+15, p.hash)
	s.Blob(at+16, p.more)
	return s
}
