package jar

import (
	"database/sql"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
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
// compares equal to the one written: times UTC to the microsecond, an
// empty purpose as unknown.
func normalize(c *Cookie) {
	c.Expires = normTime(c.Expires)
	c.Created = normTime(c.Created)
	c.LastAccessed = normTime(c.LastAccessed)
	c.LastUpdated = normTime(c.LastUpdated)
	if c.Purpose == "" {
		c.Purpose = PurposeUnknown
		if c.VerdictBy == "" {
			c.VerdictBy = EvidenceNone
		}
	}
	if c.Encryption == "" {
		c.Encryption = EncPlain
	}
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return fromMicro(toMicro(t))
}

// Site is the cookie's registrable domain (eTLD+1 by the public suffix
// list): "a.b.example.co.uk" → "example.co.uk". IP addresses, localhost,
// public suffixes themselves and anything the list cannot place give the
// host itself, lower-cased, without a leading dot.
func Site(domain string) string {
	host := strings.ToLower(strings.TrimPrefix(domain, "."))
	host = strings.TrimSuffix(host, ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return host
	}
	if strings.HasPrefix(host, "[") || net.ParseIP(host) != nil {
		return host
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return site
}

// siteCache memoises Site during bulk work: domains repeat a lot.
type siteCache map[string]string

func (m siteCache) site(domain string) string {
	if s, ok := m[domain]; ok {
		return s
	}
	s := Site(domain)
	m[domain] = s
	return s
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// encodeExtras writes Extras as a JSON object; "" when none is set. Written
// by hand (no reflection): it runs for every imported cookie.
func encodeExtras(e Extras) string {
	if e.IsZero() {
		return ""
	}
	b := make([]byte, 0, 96)
	b = append(b, '{')
	sep := func() {
		if len(b) > 1 {
			b = append(b, ',')
		}
	}
	str := func(k, v string) {
		if v != "" {
			sep()
			b = append(b, '"')
			b = append(b, k...)
			b = append(b, `":`...)
			b = appendJSONString(b, v)
		}
	}
	num := func(k string, v int) {
		if v != 0 {
			sep()
			b = append(b, '"')
			b = append(b, k...)
			b = append(b, `":`...)
			b = strconv.AppendInt(b, int64(v), 10)
		}
	}
	str("priority", e.Priority)
	str("sourceScheme", e.SourceScheme)
	num("sourcePort", e.SourcePort)
	str("sourceType", e.SourceType)
	num("schemeMap", e.SchemeMap)
	return string(append(b, '}'))
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c == 0x7f:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// extrasCache memoises decoded Extras: the same few objects repeat across
// a whole jar.
type extrasCache map[string]Extras

func (m extrasCache) decode(s string) Extras {
	if s == "" {
		return Extras{}
	}
	if e, ok := m[s]; ok {
		return e
	}
	var e Extras
	_ = json.Unmarshal([]byte(s), &e) // written by encodeExtras; a bad one reads as empty
	m[s] = e
	return e
}

// contentHash hashes every stored column but the identity (FNV-1a 64), so
// that an import can tell an unchanged cookie without reading it back.
func contentHash(c *Cookie, site, extras string) int64 {
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
	str(c.Value)
	num(b2i(c.Secure) | b2i(c.HTTPOnly)<<1 | int64(c.SameSite)<<2 | b2i(c.Session)<<10 | b2i(c.ValueUnreadable)<<11)
	num(toMicro(c.Expires))
	num(toMicro(c.Created))
	num(toMicro(c.LastAccessed))
	num(toMicro(c.LastUpdated))
	str(c.Container.Name)
	str(extras)
	str(string(c.Encryption))
	str(c.UnreadableReason)
	str(c.OriginalKey)
	str(string(c.Purpose))
	str(c.Reason)
	str(string(c.VerdictBy))
	return int64(h)
}

// rowArgs are the values of cookieColumns for c, in order. c must be
// normalized.
func rowArgs(c *Cookie, site string) []any {
	return appendRowArgs(make([]any, 0, len(cookieColumns)+1), c, site)
}

// appendRowArgs is rowArgs appending to dst.
func appendRowArgs(dst []any, c *Cookie, site string) []any {
	extras := encodeExtras(c.Extras)
	return append(dst,
		c.Source, c.Partition.Key(), c.Container.Key, c.Domain, b2i(c.HostOnly), c.Path, c.Name,
		site, c.Value, b2i(c.Secure), b2i(c.HTTPOnly), int64(c.SameSite), b2i(c.Session),
		toMicro(c.Expires), toMicro(c.Created), toMicro(c.LastAccessed), toMicro(c.LastUpdated),
		c.Container.Name, extras, string(c.Encryption), b2i(c.ValueUnreadable), c.UnreadableReason,
		c.OriginalKey, string(c.Purpose), c.Reason, string(c.VerdictBy),
		contentHash(c, site, extras),
	)
}

// rowScanner reads cookieColumns (after any leading columns) into a Cookie,
// interning the strings that repeat across rows.
type rowScanner struct {
	id                                                   int64
	source, partition, container, domain, path, name     string
	site, value, containerName, extras, encryption       string
	unreadableReason, originalKey, purpose, reason, verd string
	hostOnly, secure, httpOnly, sameSite, session, unr   int64
	expires, created, accessed, updated, chash           int64
	dest                                                 []any
	intern                                               map[string]string
	extrasCache                                          extrasCache
}

// newRowScanner makes a scanner for rows of (lead..., id, cookieColumns...).
func newRowScanner(lead ...any) *rowScanner {
	s := &rowScanner{intern: map[string]string{}, extrasCache: extrasCache{}}
	s.dest = append(lead, &s.id,
		&s.source, &s.partition, &s.container, &s.domain, &s.hostOnly, &s.path, &s.name,
		&s.site, &s.value, &s.secure, &s.httpOnly, &s.sameSite, &s.session,
		&s.expires, &s.created, &s.accessed, &s.updated,
		&s.containerName, &s.extras, &s.encryption, &s.unr, &s.unreadableReason,
		&s.originalKey, &s.purpose, &s.reason, &s.verd, &s.chash)
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

func (s *rowScanner) scan(rows *sql.Rows, c *Cookie) error {
	if err := rows.Scan(s.dest...); err != nil {
		return err
	}
	*c = Cookie{
		ID:               s.id,
		Source:           s.in(s.source),
		Domain:           s.in(s.domain),
		HostOnly:         s.hostOnly != 0,
		Path:             s.in(s.path),
		Name:             s.name, // names are too varied to intern
		Value:            s.value,
		Secure:           s.secure != 0,
		HTTPOnly:         s.httpOnly != 0,
		SameSite:         SameSite(s.sameSite),
		Session:          s.session != 0,
		Expires:          fromMicro(s.expires),
		Created:          fromMicro(s.created),
		LastAccessed:     fromMicro(s.accessed),
		LastUpdated:      fromMicro(s.updated),
		Container:        Container{Key: s.in(s.container), Name: s.in(s.containerName)},
		Extras:           s.extrasCache.decode(s.extras),
		Encryption:       Encryption(s.in(s.encryption)),
		ValueUnreadable:  s.unr != 0,
		UnreadableReason: s.in(s.unreadableReason),
		OriginalKey:      s.originalKey,
		Purpose:          Purpose(s.in(s.purpose)),
		Reason:           s.in(s.reason),
		VerdictBy:        Evidence(s.in(s.verd)),
	}
	if s.partition != "" {
		c.Partition = ParsePartitionKey(s.partition)
	}
	return nil
}

// identityKey is an unambiguous map key for an identity within one source.
func identityKey(buf []byte, partition, container, domain string, hostOnly bool, path, name string) []byte {
	buf = buf[:0]
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
