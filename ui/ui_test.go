package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestFirstFrameShowsCookies(t *testing.T) {
	j := openJar(t, genCookies(300))
	m := sized(newModel(t, j, Options{}), 120, 40)
	v := m.View()
	checkFrame(t, v, 120, 40)
	// the header keeps every count and shortens the jar's path first
	for _, want := range []string{"crumbs", filepath.Base(j.Path()), "300 cookies", "tracking", "unknown", "Sites", "Details", "300 of 300", "? help"} {
		if !strings.Contains(v, want) {
			t.Errorf("first frame lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "▸") {
		t.Errorf("no cursor glyph in the first frame")
	}
}

func TestLargeJarFirstFrameIsPartialThenComplete(t *testing.T) {
	j := openJar(t, genCookies(firstPage*3))
	m := sized(newModel(t, j, Options{}), 120, 40)
	if m.c.ds().complete || !m.c.data.loading {
		t.Fatalf("expected a partial first page")
	}
	if v := m.View(); !strings.Contains(v, "loading") || !strings.Contains(v, "Sites") {
		t.Errorf("partial frame should show cookies and say loading:\n%s", v)
	}
	drain(m, m.Init())
	if !m.c.ds().complete || len(m.main.res.rows) != firstPage*3 {
		t.Fatalf("after load: complete=%v rows=%d", m.c.ds().complete, len(m.main.res.rows))
	}
}

func TestSearchIsLiveAndSwallowsKeys(t *testing.T) {
	j := openJar(t, genCookies(300))
	want := count(t, j, "name:_ga")
	if want == 0 {
		t.Skip("generator produced no _ga cookies")
	}
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "300 of 300")
	keys(tm, "/")
	typeText(tm, "name:_ga")
	waitFor(t, tm, fmt.Sprintf("%d of 300", want))
	// While typing, q is text, not quit; d is text, not delete.
	typeText(tm, "qd")
	waitFor(t, tm, "name:_gaqd")
	keys(tm, "backspace", "backspace", "enter")
	waitFor(t, tm, fmt.Sprintf("%d of 300", want), "filter name:_ga")
	m := finish(t, tm)
	if m.main.searchText != "name:_ga" || len(m.main.res.rows) != want {
		t.Errorf("search %q shows %d rows, want %d", m.main.searchText, len(m.main.res.rows), want)
	}
	if got := count(t, j); got != 300 {
		t.Errorf("typing in search changed the jar: %d cookies", got)
	}
	v := m.View()
	if !strings.Contains(v, fmt.Sprintf("%d of 300", want)) || !strings.Contains(v, "filter name:_ga") {
		t.Errorf("status bar should show the kept filter:\n%s", v)
	}
}

func TestSearchEscClears(t *testing.T) {
	j := openJar(t, genCookies(100))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "/", "d", "o", "esc")
	if m.main.searchText != "" || len(m.main.res.rows) != 100 || m.main.searching {
		t.Errorf("esc should clear: text %q rows %d searching %v", m.main.searchText, len(m.main.res.rows), m.main.searching)
	}
}

func TestQuickPurposeFilters(t *testing.T) {
	j := openJar(t, genCookies(300))
	m := sized(newModel(t, j, Options{}), 120, 40)
	for k, p := range map[string]cookie.Purpose{"1": cookie.PurposeSession, "2": cookie.PurposePersonalization, "3": cookie.PurposeTracking, "4": cookie.PurposeUnknown} {
		press(m, k)
		if got, want := len(m.main.res.rows), count(t, j, "purpose:"+string(p)); got != want {
			t.Errorf("filter %s: %d rows, jar says %d", p, got, want)
		}
		press(m, "0")
		if len(m.main.res.rows) != 300 {
			t.Errorf("0 should show all, shows %d", len(m.main.res.rows))
		}
	}
}

