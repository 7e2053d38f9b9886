package snapshot

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Reading a store's rows through SQLite's C API (the modernc translation)
// on a connection of its own, without the database/sql driver. The driver
// opens every connection SQLITE_OPEN_FULLMUTEX, so each of the four or five
// calls per column takes and releases the connection's mutex, and it wraps
// every step in its context watch: on a 100,000-cookie Firefox store that
// is 0.38–0.41 s of reading against 0.21–0.24 s here (2026-12-02,
// docs/decisions.md "Store rows through the C API"). A connection opened
// SQLITE_OPEN_NOMUTEX has no such mutex; it is used by one goroutine only,
// which is all a store read needs. SQLite's own global mutexes stay.

// rawRows runs query with args on a new connection to the database file
// path, set up as Snapshot.Open sets up its own (query_only, no trusted
// schema, temporary tables in memory) with the memory map mmap, and calls
// fn with each row's values as the driver would give them (int64, float64,
// string, []byte or nil; "" and nil for empty text and blobs). ctx ending
// interrupts the statement.
func rawRows(ctx context.Context, path string, mmap int64, query string, args []driver.NamedValue, fn func([]driver.Value) error) (err error) {
	tls := libc.NewTLS()
	defer tls.Close()
	name, err := libc.CString(fileURI(path))
	if err != nil {
		return err
	}
	defer libc.Xfree(tls, name)
	pp := tls.Alloc(ptrSize)
	defer tls.Free(ptrSize)
	clear(libc.GoBytes(pp, ptrSize))
	rc := sqlite3.Xsqlite3_open_v2(tls, name, pp,
		sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	db := readPtr(pp)
	if db != 0 {
		defer sqlite3.Xsqlite3_close_v2(tls, db)
	}
	if rc != sqlite3.SQLITE_OK {
		return rawError(tls, db, rc)
	}
	setup := fmt.Sprintf("PRAGMA query_only=1; PRAGMA trusted_schema=0; PRAGMA temp_store=2; PRAGMA mmap_size=%d", mmap)
	if err := rawExec(tls, db, setup); err != nil {
		return err
	}

	// ctx ending interrupts the running statement. sqlite3_interrupt may be
	// called from another goroutine; the wait below keeps it from running
	// after the connection is closed.
	interrupted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(interrupted)
		t := libc.NewTLS()
		sqlite3.Xsqlite3_interrupt(t, db)
		t.Close()
	})
	defer func() {
		if !stop() {
			<-interrupted // it started: let it finish before the close
		}
		if ctx.Err() != nil && err != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
	}()
	if err := ctx.Err(); err != nil {
		return err
	}

	q, err := libc.CString(query)
	if err != nil {
		return err
	}
	defer libc.Xfree(tls, q)
	if rc := sqlite3.Xsqlite3_prepare_v2(tls, db, q, -1, pp, 0); rc != sqlite3.SQLITE_OK {
		return rawError(tls, db, rc)
	}
	st := readPtr(pp)
	if st == 0 {
		return errors.New("sqlite: empty statement")
	}
	defer sqlite3.Xsqlite3_finalize(tls, st)
	if err := rawBind(tls, db, st, args); err != nil {
		return err
	}
	vals := make([]driver.Value, sqlite3.Xsqlite3_column_count(tls, st))
	for {
		switch rc := sqlite3.Xsqlite3_step(tls, st); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return nil
		default:
			return rawError(tls, db, rc)
		}
		rawValues(tls, st, vals)
		if err := fn(vals); err != nil {
			return err
		}
	}
}

// rawValues reads the current row of st into vals, as the driver would.
func rawValues(tls *libc.TLS, st uintptr, vals []driver.Value) {
	for i := range vals {
		c := int32(i)
		switch sqlite3.Xsqlite3_column_type(tls, st, c) {
		case sqlite3.SQLITE_INTEGER:
			vals[i] = sqlite3.Xsqlite3_column_int64(tls, st, c)
		case sqlite3.SQLITE_FLOAT:
			vals[i] = sqlite3.Xsqlite3_column_double(tls, st, c)
		case sqlite3.SQLITE_TEXT:
			p := sqlite3.Xsqlite3_column_text(tls, st, c)
			n := int(sqlite3.Xsqlite3_column_bytes(tls, st, c))
			if p == 0 || n == 0 {
				vals[i] = ""
			} else {
				vals[i] = string(libc.GoBytes(p, n))
			}
		case sqlite3.SQLITE_BLOB:
			p := sqlite3.Xsqlite3_column_blob(tls, st, c)
			n := int(sqlite3.Xsqlite3_column_bytes(tls, st, c))
			if p == 0 || n == 0 {
				vals[i] = []byte(nil)
			} else {
				vals[i] = append([]byte(nil), libc.GoBytes(p, n)...)
			}
		default:
			vals[i] = nil
		}
	}
}

// rawBind binds the readers' arguments: integers (row id bounds) and text.
func rawBind(tls *libc.TLS, db, st uintptr, args []driver.NamedValue) error {
	for k, a := range args {
		i := int32(k + 1)
		if a.Ordinal > 0 {
			i = int32(a.Ordinal)
		}
		var rc int32
		switch v := a.Value.(type) {
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, v)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(tls, st, i, int64(v))
		case string:
			p, err := libc.CString(v)
			if err != nil {
				return err
			}
			// SQLITE_TRANSIENT (-1): SQLite copies the text at once.
			rc = sqlite3.Xsqlite3_bind_text(tls, st, i, p, int32(len(v)), ^uintptr(0))
			libc.Xfree(tls, p)
		default:
			return fmt.Errorf("sqlite: cannot bind a %T", a.Value)
		}
		if rc != sqlite3.SQLITE_OK {
			return rawError(tls, db, rc)
		}
	}
	return nil
}

// rawExec runs statements that return no rows.
func rawExec(tls *libc.TLS, db uintptr, sql string) error {
	s, err := libc.CString(sql)
	if err != nil {
		return err
	}
	defer libc.Xfree(tls, s)
	if rc := sqlite3.Xsqlite3_exec(tls, db, s, 0, 0, 0); rc != sqlite3.SQLITE_OK {
		return rawError(tls, db, rc)
	}
	return nil
}

// rawError is SQLite's message for rc, as the driver words it
// ("database disk image is malformed (11)").
func rawError(tls *libc.TLS, db uintptr, rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(tls, rc))
	if db != 0 {
		if m := libc.GoString(sqlite3.Xsqlite3_errmsg(tls, db)); m != "" && m != msg {
			msg += ": " + m
		}
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}

const ptrSize = int(unsafe.Sizeof(uintptr(0)))

// readPtr reads the pointer SQLite stored at p (its out parameters).
func readPtr(p uintptr) uintptr {
	b := libc.GoBytes(p, ptrSize)
	if ptrSize == 4 {
		return uintptr(binary.NativeEndian.Uint32(b))
	}
	return uintptr(binary.NativeEndian.Uint64(b))
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
