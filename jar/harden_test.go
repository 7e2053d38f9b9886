package jar

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestEmptyTrashForgets (issue 8 item 10): after trash empty, a search of
// the jar file and its -wal for a forgotten value — the one in the trash
// and an older one kept by the undo history of an edit — finds nothing,
// and undo does not bring the cookie back.
func TestEmptyTrashForgets(t *testing.T) {
	ctx := context.Background()
	j, path := openTest(t)
	cs := makeCookies(200, 5, testNow, "s")
	cs[7].Value = "FORGET-ME-first-7f3a9c"
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	var target cookie.Cookie
	all, _ := j.All(ctx)
	for _, c := range all {
		if c.Value == cs[7].Value {
			target = c
		}
	}
	target.Value = "FORGET-ME-second-b41e02"
	target.SameSite, target.Secure = cookie.SameSiteLax, true
	if err := j.Update(ctx, target); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Delete(ctx, []int64{target.ID}); err != nil {
		t.Fatal(err)
	}
	secrets := [][]byte{[]byte("FORGET-ME-first-7f3a9c"), []byte("FORGET-ME-second-b41e02")}
	found := func() []string {
		var where []string
		for _, suffix := range []string{"", "-wal"} {
			b, _ := os.ReadFile(path + suffix)
			for _, s := range secrets {
				if bytes.Contains(b, s) {
					where = append(where, string(s)+" in jar.db"+suffix)
				}
			}
		}
		return where
	}
	if len(found()) == 0 {
		t.Fatal("the values are not in the file before emptying: the test proves nothing")
	}
	n, err := j.EmptyTrash(ctx)
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if where := found(); len(where) > 0 {
		t.Fatalf("after trash empty: %v", where)
	}
	for range 3 {
		j.Undo(ctx)
	}
	if where := found(); len(where) > 0 {
		t.Fatalf("after undo: %v", where)
	}
	all, _ = j.All(ctx)
	for _, c := range all {
		if c.Name == target.Name && c.Domain == target.Domain && c.Path == target.Path && c.Source == target.Source {
			if bytes.Contains([]byte(c.Value), []byte("FORGET-ME")) {
				t.Fatalf("undo brought a forgotten value back: %q", c.Value)
			}
		}
	}
}

// TestRestoreNeverOverwritesNewer (issue 8 item 11): a live cookie newer
// than its trashed copy is kept and counted as skipped; of several trashed
// copies the newest is restored; the count is what was restored; a trashed
// copy newer than the live one replaces it, and the live one goes to the
// trash.
func TestRestoreNeverOverwritesNewer(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	t1, t2 := testNow.Add(-2*time.Hour), testNow.Add(-time.Hour)
	mk := func(name, value string, updated time.Time) cookie.Cookie {
		return cookie.Cookie{Source: "s", Domain: "example.com", HostOnly: true, Path: "/", Name: name, Value: value,
			Session: true, Created: cookie.TimeOf(t1), LastUpdated: cookie.TimeOf(updated)}
	}
	find := func(name string) cookie.Cookie {
		all, _ := j.All(ctx)
		for _, c := range all {
			if c.Name == name {
				return c
			}
		}
		return cookie.Cookie{}
	}
	del := func(name string) {
		if _, err := j.Delete(ctx, []int64{find(name).ID}); err != nil {
			t.Fatal(err)
		}
	}
	// a: deleted at t1's value, then the browser set a newer one.
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: []cookie.Cookie{mk("a", "old", t1), mk("b", "v1", t1)}})
	del("a")
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: []cookie.Cookie{mk("a", "new", t2)}})
	// b: trashed twice, v1 then v2 (deleted last).
	del("b")
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: []cookie.Cookie{mk("b", "v2", t2)}})
	del("b")

	restored, skipped, err := j.RestoreCounted(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if restored != 1 || skipped != 1 {
		t.Fatalf("restored %d, skipped %d; want 1 and 1", restored, skipped)
	}
	if a := find("a"); a.Value != "new" {
		t.Errorf("a newer live cookie was overwritten: %q", a.Value)
	}
	if b := find("b"); b.Value != "v2" {
		t.Errorf("restored b = %q, want the newest copy v2", b.Value)
	}

	// A trashed copy newer than the live one replaces it.
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: []cookie.Cookie{mk("c", "fresh", t2)}})
	del("c")
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: []cookie.Cookie{mk("c", "stale", t1)}})
	tr, _ := j.Trash(ctx)
	var cid int64
	for _, x := range tr {
		if x.Name == "c" {
			cid = x.ID
		}
	}
	if n, s, err := j.RestoreCounted(ctx, []int64{cid}); err != nil || n != 1 || s != 0 {
		t.Fatal(n, s, err)
	}
	if c := find("c"); c.Value != "fresh" {
		t.Errorf("c = %q, want the newer trashed copy", c.Value)
	}
}