func TestPurgeTrackingCancelConfirmUndo(t *testing.T) {
	j := openJar(t, genCookies(300))
	ctx := context.Background()
	tracking := count(t, j, "purpose:tracking")
	if tracking == 0 {
		t.Fatal("generator made no tracking cookies")
	}
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "300 of 300")
	keys(tm, "P")
	waitFor(t, tm, fmt.Sprintf("Move %d tracking cookies on", tracking), "Cancel")
	keys(tm, "enter") // Cancel is focused: enter cancels
	keys(tm, "j")
	if n := count(t, j); n != 300 {
		t.Fatalf("enter on the purge dialog changed the jar: %d", n)
	}
	keys(tm, "P")
	keys(tm, "y")
	waitFor(t, tm, fmt.Sprintf("purged %d tracking cookies", tracking))
	waitFor(t, tm, fmt.Sprintf("%d of %d", 300-tracking, 300-tracking))

	trash, err := j.Trash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(trash) != tracking {
		t.Errorf("trash holds %d, want the %d tracking cookies", len(trash), tracking)
	}
	for _, c := range trash {
		if c.Purpose != cookie.PurposeTracking {
			t.Errorf("trash holds a %s cookie %s", c.Purpose, c.Name)
		}
	}
	if n := count(t, j, "purpose:tracking"); n != 0 {
		t.Errorf("%d tracking cookies left", n)
	}

	keys(tm, "u")
	waitFor(t, tm, "undid")
	m := finish(t, tm)
	if n := count(t, j, "purpose:tracking"); n != tracking {
		t.Errorf("after undo %d tracking cookies, want %d", n, tracking)
	}
	if trash, _ := j.Trash(ctx); len(trash) != 0 {
		t.Errorf("after undo the trash holds %d", len(trash))
	}
	checkFrame(t, m.View(), 120, 40)
}

func TestPurgeRespectsScope(t *testing.T) {
	j := openJar(t, genCookies(300))
	m := sized(newModel(t, j, Options{}), 120, 40)
	// Scope: the search for the first site's domain.
	site := m.main.res.sites[0].name
	press(m, "/")
	for _, r := range "domain:" + site {
		press(m, string(r))
	}
	press(m, "enter")
	inScope := count(t, j, "domain:"+site, "purpose:tracking")
	outside := count(t, j, "purpose:tracking") - inScope
	press(m, "P")
	if inScope == 0 {
		if m.modal != nil {
			t.Fatal("dialog opened with nothing to purge")
		}
		return
	}
	press(m, "y")
	if n := count(t, j, "purpose:tracking"); n != outside {
		t.Errorf("purge in scope left %d tracking cookies, want %d (outside the scope)", n, outside)
	}
}

func TestMarkDeleteUndo(t *testing.T) {
	j := openJar(t, genCookies(200))
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "200 of 200")
	keys(tm, "f", "space", "space", "space")
	waitFor(t, tm, "3 marked")
	keys(tm, "d")
	waitFor(t, tm, "Move 3 marked cookies on")
	keys(tm, "y")
	waitFor(t, tm, "deleted 3 — u to undo")
	waitFor(t, tm, "197 of 197")
	if n := count(t, j); n != 197 {
		t.Errorf("jar has %d after deleting 3", n)
	}
	keys(tm, "u")
	waitFor(t, tm, "undid")
	m := finish(t, tm)
	if n := count(t, j); n != 200 {
		t.Errorf("jar has %d after undo", n)
	}
	_ = m
}

func TestDeleteOneNeedsNoDialog(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	id := m.main.currentCookie().ID
	press(m, "d")
	if _, err := j.Get(context.Background(), id); err == nil {
		t.Errorf("cookie %d still live after d", id)
	}
	if !strings.Contains(m.View(), "deleted 1 — u to undo") {
		t.Errorf("no undo toast:\n%s", m.View())
	}
}

func TestTrashRestore(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	name := m.main.currentCookie().Name
	press(m, "d", "t")
	v := m.View()
	if !strings.Contains(v, "Trash · 1 cookie") || !strings.Contains(v, name) {
		t.Fatalf("trash view:\n%s", v)
	}
	press(m, "r")
	if n := count(t, j); n != 50 {
		t.Errorf("after restore the jar has %d", n)
	}
	if !strings.Contains(m.View(), "the trash is empty") {
		t.Errorf("trash should be empty:\n%s", m.View())
	}
	press(m, "esc")
	if m.top() != screen(m.main) {
		t.Errorf("esc should go back to the main screen")
	}
}

func TestEditInvalidShowsErrorAndKeepsJar(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	before := *m.main.currentCookie()
	press(m, "e", "ctrl+u")
	for _, r := range "bad;name" {
		press(m, string(r))
	}
	v := m.View()
	if !strings.Contains(v, "must not contain") {
		t.Errorf("no inline error:\n%s", v)
	}
	press(m, "enter") // refused: still in the form
	if m.modal == nil {
		t.Fatalf("enter with an invalid field closed the form")
	}
	press(m, "esc")
	after, err := j.Get(context.Background(), before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Name != before.Name {
		t.Errorf("invalid edit changed the jar: %q → %q", before.Name, after.Name)
	}
	checkFrame(t, v, 120, 40)
}

func TestEditValidSaves(t *testing.T) {
	j := openJar(t, genCookies(50))
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "50 of 50")
	keys(tm, "tab", "e")
	waitFor(t, tm, "Edit ")
	// Wait on the focused field itself: the renderer redraws only changed
	// lines, so the title drawn before these keys is not drawn again.
	keys(tm, "tab", "tab", "tab", "tab") // to path
	waitFor(t, tm, "▸ path")
	keys(tm, "ctrl+u")
	typeText(tm, "/edited")
	keys(tm, "enter")
	waitFor(t, tm, "saved")
	m := finish(t, tm)
	c := m.main.currentCookie()
	got, err := j.Get(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/edited" {
		t.Errorf("path is %q after edit", got.Path)
	}
}

