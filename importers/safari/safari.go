// Package safari reads Safari's Cookies.binarycookies (docs/stores-firefox-safari.md §Safari).
//
// The file is a big-endian page table followed by pages whose records are
// little-endian. Every offset and size in it is checked against the bytes
// actually there before use, so a damaged or hostile file gives an error or
// warnings, never a panic. The strings of a record are located by their
// offsets, whose order varies between Safari versions.
package safari

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Magic starts every Cookies.binarycookies file.
const Magic = "cook"

// PageTag starts every page.
var PageTag = []byte{0, 0, 1, 0}

// Footer follows the checksum (old files have only its first 4 bytes).
var Footer = []byte{0x07, 0x17, 0x20, 0x05, 0x00, 0x00, 0x00, 0x4B}

// MacEpoch is 2001-01-01T00:00:00Z, the zero of Safari's timestamps.
var MacEpoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// Record layout (little-endian, offsets from the record start).
const (
	recSize       = 0
	recFlags      = 8
	recDomainOff  = 16
	recNameOff    = 20
	recPathOff    = 24
	recValueOff   = 28
	recExpires    = 40
	recCreated    = 48
	recHeaderSize = 56
)

// Flag bits of a record.
const (
	FlagSecure   = 0x1
	FlagHTTPOnly = 0x4
)

// maxFile caps what Read loads: real files are kilobytes to a few MB.
const maxFile = 100 << 20

// MaxCookies is the most cookies a file may hold (the bound of every store,
// docs/decisions.md): each record takes at least recHeaderSize bytes of the
// file and no byte belongs to two records, so only a file near maxFile
// could reach it.
const MaxCookies = 200_000

// maxWarnings caps per-record warnings; the rest are counted in one line.
const maxWarnings = 20

// Read reads the Cookies.binarycookies file at path.
func Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, &importers.FileError{Path: path, Err: pathErr(err)}
	}
	switch m := info.Mode(); {
	case m&fs.ModeSymlink != 0:
		if info, err = os.Stat(path); err != nil {
			return nil, &importers.FileError{Path: path, Err: pathErr(err)}
		}
		if !info.Mode().IsRegular() {
			return nil, importers.Errorf(path, "is not a regular file")
		}
	case m.IsDir():
		return nil, importers.Errorf(path, "is a directory, not a Cookies.binarycookies file")
	case !m.IsRegular():
		return nil, importers.Errorf(path, "is not a regular file")
	}
	if info.Size() > maxFile {
		return nil, importers.Errorf(path, "%d bytes: too large for a Cookies.binarycookies file", info.Size())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, importers.Errorf(path, "permission denied: on macOS, give your terminal Full Disk Access "+
				"(System Settings → Privacy & Security → Full Disk Access) to read Safari's cookies")
		}
		return nil, &importers.FileError{Path: path, Err: pathErr(err)}
	}
	return Parse(data, path, opts)
}

// Parse reads a Cookies.binarycookies file held in data; name is the file
// name used in errors and warnings.
func Parse(data []byte, name string, opts importers.Options) (*importers.Result, error) {
	if len(data) < 8 || string(data[:4]) != Magic {
		return nil, importers.Errorf(name, "not a Safari Cookies.binarycookies file (no \"cook\" magic)")
	}
	p := &parser{name: name, opts: opts, res: &importers.Result{}}
	pageCount := uint64(binary.BigEndian.Uint32(data[4:8]))
	tableEnd := 8 + 4*pageCount
	if tableEnd > uint64(len(data)) {
		return nil, importers.Errorf(name, "damaged: the header lists %d pages but the file has only %d bytes", pageCount, len(data))
	}
	off := tableEnd
	var sum uint32
	pagesOK := true
	for i := uint64(0); i < pageCount; i++ {
		size := uint64(binary.BigEndian.Uint32(data[8+4*i:]))
		if off+size > uint64(len(data)) {
			p.warn("page %d of %d runs past the end of the file (truncated?); %d pages not read", i+1, pageCount, pageCount-i)
			pagesOK = false
			break
		}
		page := data[off : off+size]
		for j := 0; j < len(page); j += 4 {
			sum += uint32(page[j])
		}
		p.page(int(i)+1, page)
		off += size
	}
	if p.tooMany {
		return nil, importers.Errorf(name, "refused: more than %d cookies, more than any browser keeps", MaxCookies)
	}
	if pagesOK {
		p.trailer(data[off:], sum)
	}
	if p.dropped > 0 {
		p.res.Warnf("%s: %d more problems not shown", name, p.dropped)
	}
	if len(p.res.Cookies) == 0 && p.res.Refused > 0 {
		return nil, importers.Errorf(name, "damaged: no readable cookie (%s)", strings.Join(p.reasons(), "; "))
	}
	if len(p.res.Cookies) == 0 {
		// Nothing recognisable as a cookie is an error (docs/security.md §4), so a
		// script handed the wrong file notices.
		return nil, importers.Errorf(name, "no cookies in it (%d pages)", pageCount)
	}
	return p.res, nil
}

