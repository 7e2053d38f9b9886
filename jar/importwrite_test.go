package jar

import (
	"context"
	"fmt"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestImportStoresEveryColumn: the import binds each column itself through
// SQLite's C API (bindCookie); every column it stores is the value the
// driver path of every other write stores (rowArgs), for every purpose and
// evidence (and one the jar does not know), empty and non-empty strings,
// one source or several; and the rows get their ids in the import's order.
func TestImportStoresEveryColumn(t *testing.T) {
	j, _ := openTest(t) // no classifier: the purposes stay as given
	purposes := []cookie.Purpose{cookie.PurposeUnknown, cookie.PurposeSession, cookie.PurposePersonalization, cookie.PurposeTracking}
	evidences := []cookie.Evidence{cookie.EvidenceNone, cookie.EvidenceRule, cookie.EvidenceName,
		cookie.EvidencePattern, cookie.EvidenceList, cookie.EvidenceDomain, cookie.EvidenceHeuristic, cookie.EvidenceFallback, ""}
	vary := func(cs []cookie.Cookie, odd bool) {
		for i := range cs {
			c := &cs[i]
			switch {
			case i%7 == 0:
				c.Purpose = "" // normalized to unknown/none
			case odd && i == 1:
				c.Purpose = "odd"
			default:
				c.Purpose = purposes[i%len(purposes)]
			}
			c.VerdictBy = evidences[i%len(evidences)]
			if i%3 == 0 {
				c.Reason = fmt.Sprintf("reason %d", i%5)
			}
			if i%11 == 0 {
				c.Value = "" // an empty text, not NULL
			}
		}
	}
	var batches []Batch
	for k, src := range []string{"a:one", "b:two"} {
		cs := makeCookies(300, 31+uint64(k), testNow, src)
		vary(cs, k == 0)
		batches = append(batches, Batch{Source: src, Cookies: cs})
	}
	// The two sources interleave in the identity order; then a third alone.
	single := Batch{Source: "c:three", Cookies: makeCookies(200, 33, testNow, "c:three")}
	vary(single.Cookies, false)
	mustImport(t, j, ImportOptions{}, batches...)
	mustImport(t, j, ImportOptions{}, single)
	want := map[string][]any{}
	for _, b := range append(batches, single) {
		for _, c := range b.Cookies {
			c.Source = b.Source
			normalize(&c)
			args := rowArgs(&c, cookie.Site(c.Domain))
			want[fmt.Sprint(args[:7])] = args
		}
	}
	rows, err := j.db.Query(`SELECT ` + colList + ` FROM cookies`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		vals := make([]any, len(cookieColumns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		w, ok := want[fmt.Sprint(vals[:7])]
		if !ok {
			t.Fatalf("a stored identity that was not imported: %v", vals[:7])
		}
		for i := range vals {
			if fmt.Sprint(vals[i]) != fmt.Sprint(w[i]) {
				t.Errorf("%v: column %s is %v, want %v", vals[:7], cookieColumns[i].name, vals[i], w[i])
			}
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("%d rows stored, %d imported", n, len(want))
	}
	// The import writes in the identity index's order, so within one
	// import the ids follow (site, domain, path, name).
	var prev string
	var prevSrc string
	ord, err := j.db.Query(`SELECT source, site || char(1) || domain || char(1) || path || char(1) || name FROM cookies WHERE source != 'c:three' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer ord.Close()
	for ord.Next() {
		var src, k string
		if err := ord.Scan(&src, &k); err != nil {
			t.Fatal(err)
		}
		if k < prev {
			t.Fatalf("ids out of the import's order: %q (%s) after %q (%s)", k, src, prev, prevSrc)
		}
		prev, prevSrc = k, src
	}
}

// TestImportOneIdentityTwice: a batch holding one identity twice, the
// second different, into an empty jar: the first waits among the pending
// inserts when the second comes, which must insert it first and then
// update it, so the jar holds the later one, once (for a cookie inside a
// full statement of insertRows and one in a partial one).
func TestImportOneIdentityTwice(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	base := makeCookies(3*insertRows+5, 41, testNow, "s")
	cs := append([]cookie.Cookie(nil), base...)
	for _, i := range []int{3, len(base) - 2} {
		d := base[i]
		d.Value = fmt.Sprintf("later-%d", i)
		cs = append(cs, d)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(base) {
		t.Fatalf("%d cookies, want %d", len(all), len(base))
	}
	want := map[string]string{}
	for _, c := range cs {
		c.Source = "s"
		want[fmt.Sprint(c.Identity())] = c.Value // the later wins
	}
	for _, c := range all {
		if w := want[fmt.Sprint(c.Identity())]; c.Value != w {
			t.Fatalf("%s: value %q, want %q", c.Name, c.Value, w)
		}
	}
}