func TestSetPurposeVerdict(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	id := m.main.currentCookie().ID
	press(m, "p", "3")
	c, err := j.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Purpose != cookie.PurposeTracking || c.VerdictBy != cookie.EvidenceUser {
		t.Errorf("verdict: %s by %s", c.Purpose, c.VerdictBy)
	}
}

func TestEditorRoundTrip(t *testing.T) {
	j := openJar(t, genCookies(20))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	c := *m.main.currentCookie()
	script := filepath.Join(t.TempDir(), "ed.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf 'from-editor\\n' > \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", script)
	cmd, dir, err := prepareEditor(c.Value)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "value.txt"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("temp file: %v %v", st, err)
	}
	if dst, _ := os.Stat(dir); dst.Mode().Perm() != 0o700 {
		t.Errorf("temp dir mode %v", dst.Mode().Perm())
	}
	runErr := cmd.Run()
	_, next := m.Update(editorDoneMsg{c: c, dir: dir, err: runErr})
	drain(m, next)
	got, _ := j.Get(context.Background(), c.ID)
	if got.Value != "from-editor" {
		t.Errorf("value after editor: %q", got.Value)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s not removed", dir)
	}
}

func TestExportNetscapeAndJSON(t *testing.T) {
	j := openJar(t, genCookies(120))
	dir := t.TempDir()
	m := sized(newModel(t, j, Options{ExportDir: dir}), 120, 40)
	press(m, "x", "enter")
	v := m.View()
	if !strings.Contains(v, "wrote") {
		t.Fatalf("export report missing:\n%s", v)
	}
	checkFrame(t, v, 120, 40)
	path := filepath.Join(dir, "cookies.txt")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	lines := 0
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && (!strings.HasPrefix(l, "#") || strings.HasPrefix(l, "#HttpOnly_")) {
			lines++
		}
	}
	notExpired := count(t, j, "-is:expired")
	if lines == 0 || lines > notExpired {
		t.Errorf("cookies.txt has %d cookie lines, jar has %d unexpired", lines, notExpired)
	}
	if !strings.Contains(v, fmt.Sprintf("wrote %d cookies", lines)) {
		t.Errorf("report does not match the file (%d lines):\n%s", lines, v)
	}
	press(m, "enter") // close report

	// JSON, scope marked: two cookies.
	press(m, "tab", "space", "space", "x", "space") // format → json
	press(m, "enter")
	jp := filepath.Join(dir, "cookies.json")
	data, err = os.ReadFile(jp)
	if err != nil {
		t.Fatalf("json export: %v\n%s", err, m.View())
	}
	var arr []map[string]any
	if err := json.Unmarshal(data, &arr); err != nil || len(arr) != 2 {
		t.Errorf("json has %d cookies (%v), want the 2 marked", len(arr), err)
	}
	if st, _ := os.Stat(jp); st.Mode().Perm() != 0o600 {
		t.Errorf("json mode %v", st.Mode().Perm())
	}
}

func TestWelcomeAndDemo(t *testing.T) {
	j := openJar(t, nil)
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "Welcome to crumbs", "demo")
	keys(tm, "D")
	waitFor(t, tm, "loaded 40 demo cookies")
	waitFor(t, tm, "40 of 40")
	m := finish(t, tm)
	if m.top() != screen(m.main) {
		t.Errorf("after the demo the main screen should show")
	}
	if n := count(t, j, "source:demo"); n != 40 {
		t.Errorf("%d demo cookies in the jar", n)
	}
	if n := count(t, j, "purpose:tracking"); n < 5 {
		t.Errorf("demo set should show trackers, has %d", n)
	}
}

