package ui

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// testNow is the fixed clock of every UI test.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// openJar opens a real jar in a temp dir, classified by the built-in
// knowledge, and imports cs into it.
func openJar(t testing.TB, cs []cookie.Cookie) *jar.Jar {
	t.Helper()
	return openJarAt(t, filepath.Join(t.TempDir(), "jar.db"), cs)
}

func openJarAt(t testing.TB, path string, cs []cookie.Cookie) *jar.Jar {
	t.Helper()
	j, err := jar.Open(path, jar.WithClock(func() time.Time { return testNow }), jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	if len(cs) > 0 {
		src := cs[0].Source
		if _, err := j.Import(context.Background(), []jar.Batch{{Source: src, File: "test", Cookies: cs}}, jar.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

func genCookies(n int) []cookie.Cookie { return gen.Cookies(n, 7, testNow, "firefox:test") }

func newModel(t testing.TB, j *jar.Jar, opts Options) *Model {
	t.Helper()
	m, err := New(context.Background(), j, opts)
	if err != nil {
		t.Fatal(err)
	}
	m.timers = timers{} // no ticks: toasts stay, no polling, drain never waits on a timer
	return m
}

// term drives a teatest program and keeps everything it has drawn, so
// that a wait sees output drawn since the last keys were sent even if an
// earlier wait already read it.
type term struct {
	*teatest.TestModel
	buf  []byte
	from int
}

// run starts a teatest program over m at 120×40.
func run(t *testing.T, m *Model) *term {
	t.Helper()
	return &term{TestModel: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))}
}

func (s *term) pull() {
	b, _ := io.ReadAll(s.Output())
	s.buf = append(s.buf, b...)
}

func (s *term) Send(msg tea.Msg) {
	s.pull()
	s.from = len(s.buf)
	s.TestModel.Send(msg)
}

func keys(tm *term, ks ...string) {
	for _, k := range ks {
		tm.Send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEscape}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+a":
		return tea.KeyMsg{Type: tea.KeyCtrlA}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// typeText sends s as typed runes.
func typeText(tm *term, s string) {
	for _, r := range s {
		if r == ' ' {
			tm.Send(keyMsg("space"))
			continue
		}
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// waitFor waits until the program's output contains every one of subs.
func waitFor(t *testing.T, tm *term, subs ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tm.pull()
		seen := tm.buf[tm.from:]
		ok := true
		for _, s := range subs {
			if !bytes.Contains(seen, []byte(s)) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %q; drawn since the last keys:\n%s", subs, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// finish quits and returns the final model.
func finish(t *testing.T, tm *term) *Model {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	return tm.TestModel.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
}

// checkFrame asserts the layout rules on a rendered frame: no line wider
// than the terminal, not more lines than it has, and no escape or control
// character (tests render without colour, so any ESC came from data).
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	if view == "" {
		return
	}
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, terminal has %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := width(l); lw > w {
			t.Errorf("line %d is %d cells wide (max %d): %q", i, lw, w, l)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u202d' || r == '\u2066' || r == '\u2067' {
				t.Errorf("line %d holds control character %U: %q", i, r, l)
				break
			}
		}
	}
}

func count(t testing.TB, j *jar.Jar, terms ...string) int {
	t.Helper()
	f, err := cookie.ParseFilter(terms...)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := j.Query(context.Background(), jar.Query{Filter: f, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func sized(m *Model, w, h int) *Model {
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// drain runs cmd and feeds every resulting message back, synchronously, the
// way the program would (for plain Update tests). Batches are expanded;
// ticks are skipped.
func drain(m *Model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0 && steps < 100; steps++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := runWithTimeout(c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func runWithTimeout(c tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(5 * time.Second):
		return nil // a tick: not needed in tests
	}
}

func press(m *Model, ks ...string) {
	for _, k := range ks {
		_, cmd := m.Update(keyMsg(k))
		drain(m, cmd)
	}
}
