package chromium

// Reading the cookies table: producers scan rowid ranges on connections of
// their own, a decoder turns their rows into cookies.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// parallelRows is the store size from which rows are read by several
// connections at once, each taking one rowid range.
var parallelRows = 20000 // a variable so tests can exercise the split on small stores

// rowRange is one producer's share of the table: the WHERE clause that
// selects it and the 0-based index of its first row in rowid order.
type rowRange struct {
	where string
	args  []driver.NamedValue
	first int
}

// splitRows cuts a large table into rowid ranges of equal row counts; on
// one core, a small table or any error it is one range, the whole table.
func splitRows(ctx context.Context, db *sql.DB, total int) []rowRange {
	workers := 1
	if total >= parallelRows {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	if workers == 1 {
		return []rowRange{{}}
	}
	// bounds[k] is the first rowid of range k+1.
	bounds := make([]int64, 0, workers-1)
	for k := 1; k < workers; k++ {
		var b int64
		err := db.QueryRowContext(ctx, "SELECT rowid FROM cookies ORDER BY rowid LIMIT 1 OFFSET ?", total*k/workers).Scan(&b)
		if err != nil {
			return []rowRange{{}} // a WITHOUT ROWID table, say: one pass
		}
		bounds = append(bounds, b)
	}
	parts := make([]rowRange, workers)
	for k := range parts {
		p := &parts[k]
		p.first = total * k / workers
		switch {
		case k == 0:
			p.where = " WHERE rowid < ?"
			p.args = []driver.NamedValue{{Ordinal: 1, Value: bounds[0]}}
		case k == workers-1:
			p.where = " WHERE rowid >= ?"
			p.args = []driver.NamedValue{{Ordinal: 1, Value: bounds[k-1]}}
		default:
			p.where = " WHERE rowid >= ? AND rowid < ?"
			p.args = []driver.NamedValue{{Ordinal: 1, Value: bounds[k-1]}, {Ordinal: 2, Value: bounds[k]}}
		}
	}
	return parts
}

// produce scans query on a connection of its own into batches taken from
// free and sent to full; rows are numbered from first+1.
func produce(ctx context.Context, db *sql.DB, query string, args []driver.NamedValue, first int, full chan<- *batch, free <-chan *batch) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The snapshot is private and read once front to back: map it instead
	// of reading page by page (fewer syscalls on a 100k-cookie store).
	_, _ = conn.ExecContext(ctx, "PRAGMA mmap_size=1073741824")
	n := first
	var b *batch
	select {
	case b = <-free:
	case <-ctx.Done():
		return ctx.Err()
	}
	err = snapshot.EachRow(ctx, conn, query, args, func(vals []driver.Value) error {
		n++
		r, err := scan(vals)
		r.n, r.err = n, err
		b.rows = append(b.rows, r)
		if len(b.rows) == batchRows {
			select {
			case full <- b:
				b = nil // sent: the decoder owns it now
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case b = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	if b != nil && len(b.rows) > 0 {
		select {
		case full <- b:
		case <-ctx.Done():
		}
	}
	return err
}

func asInt(v any) (int64, bool) {
	switch t := v.(type) {
	case nil:
		return 0, true
	case int64:
		return t, true
	case float64:
		return int64(t), true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		return n, err == nil
	case []byte:
		n, err := strconv.ParseInt(strings.TrimSpace(string(t)), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// batch carries scanned rows from the SQLite reader to the decoder.
type batch struct {
	rows []rowState
}

const batchRows = 512

// unreadableTally groups undecryptable values by cause for the warnings.
type unreadableTally struct {
	order  []string
	counts map[string]int
	shown  int
}

// readStore reads every row. SQLite scanning (the larger half of the work)
// runs in producer goroutines, one per rowid range on its own connection,
// which hand batches to this goroutine; it decrypts and builds the cookies,
// each straight into its row's slot of one slice: on two cores the halves
// overlap.
func readStore(ctx context.Context, db *sql.DB, file string, cfg oscrypt.Config, opts importers.Options, res *importers.Result) error {
	s, err := probe(ctx, db, file, res)
	if err != nil {
		return err
	}
	cfg.HostPrefix = s.version >= 24
	total, err := countRows(ctx, db, file, opts)
	if err != nil {
		return err
	}
	parts := splitRows(ctx, db, total)
	db.SetMaxOpenConns(len(parts))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full, free, scanErrs := startScans(ctx, db, s, parts)
	d := newRowDecoder(s, oscrypt.New(cfg), file, opts.Source, res, total)
	done := 0
	for b := range full {
		for i := range b.rows {
			d.take(ctx, &b.rows[i])
		}
		done += len(b.rows)
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
		clear(b.rows) // drop the references to this batch's values
		b.rows = b.rows[:0]
		free <- b
	}
	if err := ctx.Err(); err != nil {
		return err // cancelled: whatever was read is incomplete
	}
	res.Cookies = d.cookies()
	return d.finish(ctx, scanErrs)
}

// countRows counts the table. The count sizes the result up front (a
// 100k-cookie slice regrown step by step costs more than the count), splits
// large stores and feeds Progress.
func countRows(ctx context.Context, db *sql.DB, file string, opts importers.Options) (int, error) {
	total := 0
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM cookies").Scan(&total); err != nil {
		return 0, importers.Errorf(file, "reading cookies (damaged store): %v", err)
	}
	if total > snapshot.MaxCookies {
		return 0, snapshot.TooMany(file, total)
	}
	if opts.Progress != nil {
		opts.Progress(0, total)
	}
	return total, nil
}

// startScans starts one producer per range. full is closed once every
// producer is done; scanErrs[k] is range k's error, to be read only after
// full is closed.
func startScans(ctx context.Context, db *sql.DB, s *schema, parts []rowRange) (full chan *batch, free chan *batch, scanErrs []error) {
	full = make(chan *batch, 2*len(parts))
	free = make(chan *batch, 3*len(parts))
	for i := 0; i < cap(free); i++ {
		free <- &batch{rows: make([]rowState, 0, batchRows)}
	}
	scanErrs = make([]error, len(parts))
	var wg sync.WaitGroup
	for k, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scanErrs[k] = produce(ctx, db, s.selectSQL()+part.where, part.args, part.first, full, free)
		}()
	}
	go func() { wg.Wait(); close(full) }()
	return full, free, scanErrs
}

// rowDecoder turns scanned rows into cookies, each into its row's slot.
type rowDecoder struct {
	s      *schema
	dec    *oscrypt.Decryptor
	file   string
	source string
	res    *importers.Result
	total  int

	all        []cookie.Cookie
	filled     []bool
	extra      []cookie.Cookie // rows beyond the count (never, unless the count failed)
	kept       int
	tally      unreadableTally
	bothWarned int
	keyBuf     []byte
	damaged    error // the first row refused as damaged (a wrong type where the schema has another)
}

func newRowDecoder(s *schema, dec *oscrypt.Decryptor, file, source string, res *importers.Result, total int) *rowDecoder {
	return &rowDecoder{
		s: s, dec: dec, file: file, source: source, res: res, total: total,
		all:    snapshot.MakeCookies(total),
		filled: make([]bool, total),
		tally:  unreadableTally{counts: map[string]int{}},
		keyBuf: make([]byte, 0, 256),
	}
}

// take refuses a bad row (with a warning for the first few) or decrypts
// it and stores its cookie.
func (d *rowDecoder) take(ctx context.Context, rs *rowState) {
	res, file := d.res, d.file
	if rs.err != nil && !errors.Is(rs.err, errTooLarge) && d.damaged == nil {
		d.damaged = fmt.Errorf("row %d: %v", rs.n, rs.err)
	}
	if rs.err == nil {
		if why := badRow(rs.name, rs.host); why != "" {
			rs.err = errors.New(why)
		}
	}
	if rs.err != nil {
		res.Refused++
		if res.Refused <= maxRowWarnings {
			res.Warnf("%s: row %d refused: %v", file, rs.n, rs.err)
		}
		return
	}
	c := rs.cookie(d.s, d.source)
	d.keyBuf = rs.appendKey(d.keyBuf[:0], d.s)
	c.OriginalKey = string(d.keyBuf)
	if len(rs.enc) == 0 {
		// Plaintext row (rookie skips these).
		c.Value = rs.value
		c.Encryption = cookie.EncPlain
	} else {
		if rs.value != "" && d.bothWarned < maxRowWarnings {
			d.bothWarned++
			res.Warnf("%s: cookie %q on %s has both a plain and an encrypted value; the encrypted one is used", file, rs.name, rs.host)
		}
		plain, scheme, err := d.dec.Decrypt(ctx, rs.host, rs.enc)
		c.Encryption = cookie.Encryption(scheme)
		if err != nil {
			c.ValueUnreadable = true
			c.UnreadableReason = err.Error()
			d.tally.add(res, file, &c, err)
		} else {
			c.Value = string(plain)
		}
	}
	d.kept++
	if j := rs.n - 1; j >= 0 && j < d.total && !d.filled[j] {
		d.all[j], d.filled[j] = c, true
	} else {
		d.extra = append(d.extra, c)
	}
}

// cookies returns what was kept in row order. Refused or unread rows leave
// holes: close them up in place.
func (d *rowDecoder) cookies() []cookie.Cookie {
	if d.kept == d.total && d.extra == nil {
		return d.all
	}
	out := d.all[:0]
	for j := range d.all {
		if d.filled[j] {
			out = append(out, d.all[j])
		}
	}
	return append(out, d.extra...)
}

// finish turns a stopped scan or a damaged row into the read's error and
// writes the summary warnings. A read that stopped part way (a malformed
// page) or met damaged rows is a failed read: importing the rest would make
// --prune and the jar believe cookies were gone that are only unreadable.
func (d *rowDecoder) finish(ctx context.Context, scanErrs []error) error {
	res, file := d.res, d.file
	for _, err := range scanErrs {
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if len(res.Cookies) == 0 {
			return importers.Errorf(file, "reading cookies: %v", err)
		}
		return importers.Errorf(file, "damaged store: reading stopped after %d cookies: %v", len(res.Cookies), err)
	}
	if d.damaged != nil {
		return importers.Errorf(file, "damaged store: %v (%d rows refused in all)", d.damaged, res.Refused)
	}
	if res.Refused > maxRowWarnings {
		res.Warnf("%s: %d rows refused in all", file, res.Refused)
	}
	d.tally.summarise(res, file)
	return nil
}

// add records one unreadable value; the first few get a warning each.
func (t *unreadableTally) add(res *importers.Result, file string, c *cookie.Cookie, err error) {
	var ue *oscrypt.UnreadableError
	cause := err.Error()
	if errors.As(err, &ue) {
		cause = ue.Error()
	}
	if _, ok := t.counts[cause]; !ok {
		t.order = append(t.order, cause)
	}
	t.counts[cause]++
	if errors.Is(err, oscrypt.ErrAppBound) {
		return // summarised once: every v20 row has the same story
	}
	if t.shown < maxRowWarnings {
		t.shown++
		res.Warnf("%s: cookie %q on %s: value unreadable (%s)", file, c.Name, c.Domain, cause)
	}
}

func (t *unreadableTally) summarise(res *importers.Result, file string) {
	for _, cause := range t.order {
		n := t.counts[cause]
		if strings.HasPrefix(cause, string(oscrypt.V20)+":") {
			res.Warnf("%s: %d cookie values use Chrome 127+ app-bound encryption (v20), which cannot be decrypted outside the browser; their other attributes are imported and the values are marked unreadable", file, n)
			continue
		}
		res.Warnf("%s: %d cookie values unreadable: %s", file, n, cause)
	}
}
