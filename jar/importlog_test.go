package jar

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func recordOf(t *testing.T, j *Jar, source string) (ImportRecord, bool) {
	t.Helper()
	rs, err := j.ImportRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Source == source {
			return r, true
		}
	}
	return ImportRecord{}, false
}

func recordedNames(cs []RecordedCookie) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Domain + " " + c.Name
	}
	slices.Sort(out)
	return out
}

func cookieNames(cs []cookie.Cookie) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Domain + " " + c.Name
	}
	slices.Sort(out)
	return out
}

// TestImportRecord: a second import of a source lists exactly the cookies
// the store gained and lost since the first, and the trackers that came
// and went; updated cookies are neither; dry runs record nothing; undo
// leaves the record (it describes the store, not the jar); another source
// keeps its own record.
func TestImportRecord(t *testing.T) {
	j, _ := openTest(t)
	const src = "chrome:Default"
	first := makeCookies(200, 21, testNow, src)
	for i := range first {
		first[i].Purpose = cookie.PurposeSession
		if i%4 == 0 {
			first[i].Purpose = cookie.PurposeTracking
		}
	}
	// A tracker only on cookies that will go.
	lonely := cookie.Cookie{Source: src, Domain: ".lonely-tracker.com", Path: "/", Name: "uid", Purpose: cookie.PurposeTracking, Expires: cookie.TimeOf(testNow.AddDate(1, 0, 0))}
	first = append(first, lonely)
	st := mustImport(t, j, ImportOptions{}, Batch{Source: src, Cookies: first})
	r, ok := recordOf(t, j, src)
	if !ok || !r.First() || r.Added != len(first) || r.Gone != 0 || r.Cookies != len(first) || !r.At.Equal(testNow) {
		t.Fatalf("first import record %+v (stats %+v)", r, st)
	}
	if len(r.AddedCookies) != 0 {
		t.Fatalf("a first import lists %d added cookies; it has nothing to compare with", len(r.AddedCookies))
	}
	if got, want := r.Tracking, trackingOf(first); !slices.Equal(got, want) || len(want) == 0 || len(r.PrevTracking) != 0 {
		t.Fatalf("first import's tracking cookies\n got %v\nwant %v (prev %v)", got, want, r.PrevTracking)
	}

	// The second read of the store: 7 gone (the lonely tracker among them),
	// 5 new (three TikTok cookies partitioned under three sites), 10 changed.
	var second, gone, added []cookie.Cookie
	for i, c := range first {
		switch {
		case i%29 == 3 && len(gone) < 6:
			gone = append(gone, c)
			continue
		case c.Name == "uid":
			gone = append(gone, c)
			continue
		case i%17 == 1:
			c.Value += "-changed"
		}
		second = append(second, c)
	}
	for i, top := range []string{"https://news.example", "https://shop.example", "https://news.example:8443"} {
		added = append(added, cookie.Cookie{Source: src, Domain: ".tiktok.com", Path: "/", Name: fmt.Sprintf("ttp%d", i),
			Purpose: cookie.PurposeTracking, Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: top})})
	}
	added = append(added,
		cookie.Cookie{Source: src, Domain: "example.com", HostOnly: true, Path: "/", Name: "fresh_session", Purpose: cookie.PurposeSession},
		cookie.Cookie{Source: src, Domain: ".example.com", Path: "/", Name: "fresh_pref", Purpose: cookie.PurposePersonalization})
	second = append(second, added...)
	if len(gone) != 7 {
		t.Fatalf("test setup: %d gone", len(gone))
	}

	// A dry run records nothing.
	if _, err := j.Import(context.Background(), []Batch{{Source: src, Cookies: second}}, ImportOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if again, _ := recordOf(t, j, src); !again.First() {
		t.Fatal("a dry run changed the import record")
	}

	j.now = func() time.Time { return testNow.Add(time.Hour) }
	st = mustImport(t, j, ImportOptions{}, Batch{Source: src, Cookies: second})
	if st.Added != 5 || st.Updated == 0 {
		t.Fatalf("second import %+v", st)
	}
	r, _ = recordOf(t, j, src)
	if r.First() || !r.PrevAt.Equal(testNow) || !r.At.Equal(testNow.Add(time.Hour)) {
		t.Fatalf("second record times %v after %v", r.At, r.PrevAt)
	}
	if r.Added != 5 || r.Gone != 7 || r.Cookies != len(second) {
		t.Fatalf("second record counts: %d added, %d gone, %d cookies", r.Added, r.Gone, r.Cookies)
	}
	if got, want := recordedNames(r.AddedCookies), cookieNames(added); !slices.Equal(got, want) {
		t.Fatalf("added cookies\n got %q\nwant %q", got, want)
	}
	if got, want := recordedNames(r.GoneCookies), cookieNames(gone); !slices.Equal(got, want) {
		t.Fatalf("gone cookies\n got %q\nwant %q", got, want)
	}
	if !slices.Equal(r.Tracking, trackingOf(second)) || !slices.Equal(r.PrevTracking, trackingOf(first)) {
		t.Fatalf("tracking lists\n got %v\nwant %v\nprev %v", r.Tracking, trackingOf(second), r.PrevTracking)
	}
	sites := map[string]bool{}
	for _, c := range r.AddedCookies {
		if c.Domain == ".tiktok.com" {
			sites[c.Site] = true
		}
	}
	if len(sites) != 2 || !sites["news.example"] || !sites["shop.example"] {
		t.Fatalf("the partitioned cookies' sites: %v", sites)
	}

	// Undo reverts the jar, not the record of what the store held.
	if _, err := j.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after, _ := recordOf(t, j, src); after.Added != 5 || after.Gone != 7 {
		t.Fatalf("undo changed the record: %+v", after)
	}

	// The same store again: nothing new, nothing gone.
	mustImport(t, j, ImportOptions{}, Batch{Source: src, Cookies: second})
	mustImport(t, j, ImportOptions{}, Batch{Source: src, Cookies: second})
	if r, _ = recordOf(t, j, src); r.Added != 0 || r.Gone != 0 || !slices.Equal(r.Tracking, r.PrevTracking) {
		t.Fatalf("an identical import recorded changes: %+v", r)
	}

	// Another source has its own record; this one is untouched.
	mustImport(t, j, ImportOptions{}, Batch{Source: "file:cookies.txt", Cookies: makeCookies(3, 5, testNow, "file:cookies.txt")})
	if other, ok := recordOf(t, j, "file:cookies.txt"); !ok || !other.First() || other.Added != 3 {
		t.Fatalf("other source %+v", other)
	}
	if again, _ := recordOf(t, j, src); again.Added != 0 || again.Cookies != len(second) {
		t.Fatalf("importing another source changed this record: %+v", again)
	}
}