type parser struct {
	name    string
	opts    importers.Options
	res     *importers.Result
	dropped int
	tooMany bool
}

func (p *parser) warn(format string, args ...any) {
	if len(p.res.Warnings) >= maxWarnings {
		p.dropped++
		return
	}
	p.res.Warnf("%s: %s", p.name, fmt.Sprintf(format, args...))
}

func (p *parser) refuse(format string, args ...any) {
	p.res.Refused++
	p.warn(format, args...)
}

// reasons returns the warnings without the file name, for a summary error.
func (p *parser) reasons() []string {
	var out []string
	for _, w := range p.res.Warnings {
		out = append(out, strings.TrimPrefix(w, p.name+": "))
	}
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return out
}

// trailer checks the checksum and footer after the last page. A wrong
// checksum is reported, not fatal: the records themselves were readable.
func (p *parser) trailer(rest []byte, sum uint32) {
	if len(rest) < 4 {
		p.warn("no checksum after the last page (truncated?)")
		return
	}
	if got := binary.BigEndian.Uint32(rest); got != sum {
		p.warn("checksum mismatch (file says %#x, pages add up to %#x): the file may be damaged", got, sum)
	}
	rest = rest[4:]
	switch {
	case len(rest) >= 8 && string(rest[:8]) == string(Footer):
	case len(rest) >= 4 && string(rest[:4]) == string(Footer[:4]):
		// Older files end after the first four footer bytes.
	default:
		p.warn("unexpected footer after the checksum")
	}
	// Anything after the footer (a "bplist00" with NSHTTPCookieAcceptPolicy)
	// is not cookies.
}