func TestWelcomeListsBrowsersAndImports(t *testing.T) {
	j := openJar(t, nil)
	cs := gen.Cookies(30, 3, testNow, "firefox:default-release")
	profiles := []Profile{{Spec: "firefox:default-release", Browser: "firefox", Name: "default-release", Cookies: 30, Running: true},
		{Spec: "chrome:Default", Browser: "chrome", Name: "Default", Cookies: -1, Err: "no cookie store yet"}}
	opts := Options{
		Discover: func(context.Context) ([]Profile, error) { return profiles, nil },
		Read: func(ctx context.Context, p Profile, progress func(int, int)) ([]jar.Batch, []string, error) {
			if p.Spec != "firefox:default-release" {
				return nil, nil, fmt.Errorf("unexpected %s", p.Spec)
			}
			progress(15, 30)
			progress(30, 30)
			return []jar.Batch{{Source: p.Spec, File: "cookies.sqlite", Cookies: cs}}, []string{"2 rows refused"}, nil
		},
	}
	tm := run(t, newModel(t, j, opts))
	waitFor(t, tm, "Browsers found", "default-release", "running", "no cookie store yet")
	keys(tm, "i")
	waitFor(t, tm, "firefox:default-release: 30 added")
	waitFor(t, tm, "2 rows refused")
	waitFor(t, tm, "30 of 30")
	keys(tm, "enter")
	m := finish(t, tm)
	if v := m.View(); strings.Contains(v, "Import from browsers") || !strings.Contains(v, "Sites") {
		t.Errorf("enter should close the import report:\n%s", v)
	}
	if n := count(t, j, "source:firefox:default-release"); n != 30 {
		t.Errorf("imported %d", n)
	}
}

func TestImportErrorIsReadable(t *testing.T) {
	j := openJar(t, genCookies(10))
	opts := Options{
		Discover: func(context.Context) ([]Profile, error) {
			return []Profile{{Spec: "chrome:Default", Browser: "chrome", Name: "Default", Cookies: 5}}, nil
		},
		Read: func(context.Context, Profile, func(int, int)) ([]jar.Batch, []string, error) {
			return nil, nil, fmt.Errorf("/home/u/.config/chrome/Default/Cookies: the keyring is locked")
		},
	}
	m := sized(newModel(t, j, opts), 120, 40)
	press(m, "i")
	press(m, "enter")
	v := m.View()
	if !strings.Contains(v, "✗ chrome:Default") || !strings.Contains(v, "keyring is locked") {
		t.Errorf("error panel:\n%s", v)
	}
	checkFrame(t, v, 120, 40)
}

func TestReadOnlyHidesChanges(t *testing.T) {
	j := openJar(t, genCookies(100))
	m := sized(newModel(t, j, Options{ReadOnly: true}), 120, 40)
	v := m.View()
	if !strings.Contains(v, "READ-ONLY") {
		t.Errorf("no read-only badge")
	}
	for _, k := range []string{"d", "P", "e", "E", "p", "u", "i"} {
		press(m, "tab", k)
		if m.modal != nil {
			t.Errorf("%s opened a dialog in read-only mode", k)
			m.modal = nil
		}
	}
	press(m, "t", "r", "X")
	if m.modal != nil {
		t.Errorf("empty trash offered in read-only mode")
	}
	press(m, "esc", "?")
	help := m.View()
	for _, bad := range []string{"purge", "delete", "undo", "edit"} {
		if strings.Contains(help, "  "+bad) || strings.Contains(help, bad+" tracking") {
			t.Errorf("read-only help lists %q:\n%s", bad, help)
		}
	}
	if n := count(t, j); n != 100 {
		t.Errorf("read-only UI changed the jar: %d", n)
	}
}

func TestHelpIsTruthful(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "?")
	v := m.View()
	for _, want := range []string{"purge tracking", "search", "mark", "undo", "export"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "restore all") {
		t.Errorf("main-screen help lists a trash key:\n%s", v)
	}
	press(m, "esc", "tab", "d", "t", "?")
	v = m.View()
	if !strings.Contains(v, "restore") || strings.Contains(v, "purge tracking") {
		t.Errorf("trash help wrong:\n%s", v)
	}
	checkFrame(t, v, 120, 40)
}

func TestTooSmallAndResize(t *testing.T) {
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 50, 12)
	if v := m.View(); !strings.Contains(v, "terminal too small: 50×12, need 60×16") {
		t.Errorf("too-small screen:\n%s", v)
	}
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {60, 16}, {200, 60}, {61, 17}, {-5, -5}, {80, 24}} {
		sized(m, sz[0], sz[1])
		w, h := maxi(sz[0], 0), maxi(sz[1], 0)
		checkFrame(t, m.View(), maxi(w, 0), maxi(h, 0))
		press(m, "j", "tab", "j", "pgdown", "G")
		checkFrame(t, m.View(), w, h)
	}
}

