// Package sqlraw reads an SQLite database through SQLite's C API (the
// modernc.org/sqlite/lib translation, the same SQLite the driver runs) on a
// connection of its own, without the database/sql driver.
//
// The driver opens every connection SQLITE_OPEN_FULLMUTEX, so each of the
// four or five calls per column takes and releases the connection's mutex,
// and database/sql converts every value again in Scan. A connection opened
// SQLITE_OPEN_NOMUTEX and used by one goroutine has neither cost: on a
// 100,000-cookie Firefox store the read went from 0.38–0.41 s to 0.21–0.24
// s (docs/decisions.md, "Store rows through the C API"), and a jar's rows
// read the same way (docs/decisions.md, "The jar's rows through the C
// API"). SQLite's own global mutexes stay. A Conn is for one goroutine.
//
// Borrow runs statements on the handle of a connection the driver opened,
// inside the transaction it has open there: the import binds every column
// itself, from memory the statement owns (docs/decisions.md, "The import
// writes through the C API"), holding that connection's mutex across a
// run of binds and steps (Conn.Hold) so that each only re-enters it.
package sqlraw

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Open flags, as SQLite names them.
const (
	ReadOnly  = sqlite3.SQLITE_OPEN_READONLY
	ReadWrite = sqlite3.SQLITE_OPEN_READWRITE
)

// Conn is one connection, for one goroutine.
type Conn struct {
	tls *libc.TLS
	db  uintptr
	pp  uintptr // room for one pointer: SQLite's out parameters
	ctx context.Context
	// stop ends the interrupt watch; interrupted is closed once a started
	// interrupt returned.
	stop        func() bool
	interrupted chan struct{}
	borrowed    bool // Borrow: the handle is someone else's to close
}

