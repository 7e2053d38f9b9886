package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Batch is the cookies read from one source. Every cookie carries Source;
// if one does not (or names another), the batch's Source is used.
type Batch struct {
	Source  string
	File    string // the file they were read from, remembered per source
	Cookies []cookie.Cookie
	// Incomplete says the read refused some rows: Prune leaves every cookie
	// of this Source alone, since a refused row's cookie may still be in
	// the store.
	Incomplete bool
	// Verdicts says the batch's cookies marked as the user's verdict
	// (VerdictBy user: crumbs' own JSON export) are the user's: the import
	// keeps their purpose and records the verdicts, as set-purpose would.
	// Off, a verdict the jar does not hold is not one.
	Verdicts bool
}

// ImportOptions change how Import treats the jar.
type ImportOptions struct {
	// Prune moves cookies of a batch's Source that are absent from the
	// batch to the trash.
	Prune bool
	// DryRun computes the statistics and changes nothing.
	DryRun bool
	// Recorded, if set, is called with the import records the import
	// wrote, one per source ordered by source, as ImportRecords would
	// return them, once they are written and before
	// the transaction commits (which may still fail). It runs on the
	// importing goroutine: a caller starts its work on them there and
	// lets the commit go on, and must not change them. Not on a dry run.
	Recorded func([]ImportRecord)
}

// ImportStats counts what an import did (or would do, on a dry run).
type ImportStats struct {
	Added, Updated, Unchanged, Pruned int
	// Pending counts cookies left as the jar has them because a deletion
	// or edit of theirs waits to be written back (crumbs apply).
	Pending int
	// BySource splits the counts by batch source (every source of the
	// import has an entry, even with all zeros). Its entries have no
	// BySource of their own.
	BySource map[string]ImportStats
}

// errDryRun rolls a dry run's transaction back once the counting is done.
var errDryRun = errors.New("dry run")

// Import upserts the batches by identity in one transaction: new cookies
// are added, changed ones updated, identical ones left alone. It is one undo
// step if it changed anything (an import that changes nothing records no
// step). Cookies are classified with the jar's classifier unless the user
// gave a verdict for their identity.
func (j *Jar) Import(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	if j.aside != nil {
		return j.importAside(ctx, batches, opt) // a new jar's first import
	}
	return j.importHere(ctx, batches, opt)
}

func (j *Jar) importHere(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	im, err := newImporter(ctx, j, batches, opt)
	if err != nil {
		return ImportStats{}, err
	}
	_, err = j.change(ctx, kindImport, im.run)
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return im.stats, err
	}
	im.stats.BySource = make(map[string]ImportStats, len(im.sources))
	for i, src := range im.sources {
		im.stats.BySource[src] = im.per[i]
	}
	return im.stats, nil
}

// importer is one Import: its steps are the methods below, in the order
// run calls them (load what the jar holds, prepare the statements, place
// every cookie, flush the pending inserts, prune, record the sources).
type importer struct {
	keepVerdicts map[string]bool // sources whose batches carry the user's verdicts (Batch.Verdicts)

	j       *Jar
	ctx     context.Context
	opt     ImportOptions
	batches []Batch

	sources  []string          // in first-seen order; Prune works per source
	files    map[string]string // source → the file it was read from
	srcIndex map[string]int    // source → index in sources and per
	per      []ImportStats
	stats    ImportStats

	tx       *sql.Tx
	rec      *recorder
	now      int64                           // the import's time (unix microseconds)
	verdicts map[string]map[string]verdict   // source → identityKey → the user's verdict
	have     map[string]map[string]*existing // source → identityKey → what the jar holds
	// held is, per source, the identities the trash holds in place
	// (inplace.go) → their rows; an import that brings one back moves the
	// row out into its trash entry first (toFree, before the next insert).
	held   map[string]map[string]int64
	toFree []int64
	slab   []existing // backs the *existing values, 4096 at a time

	// The cookies are written through SQLite's C API on the transaction's
	// own connection (docs/decisions.md, "The import writes through the C
	// API"); save goes through the driver.
	raw               *sqlraw.Conn
	ins, insMany, upd *sqlraw.Stmt
	save              *sql.Stmt
	pending           []*prepped // new cookies of the chunk being placed, not inserted yet
	pendingEx         []*existing

	log *importLog // the sources' import records (importlog.go); nil on a dry run

	pendingWB map[string]map[string]bool // identities with pending write-back, per source

	// The re-import shortcut (importdigest.go), per source index: a
	// repeat skips the per-cookie work; conflict says the batch held one
	// identity twice with different content (a repeat would count it as
	// updated again, so no digest is kept).
	repeat, conflict []bool
	digests          [][]byte
	repeats          []sourceDigest
	generation       int64
	digested         chan struct{} // closed once digests is filled

	siteNames []string // the import's sites, sorted: ref.site indexes it
	fakeID    int64    // ids of new cookies not inserted (yet): -1, -2, …
}

