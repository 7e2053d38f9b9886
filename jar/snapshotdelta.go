package jar

// Building the next snapshot from the last one after this process's own
// writes (docs/decisions.md, "A snapshot after our own change is built from
// the last one").
//
// A full read after a change holds two datasets at once: the old snapshot,
// which the UI still shows, and a fresh copy of every row with fresh
// strings. At a million cookies that peaked above 1 GB after a purge and its
// undo. But a write of this process knows what it touched: while a snapshot
// exists, every write transaction runs on a connection with SQLite's
// pre-update hook, which records the id of every row of cookies it deletes,
// inserts or updates. The next snapshot is then the old one without those
// ids, plus those ids read again (the ones still live), merged into the
// default order, with the protections marked again on every row (they
// depend on the clock and on the protections table). Cookies are values
// whose strings the new slice shares with the old; the old slice is never
// written.
//
// Whether only our writes came in between is decided by the jar's
// generation, which every write transaction of every crumbs process raises
// by one (importdigest.go): a delta is recorded with the generation before
// and after it, and applies only when the snapshot was read at the first and
// the jar is, in the read that builds the new snapshot, at the last. Any
// other writer — another process, a write this process did not track —
// breaks the chain, and the snapshot is read in full, as before.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"modernc.org/sqlite"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// delta is what one committed write transaction of this process changed in
// the cookies table.
type delta struct {
	from, to int64   // the jar's generation before and after it
	touched  []int64 // ids of the cookies rows it deleted, inserted or updated
}

// maxTracked bounds the ids one write records; a write touching more (an
// import of millions) leaves no delta and the next snapshot is read in full.
const maxTracked = 1 << 22

// tracker follows one write transaction on its own connection.
type tracker struct {
	j        *Jar
	conn     *sql.Conn
	from     int64
	touched  []int64
	overflow bool
}

// sqlite's pre-update operations.
const (
	opDelete = 9
	opInsert = 18
	opUpdate = 23
)