// TestImportRecordPrune: cookies a pruning import moves to the trash are
// still listed as gone, and the lists are capped with exact counts.
func TestImportRecordPrune(t *testing.T) {
	j, _ := openTest(t)
	const src = "firefox:default"
	first := makeCookies(50, 3, testNow, src)
	mustImport(t, j, ImportOptions{}, Batch{Source: src, Cookies: first})
	many := makeCookies(maxRecordedCookies+300, 4, testNow, src)
	for i := range many {
		many[i].Name = "new_" + many[i].Name
	}
	next := append(append([]cookie.Cookie(nil), first[10:]...), many...)
	st := mustImport(t, j, ImportOptions{Prune: true}, Batch{Source: src, Cookies: next})
	if st.Pruned != 10 {
		t.Fatalf("prune %+v", st)
	}
	r, _ := recordOf(t, j, src)
	if r.Gone != 10 || !slices.Equal(recordedNames(r.GoneCookies), cookieNames(first[:10])) {
		t.Fatalf("pruned cookies not listed as gone: %d %q", r.Gone, recordedNames(r.GoneCookies))
	}
	if r.Added != len(many) || len(r.AddedCookies) != maxRecordedCookies {
		t.Fatalf("cap: %d added, %d listed", r.Added, len(r.AddedCookies))
	}
}

// trackingOf is the expected tracking list of a batch, computed apart from
// the jar: distinct (domain, name, site), sorted.
func trackingOf(cs []cookie.Cookie) []TrackingSeen {
	seen := map[TrackingSeen]bool{}
	var out []TrackingSeen
	for i := range cs {
		c := &cs[i]
		if c.Purpose != cookie.PurposeTracking {
			continue
		}
		site := cookie.Site(c.Domain)
		if top := c.Partition.TopLevelSite(); top != "" {
			u, _ := url.Parse(top)
			site = cookie.Site(u.Hostname())
		}
		t := TrackingSeen{c.Domain, c.Name, site}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b TrackingSeen) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Site, b.Site))
	})
	return out
}

