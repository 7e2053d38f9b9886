package jar

import (
	"context"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestPendingWriteBack: the jar keeps a source's deletions and edits
// until apply (docs/writeback.md): a re-import does not bring a pending deletion
// back nor overwrite a pending edit, emptying the trash does not cancel a
// deletion, undo does, and a restored cookie is not pending deletion.
func TestPendingWriteBack(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	cs := makeCookies(20, 5, testNow, "firefox:p")
	for i := range cs {
		cs[i].OriginalKey = "key-" + cs[i].Name + cs[i].Domain + cs[i].Path
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	all, _ := j.All(ctx)
	if n, err := j.Delete(ctx, []int64{all[0].ID, all[1].ID}); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	ed := all[2]
	ed.Value = "edited"
	if err := j.Update(ctx, ed); err != nil {
		t.Fatal(err)
	}
	ps, upTo, err := j.Pending(ctx, "firefox:p")
	if err != nil || len(ps) != 3 || upTo == 0 {
		t.Fatalf("pending: %+v %v", ps, err)
	}
	var edits int
	for _, p := range ps {
		if p.Kind == PendingEdit {
			edits++
			if p.Cookie == nil || p.Cookie.Value != "edited" || !p.Fields.Has(FieldValue) || p.Fields.Has(FieldIdentity) {
				t.Fatalf("edit: %+v", p)
			}
		}
	}
	if edits != 1 {
		t.Fatalf("%d edits pending", edits)
	}
	if srcs, _ := j.PendingSources(ctx); len(srcs) != 1 || srcs[0] != "firefox:p" {
		t.Fatalf("sources %v", srcs)
	}
	// Re-import: the deleted ones stay deleted, the edit stays edited.
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	if st.Pending != 3 || st.Added != 0 {
		t.Fatalf("re-import: %+v", st)
	}
	if c, _ := j.Get(ctx, ed.ID); c.Value != "edited" {
		t.Fatalf("re-import overwrote the pending edit: %q", c.Value)
	}
	// Undo of the edit cancels it; undo of the delete cancels both.
	if _, err := j.Undo(ctx); err != nil { // import (nothing) … or edit
		t.Fatal(err)
	}
	for {
		last, ok, _ := j.LastChange(ctx)
		if !ok || last.Kind == kindDelete {
			break
		}
		if _, err := j.Undo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ps, _, _ = j.Pending(ctx, "firefox:p")
	if len(ps) != 2 || ps[0].Kind != PendingDelete {
		t.Fatalf("after undoing the edit: %+v", ps)
	}
	tr, _ := j.Trash(ctx)
	if _, err := j.Restore(ctx, []int64{tr[0].ID}); err != nil {
		t.Fatal(err)
	}
	if ps, _, _ = j.Pending(ctx, "firefox:p"); len(ps) != 1 {
		t.Fatalf("a restored cookie must not be pending deletion: %+v", ps)
	}
	if _, err := j.Undo(ctx); err != nil { // the restore
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil { // the delete
		t.Fatal(err)
	}
	if ps, _, _ = j.Pending(ctx, "firefox:p"); len(ps) != 0 {
		t.Fatalf("undo of the delete must cancel it: %+v", ps)
	}
	// Apply clears what it read, not what came after.
	all, _ = j.All(ctx)
	j.Delete(ctx, []int64{all[0].ID})
	_, upTo, _ = j.Pending(ctx, "firefox:p")
	j.Delete(ctx, []int64{all[1].ID})
	if err := j.ClearPending(ctx, "firefox:p", upTo); err != nil {
		t.Fatal(err)
	}
	ps, _, _ = j.Pending(ctx, "firefox:p")
	if len(ps) != 1 || ps[0].Identity != all[1].Identity() {
		t.Fatalf("after ClearPending: %+v", ps)
	}
	// Cookies without a store key are never pending.
	plain := makeCookies(3, 9, testNow, "file:cookies.txt")
	for i := range plain {
		plain[i].OriginalKey = ""
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "file:cookies.txt", Cookies: plain})
	if _, err := j.Purge(ctx, cookie.MustParseFilter("source:cookies.txt")); err != nil {
		t.Fatal(err)
	}
	if ps, _, _ := j.Pending(ctx, "file:cookies.txt"); len(ps) != 0 {
		t.Fatalf("cookies.txt cookies pending: %+v", ps)
	}
	// One purge of keyed and unkeyed cookies records the keyed ones only.
	mixed := makeCookies(40, 11, testNow, "firefox:mixed")
	var keyed []cookie.Identity
	for i := range mixed {
		if i%3 == 0 {
			mixed[i].OriginalKey = ""
		} else {
			mixed[i].OriginalKey = "key-" + mixed[i].Name + mixed[i].Domain + mixed[i].Path
		}
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:mixed", Cookies: mixed})
	for _, c := range liveOf(t, j, "firefox:mixed") {
		if c.OriginalKey != "" {
			keyed = append(keyed, c.Identity())
		}
	}
	if _, err := j.Purge(ctx, cookie.MustParseFilter("source:firefox:mixed")); err != nil {
		t.Fatal(err)
	}
	ps, _, err = j.Pending(ctx, "firefox:mixed")
	if err != nil {
		t.Fatal(err)
	}
	var got []cookie.Identity
	for _, p := range ps {
		got = append(got, p.Identity)
	}
	if len(keyed) == 0 || len(keyed) == len(mixed) || !sameIdentities(got, keyed) {
		t.Fatalf("pending after a mixed purge: %d of %d keyed:\n%v\nwant %v", len(got), len(mixed), got, keyed)
	}
}

// liveOf is the live cookies of source.
func liveOf(t *testing.T, j *Jar, source string) []cookie.Cookie {
	t.Helper()
	all, err := j.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []cookie.Cookie
	for _, c := range all {
		if c.Source == source {
			out = append(out, c)
		}
	}
	return out
}

// sameIdentities compares two lists of identities as sets.
func sameIdentities(a, b []cookie.Identity) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[cookie.Identity]int{}
	for _, id := range a {
		in[id]++
	}
	for _, id := range b {
		if in[id] == 0 {
			return false
		}
		in[id]--
	}
	return true
}

// Emptying the trash does not cancel the deletions pending write-back
// (emptying cannot be undone, so this is its own test).
func TestEmptyTrashKeepsPending(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	cs := makeCookies(20, 5, testNow, "firefox:p")
	for i := range cs {
		cs[i].OriginalKey = "key-" + cs[i].Name + cs[i].Domain + cs[i].Path
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:p", Cookies: cs})
	all, _ := j.All(ctx)
	if n, err := j.Delete(ctx, []int64{all[0].ID, all[1].ID}); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if _, err := j.EmptyTrash(ctx); err != nil {
		t.Fatal(err)
	}
	if ps, _, _ := j.Pending(ctx, "firefox:p"); len(ps) != 2 {
		t.Fatalf("after emptying the trash: %d pending", len(ps))
	}
}
