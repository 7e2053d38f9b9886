package ui

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The million-cookie benchmarks of docs/budgets.md §5: first frame with
// rows ≤ 300 ms, Update+View per keystroke ≤ 16 ms, a free-word search
// over all cookies ≤ 150 ms. Building the jar takes about a minute, so
// they run on request:
//
//	CRUMBS_BENCH_MILLION=1 go test -run XXX -bench Million ./ui
//
// CRUMBS_BENCH_MILLION may also name an existing jar (made by
// `crumbs-gen -kind jar -n 1000000`), which is then used as it is.

const millionN = 1_000_000

var million = &generatedJar{n: millionN, pattern: "crumbs-ui-million-"}

func millionJar(b testing.TB) string {
	env := os.Getenv("CRUMBS_BENCH_MILLION")
	if env == "" {
		b.Skip("building the 1,000,000-cookie jar takes about a minute: set CRUMBS_BENCH_MILLION=1 (or the path of such a jar)")
	}
	if env != "1" {
		if _, err := os.Stat(env); err != nil {
			b.Fatal(err)
		}
		return env
	}
	return million.get(b)
}

func openMillion(b testing.TB) *jar.Jar { return openGenerated(b, millionJar(b)) }

// BenchmarkFirstFrameMillion: open the 1M jar, build the model, draw the
// first frame, which shows cookies.
func BenchmarkFirstFrameMillion(b *testing.B) { benchFirstFrame(b, millionJar, openMillion) }

// loadedMillion is the UI on the 1M jar with every cookie loaded. The
// load runs as the program would run it (a Cmd), without drain's timeout.
func loadedMillion(b *testing.B) *Model {
	j := openMillion(b)
	b.Cleanup(func() { j.Close() })
	m, err := New(context.Background(), j, Options{})
	if err != nil {
		b.Fatal(err)
	}
	m.timers = timers{}
	sized(m, 120, 40)
	start := time.Now()
	runAll(m, m.Init())
	b.Logf("1M loaded in %v", time.Since(start).Round(time.Millisecond))
	if len(m.main.res.rows) != millionN {
		b.Fatalf("loaded %d", len(m.main.res.rows))
	}
	return m
}

// runAll is drain without a timeout: every Cmd runs to its end.
func runAll(m *Model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0 && steps < 100; steps++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// pressAll is press without drain's timeout.
func pressAll(m *Model, ks ...string) {
	for _, k := range ks {
		_, cmd := m.Update(keyMsg(k))
		runAll(m, cmd)
	}
}

func BenchmarkKeyMoveMillion(b *testing.B) {
	m := loadedMillion(b)
	pressAll(m, "f")
	benchKeys(b, m, "j", "j", "j", "k")
}

func BenchmarkKeyMoveSitesMillion(b *testing.B) {
	m := loadedMillion(b)
	benchKeys(b, m, "j", "j", "j", "k")
}

func BenchmarkKeyPageDownMillion(b *testing.B) {
	m := loadedMillion(b)
	pressAll(m, "f")
	benchKeys(b, m, "pgdown", "pgdown", "pgdown", "g")
}

// BenchmarkSearchKeystrokeUIMillion: a character typed into the search,
// Update+View alone (the filter runs in a Cmd).
func BenchmarkSearchKeystrokeUIMillion(b *testing.B) {
	m := loadedMillion(b)
	pressAll(m, "/")
	benchKeys(b, m, "x", "backspace")
}

// BenchmarkSearchMillion: a free word typed into the search on the loaded
// 1M jar until the filtered rows are on screen: the keystroke, the filter
// over every cookie (its folded text built on the first search, outside
// the timing) and applying the result.
func BenchmarkSearchMillion(b *testing.B) {
	m := loadedMillion(b)
	pressAll(m, "/", "z", "backspace")
	seq := []tea.KeyMsg{keyMsg("g"), keyMsg("backspace")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, cmd := m.Update(seq[i%2])
		runAll(m, cmd)
		_ = m.View()
	}
	b.StopTimer()
	runtime.KeepAlive(m)
}

// BenchmarkFirstSearchMillion: the first free-word search after the load,
// which also folds every cookie's text (a fresh dataset per iteration).
func BenchmarkFirstSearchMillion(b *testing.B) {
	m := loadedMillion(b)
	pressAll(m, "/")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		old := m.c.data.latest
		fresh := newDataset(old.cookies, old.total, old.version)
		m.c.data.ds, m.c.data.latest = fresh, fresh
		b.StartTimer()
		_, cmd := m.Update(keyMsg("g"))
		runAll(m, cmd)
		_ = m.View()
		b.StopTimer()
		pressAll(m, "backspace")
		b.StartTimer()
	}
}

// BenchmarkFullLoadMillion: a cold start to all 1M cookies on screen;
// reports the live heap after it.
func BenchmarkFullLoadMillion(b *testing.B) {
	millionJar(b)
	for i := 0; i < b.N; i++ {
		m := loadedMillion(b)
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heapMB")
		if f := os.Getenv("CRUMBS_BENCH_HEAPPROFILE"); f != "" {
			w, err := os.Create(f)
			if err != nil {
				b.Fatal(err)
			}
			pprof.WriteHeapProfile(w)
			w.Close()
		}
		runtime.KeepAlive(m)
		m.c.jar.Close()
		m = nil
		runtime.GC()
		b.StartTimer()
	}
}

// BenchmarkComputeMillion: the filter alone over the loaded 1M, for a free
// word on the folded text and on the fields themselves (what a search
// typed while foldCmd still runs uses), and for a keyed term.
func BenchmarkComputeMillion(b *testing.B) {
	m := loadedMillion(b)
	ds := m.c.ds()
	ds.buildFolded()
	for _, c := range []struct {
		name, text string
		folded     bool
	}{{"word-folded", "goo", true}, {"word-fields", "goo", false}, {"purpose", "purpose:tracking", false}} {
		b.Run(c.name, func(b *testing.B) {
			f, err := cookie.ParseFilter(c.text)
			if err != nil {
				b.Fatal(err)
			}
			q := query{filter: f, hasFilter: true, freeWord: c.folded, now: testNow}
			for i := 0; i < b.N; i++ {
				compute(ds, q)
			}
		})
	}
}

// BenchmarkSearchDuringFoldMillion: a free word typed the moment the load
// lands, while foldCmd folds every cookie's text in the background: the
// search matches the fields and the fold waits for it (yieldToSearch).
func BenchmarkSearchDuringFoldMillion(b *testing.B) {
	m := loadedMillion(b)
	old := m.c.data.latest
	f, err := cookie.ParseFilter("goo")
	if err != nil {
		b.Fatal(err)
	}
	q := query{filter: f, hasFilter: true, freeWord: true, now: testNow}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fresh := newDataset(old.cookies, old.total, old.version)
		folded := make(chan struct{})
		go func() { fresh.buildFolded(); close(folded) }()
		time.Sleep(5 * time.Millisecond) // the fold is under way
		b.StartTimer()
		r := compute(fresh, q)
		b.StopTimer()
		if fresh.foldDone.Load() {
			b.Fatal("the fold ended before the search: nothing measured")
		}
		if len(r.rows) == 0 {
			b.Fatal("no row matches goo")
		}
		<-folded
		b.StartTimer()
	}
}
