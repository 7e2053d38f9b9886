package sqlraw

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestDriverHandle: the handle read from the driver's connection is that
// connection's: a statement run on it through Borrow is part of the
// transaction the driver has open (seen inside it, gone after its
// rollback, kept after its commit), and closing the borrowed Conn leaves
// the driver's connection working. It fails if a new version of
// modernc.org/sqlite moves the handle.
func TestDriverHandle(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "h.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL, b BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := DriverHandle(struct{}{}); err == nil {
		t.Fatal("DriverHandle found a handle in a struct without one")
	}
	run := func(commit bool) {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var h uintptr
		if err := conn.Raw(func(dc any) (err error) { h, err = DriverHandle(dc); return err }); err != nil {
			t.Fatal(err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		raw := Borrow(ctx, h)
		ins, err := raw.Prepare(`INSERT INTO t (s, b) VALUES (?, ?)`)
		if err != nil {
			t.Fatal(err)
		}
		ins.Text(1, "borrowed")
		ins.Blob(2, []byte{1, 2})
		id, err := ins.Exec()
		if err != nil {
			t.Fatal(err)
		}
		ins.Close()
		ins.Close()
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM t WHERE id = ? AND s = 'borrowed'`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("the row inserted through the handle, inside the transaction: %d, %v", n, err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	run(false)
	run(true)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after a rolled-back and a committed transaction: %d rows (%v), want 1", n, err)
	}
}

// TestStmtBindsAndReuses: text and blobs of every size (empty, NUL bytes,
// invalid UTF-8, larger than a block of bound memory) are stored exactly,
// run after run of one statement; the rowid of each insert comes back; a
// failed binding and a constraint failure are errors of Exec, and the
// statement runs again after them; a cancelled context stops it.
func TestStmtBindsAndReuses(t *testing.T) {
	uri := "file:" + filepath.Join(t.TempDir(), "s.sqlite")
	c, err := Open(context.Background(), uri, ReadWrite|0x4 /* SQLITE_OPEN_CREATE */, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE, b BLOB NOT NULL, i INTEGER)`); err != nil {
		t.Fatal(err)
	}
	ins, err := c.Prepare(`INSERT INTO t (s, b, i) VALUES (?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	type row struct {
		s string
		b []byte
		i int64
	}
	var want []row
	for k := range 200 {
		r := row{s: strings.Repeat("é", k*k%9000) + string(rune('a'+k%26)) + string([]byte{0, 0xff, byte(k)}), i: int64(k) - 100}
		if k%5 != 0 {
			r.b = bytes.Repeat([]byte{byte(k), 0}, k*37%12000)
		}
		r.s += strings.Repeat("x", k) // unique
		ins.Text(1, r.s)
		ins.Blob(2, r.b)
		ins.Int64(3, r.i)
		id, err := ins.Exec()
		if err != nil {
			t.Fatal(k, err)
		}
		if id != int64(k+1) {
			t.Fatalf("insert %d: rowid %d", k, id)
		}
		want = append(want, r)
	}
	ins.Text(1, want[3].s) // a duplicate
	ins.Blob(2, nil)
	if _, err := ins.Exec(); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("a duplicate: %v", err)
	}
	ins.Int64(9, 1) // no such parameter
	if _, err := ins.Exec(); err == nil || !strings.Contains(err.Error(), "range") {
		t.Fatalf("a binding out of range: %v", err)
	}
	k := 0
	if err := c.Each(`SELECT s, b, i FROM t ORDER BY id`, nil, func(r *Row) error {
		w := want[k]
		if string(r.Bytes(0)) != w.s || !bytes.Equal(r.Bytes(1), w.b) || r.Int64(2) != w.i {
			t.Fatalf("row %d differs", k)
		}
		k++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if k != len(want) {
		t.Fatalf("%d rows, want %d", k, len(want))
	}

	ctx, cancel := context.WithCancel(context.Background())
	b := Borrow(ctx, c.db)
	defer b.Close()
	s, err := b.Prepare(`INSERT INTO t (s, b) VALUES ('after', x'')`)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cancel()
	if _, err := s.Exec(); err == nil {
		t.Fatal("Exec ran with its context cancelled")
	}
}

// lateCtx ends (Err) without its Done ever firing: the interrupt that the
// end of a context starts comes too late to stop anything.
type lateCtx struct {
	context.Context
	ended *bool
}

func (c lateCtx) Done() <-chan struct{} { return nil }
func (c lateCtx) Err() error {
	if *c.ended {
		return context.Canceled
	}
	return nil
}

// TestEachEndsWithItsContext: a read whose context ended returns the
// context's error even when no interrupt reached SQLite, whether rows are
// left (the check every 256 rows) or not (the last row read).
func TestEachEndsWithItsContext(t *testing.T) {
	uri := "file:" + filepath.Join(t.TempDir(), "e.sqlite")
	ended := false
	c, err := Open(lateCtx{context.Background(), &ended}, uri, ReadWrite|0x4, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Exec(`CREATE TABLE t (i); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT i FROM n`); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{3, 1000} {
		ended = false
		rows := 0
		err := c.Each(`SELECT i FROM t`, nil, func(*Row) error {
			if rows++; rows == at {
				ended = true
			}
			return nil
		})
		if err != context.Canceled || rows > at+256 {
			t.Fatalf("ended at row %d: %v after %d rows, want context.Canceled within 256 rows", at, err, rows)
		}
	}
}

// TestHold: between Hold and its release the connection's mutex is taken
// (another thread's try fails), the held connection's own statements still
// run (they re-enter it), and after the release the mutex is free and the
// driver's statements on the same connection run again.
func TestHold(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "hold.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE t (s TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var h uintptr
	if err := conn.Raw(func(dc any) (err error) { h, err = DriverHandle(dc); return err }); err != nil {
		t.Fatal(err)
	}
	raw := Borrow(ctx, h)
	defer raw.Close()
	ins, err := raw.Prepare(`INSERT INTO t (s) VALUES (?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	other := libc.NewTLS()
	defer other.Close()
	m := sqlite3.Xsqlite3_db_mutex(other, h)
	if m == 0 {
		t.Fatal("the driver's connection has no mutex: it is not SQLITE_OPEN_FULLMUTEX any more, Hold is moot")
	}
	free := func() bool {
		if sqlite3.Xsqlite3_mutex_try(other, m) != sqlite3.SQLITE_OK {
			return false
		}
		sqlite3.Xsqlite3_mutex_leave(other, m)
		return true
	}
	if !free() {
		t.Fatal("the mutex is taken before Hold")
	}
	release := raw.Hold()
	for i := range 3 {
		ins.Text(1, strings.Repeat("x", i))
		if _, err := ins.Exec(); err != nil {
			t.Fatal(err)
		}
		if free() {
			t.Fatal("the mutex is free while held")
		}
	}
	release()
	if !free() {
		t.Fatal("the mutex is still taken after the release")
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after the release, through the driver: %d rows (%v), want 3", n, err)
	}
}