// Open opens the database at uri (a "file:" URI; SQLite ignores query
// parameters it does not know) with ReadOnly or ReadWrite, and runs setup
// (PRAGMAs; "" for none). ctx ending interrupts whatever statement the
// connection runs then, and every later one fails.
func Open(ctx context.Context, uri string, mode int32, setup string) (_ *Conn, err error) {
	c := &Conn{tls: libc.NewTLS(), ctx: ctx, interrupted: make(chan struct{})}
	c.pp = c.tls.Alloc(ptrSize)
	clear(libc.GoBytes(c.pp, ptrSize))
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	name, err := libc.CString(uri)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, name)
	rc := sqlite3.Xsqlite3_open_v2(c.tls, name, c.pp, mode|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
	c.db = readPtr(c.pp)
	if rc != sqlite3.SQLITE_OK {
		return nil, c.error(rc)
	}
	// ctx ending interrupts the running statement. sqlite3_interrupt may be
	// called from another goroutine; Close waits for it, so that it never
	// runs on a closed connection.
	c.stop = context.AfterFunc(ctx, func() {
		defer close(c.interrupted)
		t := libc.NewTLS()
		sqlite3.Xsqlite3_interrupt(t, c.db)
		t.Close()
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if setup != "" {
		if err := c.Exec(setup); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Close closes the connection; it is safe to call more than once.
func (c *Conn) Close() error {
	if c.tls == nil {
		return nil
	}
	if c.stop != nil && !c.stop() {
		<-c.interrupted // it started: let it finish before the close
	}
	var err error
	if c.db != 0 && !c.borrowed {
		if rc := sqlite3.Xsqlite3_close_v2(c.tls, c.db); rc != sqlite3.SQLITE_OK {
			err = c.error(rc)
		}
	}
	c.tls.Free(ptrSize)
	c.tls.Close()
	c.tls, c.db = nil, 0
	return err
}

// Exec runs statements that return no rows.
func (c *Conn) Exec(sql string) error {
	s, err := libc.CString(sql)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, s)
	if rc := sqlite3.Xsqlite3_exec(c.tls, c.db, s, 0, 0, 0); rc != sqlite3.SQLITE_OK {
		return c.failed(c.error(rc))
	}
	return nil
}

// Each runs query with args (int64, int, string, []byte or nil, by position
// or by Ordinal) and calls fn with each row; the Row is valid only during
// the call. An error from fn stops the query and is returned.
func (c *Conn) Each(query string, args []driver.NamedValue, fn func(*Row) error) error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	st, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_finalize(c.tls, st)
	if err := c.bind(st, args); err != nil {
		return err
	}
	r := &Row{tls: c.tls, st: st, n: int(sqlite3.Xsqlite3_column_count(c.tls, st))}
	for n := 1; ; n++ {
		// The interrupt runs on another goroutine and may come late (or
		// after the last row): ctx is also looked at here, so that a read
		// whose context ended never returns as if complete.
		if n%256 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		switch rc := sqlite3.Xsqlite3_step(c.tls, st); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return c.ctx.Err()
		default:
			return c.failed(c.error(rc))
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}

// failed adds ctx's error to err when ctx ended (the statement was
// interrupted: "interrupted (9)" alone would not say why).
func (c *Conn) failed(err error) error {
	if c.ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", c.ctx.Err(), err)
	}
	return err
}

// bind binds args: integers, text, blobs and NULL.
func (c *Conn) bind(st uintptr, args []driver.NamedValue) error {
	for k, a := range args {
		i := int32(k + 1)
		if a.Ordinal > 0 {
			i = int32(a.Ordinal)
		}
		var rc int32
		switch v := a.Value.(type) {
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, st, i, v)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(c.tls, st, i, int64(v))
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(c.tls, st, i)
		case string:
			rc = c.bindBytes(st, i, []byte(v), true)
		case []byte:
			rc = c.bindBytes(st, i, v, false)
		default:
			return fmt.Errorf("sqlite: cannot bind a %T", a.Value)
		}
		if rc != sqlite3.SQLITE_OK {
			return c.error(rc)
		}
	}
	return nil
}

// bindBytes binds b as text or as a blob, SQLite taking its own copy
// (SQLITE_TRANSIENT).
func (c *Conn) bindBytes(st uintptr, i int32, b []byte, text bool) int32 {
	p := libc.Xmalloc(c.tls, libc.Tsize_t(max(1, len(b))))
	if p == 0 {
		return sqlite3.SQLITE_NOMEM
	}
	defer libc.Xfree(c.tls, p)
	copy(libc.GoBytes(p, len(b)), b)
	if text {
		return sqlite3.Xsqlite3_bind_text(c.tls, st, i, p, int32(len(b)), ^uintptr(0))
	}
	return sqlite3.Xsqlite3_bind_blob(c.tls, st, i, p, int32(len(b)), ^uintptr(0))
}

// error is SQLite's message for rc, as the driver words it ("database
// disk image is malformed (11)").
func (c *Conn) error(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	if c.db != 0 {
		if m := libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db)); m != "" && m != msg {
			msg += ": " + m
		}
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}

// Row is the current row of a statement.
type Row struct {
	tls *libc.TLS
	st  uintptr
	n   int
}

// Columns is the number of columns.
func (r *Row) Columns() int { return r.n }

// Int64 is column i as an integer (SQLite's conversion for other types).
func (r *Row) Int64(i int) int64 { return sqlite3.Xsqlite3_column_int64(r.tls, r.st, int32(i)) }

// Bytes is column i's text or blob bytes, valid until the next row (nil
// for NULL and empty values).
func (r *Row) Bytes(i int) []byte {
	c := int32(i)
	var p uintptr
	if sqlite3.Xsqlite3_column_type(r.tls, r.st, c) == sqlite3.SQLITE_BLOB {
		p = sqlite3.Xsqlite3_column_blob(r.tls, r.st, c)
	} else {
		p = sqlite3.Xsqlite3_column_text(r.tls, r.st, c)
	}
	n := int(sqlite3.Xsqlite3_column_bytes(r.tls, r.st, c))
	if p == 0 || n == 0 {
		return nil
	}
	return libc.GoBytes(p, n)
}

