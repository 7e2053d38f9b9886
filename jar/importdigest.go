package jar

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"hash"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The re-import of an unchanged store (docs/jar.md, "Re-importing an
// unchanged store"). Importing a source's cookies again, exactly as read
// before, into a jar nobody wrote since, with the same classifier
// knowledge, finds every cookie unchanged: each one is looked up, classified,
// encoded and hashed only to learn that. So every import leaves, per source,
// a digest of what it read (every field of every cookie, the batch flags
// and the knowledge) with the jar's generation after it, and what a repeat
// would count. The next import of the source skips the per-cookie work
// when both still hold.
//
// The generation is a counter in meta that every write transaction of the
// jar raises (Jar.write), so any change since — an edit, a purge, an undo, a
// verdict, a protection, a re-classification, an import of another source,
// write-back — rules the shortcut out. Older builds cannot write the jar
// without raising it: schema 8 refuses them.

// importDigestsDDL is the table of schema 8: per source the digest of its
// latest import's read, the jar's generation after that import, and what a
// repeat of it counts (unchanged, pending write-back) and whether a prune
// would find nothing (complete).
const importDigestsDDL = `CREATE TABLE import_digests (source TEXT PRIMARY KEY,
	digest BLOB NOT NULL, generation INTEGER NOT NULL,
	unchanged INTEGER NOT NULL, pending INTEGER NOT NULL, complete INTEGER NOT NULL) STRICT, WITHOUT ROWID`

// migrateV7toV8 adds the import digests (none yet: each source's next
// import does the whole work, as before) and the generation.
func migrateV7toV8(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'import_digests'`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, importDigestsDDL)
	return err
}

// bumpGeneration raises the jar's generation: every write transaction does,
// before it commits.
func bumpGeneration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('generation', '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`)
	return err
}

// readGeneration is the jar's generation as q (a transaction or a
// connection) sees it: 0 before the first write that raised it.
func readGeneration(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int64, error) {
	var g int64
	err := q.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'`).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return g, err
}

// sourceDigest is what the jar remembers of a source's latest import.
type sourceDigest struct {
	digest             []byte
	generation         int64
	unchanged, pending int
	complete           bool
}

func loadDigest(ctx context.Context, tx *sql.Tx, source string) (sourceDigest, bool, error) {
	var d sourceDigest
	err := tx.QueryRowContext(ctx, `SELECT digest, generation, unchanged, pending, complete FROM import_digests WHERE source = ?`, source).
		Scan(&d.digest, &d.generation, &d.unchanged, &d.pending, &d.complete)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	return d, err == nil, err
}

func storeDigest(ctx context.Context, tx *sql.Tx, source string, d sourceDigest) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO import_digests (source, digest, generation, unchanged, pending, complete) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET digest = excluded.digest, generation = excluded.generation,
			unchanged = excluded.unchanged, pending = excluded.pending, complete = excluded.complete`,
		source, d.digest, d.generation, d.unchanged, d.pending, d.complete)
	return err
}

func forgetDigest(ctx context.Context, tx *sql.Tx, source string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM import_digests WHERE source = ?`, source)
	return err
}

// readDigest hashes (SHA-256) the knowledge and every batch of source, in
// order: its flags and every field of every cookie. Two reads with the
// same digest give the jar the same rows.
func readDigest(knowledge string, batches []Batch, source string) []byte {
	h := sha256.New()
	w := digestWriter{h: h, buf: make([]byte, 0, 64<<10)}
	w.str(knowledge)
	for i := range batches {
		b := &batches[i]
		if b.Source != source {
			continue
		}
		w.str(b.Source)
		w.str(b.File)
		w.flag(b.Incomplete)
		w.flag(b.Verdicts)
		w.num(int64(len(b.Cookies)))
		for k := range b.Cookies {
			w.cookie(&b.Cookies[k])
		}
	}
	w.flush()
	return h.Sum(nil)
}

// digestWriter feeds a hash with length-prefixed fields, in 64 KiB writes.
type digestWriter struct {
	h   hash.Hash
	buf []byte
}

func (w *digestWriter) flush() {
	w.h.Write(w.buf)
	w.buf = w.buf[:0]
}

func (w *digestWriter) num(v int64) { w.buf = binary.AppendVarint(w.buf, v) }

func (w *digestWriter) flag(b bool) { w.num(b2i(b)) }

