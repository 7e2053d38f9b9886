package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// protectJar is a jar with github.com (a session cookie and two trackers),
// tracker.net (two trackers) and example.com (one session, one tracker).
func protectJar(t *testing.T, opts ...Option) *Jar {
	t.Helper()
	j, _ := openTest(t, opts...)
	exp := testNow.Add(30 * 24 * time.Hour)
	mk := func(domain, name string, p cookie.Purpose) cookie.Cookie {
		return cookie.Cookie{Source: "firefox:default", Domain: domain, Path: "/", Name: name, Value: "v",
			Expires: cookie.TimeOf(exp), Purpose: p, Reason: "test"}
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", Cookies: []cookie.Cookie{
		mk(".github.com", "user_session", cookie.PurposeSession),
		mk(".github.com", "_ga", cookie.PurposeTracking),
		mk("api.github.com", "_octo", cookie.PurposeTracking),
		mk(".tracker.net", "uid", cookie.PurposeTracking),
		mk(".tracker.net", "id", cookie.PurposeTracking),
		mk(".example.com", "sid", cookie.PurposeSession),
		mk(".example.com", "_gid", cookie.PurposeTracking),
	}})
	return j
}

func liveNames(t *testing.T, j *Jar) map[string]string {
	t.Helper()
	cs, err := j.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		out[c.Host()+" "+c.Name] = c.ProtectedBy
	}
	return out
}

func TestProtectPurgeKeepsAndCounts(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t)
	p, added, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com"))
	if err != nil || !added || p.ID == 0 || p.Text != "domain:github.com" || p.FromFile() {
		t.Fatalf("Protect: %+v %v %v", p, added, err)
	}
	// The same filter spelled otherwise is the same protection: no step.
	before, _ := j.History(ctx)
	if p2, added, err := j.Protect(ctx, cookie.MustParseFilter("domain:GitHub.com")); err != nil || added || p2.ID != p.ID {
		t.Fatalf("Protect again: %+v %v %v", p2, added, err)
	}
	if after, _ := j.History(ctx); len(after) != len(before) {
		t.Fatalf("a repeated protect recorded a step: %d → %d", len(before), len(after))
	}

	live := liveNames(t, j)
	if live["github.com _ga"] != "domain:github.com" || live["api.github.com _octo"] != "domain:github.com" || live["tracker.net uid"] != "" {
		t.Fatalf("ProtectedBy after protect: %v", live)
	}
	prot, _, err := j.Query(ctx, Query{Filter: cookie.MustParseFilter("is:protected")})
	if err != nil || len(prot) != 3 {
		t.Fatalf("is:protected: %d cookies, %v", len(prot), err)
	}
	unprot, _, _ := j.Query(ctx, Query{Filter: cookie.MustParseFilter("-is:protected purpose:tracking")})
	if len(unprot) != 3 {
		t.Fatalf("-is:protected purpose:tracking: %d cookies, want 3", len(unprot))
	}

	r, err := j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), RemoveOptions{})
	if err != nil || r.Moved != 3 || r.Kept != 2 || r.Protected != 0 {
		t.Fatalf("purge: %+v %v", r, err)
	}
	live = liveNames(t, j)
	if _, ok := live["github.com _ga"]; !ok || len(live) != 4 {
		t.Fatalf("after purge: %v", live)
	}
	last, _, _ := j.LastChange(ctx)
	if last.Summary != "purge purpose:tracking: 3 cookies, kept 2 protected" {
		t.Fatalf("summary %q", last.Summary)
	}
	// Nothing left to take but protected cookies: no step, still counted.
	r, err = j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), RemoveOptions{})
	if err != nil || r.Moved != 0 || r.Kept != 2 {
		t.Fatalf("second purge: %+v %v", r, err)
	}
	if again, _, _ := j.LastChange(ctx); again.ID != last.ID {
		t.Fatal("a purge that moved nothing recorded a step")
	}

	// Unprotect, then purge takes them.
	if _, err := j.Unprotect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	if n, err := j.Purge(ctx, cookie.MustParseFilter("purpose:tracking")); err != nil || n != 2 {
		t.Fatalf("purge after unprotect: %d %v", n, err)
	}
	if live := liveNames(t, j); len(live) != 2 {
		t.Fatalf("after the second purge: %v", live)
	}
	if _, err := j.Unprotect(ctx, cookie.MustParseFilter("domain:github.com")); !errors.Is(err, ErrNotProtected) {
		t.Fatalf("unprotect twice: %v", err)
	}
}

