package chromium

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
)

// Rows split over several connections come back complete, in rowid order,
// each refused row counted once and numbered as in a single pass: the same
// result as reading the table in one pass.
func TestParallelReadMatchesOnePass(t *testing.T) {
	defer func(n, p int) { parallelRows = n; runtime.GOMAXPROCS(p) }(parallelRows, runtime.GOMAXPROCS(4))

	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	cs := gen.Cookies(3001, 5, now, "chrome:par")
	path := filepath.Join(t.TempDir(), "Cookies")
	if err := gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// Spoil three rows, at the start, the middle and the end, with a name
	// Chromium would refuse (a row refused for its content, not damage).
	if _, err := db.Exec("UPDATE cookies SET name = name || char(1) WHERE rowid IN (1, 1500, 3001)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	read := func(split int) *importers.Result {
		parallelRows = split
		var last int
		res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path,
			importers.Options{Source: "chrome:par", Password: "peanuts", Progress: func(done, total int) { last = done }})
		if err != nil {
			t.Fatal(err)
		}
		if last != 3001 {
			t.Errorf("split %d: progress ended at %d", split, last)
		}
		return res
	}
	one, par := read(1<<30), read(100)
	if one.Refused != 3 || par.Refused != 3 {
		t.Fatalf("refused %d one pass, %d split", one.Refused, par.Refused)
	}
	if len(one.Cookies) != 2998 || !reflect.DeepEqual(one.Cookies, par.Cookies) {
		t.Fatalf("split read differs from one pass (%d vs %d cookies)", len(par.Cookies), len(one.Cookies))
	}
	w1, w2 := append([]string(nil), one.Warnings...), append([]string(nil), par.Warnings...)
	sort.Strings(w1)
	sort.Strings(w2)
	if !reflect.DeepEqual(w1, w2) {
		t.Fatalf("warnings differ:\n%q\n%q", w1, w2)
	}
}

// Cancelling in the middle of a split read stops every producer and
// returns the context's error, without hanging.
func TestParallelReadCancelled(t *testing.T) {
	defer func(n, p int) { parallelRows = n; runtime.GOMAXPROCS(p) }(parallelRows, runtime.GOMAXPROCS(4))
	parallelRows = 100

	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "Cookies")
	if err := gen.WriteChromiumStore(path, gen.Cookies(5000, 6, now, "chrome:c"), gen.ChromiumStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Reader{Keys: noOS(), Platform: "linux"}.Read(ctx, path, importers.Options{Password: "peanuts",
		Progress: func(done, total int) {
			if done > 0 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
