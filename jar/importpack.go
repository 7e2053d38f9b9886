package jar

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The import's bulk insert binds fewer values per row than the table has
// columns. Each value bound through modernc.org/sqlite costs a lock and, for
// text, a C copy: that was half of an insert (docs/decisions.md, "Import,
// purge and undo against the sqlite3 floor"). So a row of a full insert
// chunk binds 13 values for its 16 columns: the flags, host_only, purpose
// and verdict_by travel as one integer that SQL takes apart, and empty
// strings are bound as NULL (no copy) and stored as ''. A row whose purpose or
// evidence has no code goes the plain way (all 16 values).

// purposeCodes and evidenceCodes are the values the packed integer can
// carry: index = code.
var (
	purposeCodes  = []cookie.Purpose{cookie.PurposeUnknown, cookie.PurposeSession, cookie.PurposePersonalization, cookie.PurposeTracking}
	evidenceCodes = []cookie.Evidence{cookie.EvidenceNone, cookie.EvidenceUser, cookie.EvidenceRule, cookie.EvidenceName,
		cookie.EvidencePattern, cookie.EvidenceList, cookie.EvidenceDomain, cookie.EvidenceHeuristic, cookie.EvidenceFallback, ""}
)

// Bits of the packed integer: flags (below 64), host_only, purpose and
// evidence codes (four bits each).
const (
	packHostOnly     = 6
	packPurposeShift = 8
	packVerdictShift = 12
	packedPerRow     = 12 // values per row after the source
)

func codeOf[T comparable](codes []T, v T) (int64, bool) {
	for i, c := range codes {
		if c == v {
			return int64(i), true
		}
	}
	return 0, false
}

// pack fills p.packed from the prepared cookie and says whether it can be
// packed. Order: partition_key, container_key, domain, path, name, site,
// value, packed integer, expires, reason, chash, more.
func (p *prepped) pack() bool {
	pc, ok1 := codeOf(purposeCodes, p.c.Purpose)
	vc, ok2 := codeOf(evidenceCodes, p.c.VerdictBy)
	if !ok1 || !ok2 || p.flags < 0 || p.flags >= 1<<packHostOnly {
		return false
	}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	c := &p.c
	packed := p.flags | b2i(c.HostOnly)<<packHostOnly | pc<<packPurposeShift | vc<<packVerdictShift
	p.packed = [packedPerRow]any{orNull(c.Partition.Key()), orNull(c.Container.Key()), c.Domain, c.Path, c.Name, p.site,
		c.Value, packed, p.expires, orNull(c.Reason), p.hash, p.more}
	return true
}

// packedInsertSQL inserts rows packed rows. The values are anonymous
// parameters (a numbered one costs modernc.org/sqlite a search of the
// statement's names per bound value), in a VALUES list that the SELECT
// takes apart: the packed integer is bound once and read four times. Rows
// go in in the order of the list, so their ids are consecutive in it.
func packedInsertSQL(rows int) string {
	caseOf := func(x string, shift int, names []string) string {
		var b strings.Builder
		b.WriteString("CASE (" + x + " >> " + strconv.Itoa(shift) + ") & 15")
		for i, n := range names {
			b.WriteString(" WHEN " + strconv.Itoa(i) + " THEN '" + n + "'")
		}
		return b.String() + " END"
	}
	var purposes, evidences []string
	for _, p := range purposeCodes {
		purposes = append(purposes, string(p))
	}
	for _, e := range evidenceCodes {
		evidences = append(evidences, string(e))
	}
	// column1 is the source, then the packedPerRow values of pack.
	q := func(k int) string { return "column" + strconv.Itoa(k+2) }
	packed := q(7)
	sel := strings.Join([]string{"column1", "coalesce(" + q(0) + ", '')", "coalesce(" + q(1) + ", '')", q(2),
		"(" + packed + " >> " + strconv.Itoa(packHostOnly) + ") & 1", q(3), q(4), q(5), q(6),
		packed + " & " + strconv.Itoa(1<<packHostOnly-1), q(8),
		caseOf(packed, packPurposeShift, purposes), "coalesce(" + q(9) + ", '')",
		caseOf(packed, packVerdictShift, evidences), q(10), q(11)}, ", ")
	row := "(" + placeholders(1+packedPerRow) + ")"
	list := make([]string, rows)
	for i := range list {
		list[i] = row
	}
	return `INSERT OR ROLLBACK INTO cookies (` + colList + `) SELECT ` + sel + ` FROM (VALUES ` + strings.Join(list, ", ") + `)`
}

// flush inserts the pending new cookies. Their ids are consecutive (max+1
// each, under our write lock), so the last insert id gives them all.
func (im *importer) flush() error {
	k := len(im.pendingEx)
	if k == 0 {
		return nil
	}
	defer func() {
		clear(im.pending) // the prepared cookies may go
		for _, ch := range im.pendingCh {
			ch.pendingRefs--
			im.prep.release(ch)
		}
		clear(im.pendingCh)
		im.pending, im.pendingEx, im.pendingCh = im.pending[:0], im.pendingEx[:0], im.pendingCh[:0]
	}()
	packable := true
	for _, p := range im.pending {
		packable = packable && p.packable
	}
	if k < insertChunk || !packable {
		for i, ex := range im.pendingEx {
			res, err := im.ins.ExecContext(im.ctx, im.pending[i].columns()...)
			if err != nil {
				return fmt.Errorf("jar %s: import: %w", im.j.path, err)
			}
			if ex.id, err = res.LastInsertId(); err != nil {
				return err
			}
		}
		return nil
	}
	args := im.bulk[:0]
	for _, p := range im.pending {
		args = append(append(args, p.source), p.packed[:]...) // source, then the packed values
	}
	im.bulk = args
	defer clear(im.bulk)
	res, err := im.insMany.ExecContext(im.ctx, args...)
	if err != nil {
		return fmt.Errorf("jar %s: import: %w", im.j.path, err)
	}
	last, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for i, ex := range im.pendingEx {
		ex.id = last - int64(k-1-i)
	}
	return nil
}
