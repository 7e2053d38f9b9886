package jar

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Each gives exactly what Query gives — the same cookies, fields and
// ProtectedBy included, in the same order, offset and limit applied — for
// every filter of the corpus, on a handle without a snapshot (streamed
// from SQLite) and on one with (the snapshot scanned); and it builds no
// snapshot on its way.
func TestEachAgreesWithQuery(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jar.db")
	open := func() *Jar {
		j, err := Open(path, WithClock(func() time.Time { return testNow }), WithClassifier(&testClassifier{}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
		return j
	}
	j0 := open()
	mustImport(t, j0, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: filterCorpus()})
	if _, _, err := j0.Protect(ctx, cookie.MustParseFilter("name:csrftoken")); err != nil {
		t.Fatal(err)
	}
	ref, cold, warm := open(), open(), open()
	if _, _, err := warm.Shared(ctx); err != nil {
		t.Fatal(err)
	}
	queries := []Query{{}, {Offset: 7, Limit: 50}, {Limit: 3}, {Offset: 1 << 20}, {Sort: SortName, Limit: 9}, {Desc: true, Limit: 4}}
	for _, text := range corpusFilters {
		for _, q := range queries {
			q.Filter = cookie.MustParseFilter(text)
			want, _, err := ref.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			streamed := q.Sort == SortDomain && !q.Desc
			for _, j := range []*Jar{cold, warm} {
				if j == cold && !streamed {
					continue // Each is Query there: cold would build a snapshot
				}
				var got []cookie.Cookie
				if err := j.Each(ctx, q, func(c *cookie.Cookie) error { got = append(got, *c); return nil }); err != nil {
					t.Fatal(err)
				}
				if j == cold && j.cache != nil {
					t.Fatalf("%q %+v: Each built a snapshot", text, q)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%q offset %d limit %d sort %v desc %v (snapshot %v): Each gave %d cookies, Query %d (or other fields)",
						text, q.Offset, q.Limit, q.Sort, q.Desc, j == warm, len(got), len(want))
				}
			}
		}
	}
	// an error from fn stops the read and comes back
	stop := errors.New("stop")
	n := 0
	err := open().Each(ctx, Query{}, func(*cookie.Cookie) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Each after fn's error: %v, %d calls", err, n)
	}
}
