package jar

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestSnapshotDeltaEqualsFullRead: after every kind of change this process
// makes, the snapshot built from the last one and the rows the change
// touched (snapshotdelta.go) is exactly what a fresh Open and Shared read,
// the slices handed out before are never written, and a change by another
// process (or one the jar does not track) makes the next snapshot a full
// read.
func TestSnapshotDeltaEqualsFullRead(t *testing.T) {
	smallRanges(t)
	ctx := context.Background()
	j, path := openTest(t)
	n := rangedReadRows + 4_000 // the first read splits into id ranges
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: makeCookies(n, 7, testNow, "chrome:Default")})
	first, _, err := j.Shared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	firstCopy := slices.Clone(first)
	handedOut := [][]cookie.Cookie{first}
	copies := [][]cookie.Cookie{firstCopy}

	// check compares j's snapshot with a fresh read by another Jar, and
	// whether it was built from a delta.
	check := func(step string, fromDelta bool) {
		t.Helper()
		before := j.deltaBuilds
		got, _, err := j.Shared(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if built := j.deltaBuilds > before; built != fromDelta {
			t.Errorf("%s: built from a delta %v, want %v", step, built, fromDelta)
		}
		fresh, err := Open(path, WithClock(func() time.Time { return testNow }))
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := fresh.Shared(ctx)
		fresh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d cookies, a full read has %d", step, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%s: cookie %d differs from a full read:\n got %+v\nwant %+v", step, i, got[i], want[i])
			}
		}
		handedOut = append(handedOut, got)
		copies = append(copies, slices.Clone(got))
	}
	filter := func(s string) cookie.Filter {
		f, err := cookie.ParseFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	idsOf := func(f cookie.Filter, most int) []int64 {
		cs, _, err := j.Shared(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := range cs {
			if f.Match(&cs[i], testNow) && len(ids) < most {
				ids = append(ids, cs[i].ID)
			}
		}
		return ids
	}

	if _, err := j.PurgeWith(ctx, filter("domain:doubleclick.net"), RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	check("purge", true)
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	check("undo of the purge", true)

	if _, err := j.DeleteWith(ctx, idsOf(filter("domain:github.com"), 300), RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	check("delete", true)
	trash, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var restore []int64
	for _, tc := range trash[:len(trash)/2] {
		restore = append(restore, tc.ID)
	}
	if _, err := j.Restore(ctx, restore); err != nil {
		t.Fatal(err)
	}
	check("restore", true)

	if _, _, err := j.Protect(ctx, filter("domain:bbc.co.uk")); err != nil {
		t.Fatal(err)
	}
	check("protect", true)
	if _, err := j.PurgeWith(ctx, filter("domain:bbc.co.uk name:_ga"), RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	check("purge keeping protected cookies", true)
	if _, err := j.Unprotect(ctx, filter("domain:bbc.co.uk")); err != nil {
		t.Fatal(err)
	}
	check("unprotect", true)

	if _, err := j.SetPurpose(ctx, idsOf(filter("domain:example.com"), 500), cookie.PurposeSession); err != nil {
		t.Fatal(err)
	}
	check("set purpose", true)
	edited, err := j.Get(ctx, idsOf(filter("domain:google.com"), 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	edited.Value = "edited"
	edited.Path = "/moved"
	if err := j.Update(ctx, edited); err != nil {
		t.Fatal(err)
	}
	check("edit", true)

	// An import that adds cookies (new ids, sorted in among the others)
	// and updates some.
	more := makeCookies(3_000, 8, testNow, "firefox:default")
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", Cookies: more})
	check("import", true)

	// Two changes before the next read: the deltas chain.
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	check("two undos", true)

	// Another process's change: a full read.
	other, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Purge(ctx, filter("domain:localhost")); err != nil {
		t.Fatal(err)
	}
	check("another process's purge", false)
	// Ours, then the other's: the chain does not reach the jar's generation.
	if _, err := j.PurgeWith(ctx, filter("domain:127.0.0.1"), RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	other.Close()
	check("ours and another's", false)
	// Ours again: the chain starts from the full read.
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	check("undo after a full read", true)
	// Emptying the trash writes on a connection of its own, untracked.
	if _, err := j.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	check("empty trash", false)

	for k := range handedOut {
		if !reflect.DeepEqual(handedOut[k], copies[k]) {
			t.Errorf("snapshot %d was modified after it was handed out", k)
		}
	}
}
