package writeback_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// benchClean measures Run removing the tracking cookies of a generated
// 100,000-cookie store (read, classify and the whole safety sequence:
// backup, transaction, integrity check, re-read). README's Performance
// table quotes it.
func benchClean(b *testing.B, format string) {
	dir := b.TempDir()
	cs := gen.Cookies(100000, 1, time.Now().UTC(), "gen")
	var path, file string
	var err error
	if format == source.FormatFirefox {
		path = filepath.Join(dir, "prof")
		file = filepath.Join(path, "cookies.sqlite")
		os.MkdirAll(path, 0o700)
		err = gen.WriteFirefoxStore(file, cs)
	} else {
		path = filepath.Join(dir, "ud", "Default")
		file = filepath.Join(path, "Cookies")
		os.MkdirAll(path, 0o700)
		err = gen.WriteChromiumStore(file, cs, gen.ChromiumStoreOptions{})
	}
	if err != nil {
		b.Fatal(err)
	}
	pristine, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	cl := purpose.Default()
	s := writeback.Store{Source: "bench", Format: format, Path: path}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(file, pristine, 0o600); err != nil {
			b.Fatal(err)
		}
		root := b.TempDir()
		b.StartTimer()
		res, err := s.Read(ctx, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		var del []cookie.Cookie
		for j := range res.Cookies {
			cl.Classify(&res.Cookies[j])
			if res.Cookies[j].Purpose == cookie.PurposeTracking {
				del = append(del, res.Cookies[j])
			}
		}
		if _, err := writeback.Run(ctx, s, res.Cookies, importers.Change{Delete: del}, writeback.Options{Root: root, MadeBy: writeback.MadeByClean}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(del)), "removed")
	}
}

func BenchmarkCleanFirefox100k(b *testing.B)  { benchClean(b, source.FormatFirefox) }
func BenchmarkCleanChromium100k(b *testing.B) { benchClean(b, source.FormatChromium) }
