package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// testClassifier calls every cookie whose name starts with "_ga" tracking,
// everything else unknown; its version is settable.
type testClassifier struct{ version string }

func (tc *testClassifier) Version() string { return tc.version }
func (tc *testClassifier) Classify(c *cookie.Cookie) {
	if strings.HasPrefix(c.Name, "_ga") {
		c.Purpose, c.Reason, c.VerdictBy = cookie.PurposeTracking, "analytics "+tc.version, cookie.EvidenceName
	} else {
		c.Purpose, c.Reason, c.VerdictBy = cookie.PurposeUnknown, "", cookie.EvidenceNone
	}
}

func TestImportUpsert(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	cs := makeCookies(100, 3, testNow, "chrome:Default")
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", File: "/a/Cookies", Cookies: cs})
	if !sameTotals(st, ImportStats{Added: 100}) {
		t.Fatalf("first import %+v", st)
	}
	// Change two, drop three, add one.
	next := append([]cookie.Cookie(nil), cs[3:]...)
	next[0].Value = "changed"
	next[1].LastAccessed = next[1].LastAccessed.Add(time.Second)
	extra := makeCookies(1, 99, testNow, "chrome:Default")[0]
	extra.Name = "brand-new"
	next = append(next, extra)

	dry, err := j.Import(ctx, []Batch{{Source: "chrome:Default", Cookies: next}}, ImportOptions{Prune: true, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := ImportStats{Added: 1, Updated: 2, Unchanged: 95, Pruned: 3}
	if !sameTotals(dry, want) {
		t.Fatalf("dry run %+v, want %+v", dry, want)
	}
	if c, _ := j.Counts(ctx); c.Total != 100 || c.Trash != 0 {
		t.Fatalf("dry run changed the jar: %+v", c)
	}
	if _, ok, _ := j.LastChange(ctx); !ok {
		t.Fatal("no change recorded for the first import")
	}

	st = mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", File: "/b/Cookies", Cookies: next})
	if !sameTotals(st, ImportStats{Added: 1, Updated: 2, Unchanged: 95}) {
		t.Fatalf("import without prune %+v", st)
	}
	st = mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: "chrome:Default", File: "/b/Cookies", Cookies: next})
	if !sameTotals(st, ImportStats{Unchanged: 98, Pruned: 3}) {
		t.Fatalf("prune %+v", st)
	}
	c, _ := j.Counts(ctx)
	if c.Total != 98 || c.Trash != 3 {
		t.Fatalf("counts %+v", c)
	}
	// Nothing changes: no undo step either.
	before, _, _ := j.LastChange(ctx)
	st = mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: "chrome:Default", File: "/b/Cookies", Cookies: next})
	if !sameTotals(st, ImportStats{Unchanged: 98}) {
		t.Fatalf("same again %+v", st)
	}
	after, _, _ := j.LastChange(ctx)
	if after != before {
		t.Fatalf("an import that changed nothing recorded %+v", after)
	}
	// Another source is untouched by a prune of this one.
	other := makeCookies(5, 4, testNow, "file:cookies.txt")
	mustImport(t, j, ImportOptions{}, Batch{Source: "file:cookies.txt", File: "cookies.txt", Cookies: other})
	mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: "chrome:Default", File: "/b/Cookies", Cookies: next[:10]})
	srcs, err := j.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Source != "chrome:Default" || srcs[0].Count != 10 || srcs[0].File != "/b/Cookies" ||
		!srcs[0].LastImport.Equal(testNow) || srcs[1].Count != 5 {
		t.Fatalf("sources %+v", srcs)
	}
}

func TestImportErrors(t *testing.T) {
	j, _ := openTest(t)
	_, err := j.Import(context.Background(), []Batch{{Cookies: makeCookies(1, 1, testNow, "")}}, ImportOptions{})
	if err == nil {
		t.Fatal("a batch without source was accepted")
	}
}