// beginWrite starts a write transaction on conn, a connection of the
// write's own, which the caller closes once the transaction is over. While
// the jar holds a snapshot the connection has the pre-update hook, and the
// returned tracker records what the transaction touched; tr.done must be
// called once it is over. Without a snapshot (every CLI command) tr is nil.
func (j *Jar) beginWrite(ctx context.Context, conn *sql.Conn) (tx *sql.Tx, tr *tracker, err error) {
	if !j.tracking.Load() {
		if tx, err = conn.BeginTx(ctx, nil); err != nil {
			return nil, nil, err
		}
		return tx, nil, nil
	}
	tr = &tracker{j: j, conn: conn}
	if err := conn.Raw(func(dc any) error {
		h, ok := dc.(sqlite.HookRegisterer)
		if !ok {
			return errors.New("the SQLite driver has no pre-update hook")
		}
		h.RegisterPreUpdateHook(tr.hook)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if tx, err = conn.BeginTx(ctx, nil); err != nil {
		tr.close()
		return nil, nil, err
	}
	// BEGIN IMMEDIATE holds the write lock: no one commits until we do, so
	// the generation now is the one this transaction starts from.
	if tr.from, err = readGeneration(ctx, tx); err != nil {
		tx.Rollback()
		tr.close()
		return nil, nil, err
	}
	return tx, tr, nil
}

func (tr *tracker) hook(d sqlite.SQLitePreUpdateData) {
	if tr.overflow || d.DatabaseName != "main" {
		return
	}
	if d.TableName == "trash" {
		tr.trashHook(&d)
		return
	}
	if d.TableName != "cookies" {
		return
	}
	switch d.Op {
	case opDelete:
		tr.touched = append(tr.touched, d.OldRowID)
	case opInsert:
		tr.touched = append(tr.touched, d.NewRowID)
	case opUpdate:
		tr.touched = append(tr.touched, d.OldRowID)
		if d.NewRowID != d.OldRowID {
			tr.touched = append(tr.touched, d.NewRowID)
		}
	}
	if len(tr.touched) > maxTracked {
		tr.overflow, tr.touched = true, nil
	}
}

// trashHook records the cookie_id of every trash row written: a cookie
// the trash holds in place (inplace.go) leaves or rejoins the live ones by
// a trash row alone, its row of cookies untouched. A copied entry's
// cookie_id is recorded too, needlessly: the next snapshot reads the id
// again, and keeps it only if it is live.
func (tr *tracker) trashHook(d *sqlite.SQLitePreUpdateData) {
	vals := make([]any, 2) // id, cookie_id
	note := func(read func(...any) error) {
		var id int64
		ok := read(vals...) == nil
		if ok {
			id, ok = vals[1].(int64)
		}
		if !ok { // not known: the next snapshot is read in full
			tr.overflow = true
			return
		}
		tr.touched = append(tr.touched, id)
	}
	switch d.Op {
	case opDelete:
		note(d.Old)
	case opInsert:
		note(d.New)
	case opUpdate:
		note(d.Old)
		note(d.New)
	}
	if tr.overflow || len(tr.touched) > maxTracked {
		tr.overflow, tr.touched = true, nil
	}
}

// beforeCommit reads the generation the transaction leaves the jar at.
func (tr *tracker) beforeCommit(ctx context.Context, tx *sql.Tx) (to int64, err error) {
	if tr == nil {
		return 0, nil
	}
	return readGeneration(ctx, tx)
}

// done ends the tracking; committed says the transaction committed and left
// the jar at generation to.
func (tr *tracker) done(committed bool, to int64) {
	if tr == nil {
		return
	}
	tr.close()
	if !committed || tr.overflow || to != tr.from+1 {
		return // no delta: a write it cannot describe breaks the chain
	}
	j := tr.j
	j.deltaMu.Lock()
	defer j.deltaMu.Unlock()
	if j.deltas == nil {
		j.deltas = map[int64]delta{}
	}
	j.deltas[tr.from] = delta{from: tr.from, to: to, touched: tr.touched}
}

// close takes the hook off the connection (which goes back to the pool).
func (tr *tracker) close() {
	tr.conn.Raw(func(dc any) error {
		if h, ok := dc.(sqlite.HookRegisterer); ok {
			h.RegisterPreUpdateHook(nil)
		}
		return nil
	})
}

// forgetDeltas drops the deltas a snapshot at generation g has no use for.
func (j *Jar) forgetDeltas(g int64) {
	j.deltaMu.Lock()
	defer j.deltaMu.Unlock()
	for from := range j.deltas {
		if from < g {
			delete(j.deltas, from)
		}
	}
}

// applyDeltas builds the snapshot at data_version v from the current one and
// the deltas that lead from its generation to the jar's, or returns nil when
// they do not (then the caller reads everything). Called with cacheMu held.
func (j *Jar) applyDeltas(ctx context.Context, v int64) (*snapshot, error) {
	old := j.cache
	if old == nil {
		return nil, nil
	}
	var touched []int64
	g := old.generation
	j.deltaMu.Lock()
	for {
		d, ok := j.deltas[g]
		if !ok {
			break
		}
		delete(j.deltas, g) // used now; the next snapshot is newer
		touched = append(touched, d.touched...)
		g = d.to
	}
	j.deltaMu.Unlock()
	if g == old.generation {
		return nil, nil
	}
	slices.Sort(touched)
	touched = slices.Compact(touched)
	if len(touched) > 0 && (touched[0] < 0 || touched[len(touched)-1] > maxSetID) {
		return nil, nil // ids the bitmap cannot hold (never made by the jar)
	}
	tx, err := j.verConn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, j.fileError(err)
	}
	defer tx.Rollback()
	now, err := readGeneration(ctx, tx)
	if err != nil {
		return nil, j.fileError(err)
	}
	if now != g {
		return nil, nil // someone else wrote too: read everything
	}
	cs, err := j.merge(ctx, tx, old.cookies, touched)
	if err != nil {
		return nil, j.fileError(err)
	}
	// Marked again on every row: the protections may have changed, and
	// what they cover depends on the clock. Mark clears the rows no
	// protection covers (markIn leaves them alone when there is none: it
	// is made for freshly read rows).
	p, err := j.protector(ctx, tx)
	if err != nil {
		return nil, j.fileError(err)
	}
	p.Mark(cs, j.Now())
	if err := tx.Commit(); err != nil {
		return nil, j.fileError(err)
	}
	j.snapshots++
	j.deltaBuilds++
	return &snapshot{version: v, generation: g, gen: j.snapshots, cookies: cs, orders: map[SortKey][]int32{}}, nil
}

// merge returns a new slice: the cookies of old whose ids are not in
// touched, and the live rows of touched read inside tx, in the default
// order. old is sorted and never written; the new slice is allocated at its
// final size, the rows read go straight into its tail, and the two sorted
// runs are merged forward into it (the write position never passes the
// tail's next unread row), so nothing is held twice on the way.
// touched is sorted, without repeats, within [0, maxSetID].
func (j *Jar) merge(ctx context.Context, tx *sql.Tx, old []cookie.Cookie, touched []int64) ([]cookie.Cookie, error) {
	var set idSet
	if len(touched) > 0 {
		set = newIDSet(touched[len(touched)-1])
	}
	for _, id := range touched {
		set.add(id)
	}
	keep := 0
	for i := range old {
		if !set.has(old[i].ID) {
			keep++
		}
	}
	list := idList(touched)
	var n int
	if len(touched) > 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM live WHERE id `+inIDs, list).Scan(&n); err != nil {
			return nil, err
		}
	}
	out := make([]cookie.Cookie, keep+n)
	if n > 0 {
		rows, err := tx.QueryContext(ctx, selectCookies+` WHERE id `+inIDs, list)
		if err != nil {
			return nil, err
		}
		if err := scanCookiesInto(rows, out[keep:]); err != nil {
			return nil, fmt.Errorf("re-reading %d changed cookies: %w", n, err)
		}
		sortDefault(out[keep:]) // in place
	}
	sites := siteCache{}
	a, b := 0, keep
	var aDomain, aSite, bDomain, bSite string
	for k := range out {
		for a < len(old) && set.has(old[a].ID) {
			a++
		}
		takeA := a < len(old)
		if takeA && b < len(out) {
			x, y := &old[a], &out[b]
			if x.Domain != aDomain {
				aDomain, aSite = x.Domain, sites.site(x.Domain)
			}
			if y.Domain != bDomain {
				bDomain, bSite = y.Domain, sites.site(y.Domain)
			}
			c := strings.Compare(aSite, bSite)
			if c == 0 {
				c = compareDefault(x, y)
			}
			takeA = c < 0
		}
		if takeA {
			out[k] = old[a]
			a++
		} else {
			out[k] = out[b]
			b++
		}
	}
	return out, nil
}

// maxSetID is the largest id an idSet holds (a 32 MB bitmap).
const maxSetID = 1 << 28

// idSet is a bitmap of row ids (rowids are dense: a million cookies span
// about a million ids, 125 KB).
type idSet []uint64

func newIDSet(maxID int64) idSet {
	if maxID < 0 {
		return nil
	}
	return make(idSet, maxID/64+1)
}

func (s idSet) add(id int64) {
	if id >= 0 && int(id/64) < len(s) {
		s[id/64] |= 1 << (id % 64)
	}
}

func (s idSet) has(id int64) bool {
	return id >= 0 && int(id/64) < len(s) && s[id/64]&(1<<(id%64)) != 0
}
