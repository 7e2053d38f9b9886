package jar

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// writeV1Jar builds a schema-1 jar the way schema 1 stored cookies (one
// column per field, extras as JSON): live cookies cs with ids 1…, the
// trashed cookie tr, and one undo step holding a before-image of cs[0].
func writeV1Jar(t *testing.T, path string, cs []cookie.Cookie, tr cookie.Cookie) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := append(schemaTablesAt(1, cookieColumnDefsV1),
		`PRAGMA user_version = 1`, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID))
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	v1 := func(c *cookie.Cookie) []any {
		extras := ""
		if !c.Extras.IsZero() {
			b, _ := json.Marshal(c.Extras)
			extras = string(b)
		}
		return []any{c.Source, c.Partition.Key(), c.Container.Key(), c.Domain, b2i(c.HostOnly), c.Path, c.Name,
			cookie.Site(c.Domain), c.Value, b2i(c.Secure), b2i(c.HTTPOnly), int64(c.SameSite), b2i(c.Session),
			c.Expires.UnixMicro(), c.Created.UnixMicro(), c.LastAccessed.UnixMicro(), c.LastUpdated.UnixMicro(),
			c.Container.Name(), extras, string(c.Encryption), b2i(c.ValueUnreadable), c.UnreadableReason,
			c.OriginalKey, string(c.Purpose), c.Reason, string(c.VerdictBy), int64(12345)}
	}
	n := strings.Count(cookieColumnsV1, ",") + 1
	for i := range cs {
		if _, err := db.Exec(`INSERT INTO cookies (id, `+cookieColumnsV1+`) VALUES (?, `+placeholders(n)+`)`,
			append([]any{cs[i].ID}, v1(&cs[i])...)...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO trash (id, cookie_id, deleted_at, `+cookieColumnsV1+`) VALUES (?, ?, ?, `+placeholders(n)+`)`,
		append([]any{tr.ID, int64(999), toMicro(testNow)}, v1(&tr)...)...); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO changes VALUES (1, 'edit', 'edit one', 1, ?, ?, 1, 0)`, toMicro(testNow), len(cs)); err != nil {
		t.Fatal(err)
	}
	before := cs[0]
	before.Value = "before-the-edit"
	if _, err := db.Exec(`INSERT INTO undo_cookies (change_id, id, `+cookieColumnsV1+`) VALUES (1, ?, `+placeholders(n)+`)`,
		append([]any{before.ID}, v1(&before)...)...); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateV1 opens a schema-1 jar: every live, trashed and undo row
// must read back as it was written, re-importing the same cookies must
// change nothing (the content hashes were recomputed), and undo must put
// the schema-1 before-image back.
func TestMigrateV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	cs := makeCookies(300, 11, testNow, "chrome:Default")
	for i := range cs {
		normalize(&cs[i])
		cs[i].ID = int64(i + 1)
	}
	tr := cs[len(cs)-1]
	tr.ID, tr.Name = 1, "trashed"
	writeV1Jar(t, path, cs, tr)

	j, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var version int
	if err := j.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != schemaVersion {
		t.Fatalf("user_version %d, %v; want %d", version, err, schemaVersion)
	}
	ctx := context.Background()
	got, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]cookie.Cookie{}
	for _, c := range got {
		byID[c.ID] = c
	}
	if len(byID) != len(cs) {
		t.Fatalf("%d cookies after migration, want %d", len(byID), len(cs))
	}
	for _, want := range cs {
		if g := byID[want.ID]; !reflect.DeepEqual(g, want) {
			t.Fatalf("cookie %d after migration:\n got %+v\nwant %+v", want.ID, g, want)
		}
	}
	trash, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(trash) != 1 || !reflect.DeepEqual(trash[0].Cookie, tr) || !trash[0].DeletedAt.Equal(testNow) {
		t.Fatalf("trash after migration: %+v", trash)
	}
	plain := make([]cookie.Cookie, len(cs))
	for i := range cs {
		plain[i] = cs[i]
		plain[i].ID = 0
	}
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: plain})
	if st.Unchanged != len(cs) || st.Added+st.Updated != 0 {
		t.Fatalf("re-import after migration: %+v", st)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := j.Get(ctx, cs[0].ID)
	if err != nil || c.Value != "before-the-edit" || c.OriginalKey != cs[0].OriginalKey || !c.Created.Equal(cs[0].Created) {
		t.Fatalf("undo of a schema-1 step: %+v, %v", c, err)
	}
}

