package firefox

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
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
		if !oa.partition.IsZero() && oa.partition.Kind() == "" {
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

// FuzzStoreSchema (issue 8 item 1): whatever moz_cookies is — a table, a
// view of any SELECT, a virtual table — and however long its strings, a
// read ends within its deadline and never loads a value over the cap.
func FuzzStoreSchema(f *testing.F) {
	f.Add(uint8(0), "SELECT 1 AS id, 'n' AS name, 'v' AS value, 'a.example' AS host, '/' AS path, 4000000000 AS expiry", uint32(10))
	f.Add(uint8(0), "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT x AS id FROM r", uint32(0))
	f.Add(uint8(1), "", uint32(70000))
	f.Add(uint8(2), "fts5(name, value, host, path, expiry)", uint32(5))
	f.Fuzz(func(t *testing.T, kind uint8, body string, valueLen uint32) {
		defer func(d time.Duration) { snapshot.ReadTimeout = d }(snapshot.ReadTimeout)
		snapshot.ReadTimeout = 500 * time.Millisecond
		path := filepath.Join(t.TempDir(), "cookies.sqlite")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var stmts []string
		switch kind % 3 {
		case 0:
			stmts = []string{"CREATE VIEW moz_cookies AS " + body}
		case 1:
			stmts = []string{"CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER)",
				fmt.Sprintf("INSERT INTO moz_cookies (name, value, host, path, expiry) VALUES ('n', hex(zeroblob(%d)), 'a.example', '/', 4000000000)", valueLen%200000)}
		case 2:
			stmts = []string{"CREATE VIRTUAL TABLE moz_cookies USING " + body}
		}
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				db.Close()
				return // not valid SQL: nothing to read
			}
		}
		db.Close()
		start := time.Now()
		res, err := Read(context.Background(), path, importers.Options{})
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("read took %s", took)
		}
		if err != nil {
			return
		}
		if kind%3 != 1 {
			t.Fatalf("a moz_cookies that is not a table was read: %d cookies", len(res.Cookies))
		}
		for _, c := range res.Cookies {
			if len(c.Value) > importers.MaxValue {
				t.Fatalf("a %d-byte value was loaded", len(c.Value))
			}
		}
	})
}
