package jar

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The import record: what the jar remembers about each source's latest
// import, so that it can say what changed in the browser since the import
// before — cookies and trackers that are new and those gone (docs/jar.md,
// "The import record"). It describes the store as it was read, not the
// jar: an undo of the import leaves it as it is (what the browser had does
// not change), and a dry run records nothing.
//
// Vendors are not stored (docs/decisions.md, "Vendors are derived"): the
// record keeps the tracking cookies of this import and the one before as
// (domain, name, site), so that whoever reads it names the trackers of
// both with the same, current knowledge.
//
// Size is bounded per source: the identities of the latest import as 8-byte
// hashes, the tracking cookies of the latest two imports (distinct domain,
// name and site), and at most maxRecordedCookies new and gone cookies each
// with exact counts.

// maxRecordedCookies bounds the new and the gone cookies an import record
// lists (each); the counts stay exact.
const maxRecordedCookies = 1000

// ImportRecord is what changed in one source between its previous import
// and its latest one.
type ImportRecord struct {
	Source string    `json:"source"`
	At     time.Time `json:"at"`
	// PrevAt is the previous import's time; zero for a source's first
	// import, which has nothing to compare with: then every cookie counts
	// as added (none listed) and PrevTracking is empty.
	PrevAt  time.Time `json:"previous"`
	Cookies int       `json:"cookies"` // distinct cookies the latest import read
	Added   int       `json:"added"`
	Gone    int       `json:"gone"`
	// AddedCookies and GoneCookies list at most maxRecordedCookies each. A
	// gone cookie that had already left the jar (deleted, purged) is
	// counted in Gone but cannot be listed.
	AddedCookies []RecordedCookie `json:"addedCookies"`
	GoneCookies  []RecordedCookie `json:"goneCookies"`
	// Tracking and PrevTracking are the tracking cookies of the latest and
	// of the previous import (stored apart from the JSON).
	Tracking     []TrackingSeen `json:"-"`
	PrevTracking []TrackingSeen `json:"-"`
}

// First reports whether this was the source's first import.
func (r *ImportRecord) First() bool { return r.PrevAt.IsZero() }

// RecordedCookie names a cookie that came or went, without its value.
type RecordedCookie struct {
	Domain    string         `json:"domain"`
	HostOnly  bool           `json:"hostOnly"`
	Path      string         `json:"path"`
	Name      string         `json:"name"`
	Partition string         `json:"partition,omitempty"` // Partition.Key()
	Container string         `json:"container,omitempty"`
	Site      string         `json:"site"` // cookie.ReachSite
	Purpose   cookie.Purpose `json:"purpose"`
}

// TrackingSeen is a tracking cookie an import saw: its domain, name and
// the site where it holds an id (cookie.ReachSite). An import's list has
// each triple once.
type TrackingSeen struct {
	Domain, Name, Site string
}