func TestPurgeIncludeProtected(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	r, err := j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), RemoveOptions{IncludeProtected: true})
	if err != nil || r.Moved != 5 || r.Kept != 0 || r.Protected != 2 {
		t.Fatalf("purge --include-protected: %+v %v", r, err)
	}
	last, _, _ := j.LastChange(ctx)
	if last.Summary != "purge purpose:tracking: 5 cookies (2 of them protected)" {
		t.Fatalf("summary %q", last.Summary)
	}
	// The trash names the protection that would cover its cookies.
	ts, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prot := 0
	for _, tr := range ts {
		if tr.ProtectedBy == "domain:github.com" {
			prot++
		}
	}
	if len(ts) != 5 || prot != 2 {
		t.Fatalf("trash: %d entries, %d marked protected", len(ts), prot)
	}
}

func TestDeleteHonoursProtections(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:example.com name:sid")); err != nil {
		t.Fatal(err)
	}
	cs, _, _ := j.Query(ctx, Query{Filter: cookie.MustParseFilter("domain:example.com")})
	if len(cs) != 2 {
		t.Fatal(len(cs))
	}
	r, err := j.DeleteWith(ctx, ids(cs), RemoveOptions{})
	if err != nil || r.Moved != 1 || r.Kept != 1 {
		t.Fatalf("bulk delete: %+v %v", r, err)
	}
	if n, err := j.Delete(ctx, ids(cs)); err != nil || n != 0 {
		t.Fatalf("Delete of a protected cookie: %d %v", n, err)
	}
	left, _, _ := j.Query(ctx, Query{Filter: cookie.MustParseFilter("domain:example.com")})
	if len(left) != 1 || left[0].Name != "sid" || left[0].ProtectedBy != "domain:example.com name:sid" {
		t.Fatalf("left: %+v", left)
	}
	got, err := j.Get(ctx, left[0].ID)
	if err != nil || got.ProtectedBy != "domain:example.com name:sid" {
		t.Fatalf("Get: %q %v", got.ProtectedBy, err)
	}
	// A single delete the user confirmed takes it.
	r, err = j.DeleteWith(ctx, ids(left), RemoveOptions{IncludeProtected: true})
	if err != nil || r.Moved != 1 || r.Protected != 1 {
		t.Fatalf("confirmed delete: %+v %v", r, err)
	}
}

func ids(cs []cookie.Cookie) []int64 {
	out := make([]int64, len(cs))
	for i := range cs {
		out[i] = cs[i].ID
	}
	return out
}

func TestProtectUndo(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t)
	start := dump(t, j)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	last, _, _ := j.LastChange(ctx)
	if last.Kind != kindProtect || last.Summary != "protect domain:github.com (3 cookies now)" {
		t.Fatalf("step %+v", last)
	}
	protected := dump(t, j)
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != start {
		t.Fatalf("undo of protect:\n%s\nwant\n%s", got, start)
	}
	if ps, _ := j.Protections(ctx); len(ps) != 0 {
		t.Fatalf("protections after undo: %+v", ps)
	}
	if live := liveNames(t, j); live["github.com _ga"] != "" {
		t.Fatalf("still marked after undo: %v", live)
	}

	// Undo of unprotect puts it back exactly.
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	protected = dump(t, j)
	if _, err := j.Unprotect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, j); got != protected {
		t.Fatalf("undo of unprotect:\n%s\nwant\n%s", got, protected)
	}

	// Undo of an unrelated change keeps the protection.
	if _, err := j.Purge(ctx, cookie.MustParseFilter("domain:tracker.net")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if ps, _ := j.Protections(ctx); len(ps) != 1 || ps[0].Text != "domain:github.com" {
		t.Fatalf("protections after an unrelated undo: %+v", ps)
	}
}

