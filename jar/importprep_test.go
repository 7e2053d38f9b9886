package jar

import (
	"context"
	"fmt"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestReusedPrepBuffersKeepWaitingCookies: a re-import with new cookies
// and updates scattered through many chunks, whose buffers go back to the
// workers as each is placed. A buffer reused before its cookies were
// written would write another cookie's values in their place (or the same
// identity twice). Every cookie must come back exactly.
func TestReusedPrepBuffersKeepWaitingCookies(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	const n = 12 * prepChunkSize
	base := makeCookies(n, 7, testNow, "s")
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", File: "f", Cookies: base})

	next := append([]cookie.Cookie(nil), base...)
	for i := 0; i < len(next); i += 97 { // updated in place, between the waiting ones
		next[i].Value = fmt.Sprintf("updated-%d", i)
	}
	added := makeCookies(48, 8, testNow, "s")
	for i := range added {
		added[i].Name = fmt.Sprintf("new_%d", i)
		added[i].Value = fmt.Sprintf("new-value-%d", i)
	}
	next = append(next, added...)
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "s", File: "f", Cookies: next})
	if st.Added != len(added) || st.Unchanged+st.Updated != n {
		t.Fatalf("import %+v", st)
	}

	want := map[string]string{}
	for i := range next {
		c := next[i]
		c.Source = "s"
		want[fmt.Sprint(c.Identity())] = c.Value
	}
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(want) {
		t.Fatalf("%d cookies in the jar, want %d", len(all), len(want))
	}
	for _, c := range all {
		id := fmt.Sprint(c.Identity())
		v, ok := want[id]
		if !ok {
			t.Fatalf("the jar holds %s, which no batch had", id)
		}
		if c.Value != v {
			t.Fatalf("%s: value %q, want %q", id, c.Value, v)
		}
		delete(want, id)
	}
}