func TestTrackingEncoding(t *testing.T) {
	in := map[TrackingSeen]struct{}{{"a.com", "x", "a.com"}: {}, {"", "", ""}: {}, {".t.net", "id\x00\xff", "news.example"}: {}}
	// As an import collects them: in no order, some twice.
	list := []TrackingSeen{{".t.net", "id\x00\xff", "news.example"}, {"a.com", "x", "a.com"}, {"", "", ""}, {"a.com", "x", "a.com"}, {".t.net", "id\x00\xff", "news.example"}}
	out, err := decodeTracking(encodeTracking(list))
	if err != nil || len(out) != len(in) {
		t.Fatalf("%v %v", out, err)
	}
	for i, x := range out {
		if _, ok := in[x]; !ok {
			t.Fatalf("decoded %v, not encoded", x)
		}
		if i > 0 && !(out[i-1].Domain < x.Domain || out[i-1].Domain == x.Domain && out[i-1].Name <= x.Name) {
			t.Fatalf("not sorted: %v", out)
		}
	}
	b := encodeTracking(slices.Clone(list))
	for n := 1; n < len(b); n++ {
		if got, err := decodeTracking(b[:n]); err == nil && len(got) == len(in) {
			t.Fatalf("a list cut at %d decoded whole", n)
		}
	}
}

func FuzzDecodeTracking(f *testing.F) {
	f.Add(encodeTracking([]TrackingSeen{{"a.com", "x", "a.com"}}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := decodeTracking(b)
		if err != nil {
			return
		}
		m := map[TrackingSeen]struct{}{}
		for _, x := range ts {
			m[x] = struct{}{}
		}
		if len(m) == len(ts) {
			if again, err := decodeTracking(encodeTracking(slices.Clone(ts))); err != nil || len(again) != len(ts) {
				t.Fatalf("re-encoding %v: %v %v", ts, again, err)
			}
		}
	})
}

// TestMigrateV3: a schema-3 jar (no import records) opens at schema 4 with
// every cookie, and its sources' next import is their first on record.
func TestMigrateV3(t *testing.T) {
	j, path := openTest(t)
	cs := makeCookies(40, 8, testNow, "chrome:Default")
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: cs})
	before := dump(t, j)
	for _, s := range []string{`DROP TABLE imports`, `PRAGMA user_version = 3`} {
		if _, err := j.db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	j2, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if got := dump(t, j2); got != before {
		t.Fatal("migration changed the cookies")
	}
	if v := count(t, j2.db, `PRAGMA user_version`); v != schemaVersion {
		t.Fatalf("user_version %d", v)
	}
	if rs, err := j2.ImportRecords(context.Background()); err != nil || len(rs) != 0 {
		t.Fatalf("records after migration %v %v", rs, err)
	}
	mustImport(t, j2, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: cs})
	if r, ok := recordOf(t, j2, "chrome:Default"); !ok || !r.First() || r.Cookies != len(cs) {
		t.Fatalf("record %+v", r)
	}
}

// TestRecordedAsRead: the records an import hands to Recorded before its
// commit are the ones ImportRecords reads back after it — on a first
// import, on one where cookies came and went, and on a repeat (a source
// read as before, importdigest.go).
func TestRecordedAsRead(t *testing.T) {
	ctx := context.Background()
	cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
	j, _ := openTest(t, WithClassifier(cl))
	a := Batch{Source: "firefox:default", File: "/ff/cookies.sqlite", Cookies: makeCookies(600, 31, testNow, "firefox:default")}
	b := Batch{Source: "chrome:Default", File: "/ch/Cookies", Cookies: makeCookies(400, 32, testNow, "chrome:Default")}
	check := func(what string, opt ImportOptions, batches ...Batch) {
		t.Helper()
		var got []ImportRecord
		calls := 0
		opt.Recorded = func(recs []ImportRecord) { got, calls = recs, calls+1 }
		if _, err := j.Import(ctx, batches, opt); err != nil {
			t.Fatal(err)
		}
		all, err := j.ImportRecords(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []ImportRecord
		for _, r := range all {
			for _, b := range batches {
				if r.Source == b.Source {
					want = append(want, r)
				}
			}
		}
		if calls != 1 || len(want) != len(batches) {
			t.Fatalf("%s: Recorded called %d times; %d records on file", what, calls, len(want))
		}
		tracking := 0
		for i := range want {
			tracking += len(want[i].Tracking)
		}
		if tracking == 0 {
			t.Fatalf("%s: no tracking cookies recorded: nothing is compared", what)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: handed over\n%+v\nread back\n%+v", what, got, want)
		}
	}
	check("first import", ImportOptions{}, a, b)
	a2 := a
	a2.Cookies = append(slices.Clone(a.Cookies[50:]), makeCookies(40, 33, testNow, "firefox:default")...)
	check("cookies came and went", ImportOptions{}, a2, b)
	check("a repeat", ImportOptions{}, a2, b)
	// A dry run records nothing and hands nothing over.
	if _, err := j.Import(ctx, []Batch{a}, ImportOptions{DryRun: true, Recorded: func([]ImportRecord) { t.Fatal("Recorded on a dry run") }}); err != nil {
		t.Fatal(err)
	}
}