func (w *digestWriter) str(s string) {
	w.num(int64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *digestWriter) time(t time.Time) {
	if t.IsZero() {
		w.num(0)
		return
	}
	w.num(1)
	w.num(t.Unix())
	w.num(int64(t.Nanosecond()))
}

// cookie writes every field of c. TestReadDigestCoversEveryField fails
// when cookie.Cookie gains a field this does not write.
func (w *digestWriter) cookie(c *cookie.Cookie) {
	w.num(c.ID)
	for _, s := range [...]string{c.Source, c.Domain, c.Path, c.Name, c.Value} {
		w.str(s)
	}
	for _, b := range [...]bool{c.HostOnly, c.Secure, c.HTTPOnly, c.Session, c.ValueUnreadable, c.Partition.CrossSiteAncestor()} {
		w.flag(b)
	}
	w.num(int64(c.SameSite))
	for _, t := range [...]cookie.Time{c.Expires, c.Created, c.LastAccessed, c.LastUpdated} {
		w.time(t.Time())
	}
	x := c.Extras.Fields()
	for _, s := range [...]string{string(c.Partition.Kind()), c.Partition.TopLevelSite(), c.Container.Key(), c.Container.Name(),
		x.Priority, x.SourceScheme, x.SourceType, string(c.Encryption), c.UnreadableReason,
		c.OriginalKey, string(c.Purpose), c.Reason, string(c.VerdictBy), c.ProtectedBy} {
		w.str(s)
	}
	w.num(int64(x.SourcePort))
	w.num(int64(x.SchemeMap))
	if len(w.buf) >= 60<<10 {
		w.flush()
	}
}

// findRepeats decides which sources of the import are repeats: the jar
// holds a digest of the source's latest import from the current
// generation, with an import record, the batches carry no verdicts of the
// user's, a prune would find nothing to prune, and this read has the same
// digest. A repeat counts what the import before counted and skips the
// rest. The digests of the other sources are computed meanwhile, on
// another goroutine, for recordDigests.
func (im *importer) findRepeats() error {
	var err error
	if im.generation, err = readGeneration(im.ctx, im.tx); err != nil {
		return err
	}
	knowledge := im.j.knowledge()
	var later []int
	for si, src := range im.sources {
		d, ok, err := loadDigest(im.ctx, im.tx, src)
		if err != nil {
			return err
		}
		if !ok || d.generation != im.generation || im.keepVerdicts[src] || (im.opt.Prune && !d.complete && !im.incomplete(src)) {
			later = append(later, si)
			continue
		}
		var records int
		if err := im.tx.QueryRowContext(im.ctx, `SELECT count(*) FROM imports WHERE source = ?`, src).Scan(&records); err != nil {
			return err
		}
		im.digests[si] = readDigest(knowledge, im.batches, src)
		if records == 0 || string(im.digests[si]) != string(d.digest) {
			continue
		}
		im.repeat[si], im.repeats[si] = true, d
		im.per[si].Unchanged, im.per[si].Pending = d.unchanged, d.pending
		im.stats.Unchanged += d.unchanged
		im.stats.Pending += d.pending
	}
	im.digested = make(chan struct{})
	go func() {
		defer close(im.digested)
		for _, si := range later {
			im.digests[si] = readDigest(knowledge, im.batches, im.sources[si])
		}
	}()
	return nil
}

// incomplete reports whether a batch of source refused rows (then a prune
// leaves the source alone).
func (im *importer) incomplete(source string) bool {
	for i := range im.batches {
		if im.batches[i].Source == source && im.batches[i].Incomplete {
			return true
		}
	}
	return false
}

// recordDigests remembers, per source, this import's digest with the
// generation it leaves the jar at (this transaction raises it by one) and
// what a repeat counts. A source whose batch held the user's verdicts or
// one identity twice with different content gets none: a repeat of it
// writes again.
func (im *importer) recordDigests() error {
	<-im.digested
	for si, src := range im.sources {
		if im.keepVerdicts[src] || im.conflict[si] {
			if err := forgetDigest(im.ctx, im.tx, src); err != nil {
				return err
			}
			continue
		}
		d := im.repeats[si]
		if !im.repeat[si] {
			ps := im.per[si]
			d = sourceDigest{unchanged: ps.Added + ps.Updated + ps.Unchanged, pending: ps.Pending,
				complete: im.incomplete(src) || im.opt.Prune || !im.unseen(src)}
		}
		d.digest, d.generation = im.digests[si], im.generation+1
		if err := storeDigest(im.ctx, im.tx, src, d); err != nil {
			return err
		}
	}
	return nil
}

// unseen reports whether the jar holds cookies of source that this import
// did not have.
func (im *importer) unseen(source string) bool {
	for _, ex := range im.have[source] {
		if !ex.seen {
			return true
		}
	}
	return false
}
