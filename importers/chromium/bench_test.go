package chromium

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
)

// BenchmarkChromiumRead100k reads and decrypts a generated meta-24 store of
// 100,000 v10-encrypted cookies (with the SHA-256 host prefix), snapshot
// copy included.
func BenchmarkChromiumRead100k(b *testing.B) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := gen.Cookies(100_000, 1, now, "chrome:Default")
	path := filepath.Join(b.TempDir(), "Cookies")
	if err := gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{}); err != nil {
		b.Fatal(err)
	}
	r := Reader{Keys: noOS(), Platform: "linux"}
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		n++
		res, err := r.Read(context.Background(), path, importers.Options{Source: "chrome:Default"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Cookies) != len(cs) || len(res.Warnings) != 0 {
			b.Fatalf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
		}
	}
	// CPU time per read: wall time is noisy on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(n), "cpu-ms/op")
}
