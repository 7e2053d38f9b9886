package jar

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Long reads of the cookie rows go through SQLite's C API on a connection
// of their own (internal/sqlraw) rather than through the database/sql
// driver, whose connections take a mutex on every column call and whose
// Scan converts every value again: `crumbs list` of a million cookies spent
// a third of its time there (docs/decisions.md, "The jar's rows through the
// C API"). The connection opens the jar as the driver's do (the same URI,
// so a read-only or immutable open stays one) and never writes.

// rawSetup is what every raw connection runs first: the settings of the
// driver's connections (open.go) that matter to a reader, and two of a
// store read's (importers/snapshot): a sort spills to memory, never to a
// temp file of cookie values, and nothing of the schema runs functions.
const rawSetup = "PRAGMA busy_timeout=10000; PRAGMA query_only=1; PRAGMA cache_size=-2048; PRAGMA mmap_size=0; PRAGMA temp_store=2; PRAGMA trusted_schema=0"

// rawConn opens a reading connection to the jar and starts a read
// transaction on it, so that every statement on it sees the same jar.
func (j *Jar) rawConn(ctx context.Context) (*sqlraw.Conn, error) {
	c, err := sqlraw.Open(ctx, j.rawURI, j.rawMode, rawSetup)
	if err != nil {
		return nil, err
	}
	if err := c.Exec("BEGIN"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// namedArgs turns a compiled filter's arguments into the positional values
// sqlraw binds.
func namedArgs(args []any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// rawProtector is protector (protect.go) read on a raw connection.
func (j *Jar) rawProtector(c *sqlraw.Conn) (*Protector, error) {
	ps := append([]Protection(nil), j.fileProtections...)
	err := c.Each(`SELECT id, `+protectionCols+` FROM protections ORDER BY id`, nil, func(r *sqlraw.Row) error {
		p, err := parseProtection(r.Int64(0), string(r.Bytes(1)), r.Int64(2))
		if err != nil {
			return err
		}
		ps = append(ps, p)
		return nil
	})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return NewProtector(ps), nil
}

// eachRaw calls fn for every cookie of query (selecting id and
// readColumns, after lead other columns) on c; the cookie is only valid
// during the call. An error of fn's is returned as it is.
func eachRaw(c *sqlraw.Conn, query string, args []any, fn func(*cookie.Cookie) error) error {
	s := newRowScanner()
	var ck cookie.Cookie
	var fnErr error
	err := c.Each(query, namedArgs(args), func(r *sqlraw.Row) error {
		if err := s.scanRow(r, &ck); err != nil {
			return err
		}
		if err := fn(&ck); err != nil {
			fnErr = err
			return err
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errReading, err)
	}
	return nil
}

// errReading marks an error of the read itself (not of the caller's fn):
// the caller says it as a jar error (fileError).
var errReading = errors.New("reading the cookies")

// rowColumns is one row's columns by position, as bytes (valid during the
// call only) or as an integer: a row through the C API (*sqlraw.Row) or
// one the driver scanned (driverRow).
type rowColumns interface {
	Bytes(i int) []byte
	Int64(i int) int64
}

// rowSource runs query with args and calls fn with each row.
type rowSource func(query string, args []any, fn func(rowColumns) error) error

// rawSource reads through c.
func rawSource(c *sqlraw.Conn) rowSource {
	return func(query string, args []any, fn func(rowColumns) error) error {
		return c.Each(query, namedArgs(args), func(r *sqlraw.Row) error { return fn(r) })
	}
}

// driverSource reads through the driver, inside q (a transaction).
func driverSource(ctx context.Context, q querier) rowSource {
	return func(query string, args []any, fn func(rowColumns) error) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		r := driverRow{raw: make([]sql.RawBytes, len(cols)), dest: make([]any, len(cols))}
		for i := range r.raw {
			r.dest[i] = &r.raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(r.dest...); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// driverRow is a row the driver scanned as bytes (integers as their
// decimal text).
type driverRow struct {
	raw  []sql.RawBytes
	dest []any
}

func (r driverRow) Bytes(i int) []byte { return r.raw[i] }

func (r driverRow) Int64(i int) int64 {
	n, _ := strconv.ParseInt(string(r.raw[i]), 10, 64)
	return n
}
