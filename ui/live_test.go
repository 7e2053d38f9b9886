package ui

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// Issue 13, item 1: nothing lost, nothing stale.

// Cancelling a dialog keeps the marks: the bulk delete, the purge and the
// purpose picker, whichever key cancels.
func TestCancelKeepsMarks(t *testing.T) {
	j := openJar(t, genCookies(80))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "f", "space", "space", "space")
	for _, seq := range [][]string{{"d", "esc"}, {"d", "n"}, {"d", "enter"}, {"P", "esc"}, {"p", "esc"}, {"x", "esc"}} {
		press(m, seq...)
		if m.modal != nil {
			t.Fatalf("%v left a dialog open", seq)
		}
		if len(m.main.marks) != 3 {
			t.Errorf("%v: %d marks left, want 3", seq, len(m.main.marks))
		}
	}
	if n := count(t, j); n != 80 {
		t.Errorf("a cancelled dialog changed the jar: %d", n)
	}
	press(m, "d", "y")
	if len(m.main.marks) != 0 || count(t, j) != 77 {
		t.Errorf("confirmed delete: %d marks, %d cookies", len(m.main.marks), count(t, j))
	}
}

// Another crumbs process purges the jar: the UI sees it within a poll,
// reloads, says so, and keeps the cursor's cookie and the marks that still
// apply. ctrl+r reloads at once.
func TestLiveRefreshFromAnotherProcess(t *testing.T) {
	j := openJar(t, genCookies(200))
	m := newModel(t, j, Options{})
	m.timers.poll = 50 * time.Millisecond
	tm := run(t, m)
	waitFor(t, tm, "200 of 200")
	keys(tm, "f", "space") // mark the first row, cursor on the second
	waitFor(t, tm, "1 marked")

	// a second handle on the same file: another process, as far as the
	// jar's snapshot can tell (its own connections)
	other, err := jar.Open(j.Path(), jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tracking := count(t, j, "purpose:tracking")
	if _, err := other.Purge(context.Background(), cookie.MustParseFilter("purpose:tracking")); err != nil {
		t.Fatal(err)
	}
	left := 200 - tracking
	waitFor(t, tm, "changed by another program", fmt.Sprintf("%d of %d", left, left))

	// ctrl+r: nothing changed, the same numbers, and says it reloaded
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlR})
	waitFor(t, tm, "reloaded the jar")
	final := finish(t, tm)
	if got := len(final.main.res.rows); got != left {
		t.Errorf("after the refresh the UI shows %d, the jar has %d", got, left)
	}
	for id := range final.main.marks {
		if _, err := j.Get(context.Background(), id); err != nil {
			t.Errorf("a mark on cookie %d that is gone was kept", id)
		}
	}
}

// Every count a dialog or toast shows is what the action does, protected
// cookies included; the toast appears with the right totals in the same
// frame (never "N of M" from before the change).
func TestPurgeCountsAreWhatHappens(t *testing.T) {
	j := openJar(t, genCookies(300))
	ctx := context.Background()
	// protect one site that has tracking cookies
	var site string
	for _, c := range mustAll(t, j) {
		if c.Purpose == cookie.PurposeTracking {
			site = cookie.Site(c.Domain)
			break
		}
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:"+site)); err != nil {
		t.Fatal(err)
	}
	kept := count(t, j, "purpose:tracking", "domain:"+site)
	moved := count(t, j, "purpose:tracking") - kept
	if kept == 0 || moved == 0 {
		t.Fatalf("fixture: %d kept, %d moved", kept, moved)
	}
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "300 of 300")
	keys(tm, "P")
	waitFor(t, tm, fmt.Sprintf("Move %d tracking cookies", moved), fmt.Sprintf("Kept: %d protected", kept))
	keys(tm, "y")
	left := 300 - moved
	status := regexp.MustCompile(`purged \d+ tracking cookies, kept \d+ protected — u to undo · jar jar\.db · \d+ of \d+`)
	waitFor(t, tm, fmt.Sprintf("purged %d tracking cookies, kept %d protected — u to undo · jar jar.db · %d of %d", moved, kept, left, left))
	for _, line := range status.FindAllString(string(tm.buf), -1) {
		if !strings.HasSuffix(line, fmt.Sprintf("%d of %d", left, left)) {
			t.Errorf("a frame showed the toast with stale totals: %q", line)
		}
	}
	keys(tm, "u")
	waitFor(t, tm, "undid", "300 of 300")
	finish(t, tm)
	if n := count(t, j); n != 300 {
		t.Errorf("after undo the jar has %d", n)
	}
}

func mustAll(t *testing.T, j *jar.Jar) []cookie.Cookie {
	t.Helper()
	cs, err := j.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// While a change runs the status bar says what it does; once it is done
// the busy line goes and the toast says what happened.
func TestBusyThenToast(t *testing.T) {
	j := openJar(t, genCookies(100))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	_, cmd := m.Update(keyMsg("d"))
	if v := m.View(); !strings.Contains(v, "deleting 1 cookie…") {
		t.Errorf("no busy line while deleting:\n%s", v)
	}
	drain(m, cmd)
	v := m.View()
	if strings.Contains(v, "deleting") || !strings.Contains(v, "deleted 1 — u to undo") || !strings.Contains(v, "99 of 99") {
		t.Errorf("after the delete:\n%s", v)
	}
}

// The real binary in tmux, and the real CLI in another process: a purge
// from the command line shows in the open UI within a few seconds, with
// the new totals, without a key pressed.
func TestTmuxLiveRefresh(t *testing.T) {
	bin, dir := tmuxBinary(t)
	jarPath := filepath.Join(dir, "jar.db")
	j := openJarAt(t, jarPath, genCookies(300))
	tracking := count(t, j, "purpose:tracking")
	j.Close()
	s := startTmux(t, dir, bin, "--jar", jarPath)
	s.waitFor("300 of 300")
	out, err := exec.Command(bin, "--jar", jarPath, "purge", "--purpose", "tracking", "--yes").CombinedOutput()
	if err != nil {
		t.Fatalf("crumbs purge: %v\n%s", err, out)
	}
	left := 300 - tracking
	screen := s.waitFor("changed by another program", fmt.Sprintf("%d of %d", left, left), fmt.Sprintf("%d cookies", left))
	if strings.Contains(screen, "tracking "+fmt.Sprint(tracking)) {
		t.Errorf("the header still counts the purged cookies:\n%s", screen)
	}
	s.send("q")
}
