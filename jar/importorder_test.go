package jar

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestImportOrder: order lists every cookie of the batches once, in the
// identity index's order (site, domain, path, name, host-only, partition,
// container, source), the later of two equal identities last, with each
// ref's site named by siteNames.
func TestImportOrder(t *testing.T) {
	j, _ := openTest(t)
	a := makeCookies(9000, 11, testNow, "firefox:a") // with b, enough for sortBuckets to split
	b := makeCookies(6000, 12, testNow, "chrome:b")
	again := slices.Clone(a[:1500]) // the same identities, later
	for i := range again {
		again[i].Domain = strings.ToUpper(again[i].Domain[:1]) + again[i].Domain[1:]
	}
	batches := []Batch{{Source: "firefox:a", Cookies: a}, {Source: "chrome:b", Cookies: b}, {Source: "firefox:a", Cookies: again}}
	im, err := newImporter(context.Background(), j, batches, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	order := im.order()
	if len(order) != len(a)+len(b)+len(again) {
		t.Fatalf("%d refs for %d cookies", len(order), len(a)+len(b)+len(again))
	}
	seen := map[[2]int32]bool{}
	for i, r := range order {
		c := &batches[r.b].Cookies[r.c]
		if seen[[2]int32{r.b, r.c}] {
			t.Fatalf("cookie %d/%d listed twice", r.b, r.c)
		}
		seen[[2]int32{r.b, r.c}] = true
		if got, want := im.siteNames[r.site], cookie.Site(c.Domain); got != want {
			t.Fatalf("%s: site %q, want %q", c.Domain, got, want)
		}
		if i == 0 {
			continue
		}
		p := order[i-1]
		pc := &batches[p.b].Cookies[p.c]
		if k := cmp.Or(cmp.Compare(cookie.Site(pc.Domain), cookie.Site(c.Domain)), strings.Compare(pc.Domain, c.Domain),
			strings.Compare(pc.Path, c.Path), strings.Compare(pc.Name, c.Name), cmp.Compare(b2i(pc.HostOnly), b2i(c.HostOnly)),
			strings.Compare(pc.Partition.Key(), c.Partition.Key()), strings.Compare(pc.Container.Key(), c.Container.Key()),
			strings.Compare(pc.Source, c.Source), cmp.Compare(p.b, r.b), cmp.Compare(p.c, r.c)); k >= 0 {
			t.Fatalf("ref %d (%s %s %s) not after ref %d (%s %s %s)", i, c.Domain, c.Path, c.Name, i-1, pc.Domain, pc.Path, pc.Name)
		}
	}
}