// ImportRecords returns the import record of every source imported since
// the jar has kept them, ordered by source.
func (j *Jar) ImportRecords(ctx context.Context) ([]ImportRecord, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT source, record, tracking, prev_tracking FROM imports ORDER BY source`)
	if err != nil {
		return nil, j.fileError(err)
	}
	defer rows.Close()
	var out []ImportRecord
	for rows.Next() {
		var src string
		var blob, tr, prev []byte
		if err := rows.Scan(&src, &blob, &tr, &prev); err != nil {
			return nil, j.fileError(err)
		}
		var r ImportRecord
		if err := json.Unmarshal(blob, &r); err != nil {
			return nil, fmt.Errorf("jar %s: import record of %s: %w", j.path, src, err)
		}
		if r.Tracking, err = decodeTracking(tr); err == nil {
			r.PrevTracking, err = decodeTracking(prev)
		}
		if err != nil {
			return nil, fmt.Errorf("jar %s: import record of %s: %w", j.path, src, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// importLog collects, during one import, what each source's batch holds,
// and writes the sources' import records at the end.
type importLog struct {
	now   time.Time
	srcs  []*sourceLog // by index in the import's sources
	sites siteCache
	// keepRecords: the records written are kept in records, for
	// ImportOptions.Recorded.
	keepRecords bool
	records     []ImportRecord
}

type sourceLog struct {
	source string
	first  bool
	prev   []uint64 // the previous import's identity hashes, sorted
	hit    []bool   // prev[i] is in this batch
	prevAt time.Time
	// prevTracking is the previous import's tracking list, still encoded:
	// it moves to prev_tracking as it is.
	prevTracking []byte
	cur          []uint64
	// added lists new cookies (up to maxRecordedCookies); listed holds
	// their hashes, so a cookie a batch holds twice is listed once.
	added  []RecordedCookie
	listed map[uint64]bool
	// tracking collects the batch's tracking cookies, duplicates and all,
	// and sorts them while the import writes (trackingsort.go); nil until
	// the first one. Appending costs the writer's goroutine (the import's
	// critical path) a tenth of what a set did (docs/decisions.md, "The
	// import's tracking list").
	tracking *trackingSorter
	// repeat says the import read exactly what the previous one did
	// (importdigest.go): nothing came or went, the tracking cookies are
	// the previous ones.
	repeat bool
}

// newImportLog reads the previous records of these sources.
func newImportLog(ctx context.Context, tx *sql.Tx, sources []string, now time.Time) (*importLog, error) {
	l := &importLog{now: now, sites: siteCache{}}
	for _, src := range sources {
		s := &sourceLog{source: src, first: true, listed: map[uint64]bool{}}
		var seen, blob, tr []byte
		err := tx.QueryRowContext(ctx, `SELECT seen, record, tracking FROM imports WHERE source = ?`, src).Scan(&seen, &blob, &tr)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		default:
			var r ImportRecord
			if err := json.Unmarshal(blob, &r); err != nil {
				return nil, fmt.Errorf("import record of %s: %w", src, err)
			}
			s.first, s.prevAt, s.prevTracking = false, r.At, tr
			s.prev = make([]uint64, len(seen)/8)
			for i := range s.prev {
				s.prev[i] = binary.LittleEndian.Uint64(seen[i*8:])
			}
			s.hit = make([]bool, len(s.prev))
		}
		l.srcs = append(l.srcs, s)
	}
	return l, nil
}

func identityHash(key []byte) uint64 {
	h := fnv.New64a()
	h.Write(key)
	return h.Sum64()
}

// see notes one cookie of source si's batch, prepared (its identity hash
// and tracking triple computed by the workers).
func (l *importLog) see(si int, p *prepped) {
	s := l.srcs[si]
	h, c := p.idHash, &p.c
	s.cur = append(s.cur, h)
	if c.Purpose == cookie.PurposeTracking {
		if s.tracking == nil {
			s.tracking = newTrackingSorter()
		}
		s.tracking.add(p.tracking)
	}
	if s.first {
		return
	}
	if i, ok := slices.BinarySearch(s.prev, h); ok {
		s.hit[i] = true
		return
	}
	if len(s.added) < maxRecordedCookies && !s.listed[h] {
		s.listed[h] = true
		s.added = append(s.added, l.recorded(c))
	}
}

func (l *importLog) recorded(c *cookie.Cookie) RecordedCookie {
	return RecordedCookie{Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path, Name: c.Name,
		Partition: c.Partition.Key(), Container: c.Container.Key(), Site: cookie.ReachSite(c, l.sites.site), Purpose: c.Purpose}
}

// finish writes every source's record. have is the import's view of the
// jar before it (source → identityKey → row): the rows of cookies that are
// gone from a store are still there, unless they were deleted since.
func (l *importLog) finish(ctx context.Context, tx *sql.Tx, have map[string]map[string]*existing) error {
	for _, s := range l.srcs {
		if s.repeat {
			if err := l.finishRepeat(ctx, tx, s); err != nil {
				return err
			}
			continue
		}
		slices.Sort(s.cur)
		s.cur = slices.Compact(s.cur)
		r := ImportRecord{Source: s.source, At: l.now, PrevAt: s.prevAt, Cookies: len(s.cur),
			AddedCookies: []RecordedCookie{}, GoneCookies: []RecordedCookie{}}
		if s.first {
			r.Added = len(s.cur)
		} else {
			for _, h := range s.cur {
				if _, ok := slices.BinarySearch(s.prev, h); !ok {
					r.Added++
				}
			}
			r.AddedCookies = s.added
			var goneIDs []int64
			for key, ex := range have[s.source] {
				if ex.seen || ex.id <= 0 {
					continue
				}
				if i, ok := slices.BinarySearch(s.prev, identityHash([]byte(key))); ok && !s.hit[i] {
					goneIDs = append(goneIDs, ex.id)
				}
			}
			for i := range s.prev {
				if !s.hit[i] {
					r.Gone++
				}
			}
			gone, err := l.goneCookies(ctx, tx, goneIDs)
			if err != nil {
				return err
			}
			r.GoneCookies = gone
		}
		sortRecorded(r.AddedCookies)
		blob, err := json.Marshal(&r)
		if err != nil {
			return err
		}
		seen := make([]byte, 8*len(s.cur))
		for i, h := range s.cur {
			binary.LittleEndian.PutUint64(seen[i*8:], h)
		}
		prev := s.prevTracking
		if prev == nil {
			prev = []byte{}
		}
		var tracking []TrackingSeen
		if s.tracking != nil {
			tracking = s.tracking.list()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO imports (source, seen, record, tracking, prev_tracking) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET seen = excluded.seen, record = excluded.record,
				tracking = excluded.tracking, prev_tracking = excluded.prev_tracking`,
			s.source, seen, blob, encodeDistinct(tracking), prev); err != nil {
			return err
		}
		if err := l.keep(r, tracking, prev); err != nil {
			return err
		}
	}
	return nil
}

