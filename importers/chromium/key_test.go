package chromium

import (
	"testing"
	"unicode/utf8"
)

// FuzzOriginalKey: the hand-written JSON of every row's key always parses
// back, exactly for valid UTF-8.
func FuzzOriginalKey(f *testing.F) {
	f.Add(".example.com", "https://example.com", "__Host-x", "/", int64(1), int64(443))
	f.Add("h\"\\\x00\x7f", "", "n\u2028é", "/p\xff", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, host, top, name, path string, cross, port int64) {
		s := &schema{}
		s.used[colCrossSite], s.used[colScheme], s.used[colPort] = "x", "x", "x"
		r := rowState{host: host, topFrame: top, name: name, path: path, crossSite: cross, scheme: 2, port: port}
		k, err := ParseKey(string(r.appendKey(nil, s)))
		if err != nil {
			t.Fatalf("%v", err)
		}
		if *k.HasCrossSiteAncestor != cross || *k.SourcePort != port || *k.SourceScheme != 2 {
			t.Fatalf("numbers: %+v", k)
		}
		for _, p := range [][2]string{{k.HostKey, host}, {k.TopFrameSiteKey, top}, {k.Name, name}, {k.Path, path}} {
			if utf8.ValidString(p[1]) && p[0] != p[1] {
				t.Fatalf("%q != %q", p[0], p[1])
			}
		}
	})
}
