package jar

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// filterCorpus is a jar's worth of varied cookies plus ones made to trip a
// SQL translation of the filter: case, non-ASCII text that folds to ASCII
// (the Kelvin sign), unreadable values, expiry at exactly now.
// corpusN is how many generated cookies filterCorpus starts with (then
// its hand-made tricky ones). The race detector makes SQLite 10–20× slower,
// so there the corpus is smaller; it still holds every kind of cookie the
// filters pick, and the normal run keeps the full size.
var corpusN = map[bool]int{false: 3000, true: 1000}[raceEnabled]

func filterCorpus() []cookie.Cookie {
	cs := makeCookies(corpusN, 11, testNow, "chrome:Default")
	extra := []cookie.Cookie{
		{Name: "UPPER_GA", Value: "SeCrEt", Domain: ".EXAMPLE.com", Path: "/"},
		{Name: "\u212aelvin", Value: "\u212a", Domain: "\u212a.example.com", HostOnly: true, Path: "/"},
		{Name: "straße", Value: "STRASSE", Domain: ".xn--strae-oqa.de", Path: "/"},
		{Name: "unread", Domain: ".example.com", Path: "/", ValueUnreadable: true, UnreadableReason: "v20"},
		{Name: "now", Value: "x", Domain: ".example.com", Path: "/", Expires: cookie.TimeOf(testNow)},
		{Name: "justafter", Value: "x", Domain: ".example.com", Path: "/", Expires: cookie.TimeOf(testNow.Add(time.Microsecond))},
		// domain: is narrowed through the site column (domainSQL): sites
		// below a public suffix, a site shorter than the term, IP
		// addresses (and a name under one), a trailing dot, upper case, a
		// wildcard of LIKE in a name, labels that lower-casing makes longer
		// (İ), a long s that folds to ASCII "s" only under Unicode rules.
		{Name: "pages", Value: "x", Domain: ".user.github.io", Path: "/"},
		{Name: "deeppages", Value: "x", Domain: "a.b.user.github.io", HostOnly: true, Path: "/"},
		{Name: "ip", Value: "x", Domain: "10.1.2.3", HostOnly: true, Path: "/"},
		{Name: "underip", Value: "x", Domain: ".x.10.1.2.3", Path: "/"},
		{Name: "dot", Value: "x", Domain: ".trailing.example.net.", Path: "/"},
		{Name: "upper", Value: "x", Domain: "WWW.Shop.EXAMPLE.org", HostOnly: true, Path: "/"},
		{Name: "under", Value: "x", Domain: ".a_b.example.net", Path: "/"},
		{Name: "longs", Value: "x", Domain: ".example\u017f.com", Path: "/"},
		{Name: "dotted-i", Value: "x", Domain: ".\u0130stanbul.example.com", Path: "/"},
	}
	for i := range extra {
		extra[i].Source = "file:tricky.txt"
		if !extra[i].Session && extra[i].Expires.IsZero() {
			extra[i].Expires = cookie.TimeOf(testNow.Add(time.Hour))
		}
	}
	return append(cs, extra...)
}

// corpusJar is a jar holding filterCorpus, classified.
func corpusJar(t *testing.T) *Jar {
	t.Helper()
	j, _ := openTest(t, WithClassifier(&testClassifier{}))
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: filterCorpus()[:corpusN]},
		Batch{Source: "file:tricky.txt", Cookies: filterCorpus()[corpusN:]})
	return j
}

var corpusFilters = []string{
	"", "purpose:tracking", "-purpose:tracking,session", "is:session", "-is:session", "is:expired", "-is:expired",
	"is:secure is:httponly", "is:hostonly", "-is:partitioned", "is:unreadable", "is:protected", "-is:protected",
	"ga", "GA", "-ga", "secret", "kelvin", "elvin", "k", "-k", "strasse", "straße", "source:chrome", "-source:TRICKY",
	"name:_GA", "value:strasse", "-value:x", "domain:example.com", "-domain:example.com", "example -is:expired purpose:t",
	`"s1" is:secure`, "name:__host-",
	// alternatives: OR of compiled alternatives, or no narrowing when one cannot compile
	"domain:example.com | is:session", "-is:expired | domain:example.com", "purpose:tracking is:secure | -ga",
	"kelvin | is:unreadable", "-domain:example.com | -is:session name:_GA",
	// domain: terms (domainSQL)
	"domain:github.io", "domain:io", "domain:user.github.io", "domain:b.user.github.io", "domain:10.1.2.3",
	"domain:2.3", "domain:example.net.", "domain:trailing.example.net", "domain:www.shop.example.org",
	"domain:shop.example.org", "domain:a_b.example.net", "domain:axb.example.net", "domain:examples.com",
	"domain:k.example.com", "domain:\u212a.example.com", "domain:s1.google.com", "-domain:github.io", "vendor:google",
	"org:google", "domain:github.io | domain:10.1.2.3",
}