// stop ends the goroutines sorting the tracking lists, whether or not the
// import got as far as its records.
func (l *importLog) stop() {
	for _, s := range l.srcs {
		if s.tracking != nil {
			s.tracking.stop()
		}
	}
}

// keep adds r, with its tracking lists, to the records the import hands
// to ImportOptions.Recorded: as ImportRecords reads it back once the import
// is in (TestRecordedAsRead).
func (l *importLog) keep(r ImportRecord, tracking []TrackingSeen, prev []byte) error {
	if !l.keepRecords {
		return nil
	}
	var err error
	r.Tracking = tracking
	if r.PrevTracking, err = decodeTracking(prev); err != nil {
		return fmt.Errorf("import record of %s: %w", r.Source, err)
	}
	l.records = append(l.records, r)
	return nil
}

// finishRepeat writes the record of a repeat: the previous import's
// cookies and tracking cookies, none added or gone, the previous tracking
// list moving to prev_tracking as a full import's would.
func (l *importLog) finishRepeat(ctx context.Context, tx *sql.Tx, s *sourceLog) error {
	// As a full import's record: no added cookie is listed as none (null).
	r := ImportRecord{Source: s.source, At: l.now, PrevAt: s.prevAt, Cookies: len(s.prev), GoneCookies: []RecordedCookie{}}
	blob, err := json.Marshal(&r)
	if err != nil {
		return err
	}
	tr := s.prevTracking
	if tr == nil {
		tr = []byte{}
	}
	if _, err = tx.ExecContext(ctx, `UPDATE imports SET record = ?, tracking = ?, prev_tracking = ? WHERE source = ?`,
		blob, tr, tr, s.source); err != nil || !l.keepRecords {
		return err
	}
	if r.Tracking, err = decodeTracking(tr); err != nil {
		return fmt.Errorf("import record of %s: %w", r.Source, err)
	}
	r.PrevTracking = r.Tracking // the same list, read once
	l.records = append(l.records, r)
	return nil
}

