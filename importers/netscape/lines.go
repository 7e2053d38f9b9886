package netscape

import (
	"bufio"
	"bytes"
	"hash/maphash"
	"io"
	"strings"
	"time"
	"unsafe"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Lines builds a cookies.txt one cookie at a time, for a caller that
// streams them (crumbs export of a million-cookie jar): it keeps each
// written line and a few numbers about its cookie, never the cookie, so
// the cookie handed to Add may be reused as soon as Add returns. The file
// is only written by Finish, once every cookie is in: a duplicate met
// later may replace a line written earlier (Write's rules).
type Lines struct {
	opts WriteOptions
	now  time.Time
	rep  WriteReport
	seed maphash.Seed
	// The lines, back to back in blocks, and their entries in chunks:
	// neither is ever copied to grow (at a million lines a doubling slice
	// held the old and the new array at once).
	arena [][]byte
	lines [][]lineEntry
	n     int // lines so far
	// scratch is where format writes a line before it is kept.
	scratch []byte
	// collide: two cookies could share a line (several sources, or a
	// partition or container), so Finish checks for duplicates.
	collide bool
	started bool
	source  string // the first cookie's
}

// lineEntry is one formatted line and what Finish needs of its cookie:
// 40 bytes a line, which with the line itself is all a Lines holds.
type lineEntry struct {
	block, start uint32 // the line is arena[block][start:start+size]
	hash         uint64 // of the line's key (key.hash), with lineHashed
	// For preferred: the time cookie.Fresher compares (LastUpdated, else
	// Created), the cookie's ID, and its score (2 partitioned, 1 in a
	// container: lower wins).
	fresh cookie.Time
	id    int64
	size  uint16 // of the line, newline included (format keeps it under MaxCookieLine)
	// nameEnd is where the name ends in the line: the name is what lies
	// between it and the tab before (a name holds no tab).
	nameEnd uint16
	score   uint8
	lost    lostBits
	flags   lineFlags
}

type lostBits uint8

const (
	lostPartition lostBits = 1 << iota
	lostContainer
	lostSameSite
	lostPriority
	lostHTTPOnly
	foreignPartitioned
)

type lineFlags uint8

const (
	lineDuplicate lineFlags = 1 << iota // another line with its key is written instead
	linePrefixed                        // starts with #HttpOnly_
	lineHashed                          // hash is set
)

// NewLines starts a cookies.txt with opts.
func NewLines(opts WriteOptions) *Lines {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &Lines{opts: opts, now: now, seed: maphash.MakeSeed(),
		rep: WriteReport{LeftOut: map[string]int{}, Lost: map[string]int{}}}
}

// Add formats c into its line, or counts why it is left out. It keeps
// nothing of c.
func (l *Lines) Add(c *cookie.Cookie) {
	if !l.started {
		l.source, l.started = c.Source, true
	}
	if c.Source != l.source || !c.Partition.IsZero() || c.Container.Key() != "" {
		l.collide = true
	}
	// Formatted aside first: a refused line may have grown past any
	// block (a value of megabytes), a written one fits what is left of the
	// current block, so a block is never moved once lines are in it.
	k, line, reason := format(l.scratch[:0], c, l.now, l.opts)
	if reason != "" {
		l.rep.LeftOut[reason]++
		return
	}
	l.scratch = line[:0]
	if len(l.arena) == 0 || cap(l.arena[len(l.arena)-1])-len(l.arena[len(l.arena)-1]) < len(line) {
		l.arena = append(l.arena, make([]byte, 0, arenaBlock))
	}
	b := len(l.arena) - 1
	start := len(l.arena[b])
	l.arena[b] = append(l.arena[b], line...)
	e := lineEntry{block: uint32(b), start: uint32(start), size: uint16(len(line)), nameEnd: uint16(len(line) - 1 - len(c.Value) - 1),
		fresh: c.LastUpdated, id: c.ID, lost: lostOf(c, l.opts)}
	if e.fresh.IsZero() {
		e.fresh = c.Created
	}
	if !c.Partition.IsZero() {
		e.score += 2
	}
	if c.Container.Key() != "" {
		e.score++
	}
	if c.HTTPOnly && !l.opts.NoHTTPOnlyPrefix {
		e.flags |= linePrefixed
	}
	if l.collide { // hashed now, while the key is at hand; a lone store's lines never are
		e.hash = keyHash(k, l.seed)
		e.flags |= lineHashed
	}
	if l.n%entryChunk == 0 {
		l.lines = append(l.lines, make([]lineEntry, 0, entryChunk))
	}
	l.lines[len(l.lines)-1] = append(l.lines[len(l.lines)-1], e)
	l.n++
}

// Sizes of the arena's blocks and of the entries' chunks.
const (
	arenaBlock = 1 << 20
	entryChunk = 1 << 14
)

// at is line i's entry.
func (l *Lines) at(i int) *lineEntry { return &l.lines[i/entryChunk][i%entryChunk] }

// Finish writes the header and every line that is not a duplicate, in
// the order the cookies came, and reports what it wrote, left out and
// lost. Call it once, after the last Add.
func (l *Lines) Finish(w io.Writer) (WriteReport, error) {
	rep := &l.rep
	if l.collide {
		l.dropDuplicates()
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(Header)
	for i := range l.n {
		e := l.at(i)
		if e.flags&lineDuplicate != 0 {
			continue
		}
		bw.Write(l.line(e))
		rep.Written++
		countLost(rep, e.lost)
	}
	if err := bw.Flush(); err != nil {
		return *rep, err
	}
	rep.CaseClashes, rep.CaseExample = caseClashes(l.n, l.clashName, l.clashHostPath)
	if len(rep.LeftOut) == 0 {
		rep.LeftOut = nil
	}
	if len(rep.Lost) == 0 {
		rep.Lost = nil
	}
	return *rep, nil
}

// lostOf is what the line of c cannot carry.
func lostOf(c *cookie.Cookie, opts WriteOptions) lostBits {
	var b lostBits
	if !c.Partition.IsZero() {
		b |= lostPartition
		if ForeignPartition(c) {
			b |= foreignPartitioned
		}
	}
	if c.Container.Key() != "" {
		b |= lostContainer
	}
	if c.SameSite != cookie.SameSiteUnspecified {
		b |= lostSameSite
	}
	if p := c.Extras.Fields().Priority; p != "" && !strings.EqualFold(p, "medium") {
		b |= lostPriority
	}
	if c.HTTPOnly && opts.NoHTTPOnlyPrefix {
		b |= lostHTTPOnly
	}
	return b
}

// countLost counts in rep what a written line could not carry.
func countLost(rep *WriteReport, b lostBits) {
	for _, l := range [...]struct {
		bit  lostBits
		what string
	}{{lostPartition, LostPartition}, {lostContainer, LostContainer}, {lostSameSite, LostSameSite},
		{lostPriority, LostPriority}, {lostHTTPOnly, LostHTTPOnly}} {
		if b&l.bit != 0 {
			rep.Lost[l.what]++
		}
	}
	if b&foreignPartitioned != 0 {
		rep.ForeignPartitioned++
	}
}

// dropDuplicates is the exact check, in file order: only lines whose key
// hash was seen twice can be duplicates (two bit sets fit in the CPU
// cache, a map of every key does not), and for those the real keys are
// compared. Of two lines with one key the preferred cookie's stays, in the
// first one's place; the other is marked a duplicate. Two keys that merely
// share a hash go to the exact overflow map.
func (l *Lines) dropDuplicates() {
	once, twice := newBitset(l.n), newBitset(l.n)
	for i := range l.n {
		e := l.at(i)
		if e.flags&lineHashed == 0 { // added before a cookie showed that lines may collide
			e.hash = keyHash(l.key(e), l.seed)
		}
		if once.testAndSet(e.hash) {
			twice.testAndSet(e.hash)
		}
	}
	var (
		seen     = map[uint64]int32{}
		overflow map[key]int32
	)
	for i := range l.n {
		e := l.at(i)
		if !twice.test(e.hash) {
			continue // the only line with this key
		}
		k := l.key(e)
		j, dup := seen[e.hash]
		if dup {
			if l.key(l.at(int(j))) != k {
				j, dup = overflow[k]
				if !dup {
					if overflow == nil {
						overflow = map[key]int32{}
					}
					overflow[k] = int32(i)
				}
			}
		} else {
			seen[e.hash] = int32(i)
		}
		if dup {
			l.rep.LeftOut[LeftDuplicate]++
			if preferred(e, l.at(int(j))) {
				// Keep the preferred cookie's line in the first one's place.
				*l.at(int(j)) = *e
			}
			e.flags |= lineDuplicate
		}
	}
}

// preferred reports whether the cookie of line e should replace that of
// prev as the one line for their shared key: unpartitioned and
// default-container cookies win; among copies of the same cookie (from two
// sources) the fresher one, by the rule the Cookie header follows too
// (cookie.Fresher).
func preferred(e, prev *lineEntry) bool {
	if e.score != prev.score {
		return e.score < prev.score
	}
	return cookie.Fresher(&cookie.Cookie{LastUpdated: e.fresh, ID: e.id}, &cookie.Cookie{LastUpdated: prev.fresh, ID: prev.id})
}

// line is e's line in the arena.
func (l *Lines) line(e *lineEntry) []byte {
	return l.arena[e.block][e.start : e.start+uint32(e.size)]
}

// fields splits line e into the columns format wrote (a name, path or
// domain never holds a tab: format refuses control characters).
func (l *Lines) fields(e *lineEntry) (domain, flag, path, name []byte) {
	line := l.line(e)
	line = line[:len(line)-1] // without the newline
	if e.flags&linePrefixed != 0 {
		line = line[len(httpOnlyPrefix):]
	}
	var f [6][]byte
	for i := range f {
		j := bytes.IndexByte(line, '\t')
		f[i], line = line[:j], line[j+1:]
	}
	return f[0], f[1], f[2], f[5]
}

// key is the key format returned for line e, read back from the line.
func (l *Lines) key(e *lineEntry) key {
	domain, flag, path, name := l.fields(e)
	hostOnly := string(flag) == "FALSE"
	if !hostOnly {
		domain = domain[1:] // the leading dot
	}
	return key{host: arenaString(domain), hostOnly: hostOnly, path: arenaString(path), name: arenaString(name)}
}

// clashName is the name of line i for caseClashes, or written false for
// a duplicate; clashHostPath its host and path as the file has them (the
// host lower case, in A-labels: what curl and Python compare). The
// strings point into the arena.
func (l *Lines) clashName(i int) (string, bool) {
	e := l.at(i)
	if e.flags&lineDuplicate != 0 {
		return "", false
	}
	line := l.line(e)
	end := int(e.nameEnd)
	return arenaString(line[bytes.LastIndexByte(line[:end], '\t')+1 : end]), true
}

func (l *Lines) clashHostPath(i int) (host, path string) {
	domain, _, p, _ := l.fields(l.at(i))
	return arenaString(bytes.TrimPrefix(domain, []byte{'.'})), arenaString(p)
}

// arenaString is b as a string without a copy: b is a line of the arena,
// whose bytes never change once written.
func arenaString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