// existing is what the jar holds for one identity of an imported source.
type existing struct {
	id   int64 // < 0 for a new cookie not inserted yet (or on a dry run)
	hash int64
	seen bool // the import has this identity
}

type verdict struct {
	purpose cookie.Purpose
	reason  string
}

func newImporter(ctx context.Context, j *Jar, batches []Batch, opt ImportOptions) (*importer, error) {
	im := &importer{j: j, ctx: ctx, opt: opt, batches: batches,
		files: map[string]string{}, srcIndex: map[string]int{}, fakeID: -1}
	for _, b := range batches {
		if b.Source == "" {
			return nil, fmt.Errorf("jar %s: import: a batch without a source", j.path)
		}
		if _, ok := im.files[b.Source]; !ok {
			im.srcIndex[b.Source] = len(im.sources)
			im.sources = append(im.sources, b.Source)
		}
		im.files[b.Source] = b.File
		if b.Verdicts {
			if im.keepVerdicts == nil {
				im.keepVerdicts = map[string]bool{}
			}
			im.keepVerdicts[b.Source] = true
		}
	}
	im.per = make([]ImportStats, len(im.sources))
	im.repeat, im.conflict = make([]bool, len(im.sources)), make([]bool, len(im.sources))
	im.digests, im.repeats = make([][]byte, len(im.sources)), make([]sourceDigest, len(im.sources))
	return im, nil
}

// run is the import's undo step (see Jar.change).
func (im *importer) run(tx *sql.Tx, rec *recorder) (string, int, error) {
	im.tx, im.rec, im.now = tx, rec, toMicro(im.j.Now())
	var err error
	if im.verdicts, err = loadVerdicts(im.ctx, im.tx, im.sources); err != nil {
		return "", 0, im.j.fileError(err)
	}
	if !im.opt.DryRun {
		if err := im.findRepeats(); err != nil {
			return "", 0, im.j.fileError(err)
		}
	}
	// The workers prepare the cookies while this goroutine reads what the
	// jar holds: neither needs the other.
	p := im.startPreparing(im.order())
	defer p.stop()
	if err := im.loadExisting(); err != nil {
		return "", 0, err
	}
	if !im.opt.DryRun {
		defer im.closeStatements()
		if err := im.prepare(); err != nil {
			return "", 0, err
		}
		if im.log, err = newImportLog(im.ctx, tx, im.sources, im.j.Now()); err != nil {
			return "", 0, im.j.fileError(err)
		}
		defer im.log.stop()
		im.log.keepRecords = im.opt.Recorded != nil
		for si := range im.sources {
			im.log.srcs[si].repeat = im.repeat[si]
		}
		for _, b := range im.batches { // the record's hashes, allocated once
			if s := im.log.srcs[im.srcIndex[b.Source]]; !s.repeat {
				s.cur = slices.Grow(s.cur, len(b.Cookies))
			}
		}
	}
	if err := im.placeAll(p); err != nil {
		return "", 0, err
	}
	if !im.opt.DryRun {
		startWriteback(im.j.writtenFile())
	}
	if im.log != nil { // before prune moves the gone cookies
		if err := im.log.finish(im.ctx, tx, im.have); err != nil {
			return "", 0, fmt.Errorf("jar %s: import record: %w", im.j.path, err)
		}
	}
	if err := im.prune(); err != nil {
		return "", 0, err
	}
	if im.opt.DryRun {
		return "", 0, errDryRun
	}
	if err := im.recordSources(); err != nil {
		return "", 0, err
	}
	if err := im.recordVerdicts(); err != nil {
		return "", 0, err
	}
	if err := im.recordDigests(); err != nil {
		return "", 0, fmt.Errorf("jar %s: import digest: %w", im.j.path, err)
	}
	if im.opt.Recorded != nil {
		slices.SortFunc(im.log.records, func(a, b ImportRecord) int { return strings.Compare(a.Source, b.Source) })
		im.opt.Recorded(im.log.records)
	}
	s := &im.stats
	summary := "import " + strings.Join(im.sources, ", ") + ": " + joinNonEmpty(
		nonZero(s.Added, "added"), nonZero(s.Updated, "updated"), nonZero(s.Pruned, "pruned"))
	return summary, s.Added + s.Updated + s.Pruned, nil
}