func TestCompiledFilterSelectsWhatMatchSelects(t *testing.T) {
	ctx := context.Background()
	j := corpusJar(t)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("name:sessionid")); err != nil {
		t.Fatal(err)
	}
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exact := 0
	for _, text := range corpusFilters {
		f := cookie.MustParseFilter(text)
		var want []int64
		for i := range all {
			if f.Match(&all[i], testNow) {
				want = append(want, all[i].ID)
			}
		}
		slices.Sort(want)
		fs := compileFilter(f, testNow)
		rows, err := j.db.QueryContext(ctx, `SELECT id FROM cookies`+fs.clause("WHERE")+` ORDER BY id`, fs.args...)
		if err != nil {
			t.Fatalf("%q: %s: %v", text, fs.where, err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			got = append(got, id)
		}
		rows.Close()
		if fs.exact {
			exact++
			if !slices.Equal(got, want) {
				t.Errorf("%q (exact, %s): SQL selects %d cookies, Match %d", text, fs.where, len(got), len(want))
			}
			continue
		}
		for _, id := range want {
			if _, ok := slices.BinarySearch(got, id); !ok {
				t.Errorf("%q (%s): Match selects cookie %d, the SQL condition does not", text, fs.where, id)
				break
			}
		}
	}
	if exact < 15 {
		t.Errorf("only %d of %d filters compiled exactly", exact, len(corpusFilters))
	}
}

// TestQueryWithoutSnapshotAgrees: a query on a jar without a snapshot (read
// through the compiled filter) answers exactly what the snapshot answers.
// TestSecondQueryBuildsSnapshot checks that only the first one goes so.
func TestQueryWithoutSnapshotAgrees(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jar.db")
	j0, err := Open(path, WithClock(func() time.Time { return testNow }), WithClassifier(&testClassifier{}))
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, j0, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: filterCorpus()})
	if _, _, err := j0.Protect(ctx, cookie.MustParseFilter("name:csrftoken")); err != nil {
		t.Fatal(err)
	}
	j0.Close()
	queries := []Query{{}, {Sort: SortName}, {Sort: SortExpires, Desc: true}, {Sort: SortPurpose, Offset: 7, Limit: 50}, {Desc: true, Limit: 3}}
	open := func() *Jar {
		jj, err := Open(path, WithClock(func() time.Time { return testNow }), WithClassifier(&testClassifier{}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { jj.Close() })
		return jj
	}
	// One handle that never builds a snapshot (every query is its first
	// filtered one), one that scans the snapshot built once.
	cold, warm := open(), open()
	if _, _, err := warm.Shared(ctx); err != nil {
		t.Fatal(err)
	}
	for _, text := range corpusFilters {
		direct := cold
		if text == "" {
			direct = open() // an unfiltered query builds the snapshot
		}
		for _, q := range queries {
			q.Filter = cookie.MustParseFilter(text)
			direct.directDone = false // each of these queries goes without a snapshot
			want, wantN, err := direct.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if direct.cache != nil && text != "" {
				t.Fatalf("%q: a query built a snapshot", text)
			}
			cs, n, err := warm.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if n != wantN || !reflect.DeepEqual(cs, want) {
				t.Errorf("%q %+v: without a snapshot %d of %d cookies, with one %d of %d, or they differ", text, q, len(want), wantN, len(cs), n)
			}
		}
	}
	if warm.cache == nil {
		t.Fatal("the snapshot handle has no snapshot: the comparison proves nothing")
	}
}

// TestReimportOddBytesUnchanged: the identity key SQLite computes for the
// cookies a jar holds (identityKeySQL) is the one Go computes for the
// cookies an import brings, for NUL bytes, invalid UTF-8 and multi-byte
// text too: a re-import finds every cookie unchanged.
func TestReimportOddBytesUnchanged(t *testing.T) {
	j, _ := openTest(t)
	odd := []string{"a\x00b", "\xff\xfe", "é", "\u212a", "plain", "x:y", "3:abc", ""}
	var cs []cookie.Cookie
	for i, s := range odd {
		c := cookie.Cookie{Source: "file:odd", Domain: "odd" + s + ".example", Path: "/" + s, Name: "n" + s,
			Value: "v", Session: true, HostOnly: i%2 == 0}
		if i%3 == 0 {
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://" + s})
			c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=" + s})
		}
		cs = append(cs, c)
	}
	if st := mustImport(t, j, ImportOptions{}, Batch{Source: "file:odd", Cookies: cs}); st.Added != len(cs) {
		t.Fatalf("first import: %+v", st)
	}
	if st := mustImport(t, j, ImportOptions{}, Batch{Source: "file:odd", Cookies: cs}); st.Unchanged != len(cs) || st.Added != 0 {
		t.Fatalf("re-import: %+v", st)
	}
}

