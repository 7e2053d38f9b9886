package firefox

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
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
				cs[i].Session, cs[i].Expires = false, cookie.TimeOf(now.Add(24*time.Hour))
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
	want := map[cookie.Identity]cookie.Cookie{}
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
			c.Expires.Unix() != w.Expires.Time().Round(time.Second).Unix() || c.Partition != w.Partition {
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

// The parallel path: rows split over several connections come back
// complete, in rowid order, with refused rows counted once.
func TestParallelRead(t *testing.T) {
	defer func(n, p int) { parallelRows = n; runtime.GOMAXPROCS(p) }(parallelRows, runtime.GOMAXPROCS(4))
	parallelRows = 100

	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	cs := gen.Cookies(3001, 3, now, "firefox:par")
	for i := range cs {
		if cs[i].Session {
			cs[i].Session, cs[i].Expires = false, cookie.TimeOf(now.Add(time.Hour))
		}
	}
	p := filepath.Join(t.TempDir(), "cookies.sqlite")
	if err := gen.WriteFirefoxStore(p, cs); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	// Spoil three rows, at the start, the middle and the end.
	if _, err := db.Exec("UPDATE moz_cookies SET host = '' WHERE rowid IN (1, 1500, 3001)"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT name, host FROM moz_cookies WHERE host != '' ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for rows.Next() {
		var name, host string
		rows.Scan(&name, &host)
		want = append(want, host+" "+name)
	}
	rows.Close()
	db.Close()

	var last, calls int
	res, err := Read(context.Background(), p, importers.Options{Progress: func(done, total int) {
		calls++
		last = done
		if total != 3001 {
			t.Errorf("progress total %d", total)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Refused != 3 || len(res.Warnings) != 3 {
		t.Errorf("refused %d, warnings %q", res.Refused, res.Warnings)
	}
	if len(res.Cookies) != len(want) {
		t.Fatalf("%d cookies, want %d", len(res.Cookies), len(want))
	}
	for i, c := range res.Cookies {
		if got := c.Domain + " " + c.Name; got != want[i] {
			t.Fatalf("cookie %d = %s, want %s (rowid order)", i, got, want[i])
		}
	}
	if calls == 0 || last != 3001 {
		t.Errorf("progress: %d calls, last %d", calls, last)
	}
}