// goneCookies reads the live rows with these ids (at most
// maxRecordedCookies of them) as recorded cookies, sorted.
func (l *importLog) goneCookies(ctx context.Context, tx *sql.Tx, ids []int64) ([]RecordedCookie, error) {
	out := []RecordedCookie{}
	if len(ids) == 0 {
		return out, nil
	}
	slices.Sort(ids)
	ids = ids[:min(len(ids), maxRecordedCookies)]
	rows, err := tx.QueryContext(ctx, selectCookies+` WHERE id `+inIDs, idList(ids))
	if err != nil {
		return nil, err
	}
	cs, err := scanCookies(rows, len(ids))
	if err != nil {
		return nil, err
	}
	for i := range cs {
		out = append(out, l.recorded(&cs[i]))
	}
	sortRecorded(out)
	return out, nil
}

func sortRecorded(cs []RecordedCookie) {
	slices.SortFunc(cs, func(a, b RecordedCookie) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Container, b.Container))
	})
}

// encodeTracking writes the distinct triples of ts sorted, each string as
// a uvarint length and its bytes. It sorts ts in place.
func encodeTracking(ts []TrackingSeen) []byte {
	return encodeDistinct(distinctTracking(ts))
}

// distinctTracking sorts ts in place and returns its distinct triples, as
// decodeTracking reads them back (nil for none).
func distinctTracking(ts []TrackingSeen) []TrackingSeen {
	slices.SortFunc(ts, compareTracking)
	if ts = slices.Compact(ts); len(ts) == 0 {
		return nil
	}
	return ts
}

// encodeDistinct is encodeTracking of a list distinctTracking made.
func encodeDistinct(ts []TrackingSeen) []byte {
	n := 0
	for _, t := range ts {
		n += len(t.Domain) + len(t.Name) + len(t.Site) + 6
	}
	out := make([]byte, 0, n)
	for _, t := range ts {
		for _, s := range [...]string{t.Domain, t.Name, t.Site} {
			out = binary.AppendUvarint(out, uint64(len(s)))
			out = append(out, s...)
		}
	}
	return out
}

var errBadTracking = errors.New("tracking list cut short")

// decodeTracking reads a list encodeTracking wrote. Its strings share one
// copy of the list and the slice is sized once: at 100,000 cookies the
// report screen decodes two lists of ~40,000 each in the background, and
// growing them cookie by cookie had cost the UI ~40 MB of its peak
// (TestTmuxMemory100k, docs/budgets.md §4).
func decodeTracking(b []byte) ([]TrackingSeen, error) {
	n := 0
	for rest := b; len(rest) > 0; n++ {
		for range 3 {
			l, k := binary.Uvarint(rest)
			if k <= 0 || l > uint64(len(rest)-k) {
				return nil, errBadTracking
			}
			rest = rest[k+int(l):]
		}
	}
	if n == 0 {
		return nil, nil
	}
	all := string(b) // every field below is a substring of this one copy
	out := make([]TrackingSeen, 0, n)
	next := func() string {
		l, k := binary.Uvarint(b)
		s := all[len(all)-len(b)+k : len(all)-len(b)+k+int(l)]
		b = b[k+int(l):]
		return s
	}
	for len(b) > 0 {
		var t TrackingSeen
		t.Domain = next()
		t.Name = next()
		t.Site = next()
		out = append(out, t)
	}
	return out, nil
}

// importsDDL creates the import records (schema 4): per source the
// identity hashes of its latest import (8 bytes each, little-endian,
// sorted), the ImportRecord as JSON, and the tracking cookies of the latest
// and the previous import (encodeTracking).
const importsDDL = `CREATE TABLE imports (source TEXT PRIMARY KEY,
	seen BLOB NOT NULL, record BLOB NOT NULL, tracking BLOB NOT NULL, prev_tracking BLOB NOT NULL) STRICT`

// migrateV3toV4 adds the import records. Older jars have none: each
// source's next import is its first as far as the record goes.
func migrateV3toV4(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, importsDDL)
	return err
}
