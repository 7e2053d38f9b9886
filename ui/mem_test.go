package ui

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// heapPerCookieLimit bounds the Go heap the UI and the jar hold per loaded
// cookie. A generated cookie is 264 bytes in the jar's cache plus its
// strings (~625 B in all measured); the UI shares that slice (jar.Shared)
// and adds a few bytes of indices. A copy of the cookies (as jar.All made)
// adds 264 B (~890) and fails this test: the limit was 900 while a cookie
// was 440 bytes, and a copy would now pass under it.
const heapPerCookieLimit = 800

// TestHeapAfterLoad loads a 20k jar fully, with a free-word search (which
// builds the folded text), and checks the live heap per cookie. It runs by
// default; TestTmuxMemory100k measures the real binary's RSS on request.
func TestHeapAfterLoad(t *testing.T) {
	if raceEnabled {
		t.Skip("heap per cookie is not measurable under the race detector (shadow memory, slow loads)")
	}
	const n = 20_000
	path := filepath.Join(t.TempDir(), "jar.db")
	j, err := jar.Open(path, jar.WithClock(func() time.Time { return testNow }), jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	cs := gen.Cookies(n, 3, testNow, "chrome:Default")
	if _, err := j.Import(context.Background(), []jar.Batch{{Source: "chrome:Default", File: "mem", Cookies: cs}}, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	cs = nil

	before := liveHeap()
	j, err = jar.Open(path, jar.WithClock(func() time.Time { return testNow }), jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	m := newModel(t, j, Options{})
	sized(m, 120, 40)
	drain(m, m.Init())
	if len(m.main.res.rows) != n {
		t.Fatalf("loaded %d of %d", len(m.main.res.rows), n)
	}
	press(m, "/", "g", "o", "o", "enter")
	if !m.c.ds().complete || len(m.c.ds().foldText) == 0 {
		t.Fatal("search did not build the folded text")
	}
	after := liveHeap()
	per := (int64(after) - int64(before)) / n
	t.Logf("live heap %.1f MB for %d cookies: %d B per cookie (limit %d)", float64(after-before)/(1<<20), n, per, heapPerCookieLimit)
	if per > heapPerCookieLimit {
		t.Errorf("live heap %d B per loaded cookie > %d: is the cookie slice copied?", per, heapPerCookieLimit)
	}
	runtime.KeepAlive(m)
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