// Values reads the row into vals (len(vals) = Columns()) as the
// database/sql driver would give them: int64, float64, string, []byte
// (copied) or nil; "" for empty text and a nil []byte for an empty blob.
func (r *Row) Values(vals []driver.Value) {
	for i := range vals {
		c := int32(i)
		switch sqlite3.Xsqlite3_column_type(r.tls, r.st, c) {
		case sqlite3.SQLITE_INTEGER:
			vals[i] = sqlite3.Xsqlite3_column_int64(r.tls, r.st, c)
		case sqlite3.SQLITE_FLOAT:
			vals[i] = sqlite3.Xsqlite3_column_double(r.tls, r.st, c)
		case sqlite3.SQLITE_TEXT:
			p := sqlite3.Xsqlite3_column_text(r.tls, r.st, c)
			n := int(sqlite3.Xsqlite3_column_bytes(r.tls, r.st, c))
			if p == 0 || n == 0 {
				vals[i] = ""
			} else {
				vals[i] = string(libc.GoBytes(p, n))
			}
		case sqlite3.SQLITE_BLOB:
			p := sqlite3.Xsqlite3_column_blob(r.tls, r.st, c)
			n := int(sqlite3.Xsqlite3_column_bytes(r.tls, r.st, c))
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

const ptrSize = int(unsafe.Sizeof(uintptr(0)))

// readPtr reads the pointer SQLite stored at p (its out parameters).
func readPtr(p uintptr) uintptr {
	b := libc.GoBytes(p, ptrSize)
	if ptrSize == 4 {
		return uintptr(binary.NativeEndian.Uint32(b))
	}
	return uintptr(binary.NativeEndian.Uint64(b))
}

// Borrow wraps the SQLite handle db of a connection opened elsewhere (the
// database/sql driver's, see DriverHandle), so that statements can run on
// it, inside the transaction that connection has open. The caller must
// not use the other side at the same time. Close forgets the wrapper and
// leaves the handle open; ctx is checked before each statement (a running
// one is not interrupted: the owner of the handle does that).
func Borrow(ctx context.Context, db uintptr) *Conn {
	c := &Conn{tls: libc.NewTLS(), ctx: ctx, db: db, borrowed: true}
	c.pp = c.tls.Alloc(ptrSize)
	clear(libc.GoBytes(c.pp, ptrSize))
	return c
}

// Hold takes the connection's own mutex for c until release is called,
// so that the calls in between only re-enter it. A connection the driver
// opened is SQLITE_OPEN_FULLMUTEX: every bind and step takes and releases
// that mutex, and taking it from scratch costs a Go mutex each time, while
// re-entering a recursive mutex its holder holds is an atomic add (on
// 85,000 inserted cookies, 16 binds each: ~0.1 s of the writer's 0.22 s).
// Between Hold and release nothing else may use the handle: a statement
// of the driver on it (another TLS) would wait for the mutex for ever.
func (c *Conn) Hold() (release func()) {
	m := sqlite3.Xsqlite3_db_mutex(c.tls, c.db)
	sqlite3.Xsqlite3_mutex_enter(c.tls, m)
	return func() { sqlite3.Xsqlite3_mutex_leave(c.tls, m) }
}

// DriverHandle is the SQLite handle of a modernc.org/sqlite connection, as
// database/sql's Conn.Raw hands it out. The driver keeps it in an
// unexported field and offers no accessor, so it is read by reflection;
// TestDriverHandle fails if a new version of the driver moves it.
func DriverHandle(driverConn any) (uintptr, error) {
	v := reflect.ValueOf(driverConn)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("db"); f.IsValid() && f.Kind() == reflect.Uintptr && f.Uint() != 0 {
			return uintptr(f.Uint()), nil
		}
	}
	return 0, fmt.Errorf("sqlite: no SQLite handle in the driver's connection (%T)", driverConn)
}

// Stmt is a prepared statement for binding and running many times. Text and
// blobs are bound from memory the statement owns (SQLITE_STATIC, no copy by
// SQLite), which it reuses once the statement has run.
type Stmt struct {
	c      *Conn
	st     uintptr
	blocks []block // bound bytes since the last run; the last one has room
	err    error   // the first binding that failed since the last run
}

type block struct {
	p        uintptr
	used, sz int
}

// Prepare compiles one statement.
func (c *Conn) Prepare(query string) (*Stmt, error) {
	st, err := c.prepare(query)
	if err != nil {
		return nil, err
	}
	return &Stmt{c: c, st: st}, nil
}

// prepare compiles query's first statement; the caller finalizes it.
func (c *Conn) prepare(query string) (uintptr, error) {
	q, err := libc.CString(query)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(c.tls, q)
	if rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, q, -1, c.pp, 0); rc != sqlite3.SQLITE_OK {
		return 0, c.failed(c.error(rc))
	}
	st := readPtr(c.pp)
	if st == 0 {
		return 0, errors.New("sqlite: empty statement")
	}
	return st, nil
}

// Int64 binds v to parameter i (from 1).
func (s *Stmt) Int64(i int, v int64) {
	s.bound(sqlite3.Xsqlite3_bind_int64(s.c.tls, s.st, int32(i), v))
}

// bound keeps the first failed binding's error for Exec.
func (s *Stmt) bound(rc int32) {
	if rc != sqlite3.SQLITE_OK && s.err == nil {
		s.err = s.c.error(rc)
	}
}

// Text binds v as text to parameter i.
func (s *Stmt) Text(i int, v string) {
	s.bound(sqlite3.Xsqlite3_bind_text(s.c.tls, s.st, int32(i), hold(s, v), int32(len(v)), 0))
}

// Blob binds v as a blob to parameter i (a zero-length blob for nil).
func (s *Stmt) Blob(i int, v []byte) {
	s.bound(sqlite3.Xsqlite3_bind_blob(s.c.tls, s.st, int32(i), hold(s, v), int32(len(v)), 0))
}

// hold copies v into the statement's memory, where it stays put until the
// statement has run (an empty v takes one byte: SQLite reads a NULL
// pointer as NULL, not as an empty value).
func hold[T string | []byte](s *Stmt, v T) uintptr {
	n := max(len(v), 1)
	k := len(s.blocks)
	if k == 0 || s.blocks[k-1].sz-s.blocks[k-1].used < n {
		sz := max(4096, 2*n)
		if k > 0 {
			sz = max(sz, 2*s.blocks[k-1].sz)
		}
		p := libc.Xmalloc(s.c.tls, libc.Tsize_t(sz))
		if p == 0 {
			panic("sqlite: out of memory")
		}
		s.blocks = append(s.blocks, block{p: p, sz: sz})
		k++
	}
	b := &s.blocks[k-1]
	p := b.p + uintptr(b.used)
	copy(libc.GoBytes(p, len(v)), v)
	b.used += n
	return p
}

// Exec runs the statement with what is bound and returns the rowid of the
// last row it inserted. Bindings are cleared.
func (s *Stmt) Exec() (int64, error) {
	c := s.c
	defer s.reset()
	if s.err != nil {
		return 0, s.err
	}
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	for {
		switch rc := sqlite3.Xsqlite3_step(c.tls, s.st); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return sqlite3.Xsqlite3_last_insert_rowid(c.tls, c.db), nil
		default:
			// sqlite3_reset returns the statement's error code as well;
			// errmsg already holds its message.
			return 0, c.failed(c.error(rc))
		}
	}
}

// reset readies the statement for new bindings and keeps the largest block
// of bound bytes for them.
func (s *Stmt) reset() {
	s.err = nil
	sqlite3.Xsqlite3_reset(s.c.tls, s.st)
	sqlite3.Xsqlite3_clear_bindings(s.c.tls, s.st)
	if k := len(s.blocks); k > 1 {
		for _, b := range s.blocks[:k-1] {
			libc.Xfree(s.c.tls, b.p)
		}
		s.blocks[0] = s.blocks[k-1]
		s.blocks = s.blocks[:1]
	}
	if len(s.blocks) == 1 {
		s.blocks[0].used = 0
	}
}

// Close finalizes the statement and frees its memory; it is safe to call
// more than once.
func (s *Stmt) Close() {
	if s.st == 0 {
		return
	}
	sqlite3.Xsqlite3_finalize(s.c.tls, s.st)
	for _, b := range s.blocks {
		libc.Xfree(s.c.tls, b.p)
	}
	s.st, s.blocks = 0, nil
}
