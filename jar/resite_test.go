package jar

import (
	"context"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestNewSuffixListRecomputesSites: a jar whose sites were computed with
// another public suffix list (here: one without github.io, so every
// *.github.io cookie has the site github.io) gets them recomputed when a
// build with a new list opens it, in the live, trash and undo tables alike,
// with hashes that leave a re-import unchanged. Without that, the restored
// cookies of a purge still look pending for deletion, and `crumbs apply`
// would delete them from the browser.
func TestNewSuffixListRecomputesSites(t *testing.T) {
	ctx := context.Background()
	old := siteList
	t.Cleanup(func() { siteList = old })
	siteList = "golang.org/x/net v0.1.0 h1:old"
	j, path := openTest(t)
	cs := makeCookies(300, 9, testNow, "firefox:p")
	pages := []cookie.Cookie{
		{Name: "a", Value: "1", Domain: ".user.github.io", Path: "/"},
		{Name: "b", Value: "2", Domain: "www.user.github.io", HostOnly: true, Path: "/"},
		{Name: "c", Value: "3", Domain: ".other.github.io", Path: "/x"},
	}
	for i := range pages {
		pages[i].Source, pages[i].Session = "firefox:p", true
	}
	cs = append(cs, pages...)
	for i := range cs {
		cs[i].OriginalKey = "key-" + cs[i].Name + cs[i].Domain + cs[i].Path
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	pages3 := cookie.MustParseFilter("domain:github.io")
	// user.github.io's cookies are deleted (pending for the browser) and
	// restored: live again, so not pending; other.github.io's stays in the
	// trash, pending.
	if n, err := j.Purge(ctx, pages3); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	trash, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var back []int64
	for _, tr := range trash {
		if tr.Domain != ".other.github.io" {
			back = append(back, tr.ID)
		}
	}
	if n, err := j.Restore(ctx, back); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	pendingDeletes := func(j *Jar) int {
		ps, _, err := j.Pending(ctx, "firefox:p")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range ps {
			if p.Kind == PendingDelete {
				n++
			}
		}
		return n
	}
	if n := pendingDeletes(j); n != 1 {
		t.Fatalf("%d pending deletions before, want 1", n)
	}
	// The older list: every github.io cookie's site is github.io, and its
	// content hash was computed with that site.
	stale := 0
	for _, tb := range siteTables {
		lead := []any{}
		var changeID int64
		if tb.lead != "" {
			lead = append(lead, &changeID)
		}
		rows, err := j.db.Query(`SELECT ` + tb.lead + `id, ` + readColumns + ` FROM ` + tb.name + ` WHERE domain LIKE '%.github.io'`)
		if err != nil {
			t.Fatal(err)
		}
		type fix struct {
			args []any
		}
		var fixes []fix
		sc := newRowScanner(lead...)
		var c cookie.Cookie
		for rows.Next() {
			if err := sc.scan(rows, &c); err != nil {
				t.Fatal(err)
			}
			args := []any{"github.io", cookieHash(&c, "github.io"), c.ID}
			if tb.lead != "" {
				args = []any{"github.io", cookieHash(&c, "github.io"), changeID, c.ID}
			}
			fixes = append(fixes, fix{args})
		}
		rows.Close()
		for _, f := range fixes {
			if _, err := j.db.Exec(`UPDATE `+tb.name+` SET site = ?, chash = ? WHERE `+tb.key, f.args...); err != nil {
				t.Fatal(err)
			}
			stale++
		}
	}
	// The three rows of cookies (the trash holds other.github.io's in
	// place, inplace.go) and the undo history's images.
	if stale < 3 {
		t.Fatalf("only %d rows made stale", stale)
	}
	j.Close()

	siteList = "golang.org/x/net v0.2.0 h1:new"
	j, err = Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	for _, table := range []string{"cookies", "trash", "undo_cookies", "undo_trash"} {
		rows, err := j.db.Query(`SELECT DISTINCT site, domain FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var site, domain string
			rows.Scan(&site, &domain)
			if site != cookie.Site(domain) {
				t.Errorf("%s: %s has the site %s, want %s", table, domain, site, cookie.Site(domain))
			}
		}
		rows.Close()
	}
	if got, _ := j.metaValue(ctx, j.db, siteListKey); got != siteList {
		t.Errorf("the jar records the list %q, want %q", got, siteList)
	}
	if n := pendingDeletes(j); n != 1 {
		t.Fatalf("%d pending deletions after the new list, want 1: a restored cookie would be deleted from the browser", n)
	}
	// The hashes went with the sites: the store read again is unchanged.
	live := cs[:0:0]
	for _, c := range cs {
		if c.Domain != ".other.github.io" {
			live = append(live, c)
		}
	}
	if st := mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: live}); st.Unchanged != len(live) || st.Updated != 0 || st.Added != 0 {
		t.Fatalf("re-import after the new list: %+v, want %d unchanged", st, len(live))
	}
	// The trashed one restores over nothing, once.
	if n, err := j.Restore(ctx, nil); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if n := count(t, j.db, `SELECT count(*) FROM cookies WHERE domain LIKE '%.github.io'`); n != 3 {
		t.Fatalf("%d github.io cookies live, want 3", n)
	}
}
