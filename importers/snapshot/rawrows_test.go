package snapshot

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func rawTestDB(t *testing.T) (string, *sql.Conn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.sqlite")
	db, err := sql.Open("sqlite", fileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE t (a, b, c, d)`,
		`INSERT INTO t VALUES (1, -9223372036854775808, 0.5, 'text'), ('', x'', NULL, x'00ff'),
			(CAST(x'fffe0041' AS TEXT), 'a' || char(0) || 'b', 1e300, 9223372036854775807),
			('é', '', -0.0, x'0102030405')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return path, conn
}

func collect(t *testing.T, each func(func([]driver.Value) error) error) [][]driver.Value {
	t.Helper()
	var out [][]driver.Value
	if err := each(func(v []driver.Value) error {
		out = append(out, append([]driver.Value(nil), v...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRawRowsAsTheDriver: the rows read through the C API are the values
// the driver gives, type for type (integers at both ends, floats, empty and
// invalid UTF-8 text, NUL bytes, empty and other blobs, NULL), with bound
// arguments, and EachRow takes that path for a file.
func TestRawRowsAsTheDriver(t *testing.T) {
	ctx := context.Background()
	path, conn := rawTestDB(t)
	for _, q := range []struct {
		query string
		args  []driver.NamedValue
	}{
		{`SELECT a, b, c, d, typeof(a), length(b) FROM t ORDER BY rowid`, nil},
		{`SELECT * FROM t WHERE rowid >= ? AND rowid < ?`, []driver.NamedValue{{Ordinal: 1, Value: int64(2)}, {Ordinal: 2, Value: int64(4)}}},
		{`SELECT a FROM t WHERE a = ?`, []driver.NamedValue{{Ordinal: 1, Value: "text"}}},
	} {
		want := collect(t, func(fn func([]driver.Value) error) error { return driverRows(ctx, conn, q.query, q.args, fn) })
		got := collect(t, func(fn func([]driver.Value) error) error { return rawRows(ctx, path, 0, q.query, q.args, fn) })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nraw    %#v\ndriver %#v", q.query, got, want)
		}
		via := collect(t, func(fn func([]driver.Value) error) error { return EachRow(ctx, conn, q.query, q.args, fn) })
		if !reflect.DeepEqual(via, want) {
			t.Errorf("EachRow %s: %#v", q.query, via)
		}
	}
	if file, _, err := mainFile(ctx, conn); err != nil || file != path {
		t.Fatalf("mainFile %q %v, want %q", file, err, path)
	}
}

// TestRawRowsStopWithTheContext: a statement that would run forever (a
// recursive query, as a hostile view would make) stops when the context
// ends, with its error, and a callback's error ends the read with it.
func TestRawRowsStopWithTheContext(t *testing.T) {
	path, _ := rawTestDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := rawRows(ctx, path, 0, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c`, nil,
		func([]driver.Value) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	stop := errors.New("enough")
	n := 0
	err = rawRows(context.Background(), path, 0, `SELECT * FROM t`, nil, func([]driver.Value) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// TestRawRowsErrors: SQL and file errors come back in SQLite's words.
func TestRawRowsErrors(t *testing.T) {
	ctx := context.Background()
	path, _ := rawTestDB(t)
	nop := func([]driver.Value) error { return nil }
	if err := rawRows(ctx, path, 0, `SELECT nope FROM t`, nil, nop); err == nil || !strings.Contains(err.Error(), "no such column") {
		t.Errorf("bad column: %v", err)
	}
	if err := rawRows(ctx, path, 0, `DELETE FROM t`, nil, nop); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write on the query_only connection: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.sqlite")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rawRows(ctx, junk, 0, `SELECT * FROM t`, nil, nop); err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("junk file: %v", err)
	}
}
