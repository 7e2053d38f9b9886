package jar

import (
	"context"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestPurgeOrFilterMovesExactlyEitherSide: a purge with "A | B" moves the
// cookies matching A or B and nothing else — the SQL narrowing of an OR
// filter must never select a cookie neither side matches (docs/jar.md).
func TestPurgeOrFilterMovesExactlyEitherSide(t *testing.T) {
	ctx := context.Background()
	for _, text := range []string{
		"domain:example.com | is:session",
		"-is:expired purpose:tracking | name:_GA",
		"is:unreadable | kelvin",
		"-domain:example.com is:secure | source:tricky",
	} {
		j := corpusJar(t)
		f := cookie.MustParseFilter(text)
		all, err := j.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]bool{}
		for i := range all {
			if f.Match(&all[i], testNow) {
				want[all[i].ID] = true
			}
		}
		if len(want) == 0 || len(want) == len(all) {
			t.Fatalf("%q matches %d of %d: not a useful test", text, len(want), len(all))
		}
		r, err := j.PurgeWith(ctx, f, RemoveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Moved != len(want) {
			t.Errorf("%q: purge moved %d, want %d", text, r.Moved, len(want))
		}
		left, err := j.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != len(all)-len(want) {
			t.Errorf("%q: %d left of %d, want %d", text, len(left), len(all), len(all)-len(want))
		}
		for i := range left {
			if want[left[i].ID] {
				t.Errorf("%q: cookie %s %s matches but was kept", text, left[i].Domain, left[i].Name)
				break
			}
		}
		j.Close()
	}
}
