package jar

import (
	"fmt"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestBulkInsertStoresEveryColumn: the bulk insert binds packed values
// (importpack.go); every column it stores is the one the plain insert of
// all 16 values stores, for every purpose and evidence, empty and
// non-empty strings, one source per statement or several, and rows that
// cannot be packed; and the rows get their ids in order.
func TestBulkInsertStoresEveryColumn(t *testing.T) {
	j, _ := openTest(t) // no classifier: the purposes stay as given
	vary := func(cs []cookie.Cookie, odd bool) {
		for i := range cs {
			c := &cs[i]
			switch {
			case i%7 == 0:
				c.Purpose = "" // normalized to unknown/none
			case odd && i == 1:
				c.Purpose = "odd" // no code: its statement binds every value
			default:
				c.Purpose = purposeCodes[i%len(purposeCodes)]
			}
			if ev := evidenceCodes[i%len(evidenceCodes)]; ev != cookie.EvidenceUser {
				c.VerdictBy = ev
			}
			if i%3 == 0 {
				c.Reason = fmt.Sprintf("reason %d", i%5)
			}
		}
	}
	var batches []Batch
	for k, src := range []string{"a:one", "b:two"} {
		cs := makeCookies(300, 31+uint64(k), testNow, src)
		vary(cs, k == 0)
		batches = append(batches, Batch{Source: src, Cookies: cs})
	}
	// The two sources interleave in the identity order (several sources
	// per statement); then a third alone (one source per statement).
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
	// import the ids follow (site, domain, path, name): a bulk insert that
	// put its rows in another order would break this (and the ids the
	// import hands to later updates of the same cookies).
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