// placeAll places every cookie of the import, in the order of the
// identity index, as the workers prepare them.
func (im *importer) placeAll(p *preparer) error {
	for i := range p.chunks {
		if err := im.ctx.Err(); err != nil {
			return err
		}
		ch := p.next(i)
		for k := range ch.items {
			if err := im.place(&ch.items[k]); err != nil {
				return err
			}
		}
		if err := im.flush(); err != nil { // before the chunk's memory is reused
			return err
		}
		p.done(i)
	}
	return nil
}

// loadExisting reads, per source, what the jar holds now (identity → id
// and content hash) and the identities with pending write-back.
func (im *importer) loadExisting() error {
	var err error
	if im.pendingWB, err = pendingKeys(im.ctx, im.tx, im.sources); err != nil {
		return im.j.fileError(err)
	}
	im.have = make(map[string]map[string]*existing, len(im.sources))
	// Sized for the batches' cookies up front: place adds every new one,
	// and a map grown step by step rehashes on the writer's goroutine, the
	// import's critical path (pprof of 850,175 new cookies: place's map
	// inserts 0.47 s of CPU grown, 0.10 s sized).
	size := make([]int, len(im.sources))
	for _, b := range im.batches {
		size[im.srcIndex[b.Source]] += len(b.Cookies)
	}
	for si, src := range im.sources {
		if im.repeat[si] {
			im.have[src] = map[string]*existing{}
			continue // nothing of it is looked up
		}
		if err := im.loadHeld(src); err != nil {
			return im.j.fileError(err)
		}
		m := make(map[string]*existing, size[si])
		im.have[src] = m
		rows, err := im.tx.QueryContext(im.ctx, `SELECT id, chash, `+identityKeySQL+` FROM live WHERE source = ?`, src)
		if err != nil {
			return im.j.fileError(err)
		}
		var key sql.RawBytes
		var id, hash int64
		for rows.Next() {
			if err := rows.Scan(&id, &hash, &key); err != nil {
				rows.Close()
				return err
			}
			m[string(key)] = im.newExisting(existing{id: id, hash: hash})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// loadHeld reads the identities of src the trash holds in place, through
// the trash's index: an import costs nothing more when there are none.
func (im *importer) loadHeld(src string) error {
	rows, err := im.tx.QueryContext(im.ctx, `SELECT id, `+identityKeySQL+` FROM cookies
		WHERE id IN (SELECT cookie_id FROM trash WHERE in_place) AND source = ?`, src)
	if err != nil {
		return err
	}
	defer rows.Close()
	var key sql.RawBytes
	var id int64
	for rows.Next() {
		if err := rows.Scan(&id, &key); err != nil {
			return err
		}
		if im.held == nil {
			im.held = map[string]map[string]int64{}
		}
		if im.held[src] == nil {
			im.held[src] = map[string]int64{}
		}
		im.held[src][string(key)] = id
	}
	return rows.Err()
}

// newExisting allocates from a slab: one allocation per 4096 entries.
func (im *importer) newExisting(e existing) *existing {
	if len(im.slab) == cap(im.slab) {
		im.slab = make([]existing, 0, 4096)
	}
	im.slab = append(im.slab, e)
	return &im.slab[len(im.slab)-1]
}

// loadVerdicts reads the user's verdicts for these sources: source →
// identityKey → verdict.
func loadVerdicts(ctx context.Context, tx *sql.Tx, sources []string) (map[string]map[string]verdict, error) {
	out := map[string]map[string]verdict{}
	var buf []byte
	for _, src := range sources {
		rows, err := tx.QueryContext(ctx, `SELECT partition_key, container_key, domain, host_only, path, name, purpose, reason
			FROM verdicts WHERE source = ?`, src)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p, c, d, path, name, purpose, reason string
			var ho int64
			if err := rows.Scan(&p, &c, &d, &ho, &path, &name, &purpose, &reason); err != nil {
				rows.Close()
				return nil, err
			}
			buf = identityKey(buf, p, c, d, ho != 0, path, name)
			if out[src] == nil {
				out[src] = map[string]verdict{}
			}
			out[src][string(buf)] = verdict{cookie.Purpose(purpose), reason}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// place decides what the prepared cookie p is to the jar (new, unchanged
// or updated) and writes it accordingly.
func (im *importer) place(p *prepped) error {
	si := im.srcIndex[p.c.Source]
	if im.pendingWB[p.c.Source][string(p.key)] {
		// A pending deletion is not brought back, a pending edit not
		// overwritten (pending.go).
		im.stats.Pending++
		im.per[si].Pending++
		if ex := im.have[p.c.Source][string(p.key)]; ex != nil {
			ex.seen = true
		}
		return nil
	}
	if im.log != nil {
		im.log.see(si, p)
	}
	m := im.have[p.c.Source]
	ps := &im.per[si]
	ex := m[string(p.key)]
	switch {
	case ex == nil:
		im.stats.Added++
		ps.Added++
		ex = im.newExisting(existing{id: im.fakeID, hash: p.hash, seen: true})
		im.fakeID--
		m[string(p.key)] = ex
		if im.opt.DryRun {
			return nil
		}
		if row, ok := im.held[p.c.Source][string(p.key)]; ok {
			im.toFree = append(im.toFree, row)
		}
		im.pending = append(im.pending, p)
		im.pendingEx = append(im.pendingEx, ex)
		if len(im.pending) == insertRows {
			return im.flush()
		}
		return nil
	case ex.hash == p.hash:
		if !ex.seen {
			im.stats.Unchanged++
			ps.Unchanged++
		}
		ex.seen = true
		return nil
	}
	if ex.seen {
		im.conflict[si] = true // this identity again, different
	}
	im.stats.Updated++
	ps.Updated++
	ex.seen, ex.hash = true, p.hash
	if im.opt.DryRun {
		return nil
	}
	return im.update(ex, p)
}

// classify gives c the user's verdict for its identity (key) if there is
// one, else the classifier's. It runs on the preparing goroutines.
func (im *importer) classify(c *cookie.Cookie, key []byte) {
	if im.keepVerdicts[c.Source] && c.VerdictBy == cookie.EvidenceUser && knownPurpose(c.Purpose) {
		if c.Reason == "" {
			c.Reason = userReason
		}
		return
	}
	if v, ok := im.verdicts[c.Source][string(key)]; ok {
		c.Purpose, c.Reason, c.VerdictBy = v.purpose, v.reason, cookie.EvidenceUser
		return
	}
	if im.j.classifier != nil {
		if c.VerdictBy == cookie.EvidenceUser {
			c.VerdictBy = ""
		}
		im.j.classifier.Classify(c)
		return
	}
	if c.VerdictBy == cookie.EvidenceUser {
		// A user verdict that the jar does not hold is not one.
		c.VerdictBy = cookie.EvidenceNone
	}
}

// prune moves the cookies of the imported sources that the import did not
// have to the trash (with ImportOptions.Prune).
func (im *importer) prune() error {
	if !im.opt.Prune {
		return nil
	}
	incomplete := map[string]bool{}
	for _, b := range im.batches {
		if b.Incomplete {
			incomplete[b.Source] = true
		}
	}
	var gone []int64
	for si, src := range im.sources {
		if incomplete[src] {
			continue // a refused row's cookie may still be in the store
		}
		for _, ex := range im.have[src] {
			if !ex.seen {
				gone = append(gone, ex.id)
				im.per[si].Pruned++
			}
		}
	}
	slices.Sort(gone)
	im.stats.Pruned = len(gone)
	if im.opt.DryRun {
		return nil
	}
	_, err := im.j.moveToTrash(im.ctx, im.tx, im.rec, gone)
	return err
}

// recordSources remembers, per source, the file and the time of this import.
func (im *importer) recordSources() error {
	for _, src := range im.sources {
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO sources (source, file, last_import) VALUES (?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET file = excluded.file, last_import = excluded.last_import`,
			src, im.files[src], im.now); err != nil {
			return err
		}
	}
	return nil
}

func nonZero(n int, what string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", n, what)
}

// recordVerdicts records the user's verdicts the batches carry (Batch.Verdicts).
func (im *importer) recordVerdicts() error {
	type group struct {
		p      cookie.Purpose
		reason string
	}
	ids := map[group][]cookie.Identity{}
	var order []group
	for _, b := range im.batches {
		if !b.Verdicts {
			continue
		}
		for i := range b.Cookies {
			c := b.Cookies[i] // a copy
			if c.VerdictBy != cookie.EvidenceUser || !knownPurpose(c.Purpose) {
				continue
			}
			c.Source = b.Source
			if c.Reason == "" {
				c.Reason = userReason
			}
			normalize(&c)
			g := group{c.Purpose, c.Reason}
			if _, ok := ids[g]; !ok {
				order = append(order, g)
			}
			ids[g] = append(ids[g], c.Identity())
		}
	}
	for _, g := range order {
		if err := im.j.putVerdicts(im.ctx, im.tx, im.rec, ids[g], g.p, g.reason); err != nil {
			return fmt.Errorf("jar %s: import verdicts: %w", im.j.path, err)
		}
	}
	return nil
}

// knownPurpose reports whether p is one of the four purposes.
func knownPurpose(p cookie.Purpose) bool {
	for _, q := range cookie.Purposes {
		if p == q {
			return true
		}
	}
	return false
}