func TestMoreRecordRoundTrip(t *testing.T) {
	for _, c := range makeCookies(500, 3, testNow, "firefox:x") {
		normalize(&c)
		rec := encodeMore(nil, &c)
		var got cookie.Cookie
		if err := decodeMore(string(rec), &got, func(s string) string { return s }); err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(c.Created) || got.LastAccessed != c.LastAccessed || got.LastUpdated != c.LastUpdated ||
			got.Extras != c.Extras || got.Container.Name() != c.Container.Name() || got.Encryption != c.Encryption ||
			got.UnreadableReason != c.UnreadableReason || got.OriginalKey != c.OriginalKey {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
		}
		// Every truncation is refused, never read as something else.
		for n := 0; n < len(rec); n++ {
			if err := decodeMore(string(rec[:n]), &got, func(s string) string { return s }); err == nil {
				t.Fatalf("truncated record of %d/%d bytes accepted", n, len(rec))
			}
		}
	}
}

func FuzzDecodeMore(f *testing.F) {
	c := makeCookies(1, 1, testNow, "x")[0]
	f.Add(encodeMore(nil, &c))
	f.Add([]byte{moreVersion})
	f.Add([]byte{moreVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, rec []byte) {
		var got cookie.Cookie
		err := decodeMore(string(rec), &got, func(s string) string { return s })
		// crumbs_keyed (sqlfuncs.go) reads the same layout: it must accept
		// what decodeMore accepts and find the key decodeMore finds.
		if keyed, kerr := moreHasKey(rec); (kerr == nil) != (err == nil) || (err == nil && keyed != (got.OriginalKey != "")) {
			t.Fatalf("moreHasKey = %v, %v; decodeMore: key %q, %v", keyed, kerr, got.OriginalKey, err)
		}
		if err == nil {
			again := encodeMore(nil, &got)
			var back cookie.Cookie
			if err := decodeMore(string(again), &back, func(s string) string { return s }); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestShared: Shared hands out the snapshot itself, the same slice and
// version until the jar changes, and never modifies a slice it handed out.
func TestShared(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(50, 5, testNow, "s")})
	a, va, err := j.Shared(ctx)
	if err != nil || len(a) != 50 {
		t.Fatal(len(a), err)
	}
	all, _ := j.All(ctx)
	if !reflect.DeepEqual(all, a) {
		t.Fatal("Shared differs from All")
	}
	b, vb, err := j.Shared(ctx)
	if err != nil || vb != va || &b[0] != &a[0] {
		t.Fatalf("unchanged jar: version %d→%d, same slice %v", va, vb, &b[0] == &a[0])
	}
	before := slices.Clone(a)
	if _, err := j.Delete(ctx, []int64{a[0].ID}); err != nil {
		t.Fatal(err)
	}
	c, vc, err := j.Shared(ctx)
	if err != nil || vc == va || len(c) != 49 {
		t.Fatalf("after delete: version %d→%d, %d cookies, %v", va, vc, len(c), err)
	}
	if !reflect.DeepEqual(a, before) {
		t.Fatal("the slice handed out before the change was modified")
	}
}

func TestImportBySource(t *testing.T) {
	j, _ := openTest(t)
	a := makeCookies(40, 1, testNow, "a")
	b := makeCookies(30, 2, testNow, "b")
	mustImport(t, j, ImportOptions{}, Batch{Source: "a", Cookies: a}, Batch{Source: "b", Cookies: b})
	a2 := slices.Clone(a[:35])
	a2[0].Value = "changed"
	st := mustImport(t, j, ImportOptions{Prune: true},
		Batch{Source: "a", Cookies: a2}, Batch{Source: "b", Cookies: b}, Batch{Source: "c", Cookies: makeCookies(5, 3, testNow, "c")})
	want := map[string]ImportStats{
		"a": {Updated: 1, Unchanged: 34, Pruned: 5},
		"b": {Unchanged: 30},
		"c": {Added: 5},
	}
	if !reflect.DeepEqual(st.BySource, want) {
		t.Fatalf("BySource %+v, want %+v", st.BySource, want)
	}
	if !sameTotals(st, ImportStats{Added: 5, Updated: 1, Unchanged: 64, Pruned: 5}) {
		t.Fatalf("totals %+v", st)
	}
}
