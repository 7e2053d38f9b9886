package jar

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Times are stored as unix microseconds, the finest any browser keeps. The
// zero time.Time is stored as its own microsecond value, which is distinct
// from the epoch (0).
var zeroMicro = time.Time{}.UnixMicro()

func toMicro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v int64) time.Time {
	if v == zeroMicro {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// normalize puts c in the form the jar stores, so that a cookie read back
// compares equal to the one written: an empty purpose as unknown. (Times
// need nothing: a cookie.Time is in microseconds, as the jar stores them.)
func normalize(c *cookie.Cookie) {
	if c.Purpose == "" {
		c.Purpose = cookie.PurposeUnknown
		if c.VerdictBy == "" {
			c.VerdictBy = cookie.EvidenceNone
		}
	}
	if c.Encryption == "" {
		c.Encryption = cookie.EncPlain
	}
}

// siteCache memoises Site during bulk work: domains repeat a lot.
type siteCache map[string]string

func (m siteCache) site(domain string) string {
	if s, ok := m[domain]; ok {
		return s
	}
	s := cookie.Site(domain)
	m[domain] = s
	return s
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Bits of the flags column.
const (
	flagSecure     = 1
	flagHTTPOnly   = 2
	sameSiteShift  = 2 // two bits: SameSite
	flagSession    = 16
	flagUnreadable = 32
)

func cookieFlags(c *cookie.Cookie) int64 {
	return b2i(c.Secure)*flagSecure | b2i(c.HTTPOnly)*flagHTTPOnly | int64(c.SameSite&3)<<sameSiteShift |
		b2i(c.Session)*flagSession | b2i(c.ValueUnreadable)*flagUnreadable
}

// moreVersion is the first byte of every "more" record. A reader refuses
// a record of a version it does not know rather than guess.
const moreVersion = 1

// encodeMore appends the fields SQL never looks at, in a small binary
// record: the version byte, then created, last_accessed and last_updated
// (zig-zag varints of microseconds since the zero time, so "not stored" is
// one byte), extras.sourcePort and extras.schemeMap (zig-zag varints), then
// container name, encryption ("" for plain), unreadable reason, original
// key, extras.priority, extras.sourceScheme and extras.sourceType, each a
// uvarint length and the bytes. A reader ignores bytes after the fields it
// knows, so a later version may append fields.
func encodeMore(dst []byte, c *cookie.Cookie) []byte {
	dst = append(dst, moreVersion)
	for _, t := range [...]cookie.Time{c.Created, c.LastAccessed, c.LastUpdated} {
		dst = binary.AppendVarint(dst, t.UnixMicro()-zeroMicro)
	}
	x := c.Extras.Fields()
	dst = binary.AppendVarint(dst, int64(x.SourcePort))
	dst = binary.AppendVarint(dst, int64(x.SchemeMap))
	enc := string(c.Encryption)
	if c.Encryption == cookie.EncPlain {
		enc = ""
	}
	for _, s := range [...]string{c.Container.Name(), enc, c.UnreadableReason, c.OriginalKey,
		x.Priority, x.SourceScheme, x.SourceType} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

var errBadMore = errors.New("damaged cookie record (column more)")

// decodeMore fills c's fields kept in a "more" record. The strings that
// repeat across rows are interned by in; the original key, unique per
// row, is copied out, so that no cookie keeps rec alive.
func decodeMore(rec string, c *cookie.Cookie, in func(string) string) error {
	if len(rec) == 0 || rec[0] != moreVersion {
		return errBadMore
	}
	p := 1
	varint := func() int64 {
		if p < 0 {
			return 0
		}
		v, n := varintString(rec[p:])
		if n <= 0 {
			p = -1
			return 0
		}
		p += n
		return v
	}
	str := func() string {
		if p < 0 {
			return ""
		}
		l, n := uvarintString(rec[p:])
		if n <= 0 || uint64(len(rec)-p-n) < l {
			p = -1
			return ""
		}
		if l == 0 {
			// "", not rec[p:p]: an empty substring would keep the whole
			// record alive (about 40 MB over a million cookies).
			p += n
			return ""
		}
		s := rec[p+n : p+n+int(l)]
		p += n + int(l)
		return s
	}
	c.Created = cookie.UnixMicroTime(varint() + zeroMicro)
	c.LastAccessed = cookie.UnixMicroTime(varint() + zeroMicro)
	c.LastUpdated = cookie.UnixMicroTime(varint() + zeroMicro)
	var x cookie.ExtraFields
	x.SourcePort = int(varint())
	x.SchemeMap = int(varint())
	if name := in(str()); name != c.Container.Name() {
		c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: c.Container.Key(), Name: name})
	}
	c.Encryption = cookie.Encryption(in(str()))
	if c.Encryption == "" {
		c.Encryption = cookie.EncPlain
	}
	c.UnreadableReason = in(str())
	c.OriginalKey = strings.Clone(str()) // its own bytes: not the record's
	x.Priority = in(str())
	x.SourceScheme = in(str())
	x.SourceType = in(str())
	if p < 0 {
		return errBadMore
	}
	c.Extras = cookie.MakeExtras(x)
	return nil
}

// uvarintString is binary.Uvarint on a string (no copy to []byte).
func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, -1
			}
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

func varintString(s string) (int64, int) {
	ux, n := uvarintString(s)
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x, n
}

// contentHash hashes every stored column but the identity (FNV-1a 64), so
// that an import can tell an unchanged cookie without reading it back.
func contentHash(site, value string, flags, expires int64, purpose, reason, verdict string, more []byte) int64 {
	h := uint64(14695981039346656037)
	str := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff // separator: "ab","c" ≠ "a","bc"
		h *= 1099511628211
	}
	num := func(v int64) {
		for i := 0; i < 8; i++ {
			h ^= uint64(v >> (8 * i) & 0xff)
			h *= 1099511628211
		}
	}
	str(site)
	str(value)
	num(flags)
	num(expires)
	str(purpose)
	str(reason)
	str(verdict)
	for _, b := range more {
		h ^= uint64(b)
		h *= 1099511628211
	}
	return int64(h)
}

