package ui

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// The benchmarks run on a generated jar of 100,000 cookies (docs/budgets.md §4):
// first frame ≤ 200 ms, Update+View per keystroke ≤ 16 ms, ≤ 200 MB.

const benchN = 100_000

// generatedJar is a jar of n generated cookies, built once per test binary
// in a temp folder: the 100k benchmarks and the million ones
// (million_bench_test.go) make theirs the same way.
type generatedJar struct {
	n       int
	pattern string // of the temp folder
	once    sync.Once
	path    string
	err     error
}

func (g *generatedJar) get(b testing.TB) string {
	g.once.Do(func() { g.path, g.err = buildJar(g.pattern, g.n) })
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.path
}

func buildJar(pattern string, n int) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "jar.db")
	j, err := jar.Open(path, jar.WithClock(func() time.Time { return testNow }), jar.WithClassifier(purpose.Default()))
	if err != nil {
		return "", err
	}
	defer j.Close()
	cs := gen.Cookies(n, 1, testNow, "chrome:Default")
	_, err = j.Import(context.Background(), []jar.Batch{{Source: "chrome:Default", File: "bench", Cookies: cs}}, jar.ImportOptions{})
	return path, err
}

var bench100k = &generatedJar{n: benchN, pattern: "crumbs-ui-bench-"}

func benchJar(b testing.TB) string { return bench100k.get(b) }

func openBench(b testing.TB) *jar.Jar { return openGenerated(b, benchJar(b)) }

// openGenerated opens a generated jar without a Cleanup: the benchmarks
// close it each round.
func openGenerated(b testing.TB, path string) *jar.Jar {
	j, err := jar.Open(path, jar.WithClock(func() time.Time { return testNow }), jar.WithClassifier(purpose.Default()))
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkFirstFrame: open the jar, build the model, draw the first frame
// (which shows cookies: the first page is read synchronously).
func BenchmarkFirstFrame(b *testing.B) { benchFirstFrame(b, benchJar, openBench) }

// benchFirstFrame opens the jar that open gives, builds the model and
// draws the first frame, which must show cookies.
func benchFirstFrame(b *testing.B, build func(testing.TB) string, open func(testing.TB) *jar.Jar) {
	build(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := open(b)
		m, err := New(context.Background(), j, Options{})
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if v := m.View(); len(m.main.res.rows) == 0 || len(v) == 0 {
			b.Fatal("first frame shows no cookies")
		}
		b.StopTimer()
		j.Close()
		b.StartTimer()
	}
}

// BenchmarkFullLoad: a cold start to the whole jar on screen: open the
// jar, the first frame, then the background load of all 100k cookies (in
// a Cmd, never blocking a key) with grouping. Reports the live heap after.
func BenchmarkFullLoad(b *testing.B) {
	benchJar(b)
	var m *Model
	for i := 0; i < b.N; i++ {
		if m != nil {
			b.StopTimer()
			m.c.jar.Close()
			m = nil
			runtime.GC()
			b.StartTimer()
		}
		j := openBench(b)
		var err error
		m, err = New(context.Background(), j, Options{})
		if err != nil {
			b.Fatal(err)
		}
		m.timers = timers{}
		sized(m, 120, 40)
		_ = m.View()
		drain(m, m.Init())
		_ = m.View()
	}
	b.StopTimer()
	defer m.c.jar.Close()
	if len(m.main.res.rows) != benchN {
		b.Fatalf("loaded %d", len(m.main.res.rows))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heapMB")
	runtime.KeepAlive(m)
}

func loadedModel(b *testing.B) *Model {
	j := openBench(b)
	b.Cleanup(func() { j.Close() })
	m, err := New(context.Background(), j, Options{})
	if err != nil {
		b.Fatal(err)
	}
	m.timers = timers{}
	sized(m, 120, 40)
	drain(m, m.Init())
	if len(m.main.res.rows) != benchN {
		b.Fatalf("loaded %d", len(m.main.res.rows))
	}
	return m
}

func benchKeys(b *testing.B, m *Model, ks ...string) {
	msgs := make([]tea.KeyMsg, len(ks))
	for i, k := range ks {
		msgs[i] = keyMsg(k)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(msgs[i%len(msgs)])
		_ = m.View()
	}
}

func BenchmarkKeyMoveFlat(b *testing.B) {
	m := loadedModel(b)
	press(m, "f")
	benchKeys(b, m, "j", "j", "j", "k")
}

func BenchmarkKeyMoveSites(b *testing.B) {
	m := loadedModel(b)
	benchKeys(b, m, "j", "j", "j", "k")
}

func BenchmarkKeyPageDownFlat(b *testing.B) {
	m := loadedModel(b)
	press(m, "f")
	benchKeys(b, m, "pgdown", "pgdown", "pgdown", "g")
}

// BenchmarkSearchKeystroke: one character typed into the search (and
// deleted again), including the filter over all 100k cookies that the
// keystroke starts and applying its result: the full cost of a keystroke
// until the screen shows its answer.
func BenchmarkSearchKeystroke(b *testing.B) {
	m := loadedModel(b)
	press(m, "/")
	for _, r := range "goo" {
		press(m, string(r))
	}
	seq := []tea.KeyMsg{keyMsg("g"), keyMsg("backspace")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, cmd := m.Update(seq[i%2])
		if cmd != nil {
			m.Update(cmd())
		}
		_ = m.View()
	}
}

// BenchmarkSearchKeystrokeUI: the Update+View part alone (the filtering
// runs in a Cmd, off the UI goroutine).
func BenchmarkSearchKeystrokeUI(b *testing.B) {
	m := loadedModel(b)
	press(m, "/")
	benchKeys(b, m, "x", "backspace")
}

// purgeUndoModel is a loaded 100k UI; each iteration undoes its own purge,
// so the shared bench jar stays as it was.
func purgeUndoModel(b *testing.B) *Model { return loadedModel(b) }

// BenchmarkPurge100k: P, y on a 100k jar until the list, the header and
// the toast show the result (the purge in the jar, the reload, the
// filter). Undone, untimed, after each iteration.
func BenchmarkPurge100k(b *testing.B) {
	m := purgeUndoModel(b)
	for i := 0; i < b.N; i++ {
		press(m, "P", "y")
		b.StopTimer()
		if !strings.Contains(m.c.toast.text, "purged") || m.c.busy != nil {
			b.Fatalf("purge did not finish: %q", m.c.toast.text)
		}
		press(m, "u")
		b.StartTimer()
	}
}

// BenchmarkUndo100k: u after a purge of every tracking cookie of a 100k
// jar, until the list shows them again.
func BenchmarkUndo100k(b *testing.B) {
	m := purgeUndoModel(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		press(m, "P", "y")
		b.StartTimer()
		press(m, "u")
		if len(m.main.res.rows) != benchN {
			b.Fatalf("after undo %d rows", len(m.main.res.rows))
		}
	}
}