func TestProtectionsSurviveReimportAndPrune(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t, WithClassifier(&testClassifier{version: "1"}))
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	all, _ := j.All(ctx)
	var keep []cookie.Cookie
	for _, c := range all {
		if c.Name != "_octo" && c.Name != "uid" {
			c.ID, c.ProtectedBy = 0, ""
			keep = append(keep, c)
		}
	}
	keep = append(keep, cookie.Cookie{Source: "firefox:default", Domain: "gist.github.com", HostOnly: true, Path: "/",
		Name: "_ga_new", Value: "x", Expires: cookie.TimeOf(testNow.Add(time.Hour))})
	st := mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: "firefox:default", Cookies: keep})
	if st.Pruned != 2 || st.Added != 1 {
		t.Fatalf("re-import: %+v", st)
	}
	ps, _ := j.Protections(ctx)
	if len(ps) != 1 || ps[0].Text != "domain:github.com" {
		t.Fatalf("protections after re-import --prune: %+v", ps)
	}
	live := liveNames(t, j)
	if live["gist.github.com _ga_new"] != "domain:github.com" || live["github.com _ga"] != "domain:github.com" {
		t.Fatalf("marks after re-import: %v", live)
	}
	// A knowledge update (new classifier version) keeps them too.
	j.Close()
	j2, err := Open(j.Path(), WithClock(func() time.Time { return testNow }), WithClassifier(&testClassifier{version: "2"}))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if ps, _ := j2.Protections(ctx); len(ps) != 1 {
		t.Fatalf("after reclassification: %+v", ps)
	}
}

func TestFileProtections(t *testing.T) {
	ctx := context.Background()
	fp, err := FileProtection("domain:tracker.net", "/home/u/.config/crumbs/rules.toml", 7)
	if err != nil {
		t.Fatal(err)
	}
	j := protectJar(t, WithFileProtections(fp))
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	ps, err := j.Protections(ctx)
	if err != nil || len(ps) != 2 || !ps[0].FromFile() || ps[0].Origin() != "/home/u/.config/crumbs/rules.toml:7" || ps[1].Origin() != "jar" {
		t.Fatalf("Protections: %+v %v", ps, err)
	}
	// Protecting what the file protects already changes nothing.
	if p, added, err := j.Protect(ctx, cookie.MustParseFilter("domain:tracker.net")); err != nil || added || !p.FromFile() {
		t.Fatalf("Protect of a file protection: %+v %v %v", p, added, err)
	}
	var fe *FileProtectionError
	if _, err := j.Unprotect(ctx, cookie.MustParseFilter("domain:tracker.net")); !errors.As(err, &fe) || fe.Protection.Line != 7 {
		t.Fatalf("Unprotect of a file protection: %v", err)
	}
	r, err := j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), RemoveOptions{})
	if err != nil || r.Moved != 1 || r.Kept != 4 {
		t.Fatalf("purge with a file protection: %+v %v", r, err)
	}
	if _, err := FileProtection("is:protected", "f", 1); err == nil {
		t.Fatal("a file protection with is:protected was accepted")
	}
}

func TestProtectRefuses(t *testing.T) {
	j := protectJar(t)
	for _, f := range []string{"", "is:protected", "domain:x.com -is:protected"} {
		if _, _, err := j.Protect(context.Background(), cookie.MustParseFilter(f)); err == nil {
			t.Errorf("Protect(%q) accepted", f)
		}
	}
}

// TestProtectorOnModelCookies: the matcher works on cookies that are not in
// any jar (write-back reads them straight from a browser store).
func TestProtectorOnModelCookies(t *testing.T) {
	ctx := context.Background()
	j := protectJar(t)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:example.com name:sid")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:example.com")); err != nil {
		t.Fatal(err)
	}
	pr, err := j.Protector(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs := []cookie.Cookie{
		{Source: "chrome:Default", Domain: "www.example.com", HostOnly: true, Path: "/", Name: "sid"},
		{Source: "chrome:Default", Domain: ".example.com", Path: "/", Name: "_ga"},
		{Source: "chrome:Default", Domain: "example.org", HostOnly: true, Path: "/", Name: "sid"},
	}
	if n := pr.Mark(cs, testNow); n != 2 {
		t.Fatalf("Mark: %d", n)
	}
	if cs[0].ProtectedBy != "domain:example.com name:sid" || cs[1].ProtectedBy != "domain:example.com" || cs[2].ProtectedBy != "" {
		t.Fatalf("marks: %q %q %q", cs[0].ProtectedBy, cs[1].ProtectedBy, cs[2].ProtectedBy)
	}
	if p, ok := pr.Match(&cs[2], testNow); ok {
		t.Fatalf("example.org matched %+v", p)
	}
	if got := pr.Covers(cs, testNow); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("Covers %v", got)
	}
	if !NewProtector(nil).Empty() || pr.Empty() {
		t.Fatal("Empty")
	}
}

