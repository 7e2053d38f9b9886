package chromium

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Key is a row's unique key in a Chromium store (cookies_unique_index at
// meta 20+), kept as cookie.Cookie.OriginalKey for write-back: delete or
// update by exactly this key (docs/model.md §4). Fields the store's schema
// does not have are nil.
type Key struct {
	HostKey              string `json:"host_key"`
	TopFrameSiteKey      string `json:"top_frame_site_key"`
	HasCrossSiteAncestor *int64 `json:"has_cross_site_ancestor,omitempty"`
	Name                 string `json:"name"`
	Path                 string `json:"path"`
	SourceScheme         *int64 `json:"source_scheme,omitempty"`
	SourcePort           *int64 `json:"source_port,omitempty"`
}

// ParseKey decodes a cookie's OriginalKey.
func ParseKey(s string) (Key, error) {
	var k Key
	err := json.Unmarshal([]byte(s), &k)
	return k, err
}

// appendKey writes the row's Key as JSON without reflection (it runs for
// every row). Invalid UTF-8 becomes U+FFFD, as encoding/json does.
func (r *rowState) appendKey(b []byte, s *schema) []byte {
	b = append(b, `{"host_key":`...)
	b = appendJSONString(b, r.host)
	b = append(b, `,"top_frame_site_key":`...)
	b = appendJSONString(b, r.topFrame)
	if s.used[colCrossSite] != "" {
		b = append(b, `,"has_cross_site_ancestor":`...)
		b = strconv.AppendInt(b, r.crossSite, 10)
	}
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.name)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, r.path)
	if s.used[colScheme] != "" {
		b = append(b, `,"source_scheme":`...)
		b = strconv.AppendInt(b, r.scheme, 10)
	}
	if s.used[colPort] != "" {
		b = append(b, `,"source_port":`...)
		b = strconv.AppendInt(b, r.port, 10)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