func TestTimesAndZero(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	epoch := time.Unix(0, 0).UTC()
	cs := []cookie.Cookie{
		{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "zero", Session: true},
		{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "epoch", Expires: cookie.TimeOf(epoch), Created: cookie.TimeOf(epoch)},
		{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "far", Expires: cookie.TimeOf(time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC))},
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]cookie.Cookie{}
	for _, c := range all {
		got[c.Name] = c
	}
	if !got["zero"].Expires.IsZero() || !got["zero"].Created.IsZero() {
		t.Errorf("zero time came back as %v", got["zero"].Expires)
	}
	if !got["epoch"].Expires.Equal(cookie.TimeOf(epoch)) || got["epoch"].Expires.IsZero() || !got["epoch"].Created.Equal(cookie.TimeOf(epoch)) {
		t.Errorf("epoch came back as %v", got["epoch"].Expires)
	}
	if got["far"].Expires.Time().Year() != 9999 {
		t.Errorf("year 9999 came back as %v", got["far"].Expires)
	}
}

func TestUndoExact(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t, WithClassifier(&testClassifier{version: "1"}))
	base := makeCookies(300, 5, testNow, "firefox:default")
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", Cookies: base})
	all, _ := j.All(ctx)
	ids := []int64{all[0].ID, all[7].ID, all[42].ID}
	if _, err := j.Delete(ctx, []int64{all[100].ID, all[101].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := j.SetPurpose(ctx, []int64{all[5].ID}, cookie.PurposeSession); err != nil {
		t.Fatal(err)
	}

	changed := append([]cookie.Cookie(nil), base[20:]...)
	for i := range changed[:50] {
		changed[i].Value += "x"
	}
	trashed, _ := j.Trash(ctx)
	ops := []struct {
		name string
		do   func() error
	}{
		{"import", func() error {
			_, err := j.Import(ctx, []Batch{{Source: "firefox:default", Cookies: changed}, {Source: "other", Cookies: makeCookies(30, 8, testNow, "other")}}, ImportOptions{Prune: true})
			return err
		}},
		{"edit", func() error {
			c, err := j.Get(ctx, all[10].ID)
			if err != nil {
				return err
			}
			c.Value, c.Name, c.Secure, c.Session, c.Expires = "edited", "renamed", true, true, cookie.Time{}
			c.SameSite = cookie.SameSiteLax
			c.Partition = cookie.Partition{}
			c.Path = "/"
			if strings.HasPrefix(c.Domain, ".") {
				c.HostOnly = false
			}
			return j.Update(ctx, c)
		}},
		{"delete", func() error { _, err := j.Delete(ctx, ids); return err }},
		{"purge", func() error { _, err := j.Purge(ctx, cookie.MustParseFilter("domain:example.com")); return err }},
		{"verdict", func() error { _, err := j.SetPurpose(ctx, ids, cookie.PurposePersonalization); return err }},
		{"clear-verdict", func() error { _, err := j.ClearVerdict(ctx, []int64{all[5].ID}); return err }},
		{"restore", func() error { _, err := j.Restore(ctx, []int64{trashed[0].ID}); return err }},
		{"restore-all", func() error { _, err := j.Restore(ctx, nil); return err }},
	}
	for _, op := range ops {
		before := dump(t, j)
		last, _, _ := j.LastChange(ctx)
		if err := op.do(); err != nil {
			t.Fatalf("%s: %v", op.name, err)
		}
		if dump(t, j) == before {
			t.Fatalf("%s changed nothing", op.name)
		}
		ch, err := j.Undo(ctx)
		if err != nil {
			t.Fatalf("undo %s: %v", op.name, err)
		}
		if after := dump(t, j); after != before {
			t.Fatalf("undo %s (%+v) did not restore the jar:\n%s", op.name, ch, firstDiff(before, after))
		}
		if l, _, _ := j.LastChange(ctx); l != last {
			t.Fatalf("after undo %s the last change is %+v, want %+v", op.name, l, last)
		}
	}

	// Several levels: do them all, then undo them all.
	// (An op that finds nothing to do records no step: skip it.)
	var dumps, names []string
	for _, op := range ops {
		d := dump(t, j)
		last, _, _ := j.LastChange(ctx)
		if err := op.do(); err != nil {
			t.Fatalf("%s: %v", op.name, err)
		}
		if l, _, _ := j.LastChange(ctx); l != last {
			dumps, names = append(dumps, d), append(names, op.name)
		}
	}
	if len(dumps) < 6 {
		t.Fatalf("only %d of the changes recorded a step: %v", len(dumps), names)
	}
	for i := len(dumps) - 1; i >= 0; i-- {
		if _, err := j.Undo(ctx); err != nil {
			t.Fatal(err)
		}
		if got := dump(t, j); got != dumps[i] {
			t.Fatalf("undoing %s after the changes that followed it did not restore the jar:\n%s", names[i], firstDiff(dumps[i], got))
		}
	}
	// Down to the first changes, then nothing.
	for {
		_, err := j.Undo(ctx)
		if errors.Is(err, ErrNothingToUndo) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if c, _ := j.Counts(ctx); c.Total != 0 || c.Trash != 0 {
		t.Fatalf("undoing everything left %+v", c)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(same)"
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }
func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestHistoryBounded(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(historyLimit+10, 1, testNow, "s")})
	all, _ := j.All(ctx)
	for i := 0; i < historyLimit+5; i++ {
		if _, err := j.Delete(ctx, []int64{all[i].ID}); err != nil {
			t.Fatal(err)
		}
	}
	hist, _ := j.History(ctx)
	if len(hist) != historyLimit {
		t.Fatalf("history has %d entries, want %d", len(hist), historyLimit)
	}
	if n := count(t, j.db, `SELECT count(*) FROM undo_cookies WHERE change_id NOT IN (SELECT id FROM changes)`); n != 0 {
		t.Fatalf("%d orphaned before-images", n)
	}
}

func TestTrash(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	cs := makeCookies(10, 2, testNow, "s")
	// Cookies without a store key (as from a cookies.txt): a deletion of
	// them is not pending write-back, so a re-import brings them back
	// (pending_test.go covers store cookies).
	for i := range cs {
		cs[i].OriginalKey = ""
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, _ := j.All(ctx)
	n, err := j.Delete(ctx, []int64{all[0].ID, all[1].ID, 999999})
	if err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if _, err := j.Get(ctx, all[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted cookie still live: %v", err)
	}
	tr, err := j.Trash(ctx)
	if err != nil || len(tr) != 2 {
		t.Fatal(tr, err)
	}
	if !tr[0].DeletedAt.Equal(testNow) {
		t.Errorf("DeletedAt %v", tr[0].DeletedAt)
	}
	// A re-import brings the cookie back as live; restoring the trashed
	// copy then replaces the live one, which goes to the trash.
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	c, _ := j.Counts(ctx)
	if c.Total != 10 || c.Trash != 2 {
		t.Fatalf("%+v", c)
	}
	// The live copy is as new as the trashed one: restore keeps it
	// (issue 8 item 11) and counts the entry as skipped.
	n, skipped, err := j.RestoreCounted(ctx, []int64{tr[0].ID})
	if err != nil || n != 0 || skipped != 1 {
		t.Fatal(n, skipped, err)
	}
	c, _ = j.Counts(ctx)
	if c.Total != 10 || c.Trash != 2 {
		t.Fatalf("restore over a live cookie: %+v", c)
	}
	n, err = j.EmptyTrash(ctx)
	if err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if tr, _ := j.Trash(ctx); len(tr) != 0 {
		t.Fatalf("trash not empty: %d", len(tr))
	}
	// Emptying cannot be undone: undo reverts the change before it and the
	// trash stays empty.
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if tr, _ := j.Trash(ctx); len(tr) != 0 {
		t.Fatalf("undo brought back emptied cookies: %d", len(tr))
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, _ = j.All(ctx)
	if _, err := j.Delete(ctx, []int64{all[0].ID, all[1].ID}); err != nil {
		t.Fatal(err)
	}
	n, err = j.Restore(ctx, nil)
	if err != nil || n != 2 {
		t.Fatal(n, err)
	}
}

func TestVerdictSurvives(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	cl := &testClassifier{version: "1"}
	j, err := Open(path, WithClock(func() time.Time { return testNow }), WithClassifier(cl))
	if err != nil {
		t.Fatal(err)
	}
	cs := []cookie.Cookie{
		{Source: "s", Domain: ".example.com", Path: "/", Name: "_ga", Value: "1", Session: true},
		{Source: "s", Domain: ".example.com", Path: "/", Name: "_gat", Value: "1", Session: true},
		{Source: "s", Domain: ".example.com", Path: "/", Name: "other", Value: "1", Session: true},
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	byName := func(j *Jar) map[string]cookie.Cookie {
		all, err := j.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]cookie.Cookie{}
		for _, c := range all {
			m[c.Name] = c
		}
		return m
	}
	m := byName(j)
	if m["_ga"].Purpose != cookie.PurposeTracking || m["_ga"].Reason != "analytics 1" {
		t.Fatalf("not classified: %+v", m["_ga"])
	}
	if _, err := j.SetPurpose(ctx, []int64{m["_ga"].ID}, cookie.PurposeSession); err != nil {
		t.Fatal(err)
	}
	check := func(when string, j *Jar) {
		t.Helper()
		m := byName(j)
		if c := m["_ga"]; c.Purpose != cookie.PurposeSession || c.VerdictBy != cookie.EvidenceUser {
			t.Fatalf("%s: verdict lost: %+v", when, c)
		}
	}
	check("after SetPurpose", j)
	if st := mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs}); st.Unchanged != 3 {
		t.Fatalf("re-import after verdict: %+v", st)
	}
	check("re-import", j)
	mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: "s", Cookies: cs[1:]})
	if _, ok := byName(j)["_ga"]; ok {
		t.Fatal("prune kept _ga")
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	check("prune and re-import", j)
	j.Close()

	// New knowledge: everything but the user's verdict is classified again,
	// without an undo step.
	j2, err := Open(path, WithClock(func() time.Time { return testNow }), WithClassifier(&testClassifier{version: "2"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	lastBefore, _, _ := j2.LastChange(ctx)
	check("classifier version change", j2)
	if c := byName(j2)["_gat"]; c.Reason != "analytics 2" {
		t.Fatalf("not re-classified: %+v", c)
	}
	if l, _, _ := j2.LastChange(ctx); l != lastBefore {
		t.Fatal("re-classification recorded an undo step")
	}
	var v string
	j2.db.QueryRow(`SELECT value FROM meta WHERE key = 'classifier_version'`).Scan(&v)
	if v != "2" {
		t.Fatalf("classifier version recorded %q", v)
	}
	// Clearing the verdict hands the cookie back to the classifier.
	if _, err := j2.ClearVerdict(ctx, []int64{byName(j2)["_ga"].ID}); err != nil {
		t.Fatal(err)
	}
	if c := byName(j2)["_ga"]; c.Purpose != cookie.PurposeTracking || c.VerdictBy != cookie.EvidenceName {
		t.Fatalf("after ClearVerdict: %+v", c)
	}
	mustImport(t, j2, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	if c := byName(j2)["_ga"]; c.Purpose != cookie.PurposeTracking {
		t.Fatalf("cleared verdict came back: %+v", c)
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	cs := []cookie.Cookie{
		{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "one", Value: "1", Session: true},
		{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "two", Value: "2", Session: true},
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, _ := j.All(ctx)
	one := all[0]
	one.Name = "two"
	var inv *cookie.InvalidError
	if err := j.Update(ctx, one); !errors.As(err, &inv) || inv.Field != "name" {
		t.Fatalf("identity collision: %v", err)
	}
	one.Name = "uno"
	one.Value = "eins"
	one.Purpose, one.VerdictBy = cookie.PurposePersonalization, cookie.EvidenceUser
	if err := j.Update(ctx, one); err != nil {
		t.Fatal(err)
	}
	got, err := j.Get(ctx, one.ID)
	if err != nil || got.Name != "uno" || got.Value != "eins" || got.Purpose != cookie.PurposePersonalization {
		t.Fatalf("%+v %v", got, err)
	}
	// The verdict follows the renamed cookie across re-import.
	if n := count(t, j.db, `SELECT count(*) FROM verdicts WHERE name = 'uno'`); n != 1 {
		t.Fatalf("verdict rows for the new name: %d", n)
	}
	one.Value = "bad;value"
	if err := j.Update(ctx, one); !errors.As(err, &inv) || err.Error() != "value: must not contain ';' (RFC 6265)" {
		t.Fatalf("got %v", err)
	}
	one.ID = 424242
	one.Value = "ok"
	if err := j.Update(ctx, one); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing id: %v", err)
	}
}

func TestQuery(t *testing.T) {
	ctx := context.Background()
	j, path := openTest(t)
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(1000, 11, testNow, "s")})
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The SQL first page and the snapshot agree on the default order.
	j.cache = nil
	page, total, err := j.Query(ctx, Query{Limit: 20, Offset: 10})
	if err != nil || total != 1000 || len(page) != 20 {
		t.Fatal(len(page), total, err)
	}
	for i := range page {
		if page[i].ID != all[10+i].ID {
			t.Fatalf("SQL page row %d is %d, snapshot has %d", i, page[i].ID, all[10+i].ID)
		}
	}
	for i := 1; i < len(all); i++ {
		if cookie.Site(all[i-1].Domain) > cookie.Site(all[i].Domain) {
			t.Fatalf("All not ordered by site at %d", i)
		}
	}
	f := cookie.MustParseFilter("is:secure -is:session")
	got, total, err := j.Query(ctx, Query{Filter: f, Sort: SortExpires, Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range all {
		if f.Match(&all[i], testNow) {
			want++
		}
	}
	if total != want || len(got) != want {
		t.Fatalf("total %d, len %d, want %d", total, len(got), want)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Expires.Before(got[i].Expires) {
			t.Fatalf("not sorted by expiry, descending, at %d", i)
		}
	}
	// The folded fast path for free words agrees with Match.
	for _, text := range []string{"EXAMPLE -is:session", "s1", "-goog name:_GA", "%", "é"} {
		f := cookie.MustParseFilter(text)
		want := 0
		for i := range all {
			if f.Match(&all[i], testNow) {
				want++
			}
		}
		if _, total, err := j.Query(ctx, Query{Filter: f, Limit: 3}); err != nil || total != want {
			t.Fatalf("%q: total %d, want %d (%v)", text, total, want, err)
		}
	}
	for _, k := range []SortKey{SortName, SortPurpose, SortSource, SortCreated} {
		if _, n, err := j.Query(ctx, Query{Sort: k, Limit: 5}); err != nil || n != 1000 {
			t.Fatal(k, n, err)
		}
	}
	// Another handle's write is seen at once: the snapshot follows
	// PRAGMA data_version.
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Delete(ctx, []int64{all[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := j.Query(ctx, Query{Filter: cookie.MustParseFilter("is:secure")}); total == 0 {
		t.Fatal("no secure cookies")
	}
	if cs, _ := j.All(ctx); len(cs) != 999 {
		t.Fatalf("stale snapshot: %d", len(cs))
	}
	// Our own write, through the pool, is seen too.
	if _, err := j.Delete(ctx, []int64{all[1].ID}); err != nil {
		t.Fatal(err)
	}
	if cs, _ := j.All(ctx); len(cs) != 998 {
		t.Fatalf("stale snapshot after own write: %d", len(cs))
	}
	counts, _ := j.Counts(ctx)
	sum := 0
	for _, n := range counts.ByPurpose {
		sum += n
	}
	if counts.Total != 998 || sum != 998 || counts.Trash != 2 {
		t.Fatalf("%+v", counts)
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "crumbs")
	path := filepath.Join(dir, "jar.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(10, 1, testNow, "s")})
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			if p == path {
				t.Fatal(err)
			}
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", p, st.Mode().Perm())
		}
	}
	st, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("dir has mode %v", st.Mode().Perm())
	}
	j.Close()
	if p := j.Path(); p != path {
		t.Errorf("Path %q", p)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	expect := func(name, path, mention string) {
		t.Helper()
		j, err := Open(path)
		if err == nil {
			j.Close()
			t.Fatalf("%s: opened", name)
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), mention) {
			t.Fatalf("%s: %v (want the path and %q)", name, err, mention)
		}
	}
	text := filepath.Join(dir, "text.db")
	os.WriteFile(text, []byte("hello, this is not a database at all, but it is long enough"), 0o600)
	expect("text file", text, "not a SQLite database")

	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	expect("another program's database", other, "not a crumbs jar")

	newer := filepath.Join(dir, "newer.db")
	j, err := Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	j.db.Exec(`PRAGMA user_version = 99`)
	j.Close()
	expect("newer schema", newer, fmt.Sprintf("newer crumbs (schema 99, this build knows %d)", schemaVersion))

	file := filepath.Join(dir, "plainfile")
	os.WriteFile(file, nil, 0o600)
	expect("parent is a file", filepath.Join(file, "jar.db"), "not a directory")
	expect("a directory", dir, "not a regular file")

	if os.Geteuid() == 0 {
		t.Log("read-only directory: skipped, root ignores permissions")
		return
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	expect("read-only directory", filepath.Join(ro, "jar.db"), "cannot create")
	os.Chmod(ro, 0o700)
}

func TestUndoAfterReclassification(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jar.db")
	j, err := Open(path, WithClassifier(&testClassifier{version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	cs := []cookie.Cookie{{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "_ga", Value: "1", Session: true}}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, _ := j.All(ctx)
	j.Delete(ctx, []int64{all[0].ID})
	j.Close()
	j, err = Open(path, WithClassifier(&testClassifier{version: "2"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ = j.All(ctx)
	if len(all) != 1 || all[0].Reason != "analytics 2" {
		t.Fatalf("restored with old knowledge: %+v", all)
	}
}

func TestImportDuplicatesAndDryRun(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	a := cookie.Cookie{Source: "s", Domain: "a.com", HostOnly: true, Path: "/", Name: "x", Value: "1", Session: true}
	b := a
	b.Value = "2"
	// More than one insert chunk before the duplicate, to cross a flush.
	many := makeCookies(100, 1, testNow, "s")
	batch := append(append([]cookie.Cookie{a}, many...), b)
	st := mustImport(t, j, ImportOptions{DryRun: true}, Batch{Source: "s", File: "f", Cookies: batch})
	if st.Added != 101 || st.Updated != 1 {
		t.Fatalf("dry run %+v", st)
	}
	if srcs, _ := j.Sources(ctx); len(srcs) != 0 {
		t.Fatalf("dry run recorded a source: %+v", srcs)
	}
	st = mustImport(t, j, ImportOptions{}, Batch{Source: "s", File: "f", Cookies: batch})
	if st.Added != 101 || st.Updated != 1 {
		t.Fatalf("import %+v", st)
	}
	all, _ := j.All(ctx)
	if len(all) != 101 {
		t.Fatalf("%d cookies", len(all))
	}
	for _, c := range all {
		if c.Name == "x" && c.Value != "2" {
			t.Fatalf("the later duplicate should win: %q", c.Value)
		}
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := j.Counts(ctx); c.Total != 0 {
		t.Fatalf("undo left %+v", c)
	}
}

func TestAllParallelRead(t *testing.T) {
	ctx := context.Background()
	smallRanges(t)
	half := rangedReadRows * 3 / 4 // 15,000
	j, _ := openTest(t)
	mustImport(t, j, ImportOptions{}, Batch{Source: "a", Cookies: makeCookies(half, 1, testNow, "a")})
	mustImport(t, j, ImportOptions{}, Batch{Source: "b", Cookies: makeCookies(half, 2, testNow, "b")})
	all, _ := j.All(ctx)
	j.Delete(ctx, []int64{all[3].ID, all[rangedReadRows].ID})
	got, err := j.All(ctx) // 29,998 rows: read in ranges
	if err != nil {
		t.Fatal(err)
	}
	rows, err := j.db.Query(selectCookies)
	if err != nil {
		t.Fatal(err)
	}
	want, err := scanCookies(rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	want = sortDefault(want)
	if len(got) != len(want) || len(got) != 2*half-2 {
		t.Fatalf("%d cookies, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			t.Fatalf("row %d: id %d, want %d", i, got[i].ID, want[i].ID)
		}
	}
}
