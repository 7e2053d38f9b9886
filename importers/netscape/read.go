// Package netscape reads and writes Netscape cookies.txt files, the format
// curl, wget, yt-dlp and Python's MozillaCookieJar share.
//
// The reader is lenient in what real files contain (no header, wget's
// header, #HttpOnly_, float expiries from Firefox 142's WebExtension API,
// CRLF, legacy 6-field lines, kooky's negative session expiry) and refuses
// single bad lines with a count and a reason, never the value. The writer
// follows docs/formats.md §What crumbs writes to the letter: what it cannot write safely it
// leaves out and reports in a WriteReport. docs/formats.md has every rule.
package netscape

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// MaxLineBytes is the longest line the reader looks at. Longer lines are
// refused (counted) without being held in memory: a cookie line longer than
// a few kilobytes is never a real cookie (browsers cap a cookie at 4 KB).
const MaxLineBytes = 1 << 20

// reasonTooLarge refuses a cookie over importers.MaxValue.
var reasonTooLarge = fmt.Sprintf("name or value larger than %d KiB, more than any browser stores", importers.MaxValue>>10)

// maxWarnings is how many refused lines are described one by one; the rest
// are summed up in one warning per file.
const maxWarnings = 5

// maxUnix is 9999-12-31T23:59:59Z: later expiries are clamped to it.
const maxUnix = 253402300799

// Read reads the cookies.txt file at path. It refuses anything that is not
// a regular file (a directory, a FIFO, a device) before opening it.
func Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	f, st, err := importers.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Source == "" {
		opts.Source = importers.FileSource(path)
	}
	// About one cookie per 100 bytes: sizing the index once saves rehashing.
	return parse(ctx, f, path, opts, int(min(st.Size()/100, 1<<20)))
}

// Reader is Read as an importers.Reader.
var Reader importers.Reader = importers.ReaderFunc(Read)

// Parse reads a cookies.txt from r; name is used in errors and warnings.
func Parse(r io.Reader, name string, opts importers.Options) (*importers.Result, error) {
	return parse(context.Background(), r, name, opts, 0)
}

// Reasons a line is refused. They never include the cookie's value.
const (
	reasonTooLong     = "line longer than 1 MB"
	reasonFields      = "wrong number of fields"
	reasonUTF8        = "invalid UTF-8"
	reasonControl     = "control character"
	reasonFlag        = "include-subdomains flag is not TRUE or FALSE"
	reasonSecure      = "secure flag is not TRUE or FALSE"
	reasonExpiry      = "expiry is not a number"
	reasonDomain      = "empty or invalid domain"
	reasonPath        = "path does not start with /"
	reasonReadFailure = "read error"
)

type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int
}

// next returns the next line without its line ending. tooLong is set (and
// the line's bytes dropped) when the line exceeds MaxLineBytes.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, e := lr.br.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(chunk) > MaxLineBytes+2 {
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e == io.EOF && len(chunk) == 0 && len(lr.buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		if e != nil && e != io.EOF {
			return nil, false, e
		}
		lr.line++
		b := lr.buf
		b = bytes.TrimSuffix(b, []byte{'\n'})
		b = bytes.TrimSuffix(b, []byte{'\r'})
		return b, tooLong, nil
	}
}

type refusals struct {
	name    string
	res     *importers.Result
	reasons map[string]int
}

func (rf *refusals) refuse(line int, reason string) {
	rf.res.Refused++
	rf.reasons[reason]++
	if rf.res.Refused <= maxWarnings {
		rf.res.Warnf("%s: line %d refused: %s", rf.name, line, reason)
	}
}

func (rf *refusals) summary() {
	if rf.res.Refused <= maxWarnings {
		return
	}
	keys := make([]string, 0, len(rf.reasons))
	for k := range rf.reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", rf.reasons[k], k)
	}
	rf.res.Warnf("%s: %d lines refused in all (%s)", rf.name, rf.res.Refused, strings.Join(parts, ", "))
}

