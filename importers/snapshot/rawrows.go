package snapshot

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
)

// Reading a store's rows through SQLite's C API on a connection of its
// own, without the database/sql driver (internal/sqlraw: no per-column
// mutex, no second conversion in Scan). A store read needs no more: one
// goroutine reads one private copy.

// rawRows runs query with args on a new connection to the database file
// path, set up as Snapshot.Open sets up its own (query_only, no trusted
// schema, temporary tables in memory) with the memory map mmap, and calls
// fn with each row's values as the driver would give them (int64, float64,
// string, []byte or nil; "" and nil for empty text and blobs). ctx ending
// interrupts the statement.
func rawRows(ctx context.Context, path string, mmap int64, query string, args []driver.NamedValue, fn func([]driver.Value) error) (err error) {
	setup := fmt.Sprintf("PRAGMA query_only=1; PRAGMA trusted_schema=0; PRAGMA temp_store=2; PRAGMA mmap_size=%d", mmap)
	c, err := sqlraw.Open(ctx, fileURI(path), sqlraw.ReadWrite, setup)
	if err != nil {
		return err
	}
	defer c.Close()
	var vals []driver.Value
	return c.Each(query, args, func(r *sqlraw.Row) error {
		if vals == nil {
			vals = make([]driver.Value, r.Columns())
		}
		r.Values(vals)
		return fn(vals)
	})
}

// mainFile is the file of conn's main database ("" for one in memory) and
// its memory map size.
func mainFile(ctx context.Context, conn *sql.Conn) (string, int64, error) {
	var file string
	if err := conn.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return "", 0, err
	}
	var mmap int64
	if err := conn.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&mmap); err != nil {
		return "", 0, err
	}
	return file, mmap, nil
}