// TestSecondQueryBuildsSnapshot: the first filtered query of a jar reads
// only what may match; the second builds the snapshot, which every later
// query (a search typed key by key) scans in memory.
func TestSecondQueryBuildsSnapshot(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(500, 3, testNow, "s")})
	j.Close()
	j, err := Open(j.Path(), WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	q := Query{Filter: cookie.MustParseFilter("is:secure")}
	if _, _, err := j.Query(ctx, q); err != nil || j.cache != nil {
		t.Fatalf("first query: snapshot %v, %v", j.cache != nil, err)
	}
	if _, _, err := j.Query(ctx, q); err != nil || j.cache == nil {
		t.Fatalf("second query: snapshot %v, %v", j.cache != nil, err)
	}
}

// TestProtectCountsWhatCoversCounts: the count a new protection reports,
// read through its compiled filter (countCovers), is what Covers counts
// over every live cookie, for each filter of the corpus a protection may
// have.
func TestProtectCountsWhatCoversCounts(t *testing.T) {
	ctx := context.Background()
	j := corpusJar(t)
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, text := range corpusFilters {
		f := cookie.MustParseFilter(text)
		if checkProtectionFilter(f) != nil {
			continue
		}
		want := NewProtector([]Protection{{Filter: f, Text: text}}).Covers(all, testNow)[0]
		p, added, got, err := j.ProtectCounted(ctx, f)
		if err != nil || !added {
			t.Fatalf("%q: added %v, %v", text, added, err)
		}
		if got != want {
			t.Errorf("%q: ProtectCounted says %d cookies, Covers %d", text, got, want)
		}
		if _, err := j.Unprotect(ctx, p.Filter); err != nil {
			t.Fatal(err)
		}
		tried++
	}
	if tried < 30 {
		t.Fatalf("only %d filters tried", tried)
	}
}

// TestHostileFiltersStayWithinSQLite: the largest filters ParseFilter
// takes (cookie.MaxFilterTerms terms, domain: terms of many labels, many
// alternatives, a purpose list repeated thousands of times) compile to a
// statement SQLite runs — within its 32,766 bound values and expression
// depth of 1,000 — and a one-shot query answers what Match answers.
func TestHostileFiltersStayWithinSQLite(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t, WithClassifier(&testClassifier{}))
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: filterCorpus()[:500]})
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("a.", 100) + "example.com"
	var alts []string
	for i := 0; i < cookie.MaxFilterTerms/2; i++ {
		alts = append(alts, "domain:"+deep)
	}
	filters := map[string]string{
		"256 domain terms of 102 labels": strings.TrimSpace(strings.Repeat("domain:"+deep+" ", cookie.MaxFilterTerms)),
		"256 flags":                      strings.TrimSpace(strings.Repeat("is:secure ", cookie.MaxFilterTerms)),
		"256 free words":                 strings.TrimSpace(strings.Repeat("ab ", cookie.MaxFilterTerms)),
		"128 alternatives":               strings.Join(alts, " | "),
		"a purpose 5,000 times":          "purpose:" + strings.TrimSuffix(strings.Repeat("tracking,", 5000), ","),
		"a domain of 200 labels":         "domain:" + strings.Repeat("b.", 199) + "com",
		"the last term past the budget":  strings.TrimSpace(strings.Repeat("domain:"+deep+" ", 30)) + " -is:secure",
	}
	for name, text := range filters {
		f, err := cookie.ParseFilter(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fs := compileFilter(f, testNow)
		if len(fs.args) > maxSQLArgs {
			t.Errorf("%s: %d values bound", name, len(fs.args))
		}
		j.directDone = false // a one-shot query, through the compiled filter
		got, n, err := j.Query(ctx, Query{Filter: f})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := 0
		for i := range all {
			if f.Match(&all[i], testNow) {
				want++
			}
		}
		if n != want || len(got) != want {
			t.Errorf("%s: the query answers %d cookies, Match %d", name, n, want)
		}
	}
}

// TestProtectionCountsAsCovers: the counts of `crumbs protect --list`, read
// in one narrowed pass (no snapshot), are what Covers counts over every
// live cookie, for several protections at once, with one that compiles to
// no condition (every row read) and without it; and the same with a
// snapshot.
func TestProtectionCountsAsCovers(t *testing.T) {
	ctx := context.Background()
	j := corpusJar(t)
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check := func(label string) {
		t.Helper()
		ps, got, err := j.ProtectionCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := NewProtector(ps).Covers(all, testNow)
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%s: counts %v, Covers %v", label, got, want)
		}
	}
	for _, text := range []string{"domain:github.io", "domain:example.com name:_ga", "name:sessionid", "domain:10.1.2.3 | purpose:session", "vendor:google"} {
		if _, _, err := j.Protect(ctx, cookie.MustParseFilter(text)); err != nil {
			t.Fatal(err)
		}
	}
	check("narrowed")
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("straße")); err != nil {
		t.Fatal(err)
	}
	check("one without a condition")
	if where, _ := unionSQL([]Protection{{Filter: cookie.MustParseFilter("domain:a.com")}, {Filter: cookie.MustParseFilter("straße")}}, testNow); where != "" {
		t.Errorf("a protection without a condition still narrows: %s", where)
	}
	if _, _, err := j.Shared(ctx); err != nil {
		t.Fatal(err)
	}
	check("with a snapshot")
}
