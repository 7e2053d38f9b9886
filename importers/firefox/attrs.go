package firefox

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// originAttrs is a parsed originAttributes suffix ("^userContextId=2&partitionKey=…").
type originAttrs struct {
	partition cookie.Partition
	// container is the canonical suffix without partitionKey, keys sorted.
	container     string
	userContextID int
	private       bool
}

// parseOriginAttributes splits Firefox's originAttributes suffix. The
// partitionKey goes to the partition; every other key stays, sorted, in the
// container key so that no context is merged with another. Unknown keys are
// kept, not dropped.
func parseOriginAttributes(suffix string, chips bool) originAttrs {
	var oa originAttrs
	s := strings.TrimPrefix(suffix, "^")
	if s == "" {
		return oa
	}
	var rest []string
	for kv := range strings.SplitSeq(s, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "partitionKey":
			if dv, err := url.QueryUnescape(v); err == nil {
				v = dv
			}
			oa.partition = parsePartitionKey(v, chips)
			continue
		case "userContextId":
			if n, err := strconv.Atoi(v); err == nil && n == 0 {
				continue // the default context, spelled out
			}
			oa.userContextID, _ = strconv.Atoi(v)
		case "privateBrowsingId":
			if v == "0" || v == "" {
				continue
			}
			oa.private = true
		}
		rest = append(rest, kv)
	}
	sort.Strings(rest)
	oa.container = strings.Join(rest, "&")
	return oa
}

// parsePartitionKey reads a decoded partitionKey: "(scheme,host)",
// "(scheme,host,port)", either with a trailing ",f" (the foreign-ancestor
// bit), or the bare base domain older Firefox versions wrote.
func parsePartitionKey(key string, chips bool) cookie.Partition {
	if key == "" {
		return cookie.Partition{}
	}
	kind := cookie.PartitionFirefox
	if chips {
		kind = cookie.PartitionCHIPS
	}
	if !strings.HasPrefix(key, "(") || !strings.HasSuffix(key, ")") {
		// Firefox before schemeful partitioning: only the base domain.
		return cookie.MakePartition(cookie.PartitionFields{Kind: kind, TopLevelSite: key})
	}
	parts := strings.Split(key[1:len(key)-1], ",")
	p := cookie.PartitionFields{Kind: kind}
	if len(parts) < 2 {
		p.TopLevelSite = key[1 : len(key)-1]
		return cookie.MakePartition(p)
	}
	site := parts[0] + "://" + parts[1]
	for _, extra := range parts[2:] {
		switch {
		case extra == "f":
			p.CrossSiteAncestor = true
		case extra != "":
			if _, err := strconv.Atoi(extra); err == nil {
				site += ":" + extra
			}
		}
	}
	p.TopLevelSite = site
	return cookie.MakePartition(p)
}

// sameSite maps Firefox's nsICookie SameSite values. Before schema 15,
// sameSite held the effective value and rawSameSite what the server sent;
// Firefox's own 14→15 migration turned (effective lax, sent none) into
// "unset", and so does crumbs, so that an old and a migrated store agree.
func sameSite(v, raw int64, hasRaw bool) cookie.SameSite {
	if hasRaw && v == 1 && raw == 0 {
		return cookie.SameSiteUnspecified
	}
	switch v {
	case 0:
		return cookie.SameSiteNone
	case 1:
		return cookie.SameSiteLax
	case 2:
		return cookie.SameSiteStrict
	}
	return cookie.SameSiteUnspecified // 256 = SAMESITE_UNSET and anything unknown
}

// EncodeKey returns the OriginalKey of a moz_cookies row: Firefox's unique
// key (name, host, path, originAttributes) as a form-encoded query
// ("name=…&host=…&path=…&oa=…") that url.ParseQuery reads back byte for
// byte. Only the bytes that mean something in a query are escaped, which
// keeps the common case to one allocation.
func EncodeKey(name, host, path, originAttributes string) string {
	b := appendKey(make([]byte, 0, keyLen(name, host, path, originAttributes)), name, host, path, originAttributes)
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is never written again
}

func keyLen(name, host, path, originAttributes string) int {
	return len("name=&host=&path=&oa=") + escapedLen(name) + escapedLen(host) + escapedLen(path) + escapedLen(originAttributes)
}

func appendKey(b []byte, name, host, path, originAttributes string) []byte {
	b = append(b, "name="...)
	b = appendEscaped(b, name)
	b = append(b, "&host="...)
	b = appendEscaped(b, host)
	b = append(b, "&path="...)
	b = appendEscaped(b, path)
	b = append(b, "&oa="...)
	return appendEscaped(b, originAttributes)
}

// keyArena hands out OriginalKeys cut from shared 64 KiB blocks: one
// allocation per few hundred rows instead of one per row. A block is only
// ever appended to, never rewritten, so the strings cut from it stay valid.
type keyArena struct{ block []byte }

func (a *keyArena) encode(name, host, path, originAttributes string) string {
	n := keyLen(name, host, path, originAttributes)
	if cap(a.block)-len(a.block) < n {
		a.block = make([]byte, 0, max(n, 64<<10))
	}
	start := len(a.block)
	a.block = appendKey(a.block, name, host, path, originAttributes)
	return unsafe.String(&a.block[start], n)
}

// keyEscape marks the bytes EncodeKey escapes: query syntax, '%' and '+'
// (which unescaping would change), and control bytes.
var keyEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range "%&=+;# \x7f" {
		t[c] = true
	}
	return t
}()

func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if keyEscape[s[i]] {
			n += 2
		}
	}
	return n
}

func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; keyEscape[c] {
			b = append(b, s[start:i]...)
			b = append(b, '%', hex[c>>4], hex[c&15])
			start = i + 1
		}
	}
	return append(b, s[start:]...)
}

// DecodeKey is the inverse of EncodeKey.
func DecodeKey(key string) (name, host, path, originAttributes string, err error) {
	q, err := url.ParseQuery(key)
	if err != nil {
		return "", "", "", "", err
	}
	return q.Get("name"), q.Get("host"), q.Get("path"), q.Get("oa"), nil
}
