package jar

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// inPlaceJar is a jar of 600 cookies without store keys (so no deletion
// waits for write-back and a re-import brings every cookie back), with
// google.com's purged: in place.
func inPlaceJar(t *testing.T) (*Jar, []cookie.Cookie, string) {
	t.Helper()
	j, _ := openTest(t)
	cs := makeCookies(600, 21, testNow, "firefox:p")
	for i := range cs {
		cs[i].OriginalKey = ""
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	before := dump(t, j)
	n, err := j.Purge(context.Background(), cookie.MustParseFilter("domain:google.com"))
	if err != nil || n == 0 {
		t.Fatal(n, err)
	}
	return j, cs, before
}

// liveSet is every read of live cookies, each as a sorted list of
// identities: they must agree.
func liveSet(t *testing.T, j *Jar) map[string][]string {
	t.Helper()
	ctx := context.Background()
	idents := func(cs []cookie.Cookie) []string {
		out := make([]string, len(cs))
		for i := range cs {
			out[i] = cs[i].Identity().String()
		}
		slices.Sort(out)
		return out
	}
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q, total, err := j.Query(ctx, Query{Limit: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(q) {
		t.Errorf("Query counts %d, returns %d", total, len(q))
	}
	shared, _, err := j.Shared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := j.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var each []cookie.Cookie
	if err := j.Each(ctx, Query{}, func(c *cookie.Cookie) error { each = append(each, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	counts, err := j.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byPurpose := 0
	for _, n := range counts.ByPurpose {
		byPurpose += n
	}
	if counts.Total != len(all) || byPurpose != len(all) {
		t.Errorf("Counts: %d total, %d by purpose; All has %d", counts.Total, byPurpose, len(all))
	}
	rr, err := j.ReportRows(ctx, cookie.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	reported := 0
	for _, c := range rr.Counts {
		reported += c.Cookies
	}
	if reported+len(rr.Tracking) != len(all) {
		t.Errorf("ReportRows: %d counted + %d tracking rows; All has %d", reported, len(rr.Tracking), len(all))
	}
	return map[string][]string{"All": idents(all), "Query": idents(q), "Shared": idents(shared), "Summaries": idents(sums), "Each": idents(each)}
}

func sameLive(t *testing.T, j *Jar, want []cookie.Cookie, step string) {
	t.Helper()
	var ids []string
	for i := range want {
		ids = append(ids, want[i].Identity().String())
	}
	slices.Sort(ids)
	for api, got := range liveSet(t, j) {
		if !slices.Equal(got, ids) {
			t.Errorf("%s: %s has %d cookies, want %d", step, api, len(got), len(ids))
		}
	}
}

func without(cs []cookie.Cookie, f cookie.Filter) (kept, gone []cookie.Cookie) {
	for _, c := range cs {
		if f.Match(&c, testNow) {
			gone = append(gone, c)
		} else {
			kept = append(kept, c)
		}
	}
	return kept, gone
}

// TestPurgeInPlace: a purge leaves the rows where they are and adds only
// small trash rows; no read of live cookies sees them, the trash lists
// them whole, and undo gives the jar back exactly.
func TestPurgeInPlace(t *testing.T) {
	ctx := context.Background()
	j, cs, before := inPlaceJar(t)
	f := cookie.MustParseFilter("domain:google.com")
	kept, gone := without(cs, f)
	if n := count(t, j.db, `SELECT count(*) FROM cookies`); n != len(cs) {
		t.Fatalf("cookies holds %d rows after the purge, want all %d", n, len(cs))
	}
	if n := count(t, j.db, `SELECT count(*) FROM trash WHERE in_place AND domain = ''`); n != len(gone) {
		t.Fatalf("%d entries in place, want %d", n, len(gone))
	}
	sameLive(t, j, kept, "after the purge")
	for _, c := range gone {
		live, _, err := j.Query(ctx, Query{Filter: cookie.MustParseFilter("name:" + c.Name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range live {
			if l.Identity() == c.Identity() {
				t.Fatalf("%s still found", c.Name)
			}
		}
	}
	trash, err := j.Trash(ctx)
	if err != nil || len(trash) != len(gone) {
		t.Fatalf("trash %d entries (%v), want %d", len(trash), err, len(gone))
	}
	byName := map[string]cookie.Cookie{}
	for _, c := range gone {
		byName[c.Name] = c
	}
	for _, e := range trash {
		want := byName[e.Name]
		if e.Value != want.Value || e.Domain != want.Domain || e.Path != want.Path || !e.Created.Equal(want.Created) {
			t.Fatalf("trash entry %s: %+v, want %+v", e.Name, e.Cookie, want)
		}
	}
	if _, err := j.Get(ctx, gone[0].ID); !errors.Is(err, ErrNotFound) && err != nil {
		t.Fatalf("Get of a trashed cookie: %v", err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != before {
		t.Fatal("undo of a purge in place did not give the jar back")
	}
}

// TestReimportAfterPurgeInPlace: an import that brings a held identity
// back moves the held row into its trash entry first: the trash keeps the
// purged copy, the live cookie is the imported one, and undo of the import
// holds the row in place again.
func TestReimportAfterPurgeInPlace(t *testing.T) {
	ctx := context.Background()
	j, cs, before := inPlaceJar(t)
	f := cookie.MustParseFilter("domain:google.com")
	_, gone := without(cs, f)
	afterPurge := dump(t, j)
	again := slices.Clone(cs)
	changed := 0
	for i := range again {
		if f.Match(&again[i], testNow) && i%2 == 0 {
			again[i].Value += "-new" // some come back changed
			changed++
		}
	}
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: again})
	if st.Added != len(gone) {
		t.Fatalf("re-import added %d, want the %d purged", st.Added, len(gone))
	}
	sameLive(t, j, cs, "after the re-import")
	if n := count(t, j.db, `SELECT count(*) FROM trash WHERE in_place`); n != 0 {
		t.Fatalf("%d entries still in place", n)
	}
	trash, err := j.Trash(ctx)
	if err != nil || len(trash) != len(gone) {
		t.Fatalf("trash %d (%v), want the %d purged copies", len(trash), err, len(gone))
	}
	old := map[string]string{}
	for _, c := range gone {
		old[c.Name] = c.Value
	}
	for _, e := range trash {
		if e.Value != old[e.Name] {
			t.Fatalf("trash copy of %s holds %q, want the purged %q", e.Name, e.Value, old[e.Name])
		}
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != afterPurge {
		t.Fatal("undo of the re-import did not give back the jar after the purge")
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != before {
		t.Fatal("undo of the purge did not give back the jar before it")
	}
}

// TestRestoreAndEditAroundInPlace: restoring an entry held in place only
// removes the entry; an edit onto a held identity moves the held cookie
// into its entry; both undo exactly.
func TestRestoreAndEditAroundInPlace(t *testing.T) {
	ctx := context.Background()
	j, cs, _ := inPlaceJar(t)
	f := cookie.MustParseFilter("domain:google.com")
	kept, gone := without(cs, f)
	trash, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	afterPurge := dump(t, j)
	rows := count(t, j.db, `SELECT count(*) FROM cookies`)
	if n, err := j.Restore(ctx, []int64{trash[0].ID}); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	if got := count(t, j.db, `SELECT count(*) FROM cookies`); got != rows {
		t.Fatalf("restoring in place changed cookies: %d rows, was %d", got, rows)
	}
	back := append(slices.Clone(kept), byNameOf(gone, trash[0].Name))
	sameLive(t, j, back, "after the restore")
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if dump(t, j) != afterPurge {
		t.Fatal("undo of the restore")
	}

	// Edit a live cookie onto the identity of a held one.
	held := byNameOf(gone, trash[1].Name)
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := all[0]
	live.Source, live.Partition, live.Container = held.Source, held.Partition, held.Container
	live.Domain, live.HostOnly, live.Path, live.Name = held.Domain, held.HostOnly, held.Path, held.Name
	if err := j.Update(ctx, live); err != nil {
		t.Fatal(err)
	}
	trash2, err := j.Trash(ctx)
	if err != nil || len(trash2) != len(trash) {
		t.Fatalf("trash %d (%v), want %d", len(trash2), err, len(trash))
	}
	for _, e := range trash2 {
		if e.Name == held.Name && (e.inPlace || e.Value != held.Value) {
			t.Fatalf("the held cookie's entry: in place %v, value %q; want a copy of %q", e.inPlace, e.Value, held.Value)
		}
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if dump(t, j) != afterPurge {
		t.Fatal("undo of the edit")
	}
	// Emptying the trash forgets the held rows too.
	if n, err := j.EmptyTrash(ctx); err != nil || n != len(gone) {
		t.Fatal(n, err)
	}
	if n := count(t, j.db, `SELECT count(*) FROM cookies`); n != len(kept) {
		t.Fatalf("%d rows of cookies after empty-trash, want the %d live", n, len(kept))
	}
}

func byNameOf(cs []cookie.Cookie, name string) cookie.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return cookie.Cookie{}
}

// TestUndoAfterTheLargestIDMoved: a restore that moves the live cookie
// with the largest id to the trash (a copy) and inserts the restored one,
// to which SQLite gives that same id (max+1), undoes exactly.
func TestUndoAfterTheLargestIDMoved(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	c := cookie.Cookie{Source: "firefox:p", Domain: ".a.example", Path: "/", Name: "sid", Value: "newer", Session: true,
		Created: cookie.TimeOf(testNow.Add(-1e9))}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: []cookie.Cookie{c}})
	if _, err := j.Purge(ctx, cookie.MustParseFilter("domain:a.example")); err != nil {
		t.Fatal(err)
	}
	// An older cookie of the identity comes in: the held row moves into
	// its entry (a copy), and the new row gets its id.
	c2 := c
	c2.Value, c2.Created = "older", cookie.TimeOf(testNow.Add(-2e9))
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: []cookie.Cookie{c2}})
	if n := count(t, j.db, `SELECT count(*) FROM trash WHERE NOT in_place`); n != 1 {
		t.Fatalf("%d copies in the trash, want 1", n)
	}
	before := dump(t, j)
	live := count(t, j.db, `SELECT max(id) FROM cookies`)
	// The trashed copy is newer: it is restored, the live one displaced.
	if n, skipped, err := j.RestoreCounted(ctx, nil); err != nil || n != 1 || skipped != 0 {
		t.Fatal(n, skipped, err)
	}
	if got := count(t, j.db, `SELECT max(id) FROM cookies`); got != live {
		t.Fatalf("the restored row has id %d, not the displaced one's %d: the case is not reached", got, live)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != before {
		t.Fatalf("undo:\n%s\nwant\n%s", got, before)
	}
}

// TestDanglingEntriesDoNotHurt: a damaged jar whose entries in place name
// rows that are not there (more of them than rows, even) reads without a
// panic, and every live row is read.
func TestDanglingEntriesDoNotHurt(t *testing.T) {
	smallRanges(t)
	ctx := context.Background()
	j, path := openTest(t)
	cs := makeCookies(rangedReadRows+500, 5, testNow, "firefox:p")
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	if _, err := j.db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO trash (cookie_id, deleted_at, in_place, `+colList+`) SELECT 10000000 + i, 1, 1, `+emptyColumns+` FROM n`, 2*len(cs)); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j2, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	shared, _, err := j2.Shared(ctx)
	if err != nil || len(shared) != len(cs) {
		t.Fatalf("Shared: %d cookies (%v), want %d", len(shared), err, len(cs))
	}
	sums, err := j2.Summaries(ctx)
	if err != nil || len(sums) != len(cs) {
		t.Fatalf("Summaries: %d (%v)", len(sums), err)
	}
	if _, err := j2.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j2.Query(ctx, Query{Limit: 10}); err != nil {
		t.Fatal(err)
	}
}
