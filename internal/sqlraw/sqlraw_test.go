package sqlraw

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// testDB makes a database file with rows of every storage class and
// returns its URI.
func testDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE t (id INTEGER PRIMARY KEY, i, r, s, b)`,
		`INSERT INTO t VALUES (1, 42, 1.5, 'text', x'00ff'), (2, NULL, NULL, '', x''), (3, -7, 0.0, 'a' || char(0) || 'b', NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// TestEachAsTheDriver: values, bytes and integers as the database/sql
// driver gives them, arguments of every kind bound by position and by
// ordinal.
func TestEachAsTheDriver(t *testing.T) {
	c, err := Open(context.Background(), testDB(t), ReadOnly, "PRAGMA query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got [][]driver.Value
	var bytes [][]byte
	err = c.Each(`SELECT i, r, s, b FROM t WHERE id >= ? AND s != ? ORDER BY id`,
		[]driver.NamedValue{{Value: int64(1)}, {Ordinal: 2, Value: "nope"}}, func(r *Row) error {
			vals := make([]driver.Value, r.Columns())
			r.Values(vals)
			got = append(got, vals)
			bytes = append(bytes, append([]byte(nil), r.Bytes(2)...))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]driver.Value{
		{int64(42), 1.5, "text", []byte{0, 0xff}},
		{nil, nil, "", []byte(nil)},
		{int64(-7), 0.0, "a\x00b", nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("values:\n got  %#v\n want %#v", got, want)
	}
	if string(bytes[0]) != "text" || len(bytes[1]) != 0 || string(bytes[2]) != "a\x00b" {
		t.Fatalf("bytes: %q", bytes)
	}
	n := 0
	for _, v := range []any{int64(3), 3, "3", []byte("3"), nil} {
		err := c.Each(`SELECT count(*) FROM t WHERE id = ?`, []driver.NamedValue{{Value: v}}, func(r *Row) error {
			n += int(r.Int64(0))
			return nil
		})
		if err != nil {
			t.Fatalf("bind %T: %v", v, err)
		}
	}
	if n != 3 { // 3, 3 and '3' find row 3 (the id column's affinity); a blob and NULL do not
		t.Errorf("bound 3 found %d rows in all, want 3", n)
	}
	if err := c.Each(`SELECT ?`, []driver.NamedValue{{Value: 1.5}}, func(*Row) error { return nil }); err == nil {
		t.Error("a float64 argument bound without error")
	}
}

// TestErrorsAndStops: SQLite's words for SQL and file errors, the caller's
// error as it is, a write refused on a read-only connection, the context
// interrupting a long statement, Close twice.
func TestErrorsAndStops(t *testing.T) {
	uri := testDB(t)
	c, err := Open(context.Background(), uri, ReadOnly, "")
	if err != nil {
		t.Fatal(err)
	}
	nop := func(*Row) error { return nil }
	if err := c.Each(`SELECT nope FROM t`, nil, nop); err == nil || !strings.Contains(err.Error(), "no such column") {
		t.Errorf("bad column: %v", err)
	}
	if err := c.Exec(`DELETE FROM t`); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write on a read-only connection: %v", err)
	}
	mine := errors.New("mine")
	if err := c.Each(`SELECT * FROM t`, nil, func(*Row) error { return mine }); err != mine {
		t.Errorf("the caller's error: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}

	junk := filepath.Join(t.TempDir(), "junk")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	// SQLite reads the file at the first statement that needs it.
	if jc, err := Open(context.Background(), "file:"+junk, ReadOnly, ""); err != nil {
		t.Errorf("opening junk: %v", err)
	} else {
		if err := jc.Each(`SELECT * FROM t`, nil, nop); err == nil || !strings.Contains(err.Error(), "not a database") {
			t.Errorf("junk: %v", err)
		}
		jc.Close()
	}
	if _, err := Open(context.Background(), "file:"+filepath.Join(t.TempDir(), "none", "x"), ReadOnly, ""); err == nil || !strings.Contains(err.Error(), "unable to open") {
		t.Errorf("a file that is not there: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	c, err = Open(ctx, uri, ReadOnly, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	err = c.Each(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n`, nil, nop)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	if err := c.Each(`SELECT 1`, nil, nop); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a statement after the context ended: %v", err)
	}
}
