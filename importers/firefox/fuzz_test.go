package firefox

import (
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/importers/mozlz4"
)

func FuzzOriginAttributes(f *testing.F) {
	for _, s := range []string{"", "^userContextId=2", "^partitionKey=%28https%2Cexample.com%2C8443%2Cf%29&privateBrowsingId=1",
		"^partitionKey=%28", "^=&&=x", "^firstPartyDomain=a%ZZ", "^partitionKey=()"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, suffix string, chips bool) {
		oa := parseOriginAttributes(suffix, chips)
		for kv := range strings.SplitSeq(oa.container, "&") {
			if strings.HasPrefix(kv, "partitionKey=") {
				t.Fatalf("partitionKey left in container key %q", oa.container)
			}
		}
		if !oa.partition.IsZero() && oa.partition.Kind == "" {
			t.Fatalf("partition without a kind: %+v", oa.partition)
		}
	})
}

func FuzzSessionStore(f *testing.F) {
	enc, _ := mozlz4.Encode([]byte(`{"cookies":[{"host":".a.example","name":"n","value":"v","path":"/","originAttributes":{"userContextId":2}}]}`))
	f.Add(enc)
	f.Add([]byte(`{"cookies":[{"host":1}]}`))
	f.Add([]byte(`{"cookies":null}`))
	f.Add([]byte(mozlz4.Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		cookies, err := parseSessionStore(data)
		if err != nil {
			return
		}
		for _, c := range cookies {
			_ = originSuffix(c.OriginAttributes)
		}
	})
}

// The OriginalKey of a row reads back byte for byte, and keys cut from the
// shared arena equal EncodeKey's and survive the arena's later growth.
func FuzzEncodeKey(f *testing.F) {
	f.Add("SID", ".example.com", "/", "^userContextId=2")
	f.Add("a=b;c", "h\x00st", "/p a+t%h#", "^partitionKey=%28https%2Cx.com%29")
	f.Fuzz(func(t *testing.T, name, host, path, oa string) {
		var arena keyArena
		first := arena.encode(name, host, path, oa)
		for range 100 { // fill past a block so that a new one is started
			arena.encode(strings.Repeat(name, 10), host, path, oa)
		}
		want := EncodeKey(name, host, path, oa)
		if first != want {
			t.Fatalf("arena key %q, EncodeKey %q", first, want)
		}
		n, h, p, o, err := DecodeKey(first)
		if err != nil || n != name || h != host || p != path || o != oa {
			t.Fatalf("DecodeKey(%q) = %q %q %q %q %v", first, n, h, p, o, err)
		}
	})
}