func parse(ctx context.Context, r io.Reader, name string, opts importers.Options, sizeHint int) (*importers.Result, error) {
	res := &importers.Result{}
	var cs chunks
	rf := &refusals{name: name, res: res, reasons: map[string]int{}}
	lr := &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
	var head []byte // the first bytes of the input, to explain a file with no cookie
	sawHeader := false
	index := newDedup(sizeHint)
	dups := 0
	for {
		line, tooLong, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, importers.Errorf(name, "line %d: %v", lr.line+1, err)
		}
		if lr.line&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if lr.line == 1 {
			if tooLong {
				head = []byte("x") // not a header, not empty
			} else {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
				head = append([]byte(nil), line[:min(len(line), 64)]...)
			}
		}
		if tooLong {
			rf.refuse(lr.line, reasonTooLong)
			continue
		}
		c, isCookie, reason := parseLine(line)
		if !isCookie {
			if lr.line == 1 && isHeader(line) {
				sawHeader = true
			}
			continue
		}
		if reason == "" && importers.TooLarge(c.Name, c.Value) {
			reason = reasonTooLarge
		}
		if reason != "" {
			rf.refuse(lr.line, reason)
			continue
		}
		c.Source = opts.Source
		if i, dup := index.find(&cs, &c); dup {
			*cs.at(i) = c // the last line wins, as in curl
			dups++
			continue
		}
		if cs.n >= importers.MaxCookies {
			return nil, importers.Errorf(name, "refused: more than %d cookies, more than any browser keeps", importers.MaxCookies)
		}
		index.add(&c, cs.n)
		cs.add(c)
		if opts.Progress != nil && cs.n&1023 == 0 {
			opts.Progress(cs.n, 0)
		}
	}
	res.Cookies = cs.flatten()
	if len(res.Cookies) == 0 {
		// Nothing recognisable as a cookie is an error, even under a valid
		// header (docs/decisions.md "Inputs with no cookie"): a script
		// handed the wrong file, or an export that selected nothing,
		// notices.
		return nil, &importers.FileError{Path: name, Err: noCookieError(head, lr.line, sawHeader, rf)}
	}
	if dups > 0 {
		res.Warnf("%s: %d duplicate cookies (same domain, path and name); the last line of each was kept", name, dups)
	}
	rf.summary()
	return res, nil
}

// isHeader reports whether line is one of the known first lines.
func isHeader(line []byte) bool {
	s := strings.TrimSpace(string(line))
	return s == "# Netscape HTTP Cookie File" || s == "# HTTP Cookie File"
}

// noCookieError explains why a file held no cookie at all.
func noCookieError(head []byte, lines int, sawHeader bool, rf *refusals) error {
	switch {
	case lines == 0:
		return errors.New("empty file: no cookies")
	case sawHeader && rf.res.Refused == 0:
		return errors.New("no cookies in it (a cookies.txt header and no cookie line)")
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return errors.New("a SQLite database, not a Netscape cookies.txt")
	case len(bytes.TrimSpace(head)) > 0 && (bytes.TrimSpace(head)[0] == '[' || bytes.TrimSpace(head)[0] == '{'):
		return errors.New("looks like JSON, not a Netscape cookies.txt (use the json format)")
	case bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(head) && bytes.IndexByte(head, '\t') < 0:
		return errors.New("binary data, not a Netscape cookies.txt")
	case rf.res.Refused > 0:
		keys := make([]string, 0, len(rf.reasons))
		for k := range rf.reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("no valid cookie line: all %d cookie lines refused (%s)", rf.res.Refused, strings.Join(keys, ", "))
	}
	return errors.New("no cookie lines: not a Netscape cookies.txt")
}

const httpOnlyPrefix = "#HttpOnly_"

// parseLine parses one line. isCookie is false for blank lines and
// comments; reason is non-empty when a cookie line is refused.
func parseLine(line []byte) (c cookie.Cookie, isCookie bool, reason string) {
	if len(bytes.TrimSpace(line)) == 0 {
		return c, false, ""
	}
	if bytes.HasPrefix(line, []byte(httpOnlyPrefix)) {
		c.HTTPOnly = true
		line = line[len(httpOnlyPrefix):]
	} else if line[0] == '#' {
		return c, false, ""
	}
	if !utf8.Valid(line) {
		return c, true, reasonUTF8
	}
	f := strings.SplitN(string(line), "\t", 8)
	n := len(f)
	if n == 6 {
		f = append(f, "")
	}
	switch n {
	case 7:
	case 6:
		if isBool(f[2]) {
			// Legacy line without a path (curl accepts it): path "/".
			f[6], f[5], f[4], f[3], f[2] = f[5], f[4], f[3], f[2], "/"
		} else {
			// The value's trailing tab is missing: an empty value, as curl reads it.
			f[6] = ""
		}
	default:
		return c, true, reasonFields
	}
	for _, field := range f[:7] {
		if hasControl(field) {
			return c, true, reasonControl
		}
	}
	domain := strings.ToLower(strings.TrimSpace(f[0]))
	sub, ok := parseBool(f[1])
	if !ok {
		return c, true, reasonFlag
	}
	secure, ok := parseBool(f[3])
	if !ok {
		return c, true, reasonSecure
	}
	// The flag decides the scope; a leading dot that disagrees with it is
	// dropped or added, as curl does (Python and yt-dlp would reject the
	// whole file instead).
	host := strings.TrimPrefix(domain, ".")
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1] // a bracketed IPv6 literal
	}
	if host == "" || strings.HasPrefix(host, ".") || strings.ContainsAny(host, " /\\") {
		return c, true, reasonDomain
	}
	if sub {
		c.Domain = "." + host
	} else {
		c.Domain = host
		c.HostOnly = true
	}
	c.Path = f[2]
	if c.Path == "" {
		c.Path = "/"
	}
	if c.Path[0] != '/' {
		return c, true, reasonPath
	}
	c.Secure = secure
	exp, ok := parseExpiry(f[4])
	if !ok {
		return c, true, reasonExpiry
	}
	if exp.IsZero() {
		c.Session = true
	} else {
		c.Expires = cookie.TimeOf(exp)
	}
	c.Name = f[5]
	c.Value = f[6]
	c.Encryption = cookie.EncPlain
	return c, true, ""
}

