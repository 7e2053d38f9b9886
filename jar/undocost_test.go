package jar

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// countingClassifier is testClassifier that counts its calls.
type countingClassifier struct {
	testClassifier
	calls atomic.Int64
}

func (c *countingClassifier) Classify(ck *cookie.Cookie) {
	c.calls.Add(1)
	c.testClassifier.Classify(ck)
}

// TestPurgeWritesNoBeforeImages: a purge moves each cookie once, into the
// trash, whose rows are the before-images undo puts back (history.go);
// and undo with the knowledge the purge ran with classifies nothing again
// (docs/budgets.md §2: a purge and its undo cost what they change).
func TestPurgeWritesNoBeforeImages(t *testing.T) {
	ctx := context.Background()
	cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
	j, _ := openTest(t, WithClassifier(cl))
	cs := makeCookies(400, 11, testNow, "firefox:default")
	mustImport(t, j, ImportOptions{}, Batch{Source: "firefox:default", Cookies: cs})
	before := dump(t, j)
	f := cookie.MustParseFilter("purpose:tracking")
	n, err := j.Purge(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the purge moved nothing: the test needs tracking cookies")
	}
	if k := count(t, j.db, `SELECT count(*) FROM undo_cookies`); k != 0 {
		t.Fatalf("the purge of %d cookies wrote %d before-images; the trash rows are the before-images", n, k)
	}
	if k := count(t, j.db, `SELECT count(*) FROM trash`); k != n {
		t.Fatalf("%d trash rows for %d moved", k, n)
	}
	calls := cl.calls.Load()
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if got := cl.calls.Load() - calls; got != 0 {
		t.Fatalf("undo with unchanged knowledge classified %d cookies again", got)
	}
	if after := dump(t, j); after != before {
		t.Fatalf("undo of the purge did not restore the jar:\n%s", firstDiff(before, after))
	}
	if k := count(t, j.db, `SELECT count(*) FROM trash`); k != 0 {
		t.Fatalf("%d trash rows left after the undo", k)
	}
}

// TestUndoOfUpdatedThenMoved: a change that updates a cookie and then moves
// it to the trash is undone to the image before the update (undo_cookies
// wins over the trash row).
func TestUndoOfUpdatedThenMoved(t *testing.T) {
	ctx := context.Background()
	j, _ := openTest(t)
	cs := makeCookies(20, 12, testNow, "s")
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: cs})
	before := dump(t, j)
	all, _ := j.All(ctx)
	id := all[3].ID
	_, err := j.change(ctx, kindEdit, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		if err := rec.saveCookies(ctx, tx, idList([]int64{id})); err != nil {
			return "", 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cookies SET value = 'changed' WHERE id = ?`, id); err != nil {
			return "", 0, err
		}
		n, err := j.moveToTrash(ctx, tx, rec, []int64{id})
		return "update then move", n, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, j); after != before {
		t.Fatalf("undo did not restore the image before the update:\n%s", firstDiff(before, after))
	}
}
