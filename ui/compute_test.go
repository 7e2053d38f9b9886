package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// bigDataset is a dataset of n generated cookies in the jar's order, with
// purposes and protections spread over them, larger than one fold chunk
// and many match blocks, without a jar (compute never asks one).
func bigDataset(t *testing.T, n int) *dataset {
	t.Helper()
	cs := gen.Cookies(n, 9, testNow, "chrome:Default")
	for i := range cs {
		cs[i].Purpose = cookie.Purposes[i*7%len(cookie.Purposes)]
		if i%13 == 0 {
			cs[i].ProtectedBy = "domain:" + cookie.Site(cs[i].Domain)
		}
	}
	cs[5].Name, cs[5].Value = "ÄBC_Straße", "GRÜN"
	slices.SortStableFunc(cs, func(a, b cookie.Cookie) int {
		if c := strings.Compare(cookie.Site(a.Domain), cookie.Site(b.Domain)); c != 0 {
			return c
		}
		return strings.Compare(a.Domain+"\x00"+a.Path+"\x00"+a.Name, b.Domain+"\x00"+b.Path+"\x00"+b.Name)
	})
	return newDataset(cs, len(cs), 1)
}

// The parallel filter and the grouping into sites give what one plain
// pass gives: Match on every cookie, sorted, then appended site by site —
// for every sort of the cookies, with and without a filter; and the folded
// text of every cookie, chunk boundaries included, is cookie.FoldText.
func TestComputeAgreesWithPlainPass(t *testing.T) {
	defer func(n int) { parallelFrom = n }(parallelFrom)
	parallelFrom = 0 // the parallel filter, as from 200,000 cookies
	ds := bigDataset(t, foldChunk+5000)
	ds.buildFolded()
	for i := range ds.cookies {
		if got, want := ds.folded(i), cookie.FoldText(&ds.cookies[i]); got != want {
			t.Fatalf("folded(%d) = %q, want %q", i, got, want)
		}
	}
	for _, text := range []string{"", "äbc", "-goo", "is:protected"} {
		for by := cookieSort(0); by < cookieSortCount; by++ {
			if raceEnabled && by > 1 {
				// Under the race detector (~10× slower) the parallel filter
				// and fold run for every filter with two orders; the normal
				// run checks every order.
				break
			}
			for _, desc := range []bool{false, true} {
				q := query{cookieSort: by, cookieDesc: desc, now: testNow}
				if text != "" {
					f, err := cookie.ParseFilter(text)
					if err != nil {
						t.Fatal(err)
					}
					q.filter, q.hasFilter, q.freeWord = f, true, hasFreeWord(text)
				}
				got := compute(ds, q)
				var rows []int32
				for i := range ds.cookies {
					if !q.hasFilter || q.filter.Match(&ds.cookies[i], testNow) {
						rows = append(rows, int32(i))
					}
				}
				sortRows(ds, rows, by, desc)
				var want []siteAgg
				at := map[string]int{}
				for _, i := range rows {
					name := ds.site(i)
					k, ok := at[name]
					if !ok {
						k = len(want)
						at[name] = k
						want = append(want, siteAgg{name: name})
					}
					s := &want[k]
					s.count++
					s.by[purposeIndex(ds.cookies[i].Purpose)]++
					if ds.cookies[i].ProtectedBy != "" {
						s.prot++
					}
					s.rows = append(s.rows, i)
				}
				r := &result{sites: want}
				r.sortSites(q.siteSort, q.siteDesc)
				what := fmt.Sprintf("%q by %v desc %v", text, by, desc)
				if !slices.Equal(got.rows, rows) {
					t.Fatalf("%s: %d rows, want %d (or another order)", what, len(got.rows), len(rows))
				}
				if len(got.sites) != len(r.sites) {
					t.Fatalf("%s: %d sites, want %d", what, len(got.sites), len(r.sites))
				}
				for k := range r.sites {
					g, w := got.sites[k], r.sites[k]
					if g.name != w.name || g.count != w.count || g.by != w.by || g.prot != w.prot || !slices.Equal(g.rows, w.rows) {
						t.Fatalf("%s: site %d is %s %d %v %d, want %s %d %v %d", what, k, g.name, g.count, g.by, g.prot, w.name, w.count, w.by, w.prot)
					}
				}
			}
		}
	}
}

// TestFoldWaitsForSearch: while a search matches the fields (the folded
// text still being built), the background fold waits, and it finishes
// once the search is done; a search during the fold returns what a plain
// pass over the fields finds.
func TestFoldWaitsForSearch(t *testing.T) {
	ds := bigDataset(t, 3*foldYieldEvery) // folded in a few milliseconds
	ds.searching.Add(1)                   // a search under way
	done := make(chan struct{})
	go func() { ds.buildFolded(); close(done) }()
	select {
	case <-done:
		t.Fatal("the fold ran to the end while a search matched the fields")
	case <-time.After(100 * time.Millisecond):
	}
	ds.searching.Add(-1)
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the fold never resumed after the search")
	}

	big := bigDataset(t, foldEagerly) // big enough that compute does not wait for the fold
	fresh := newDataset(big.cookies, big.total, big.version)
	f, err := cookie.ParseFilter("goo")
	if err != nil {
		t.Fatal(err)
	}
	q := query{filter: f, hasFilter: true, freeWord: true, now: testNow}
	go fresh.buildFolded()
	got := compute(fresh, q) // fields or folded text, whichever it meets
	want := 0
	for i := range fresh.cookies {
		if f.Match(&fresh.cookies[i], testNow) {
			want++
		}
	}
	if len(got.rows) != want || want == 0 {
		t.Fatalf("%d rows during the fold, want %d", len(got.rows), want)
	}
	if fresh.searching.Load() != 0 {
		t.Fatal("the search left the fold waiting")
	}
}
