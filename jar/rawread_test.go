package jar

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestRawReadAsTheDriver: the rows read through SQLite's C API (readRange,
// which the snapshot's ranged read uses, and Each) make the same cookies,
// field for field, as the database/sql driver's scan — partitions,
// containers, extras, unreadable values, NUL bytes and invalid UTF-8,
// strings too long to intern and strings interned across rows.
func TestRawReadAsTheDriver(t *testing.T) {
	ctx := context.Background()
	j := corpusJar(t)
	odd := []cookie.Cookie{
		{Name: "nul", Value: "a\x00b", Domain: ".odd.example", Path: "/"},
		{Name: "bad-utf8", Value: "\xff\xfe", Domain: ".odd.example", Path: "/" + strings.Repeat("long/", 30)},
		{Name: "empty", Domain: ".odd.example", Path: "/", Session: true},
		{Name: "\u212aelvin", Value: "k", Domain: "odd.example", HostOnly: true, Path: "/" + strings.Repeat("long/", 30)},
	}
	for i := range odd {
		odd[i].Source = "file:odd.txt"
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "file:odd.txt", Cookies: odd})

	rows, err := j.db.QueryContext(ctx, selectCookies+` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := scanCookies(rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 100 {
		t.Fatalf("only %d cookies: the comparison would prove little", len(want))
	}
	got := make([]cookie.Cookie, len(want))
	if err := j.readRange(ctx, 0, math.MaxInt64, got); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("cookie %d:\n raw    %+v\n driver %+v", want[i].ID, got[i], want[i])
		}
	}
	if err := j.readRange(ctx, 0, math.MaxInt64, got[1:]); err != errRegionChanged {
		t.Errorf("a range with more rows than room: %v, want errRegionChanged", err)
	}
	if err := j.readRange(ctx, 0, math.MaxInt64, make([]cookie.Cookie, len(want)+1)); err != errRegionChanged {
		t.Errorf("a range with fewer rows than room: %v, want errRegionChanged", err)
	}

	// Each in the default order, with a protection marking some: every
	// cookie as the driver read it, ProtectedBy as the protector says.
	f, err := cookie.ParseFilter("domain:odd.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, f); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]cookie.Cookie{}
	for _, c := range want {
		byID[c.ID] = c
	}
	n, protected := 0, 0
	err = j.Each(ctx, Query{}, func(c *cookie.Cookie) error {
		w := byID[c.ID]
		if strings.HasSuffix(c.Domain, "odd.example") {
			w.ProtectedBy = "domain:odd.example"
			protected++
		}
		if !reflect.DeepEqual(*c, w) {
			t.Fatalf("Each, cookie %d:\n got  %+v\n want %+v", c.ID, *c, w)
		}
		n++
		return nil
	})
	if err != nil || n != len(want) || protected != len(odd) {
		t.Fatalf("Each: %d cookies (%d protected), %v; want %d (%d)", n, protected, err, len(want), len(odd))
	}
}

// TestRawReadStopsWithTheContext: a cancelled context ends Each's read with
// the context's error, and a caller's error comes back as it is.
func TestRawReadStopsWithTheContext(t *testing.T) {
	j := corpusJar(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := j.Each(ctx, Query{}, func(*cookie.Cookie) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("after %d cookies: %v, want the context's error", n, err)
	}
	mine := errTest("mine")
	if err := j.Each(context.Background(), Query{}, func(*cookie.Cookie) error { return mine }); err != mine {
		t.Fatalf("the caller's error: %v", err)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

// TestTrackingRowsBothWays: the report's tracking rows read through the C
// API (ReportRows' usual way) and through the driver (its way again after
// a commit came in between) are the same rows, protections marked alike.
func TestTrackingRowsBothWays(t *testing.T) {
	ctx := context.Background()
	j := corpusJar(t)
	f, err := cookie.ParseFilter("domain:doubleclick.net")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, f); err != nil {
		t.Fatal(err)
	}
	fs := compileFilter(cookie.Filter{}, j.Now())
	raw, err := j.rawTrackingRows(ctx, fs, math.MinInt64, math.MaxInt64)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	p, err := j.protector(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	viaDriver, err := j.trackingRows(p, driverSource(ctx, tx), fs, math.MinInt64, math.MaxInt64)
	if err != nil {
		t.Fatal(err)
	}
	protected := 0
	for _, r := range raw {
		if r.ProtectedBy != "" {
			protected++
		}
	}
	if len(raw) < 50 || protected == 0 || protected == len(raw) {
		t.Fatalf("%d tracking rows, %d protected: the comparison would prove little", len(raw), protected)
	}
	if !reflect.DeepEqual(raw, viaDriver) {
		t.Fatalf("the C API's %d rows differ from the driver's %d", len(raw), len(viaDriver))
	}
}
