package jar

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// cpuTime is the process's user+system CPU time: on a shared machine it
// measures the work where wall time measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImport100k measures the jar writer: 100,000 new cookies upserted
// into an empty jar in one transaction.
func BenchmarkImport100k(b *testing.B) { benchImport100k(b) }

// BenchmarkImportNewAside100k is the same first import as crumbs import
// makes it: the new jar built beside its path and linked into place
// (aside.go), its one sync included.
func BenchmarkImportNewAside100k(b *testing.B) { benchImport100k(b, BuildNewAside()) }

func benchImport100k(b *testing.B, opts ...Option) {
	cs := makeCookies(100_000, 7, testNow, "chrome:Default")
	ctx := context.Background()
	b.ResetTimer()
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		j, err := Open(filepath.Join(b.TempDir(), "jar.db"), append(opts, WithClock(func() time.Time { return testNow }))...)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, c0 := time.Now(), cpuTime()
		if _, err := j.Import(ctx, []Batch{{Source: "chrome:Default", Cookies: cs}}, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		cpu += cpuTime() - c0
		b.StopTimer()
		j.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(cs)*b.N)/total.Seconds(), "cookies/s")
	b.ReportMetric(float64(len(cs)*b.N)/cpu.Seconds(), "cookies/cpu-s")
}

// BenchmarkReimport100k: the same 100,000 cookies again, nothing changes.
func BenchmarkReimport100k(b *testing.B) {
	cs := makeCookies(100_000, 7, testNow, "chrome:Default")
	ctx := context.Background()
	j, err := Open(filepath.Join(b.TempDir(), "jar.db"), WithClock(func() time.Time { return testNow }))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Import(ctx, []Batch{{Source: "chrome:Default", Cookies: cs}}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := j.Import(ctx, []Batch{{Source: "chrome:Default", Cookies: cs}}, ImportOptions{})
		if err != nil || st.Unchanged != len(cs) {
			b.Fatal(st, err)
		}
	}
	b.ReportMetric(float64(len(cs)*b.N)/b.Elapsed().Seconds(), "cookies/s")
}

func benchJar(b *testing.B) *Jar {
	b.Helper()
	cs := makeCookies(100_000, 7, testNow, "chrome:Default")
	j, err := Open(filepath.Join(b.TempDir(), "jar.db"), WithClock(func() time.Time { return testNow }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	if _, err := j.Import(context.Background(), []Batch{{Source: "chrome:Default", Cookies: cs}}, ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkFilterQuery100k: one keystroke in the search box on a 100k jar
// (snapshot warm), whole result counted, first page returned.
func BenchmarkFilterQuery100k(b *testing.B) {
	j := benchJar(b)
	ctx := context.Background()
	f := cookie.MustParseFilter("goog -is:expired")
	for range 2 { // the second query builds the snapshot (firstDirect)
		if _, _, err := j.Query(ctx, Query{Filter: f, Limit: 100}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		_, total, err := j.Query(ctx, Query{Filter: f, Limit: 100})
		if err != nil || total == 0 {
			b.Fatal(total, err)
		}
	}
}

// BenchmarkFilterMatch100k: Filter.Match alone over 100k cookies with a
// free word that scans domain, name and value.
func BenchmarkFilterMatch100k(b *testing.B) {
	cs := makeCookies(100_000, 7, testNow, "chrome:Default")
	f := cookie.MustParseFilter(matchNeedle)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		n := 0
		for k := range cs {
			if f.Match(&cs[k], testNow) {
				n++
			}
		}
	}
}

// BenchmarkAll100k: reading every live cookie from the file (cold snapshot).
func BenchmarkAll100k(b *testing.B) {
	j := benchJar(b)
	ctx := context.Background()
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		j.cacheMu.Lock()
		j.cache = nil
		j.cacheMu.Unlock()
		cs, err := j.All(ctx)
		if err != nil || len(cs) != 100_000 {
			b.Fatal(len(cs), err)
		}
	}
}

// BenchmarkQueryFirstPage100k: the UI's first frame, before any snapshot
// exists: the first 100 cookies in the default order and the total.
func BenchmarkQueryFirstPage100k(b *testing.B) {
	j := benchJar(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j.cacheMu.Lock()
		j.cache = nil
		j.cacheMu.Unlock()
		cs, total, err := j.Query(ctx, Query{Limit: 100})
		if err != nil || len(cs) != 100 || total != 100_000 {
			b.Fatal(len(cs), total, err)
		}
	}
}

// reportCPU adds the CPU time per op, the honest number on a busy machine.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// matchNeedle is a free word common in names and frequent in values.
const matchNeedle = "goog"

// BenchmarkEachDomain100k: a one-shot `crumbs list domain:github.com` on a
// 100k jar (no snapshot): the rows of one site of ten, streamed in the
// default order (domainSQL narrows them through the identity index).
func BenchmarkEachDomain100k(b *testing.B) {
	j := benchJar(b)
	ctx := context.Background()
	q := Query{Filter: cookie.MustParseFilter("domain:github.com")}
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		n := 0
		if err := j.Each(ctx, q, func(*cookie.Cookie) error { n++; return nil }); err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkProtectSite100k: `crumbs protect domain:github.com` on a 100k
// jar, and its count of the cookies it covers (countCovers), then the
// undo that takes it back for the next round.
func BenchmarkProtectSite100k(b *testing.B) {
	j := benchJar(b)
	ctx := context.Background()
	f := cookie.MustParseFilter("domain:github.com")
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i++ {
		if _, _, n, err := j.ProtectCounted(ctx, f); err != nil || n == 0 {
			b.Fatal(n, err)
		}
		b.StopTimer()
		if _, err := j.Undo(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
