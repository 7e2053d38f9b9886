package jar

import (
	"context"
	"reflect"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestSmokeRoundTrip(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	in := makeCookies(500, 1, testNow, "firefox:default")
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", File: "/x/cookies.sqlite", Cookies: in})
	if st.Added != 500 {
		t.Fatalf("stats %+v", st)
	}
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]cookie.Cookie{}
	for _, c := range all {
		byName[c.Name] = c
	}
	for _, c := range in {
		got := byName[c.Name]
		got.ID = 0
		normalize(&c)
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
		}
	}
	st = mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", File: "/x/cookies.sqlite", Cookies: in})
	if !sameTotals(st, ImportStats{Unchanged: 500}) {
		t.Fatalf("re-import %+v", st)
	}
}