func isBool(s string) bool { _, ok := parseBool(s); return ok }

// parseBool accepts TRUE and FALSE in any case (writers vary; wget and
// Python compare case-sensitively, crumbs is lenient on input).
func parseBool(s string) (v, ok bool) {
	switch {
	case strings.EqualFold(s, "TRUE"):
		return true, true
	case strings.EqualFold(s, "FALSE"):
		return false, true
	}
	return false, false
}

// parseExpiry reads unix seconds, integer or fractional. Zero or negative
// means a session cookie (0 is what curl writes; kooky writes Go's zero
// time, -62135596800); the zero time is returned for those. Expiries after
// the year 9999 are clamped to it.
func parseExpiry(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return time.Time{}, true
		}
		return time.Unix(min(n, maxUnix), 0).UTC(), true
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v) {
		return time.Time{}, false
	}
	if v <= 0 {
		return time.Time{}, true
	}
	if v >= maxUnix {
		return time.Unix(maxUnix, 0).UTC(), true
	}
	sec := math.Floor(v)
	// float64 keeps about 0.2 µs at today's unix times: keep microseconds.
	ns := math.Round((v-sec)*1e6) * 1e3
	return time.Unix(int64(sec), int64(ns)).UTC(), true
}

// hasControl reports a control byte (0x00–0x1f, 0x7f). TAB never reaches
// here inside a field because it separates fields.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f {
			return true
		}
	}
	return false
}

// dedup finds an earlier cookie with the same domain, scope, path and name
// (the rest of the identity is the same for every line of a file). It keys
// a small map by a hash and compares the cookies themselves, which costs far
// less memory than a map keyed by cookie.Identity.
type dedup struct {
	seed maphash.Seed
	idx  map[uint64]int
	more map[uint64][]int // the rare hash collisions
}

func newDedup(sizeHint int) *dedup {
	return &dedup{seed: maphash.MakeSeed(), idx: make(map[uint64]int, sizeHint)}
}

func (d *dedup) hash(c *cookie.Cookie) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	h.WriteString(c.Domain)
	h.WriteByte(0)
	h.WriteString(c.Path)
	h.WriteByte(0)
	h.WriteString(c.Name)
	return h.Sum64()
}

func sameLine(a, b *cookie.Cookie) bool {
	return a.Domain == b.Domain && a.HostOnly == b.HostOnly && a.Path == b.Path && a.Name == b.Name
}

func (d *dedup) find(cs *chunks, c *cookie.Cookie) (int, bool) {
	h := d.hash(c)
	if i, ok := d.idx[h]; ok {
		if sameLine(cs.at(i), c) {
			return i, true
		}
		for _, j := range d.more[h] {
			if sameLine(cs.at(j), c) {
				return j, true
			}
		}
	}
	return 0, false
}

func (d *dedup) add(c *cookie.Cookie, i int) {
	h := d.hash(c)
	if _, ok := d.idx[h]; !ok {
		d.idx[h] = i
		return
	}
	if d.more == nil {
		d.more = map[uint64][]int{}
	}
	d.more[h] = append(d.more[h], i)
}

// chunks collects cookies in fixed blocks and copies them once at the end:
// growing one slice of 264-byte cookies by append would copy it many times.
type chunks struct {
	blocks [][]cookie.Cookie
	n      int
}

const chunkSize = 4096

func (c *chunks) add(x cookie.Cookie) {
	if c.n%chunkSize == 0 {
		c.blocks = append(c.blocks, make([]cookie.Cookie, 0, chunkSize))
	}
	b := &c.blocks[len(c.blocks)-1]
	*b = append(*b, x)
	c.n++
}

func (c *chunks) at(i int) *cookie.Cookie { return &c.blocks[i/chunkSize][i%chunkSize] }

func (c *chunks) flatten() []cookie.Cookie {
	if len(c.blocks) == 1 {
		return c.blocks[0]
	}
	out := make([]cookie.Cookie, 0, c.n)
	for _, b := range c.blocks {
		out = append(out, b...)
	}
	return out
}