// TestMigrateV2: a schema-2 jar with an undo step opens at schema 3, keeps
// every cookie, and the old step still undoes without touching protections
// added since.
func TestMigrateV2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(schemaTablesAt(2, colDefs()), `PRAGMA user_version = 2`, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)) {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	cs := makeCookies(20, 4, testNow, "s")
	for i := range cs {
		normalize(&cs[i])
		if _, err := db.Exec(`INSERT INTO cookies (id, `+colList+`) VALUES (?, `+placeholders(len(cookieColumns))+`)`,
			append([]any{int64(i + 1)}, rowArgs(&cs[i], cookie.Site(cs[i].Domain))...)...); err != nil {
			t.Fatal(err)
		}
	}
	// Step 1 added cookies 11…20 (max_cookie 10).
	if _, err := db.Exec(`INSERT INTO changes VALUES (1, 'import', 'import s', 10, ?, 10, 0, 0)`, toMicro(testNow)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	j, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx := context.Background()
	if n := count(t, j.db, `SELECT count(*) FROM cookies`); n != 20 {
		t.Fatalf("%d cookies after migration", n)
	}
	// A protection added outside any step (as if by a step that fell out of
	// the history) must survive the undo of the schema-2 step.
	if _, err := j.db.Exec(`INSERT INTO protections (filter, added) VALUES ('domain:github.com', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, j.db, `SELECT count(*) FROM cookies`); n != 10 {
		t.Fatalf("%d cookies after undo of the old step", n)
	}
	if ps, _ := j.Protections(ctx); len(ps) != 1 {
		t.Fatalf("protections after undo of a schema-2 step: %+v", ps)
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:example.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if ps, _ := j.Protections(ctx); len(ps) != 1 {
		t.Fatalf("protections after undo of protect: %+v", ps)
	}
}

// BenchmarkProtectorMark: marking 100k cookies against 20 site protections
// (what a snapshot costs on top of its read when protections exist).
func BenchmarkProtectorMark(b *testing.B) {
	cs := makeCookies(100_000, 9, testNow, "s")
	var ps []Protection
	for i := range 20 {
		f := cookie.MustParseFilter(fmt.Sprintf("domain:site%d.example", i))
		if i == 0 {
			f = cookie.MustParseFilter("domain:github.com")
		}
		ps = append(ps, Protection{Filter: f, Text: f.String()})
	}
	pr := NewProtector(ps)
	b.ResetTimer()
	for range b.N {
		pr.Mark(cs, testNow)
	}
}

// TestMarkEqualsMatch: Mark's per-domain shortcut gives what Match gives
// for every cookie, with site, cookie and mixed protections in any order.
func TestMarkEqualsMatch(t *testing.T) {
	cs := makeCookies(3000, 13, testNow, "s")
	var ps []Protection
	for _, text := range []string{"name:_ga", "domain:github.com", "domain:example.com -domain:s1.example.com",
		"domain:bbc.co.uk name:sessionid", "is:secure domain:localhost", "domain:doubleclick.net"} {
		f := cookie.MustParseFilter(text)
		ps = append(ps, Protection{Filter: f, Text: f.String()})
	}
	pr := NewProtector(ps)
	n := pr.Mark(cs, testNow)
	want := 0
	for i := range cs {
		p, ok := pr.Match(&cs[i], testNow)
		if !ok {
			p.Text = ""
		} else {
			want++
		}
		if cs[i].ProtectedBy != p.Text {
			t.Fatalf("cookie %s%s %s: Mark %q, Match %q", cs[i].Domain, cs[i].Path, cs[i].Name, cs[i].ProtectedBy, p.Text)
		}
	}
	if n != want || n == 0 || n == len(cs) {
		t.Fatalf("Mark counted %d, Match %d of %d", n, want, len(cs))
	}
}
