package jar

import (
	"context"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestMigrateFileSources (issue 9 item 4): a schema-5 jar whose file
// sources are named by base name gets one source per file, by the path it
// was last imported from — cookies, trash, verdicts and undo alike — and
// loses no cookie.
func TestMigrateFileSources(t *testing.T) {
	ctx := context.Background()
	j, path := openTest(t)
	a := makeCookies(40, 1, testNow, "file:cookies.txt")
	b := makeCookies(30, 2, testNow, "firefox:default-release")
	mustImport(t, j, ImportOptions{},
		Batch{Source: "file:cookies.txt", File: "/home/u/Downloads/cookies.txt", Cookies: a},
		Batch{Source: "firefox:default-release", File: "/home/u/.mozilla/firefox/x.default", Cookies: b})
	cs, _, err := j.Query(ctx, Query{Filter: cookie.MustParseFilter("source:file:")})
	if err != nil || len(cs) != 40 {
		t.Fatalf("%d file cookies (%v)", len(cs), err)
	}
	if _, err := j.SetPurpose(ctx, []int64{cs[0].ID}, cookie.PurposeTracking); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Delete(ctx, []int64{cs[1].ID}); err != nil {
		t.Fatal(err)
	}
	total := func(j *Jar) (live, trash int) {
		live = count(t, j.db, `SELECT count(*) FROM live`)
		trash = count(t, j.db, `SELECT count(*) FROM trash`)
		return
	}
	live0, trash0 := total(j)
	// Make it a schema-5 jar: the tables are the same, the version is not.
	if _, err := j.db.Exec(`PRAGMA user_version = 5`); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j2, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	live, trash := total(j2)
	if live != live0 || trash != trash0 {
		t.Fatalf("migration changed counts: %d live %d trash, was %d %d", live, trash, live0, trash0)
	}
	const want = "file:/home/u/Downloads/cookies.txt"
	for _, q := range []string{
		`SELECT count(*) FROM cookies WHERE source = 'file:cookies.txt'`,
		`SELECT count(*) FROM trash WHERE source = 'file:cookies.txt'`,
		`SELECT count(*) FROM verdicts WHERE source = 'file:cookies.txt'`,
		`SELECT count(*) FROM sources WHERE source = 'file:cookies.txt'`,
	} {
		if n := count(t, j2.db, q); n != 0 {
			t.Errorf("%s: %d rows keep the old id", q, n)
		}
	}
	if n := count(t, j2.db, `SELECT count(*) FROM live WHERE source = '`+want+`'`); n != 39 {
		t.Errorf("%d live cookies under %s, want 39", n, want)
	}
	if n := count(t, j2.db, `SELECT count(*) FROM verdicts WHERE source = '`+want+`'`); n != 1 {
		t.Errorf("the verdict did not follow: %d", n)
	}
	if n := count(t, j2.db, `SELECT count(*) FROM cookies WHERE source = 'firefox:default-release'`); n != 30 {
		t.Errorf("a browser source changed: %d", n)
	}
	var v int
	j2.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	if v != schemaVersion {
		t.Errorf("user_version %d", v)
	}
	// Undo still works across the migration: the delete comes back.
	if _, err := j2.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, j2.db, `SELECT count(*) FROM cookies WHERE source = '`+want+`'`); n != 40 {
		t.Errorf("after undo %d cookies under %s, want 40", n, want)
	}
}
