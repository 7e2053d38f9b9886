package firefox

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
)

var (
	benchOnce  sync.Once
	benchDir   string
	benchStore string
	benchRows  int
	benchErr   error
)

// generatedStore writes a 100,000-cookie schema-17 store once per test run.
func generatedStore(tb testing.TB) (string, int) {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "crumbs-firefox-bench-")
		if benchErr != nil {
			return
		}
		now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
		// Firefox persists no session cookies: give them an expiry so that
		// the store really holds 100,000 rows.
		cs := gen.Cookies(100_000, 1, now, "firefox:bench")
		for i := range cs {
			if cs[i].Session {
				cs[i].Session, cs[i].Expires = false, now.Add(24*time.Hour)
			}
		}
		benchRows = len(cs)
		benchStore = filepath.Join(benchDir, "cookies.sqlite")
		benchErr = gen.WriteFirefoxStore(benchStore, cs)
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchStore, benchRows
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// A generated store round-trips: what gen wrote is what Read returns.
func TestGeneratedStoreRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	cs := gen.Cookies(2000, 7, now, "firefox:gen")
	p := filepath.Join(t.TempDir(), "cookies.sqlite")
	if err := gen.WriteFirefoxStore(p, cs); err != nil {
		t.Fatal(err)
	}
	res := readOne(t, p, importers.Options{Source: "firefox:gen"})
	want := map[jar.Identity]jar.Cookie{}
	for _, c := range cs {
		if !c.Session {
			want[c.Identity()] = c
		}
	}
	if len(res.Cookies) != len(want) || res.Refused != 0 {
		t.Fatalf("read %d (refused %d: %q), wrote %d persistent", len(res.Cookies), res.Refused, res.Warnings, len(want))
	}
	for _, c := range res.Cookies {
		w, ok := want[c.Identity()]
		if !ok {
			t.Errorf("unexpected %s", c.Identity())
			continue
		}
		if c.Value != w.Value || c.Secure != w.Secure || c.HTTPOnly != w.HTTPOnly || c.SameSite != w.SameSite ||
			c.Expires.Unix() != w.Expires.Round(time.Second).Unix() || c.Partition != w.Partition {
			t.Errorf("%s: read %+v\nwrote %+v", c.Identity(), c, w)
		}
	}
}

func BenchmarkFirefoxImport100k(b *testing.B) {
	path, rows := generatedStore(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := Read(context.Background(), path, importers.Options{Source: "firefox:bench"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Cookies) != rows {
			b.Fatalf("read %d cookies, want %d", len(res.Cookies), rows)
		}
	}
	b.ReportMetric(float64(rows), "cookies/op")
}
