package ui

import (
	"context"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
)

// TestImportAllIsOneUndoStep (issue 9 item 6): importing every profile from
// the picker ("a") is one jar change, so one undo takes all of it back, as
// crumbs import all is.
func TestImportAllIsOneUndoStep(t *testing.T) {
	j := openJar(t, nil)
	profiles := []Profile{
		{Spec: "firefox:default-release", Browser: "firefox", Name: "default-release", Cookies: 20},
		{Spec: "chrome:Default", Browser: "chrome", Name: "Default", Cookies: 25},
	}
	sizes := map[string]int{"firefox:default-release": 20, "chrome:Default": 25}
	opts := Options{
		Discover: func(context.Context) ([]Profile, error) { return profiles, nil },
		Read: func(ctx context.Context, p Profile, progress func(int, int)) ([]jar.Batch, []string, error) {
			return []jar.Batch{{Source: p.Spec, File: p.Spec, Cookies: gen.Cookies(sizes[p.Spec], 7, testNow, p.Spec)}}, nil, nil
		},
	}
	tm := run(t, newModel(t, j, opts))
	waitFor(t, tm, "Browsers found")
	keys(tm, "i")
	waitFor(t, tm, "firefox:default-release: 20 added", "chrome:Default: 25 added")
	keys(tm, "enter")
	finish(t, tm)
	if n := count(t, j, ""); n != 45 {
		t.Fatalf("%d cookies after importing both profiles", n)
	}
	hist, err := j.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 {
		t.Fatalf("%d changes recorded for one import of every profile: %+v", len(hist), hist)
	}
	if _, err := j.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, j, ""); n != 0 {
		t.Errorf("one undo left %d cookies", n)
	}
}