// cookieHash is the chash of a normalized cookie.
func cookieHash(c *cookie.Cookie, site string) int64 {
	var buf [128]byte
	return contentHash(site, c.Value, cookieFlags(c), c.Expires.UnixMicro(),
		string(c.Purpose), c.Reason, string(c.VerdictBy), encodeMore(buf[:0], c))
}

// rowArgs are the values of cookieColumns for c, in order. c must be
// normalized.
func rowArgs(c *cookie.Cookie, site string) []any {
	var arena []byte
	return appendRowArgs(make([]any, 0, len(cookieColumns)+1), c, site, &arena)
}

// appendRowArgs is rowArgs appending to dst. The "more" record is appended
// to *arena and the arguments refer to it there: the caller must not
// truncate *arena before the statement ran.
func appendRowArgs(dst []any, c *cookie.Cookie, site string, arena *[]byte) []any {
	start := len(*arena)
	*arena = encodeMore(*arena, c)
	more := (*arena)[start:len(*arena):len(*arena)]
	flags, expires := cookieFlags(c), c.Expires.UnixMicro()
	hash := contentHash(site, c.Value, flags, expires, string(c.Purpose), c.Reason, string(c.VerdictBy), more)
	return appendColumns(dst, c, site, flags, expires, hash, more)
}

// appendColumns appends the values of cookieColumns, in order, for c and
// what was derived from it.
func appendColumns(dst []any, c *cookie.Cookie, site string, flags, expires, hash int64, more []byte) []any {
	return append(dst,
		c.Source, c.Partition.Key(), c.Container.Key(), c.Domain, b2i(c.HostOnly), c.Path, c.Name,
		site, c.Value, flags, expires, string(c.Purpose), c.Reason, string(c.VerdictBy), hash, more,
	)
}

// rowScanner reads (lead..., id, readColumns) into a Cookie, interning the
// strings that repeat across rows.
type rowScanner struct {
	id                                               int64
	source, partition, container, domain, path, name string
	value, purpose, reason, verd                     string
	hostOnly, flags, expires                         int64
	more                                             sql.RawBytes
	dest                                             []any
	intern                                           map[string]string
}

// newRowScanner makes a scanner for rows of (lead..., id, readColumns...).
func newRowScanner(lead ...any) *rowScanner {
	s := &rowScanner{intern: map[string]string{}}
	s.dest = append(lead, &s.id,
		&s.source, &s.partition, &s.container, &s.domain, &s.hostOnly, &s.path, &s.name,
		&s.value, &s.flags, &s.expires, &s.purpose, &s.reason, &s.verd, &s.more)
	return s
}