func TestNoColorKeepsSelectionVisible(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	j := openJar(t, genCookies(50))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab", "space")
	v := m.View()
	if strings.Contains(v, "\x1b[") {
		t.Errorf("NO_COLOR view holds escape sequences")
	}
	if !strings.Contains(v, "▸") || !strings.Contains(v, "●") {
		t.Errorf("cursor or mark glyph missing under NO_COLOR:\n%s", v)
	}
}

func TestHostileValuesNeverBreakLayout(t *testing.T) {
	hostile := gen.Hostile()
	j := openJar(t, hostile)
	for _, sz := range [][2]int{{120, 40}, {60, 16}, {83, 21}} {
		m := sized(newModel(t, j, Options{}), sz[0], sz[1])
		drain(m, m.Init())
		frames := []string{m.View()}
		press(m, "v")
		for i := 0; i < len(hostile)+2; i++ {
			frames = append(frames, m.View())
			press(m, "j")
		}
		press(m, "tab")
		for s := 0; s < len(m.main.res.sites); s++ {
			for i := 0; i < 20; i++ {
				frames = append(frames, m.View())
				press(m, "j")
			}
			press(m, "shift+tab", "j", "tab")
		}
		press(m, "f", "g")
		for i := 0; i < len(hostile)+1; i++ {
			frames = append(frames, m.View())
			press(m, "enter")
			frames = append(frames, m.View())
			press(m, "j", "j", "esc", "j")
		}
		press(m, "e")
		frames = append(frames, m.View())
		press(m, "esc", "/")
		for _, r := range "\x1b[31m例え" {
			press(m, string(r))
		}
		frames = append(frames, m.View())
		press(m, "esc", "x")
		frames = append(frames, m.View())
		for _, f := range frames {
			checkFrame(t, f, sz[0], sz[1])
		}
	}
}

func TestMarkAllVisibleAndSort(t *testing.T) {
	j := openJar(t, genCookies(200))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "f", "ctrl+a")
	if len(m.main.marks) != 200 {
		t.Errorf("ctrl+a in flat mode marked %d", len(m.main.marks))
	}
	press(m, "ctrl+a")
	if len(m.main.marks) != 0 {
		t.Errorf("second ctrl+a should unmark, %d left", len(m.main.marks))
	}
	press(m, "f", "s") // sites by count
	for i := 1; i < len(m.main.res.sites); i++ {
		if m.main.res.sites[i].count > m.main.res.sites[i-1].count {
			t.Fatalf("sites not sorted by count at %d", i)
		}
	}
	press(m, "s") // by tracking share
	for i := 1; i < len(m.main.res.sites); i++ {
		if m.main.res.sites[i].trackingShare() > m.main.res.sites[i-1].trackingShare() {
			t.Fatalf("sites not sorted by tracking share at %d", i)
		}
	}
	if !strings.Contains(m.View(), "by tracking share") {
		t.Errorf("sort not shown")
	}
}

func TestExportHeader(t *testing.T) {
	cs := []cookie.Cookie{
		{Source: "file:t", Domain: ".example.com", Path: "/", Name: "a", Value: "1", Expires: cookie.TimeOf(testNow.AddDate(1, 0, 0)), Secure: true},
		{Source: "file:t", Domain: "example.com", HostOnly: true, Path: "/", Name: "b", Value: "2", Session: true},
		{Source: "file:t", Domain: ".other.org", Path: "/", Name: "c", Value: "3", Session: true},
	}
	j := openJar(t, cs)
	dir := t.TempDir()
	m := sized(newModel(t, j, Options{ExportDir: dir}), 120, 40)
	press(m, "x", "space", "space", "tab", "tab", "tab") // header format, url field
	for _, r := range "https://example.com/" {
		press(m, string(r))
	}
	press(m, "enter")
	data, err := os.ReadFile(filepath.Join(dir, "cookie-header.txt"))
	if err != nil {
		t.Fatalf("%v\n%s", err, m.View())
	}
	h := strings.TrimSpace(string(data))
	if h != "Cookie: a=1; b=2" && h != "Cookie: b=2; a=1" {
		t.Errorf("header file: %q", h)
	}
	// The report is the CLI's (internal/app.ExportReport).
	if v := m.View(); !strings.Contains(v, "wrote 2 cookies") || !strings.Contains(v, "left out 1 cookie: not sent to that URL") {
		t.Errorf("report should say one was left out:\n%s", v)
	}
}