// page reads the records of one page.
func (p *parser) page(num int, page []byte) {
	if len(page) < 8 || string(page[:4]) != string(PageTag) {
		p.refuse("page %d: not a cookie page (bad page tag)", num)
		return
	}
	count := uint64(binary.LittleEndian.Uint32(page[4:8]))
	// Each cookie needs its 4-byte offset and a record of its own of at
	// least recHeaderSize bytes: a count the page cannot hold is refused
	// before anything is read.
	if 8+(4+recHeaderSize)*count > uint64(len(page)) {
		p.refuse("page %d: lists %d cookies but has room for %d", num, count, (len(page)-8)/(4+recHeaderSize))
		return
	}
	// Every byte of the page belongs to at most one record, and no record
	// overlaps the page header or the offset table: a record listed twice
	// or overlapping another is refused, so a small file cannot expand into
	// more cookies than it holds.
	tableEnd := 8 + 4*count
	type span struct{ lo, hi, i uint64 }
	spans := make([]span, 0, count)
	for i := uint64(0); i < count; i++ {
		off := uint64(binary.LittleEndian.Uint32(page[8+4*i:]))
		hi := off + recHeaderSize
		if off+recHeaderSize <= uint64(len(page)) {
			if size := uint64(binary.LittleEndian.Uint32(page[off+recSize:])); size > recHeaderSize {
				hi = off + size
			}
		}
		spans = append(spans, span{off, hi, i})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	overlaps := make([]bool, count)
	end := tableEnd
	for _, sp := range spans {
		if sp.lo < end {
			overlaps[sp.i] = true
		}
		end = max(end, sp.hi)
	}
	for i := uint64(0); i < count; i++ {
		if overlaps[i] {
			p.refuse("page %d, cookie %d: record overlaps another record or the page header (repeated or hostile offsets)", num, i+1)
			continue
		}
		off := uint64(binary.LittleEndian.Uint32(page[8+4*i:]))
		c, why := p.record(page, off)
		if why != "" {
			p.refuse("page %d, cookie %d: %s", num, i+1, why)
			continue
		}
		if len(p.res.Cookies) >= MaxCookies {
			p.tooMany = true
			return
		}
		p.res.Cookies = append(p.res.Cookies, c)
	}
}

// record decodes the record at off within page, or says why it cannot.
func (p *parser) record(page []byte, off uint64) (cookie.Cookie, string) {
	if off+recHeaderSize > uint64(len(page)) {
		return cookie.Cookie{}, "record offset outside its page"
	}
	size := uint64(binary.LittleEndian.Uint32(page[off+recSize:]))
	if size < recHeaderSize || off+size > uint64(len(page)) {
		return cookie.Cookie{}, fmt.Sprintf("record size %d does not fit its page", size)
	}
	rec := page[off : off+size]
	u32 := func(at int) uint32 { return binary.LittleEndian.Uint32(rec[at:]) }
	f64 := func(at int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(rec[at:])) }

	var fields [4]string
	for i, at := range []int{recDomainOff, recNameOff, recPathOff, recValueOff} {
		s, ok := cString(rec, u32(at))
		if !ok {
			return cookie.Cookie{}, "string offset outside its record or not NUL-terminated"
		}
		fields[i] = s
	}
	domain, name, path, value := fields[0], fields[1], fields[2], fields[3]
	if domain == "" || domain == "." {
		return cookie.Cookie{}, "empty domain"
	}
	if importers.TooLarge(name, value) {
		return cookie.Cookie{}, fmt.Sprintf("name or value larger than %d KiB, more than any browser stores", importers.MaxValue>>10)
	}
	if hasControl(domain, false) || hasControl(name, false) || hasControl(path, false) || hasControl(value, true) {
		return cookie.Cookie{}, "control character in domain, name, path or value"
	}
	expires, ok := macTime(f64(recExpires))
	if !ok {
		return cookie.Cookie{}, "expiry is not a valid time"
	}
	created, _ := macTime(f64(recCreated))
	flags := u32(recFlags)
	c := cookie.Cookie{
		Source:      p.opts.Source,
		Domain:      domain,
		HostOnly:    !strings.HasPrefix(domain, "."),
		Path:        path,
		Name:        name,
		Value:       value,
		Secure:      flags&FlagSecure != 0,
		HTTPOnly:    flags&FlagHTTPOnly != 0,
		Expires:     cookie.TimeOf(expires),
		Created:     cookie.TimeOf(created),
		Encryption:  cookie.EncPlain,
		OriginalKey: EncodeKey(domain, name, path),
	}
	if expires.IsZero() {
		c.Session = true
	}
	return c, ""
}

// cString returns the NUL-terminated string at off within rec.
func cString(rec []byte, off uint32) (string, bool) {
	if off == 0 || uint64(off) >= uint64(len(rec)) {
		return "", false
	}
	s := rec[off:]
	for i, b := range s {
		if b == 0 {
			return string(s[:i]), true
		}
	}
	return "", false
}

// macTime converts seconds since 2001-01-01 (a float64). 0 means "none";
// NaN, infinities and times outside years 1..9999 are not valid.
func macTime(f float64) (time.Time, bool) {
	if f == 0 {
		return time.Time{}, true
	}
	const maxSecs = 253402300799 - 978307200 // 9999-12-31 in Mac time
	const minSecs = -62135596800 - 978307200 // 0001-01-01 in Mac time
	if math.IsNaN(f) || f > maxSecs || f < minSecs {
		return time.Time{}, false
	}
	secs := math.Floor(f)
	nanos := math.Round((f-secs)*1e6) * 1e3 // keep microseconds, drop float noise
	return time.Unix(int64(secs)+978307200, int64(nanos)).UTC(), true
}

// hasControl reports control bytes; a tab is allowed only where tabAllowed.
func hasControl(s string, tabAllowed bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && !(tabAllowed && c == '\t')) || c == 0x7f {
			return true
		}
	}
	return false
}

// EncodeKey is a Safari cookie's OriginalKey: domain, name and path,
// tab-separated (none of them can hold a tab once parsed).
func EncodeKey(domain, name, path string) string {
	return domain + "\t" + name + "\t" + path
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