func (s *rowScanner) in(v string) string {
	if len(v) > 64 {
		return v
	}
	if w, ok := s.intern[v]; ok {
		return w
	}
	s.intern[v] = v
	return v
}

// inBytes is in for bytes that are not a string yet: a string is made only
// for one not seen before.
func (s *rowScanner) inBytes(b []byte) string {
	if w, ok := s.intern[string(b)]; ok && len(b) <= 64 {
		return w
	}
	return s.in(string(b))
}

func (s *rowScanner) scan(rows *sql.Rows, c *cookie.Cookie) error {
	if err := rows.Scan(s.dest...); err != nil {
		return err
	}
	s.source, s.partition, s.container, s.domain = s.in(s.source), s.in(s.partition), s.in(s.container), s.in(s.domain)
	s.path, s.purpose, s.reason, s.verd = s.in(s.path), s.in(s.purpose), s.in(s.reason), s.in(s.verd)
	return s.build(c)
}

// scanRow is scan for a row read through SQLite's C API (rawread.go): the
// columns id, readColumns. Strings that repeat are looked up by their bytes
// before any is made.
func (s *rowScanner) scanRow(r *sqlraw.Row, c *cookie.Cookie) error {
	s.id = r.Int64(0)
	s.source, s.partition, s.container, s.domain = s.inBytes(r.Bytes(1)), s.inBytes(r.Bytes(2)), s.inBytes(r.Bytes(3)), s.inBytes(r.Bytes(4))
	s.hostOnly, s.path, s.name, s.value = r.Int64(5), s.inBytes(r.Bytes(6)), string(r.Bytes(7)), string(r.Bytes(8))
	s.flags, s.expires = r.Int64(9), r.Int64(10)
	s.purpose, s.reason, s.verd = s.inBytes(r.Bytes(11)), s.inBytes(r.Bytes(12)), s.inBytes(r.Bytes(13))
	s.more = r.Bytes(14)
	return s.build(c)
}

// build makes the cookie of the scanned columns, the repeating strings
// already interned.
func (s *rowScanner) build(c *cookie.Cookie) error {
	*c = cookie.Cookie{
		ID:              s.id,
		Source:          s.source,
		Domain:          s.domain,
		HostOnly:        s.hostOnly != 0,
		Path:            s.path,
		Name:            s.name, // names are too varied to intern
		Value:           s.value,
		Secure:          s.flags&flagSecure != 0,
		HTTPOnly:        s.flags&flagHTTPOnly != 0,
		SameSite:        cookie.SameSite(s.flags >> sameSiteShift & 3),
		Session:         s.flags&flagSession != 0,
		ValueUnreadable: s.flags&flagUnreadable != 0,
		Expires:         cookie.UnixMicroTime(s.expires),
		Container:       cookie.MakeContainer(cookie.ContainerFields{Key: s.container}),
		Purpose:         cookie.Purpose(s.purpose),
		Reason:          s.reason,
		VerdictBy:       cookie.Evidence(s.verd),
	}
	if s.partition != "" {
		c.Partition = cookie.ParsePartitionKey(s.partition)
	}
	if err := decodeMore(string(s.more), c, s.in); err != nil {
		return fmt.Errorf("cookie %d: %w", s.id, err)
	}
	return nil
}

// identityKey is an unambiguous map key for an identity within one source:
// each of partition, container, domain, path and name as its length in
// bytes, ':' and the bytes, then 'h' for a host-only cookie.
// identityKeySQL computes the same key in SQL.
func identityKey(buf []byte, partition, container, domain string, hostOnly bool, path, name string) []byte {
	return appendIdentityKey(buf[:0], partition, container, domain, hostOnly, path, name)
}

func appendIdentityKey(buf []byte, partition, container, domain string, hostOnly bool, path, name string) []byte {
	for _, s := range [...]string{partition, container, domain, path, name} {
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
	}
	if hostOnly {
		buf = append(buf, 'h')
	}
	return buf
}

// identityKeySQL is identityKey of a row of the cookie tables, computed by
// SQLite: one column to read instead of six.
const identityKeySQL = `octet_length(partition_key) || ':' || partition_key || octet_length(container_key) || ':' || container_key ||
	octet_length(domain) || ':' || domain || octet_length(path) || ':' || path || octet_length(name) || ':' || name ||
	CASE WHEN host_only != 0 THEN 'h' ELSE '' END`
