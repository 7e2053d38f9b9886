package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// reportJar is a jar of three browsers with trackers of known vendors on
// known sites, imported twice so that the changes panel has something to
// say: the second import adds TikTok on three sites and drops Hotjar.
func reportJar(t testing.TB, path string) *jar.Jar {
	t.Helper()
	j := openJarAt(t, path, nil)
	mk := func(src string, second bool) []cookie.Cookie {
		var cs []cookie.Cookie
		add := func(domain, name string, c cookie.Cookie) {
			c.Source, c.Domain, c.Path, c.Name, c.Value = src, domain, "/", name, "v"
			if !c.Session && c.Expires.IsZero() {
				c.Expires = cookie.TimeOf(testNow.Add(200 * 24 * time.Hour))
			}
			if c.Created.IsZero() {
				c.Created = cookie.TimeOf(testNow.Add(-30 * 24 * time.Hour))
			}
			cs = append(cs, c)
		}
		n := map[string]int{"firefox:default-release": 14, "chrome:Default": 9, "brave:Default": 5}[src]
		for i := 0; i < n; i++ {
			site := fmt.Sprintf(".site%02d.example", i)
			add(site, "_ga", cookie.Cookie{})
			add("www"+site, "sessionid", cookie.Cookie{HostOnly: true, Session: true})
			add(site, "lang", cookie.Cookie{})
			if i%2 == 0 {
				add(site, "_fbp", cookie.Cookie{Created: cookie.TimeOf(testNow.Add(-400 * 24 * time.Hour))})
			}
			if i%3 == 0 {
				add(site, "_clck", cookie.Cookie{})
			}
			if !second && i < 4 {
				add(site, "_hjSessionUser_7", cookie.Cookie{})
			}
			if second && i < 3 {
				add(".tiktok.com", "_ttp", cookie.Cookie{Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://www" + site})})
			}
		}
		add(".doubleclick.net", "IDE", cookie.Cookie{Expires: cookie.TimeOf(testNow.Add(390 * 24 * time.Hour))})
		add(".ads.example-network.com", "uid", cookie.Cookie{})
		return cs
	}
	for _, second := range []bool{false, true} {
		var bs []jar.Batch
		for _, src := range []string{"firefox:default-release", "chrome:Default", "brave:Default"} {
			bs = append(bs, jar.Batch{Source: src, File: "test", Cookies: mk(src, second)})
		}
		if _, err := j.Import(context.Background(), bs, jar.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return j
}

// TestGoldenReport keeps the report screen at 120×40 and 80×24, with and
// without colour (patterns instead of colours then), the cursor on the
// second tracker.
func TestGoldenReport(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		for _, colour := range []bool{true, false} {
			name := fmt.Sprintf("%dx%d", sz[0], sz[1])
			if colour {
				name += "-colour"
			} else {
				name += "-nocolour"
			}
			t.Run(name, func(t *testing.T) {
				t.Setenv("NO_COLOR", "")
				j := reportJar(t, goldenDir(t))
				m := newModel(t, j, Options{testColor: colour, NoColor: !colour})
				tm := &term{TestModel: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(sz[0], sz[1]))}
				waitFor(t, tm, "cookies")
				keys(tm, "w")
				waitFor(t, tm, "Since the previous import")
				keys(tm, "down")
				waitFor(t, tm, " · Meta · 7 sites")
				v := finish(t, tm).View()
				checkFrame(t, stripANSI(v), sz[0], sz[1])
				golden.RequireEqualEscape(t, []byte(v), true)
			})
		}
	}
}

// TestReportJumpAndPurge: enter on a tracker shows the main screen filtered
// to exactly that tracker's cookies (as many as the report counts), and P
// there purges them and nothing else; undo brings them back.
func TestReportJumpAndPurge(t *testing.T) {
	j := reportJar(t, filepath.Join(t.TempDir(), "jar.db"))
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "136 of 136")
	keys(tm, "w")
	waitFor(t, tm, "Since the previous import")
	keys(tm, "down", "enter") // Meta Pixel
	waitFor(t, tm, `vendor:"Meta Pixel"`, "15 of 136", "Meta Pixel: 15 cookies on 7 sites — P purges them")
	tracking := count(t, j, "purpose:tracking")
	keys(tm, "P")
	waitFor(t, tm, "Move 15 tracking cookies on 7 sites matching vendor:\"Meta Pixel\"")
	keys(tm, "y")
	waitFor(t, tm, "purged 15 tracking cookies")
	if n := count(t, j, `vendor:"Meta Pixel"`); n != 0 {
		t.Fatalf("%d Meta Pixel cookies left", n)
	}
	if n := count(t, j, "purpose:tracking"); n != tracking-15 {
		t.Fatalf("the purge took %d other tracking cookies", tracking-15-n)
	}
	trash, err := j.Trash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range trash {
		if c.Name != "_fbp" {
			t.Fatalf("purged %s %s", c.Domain, c.Name)
		}
	}
	// The report follows the jar: back on it, Meta Pixel is gone.
	keys(tm, "w")
	waitFor(t, tm, "6 vendors hold ids")
	keys(tm, "u")
	waitFor(t, tm, "7 vendors hold ids")
	finish(t, tm)
}

// TestReportFilterAgrees: for every tracker, by vendor and by organisation,
// the filter the jump uses selects exactly the cookies the report counts.
func TestReportFilterAgrees(t *testing.T) {
	j := reportJar(t, filepath.Join(t.TempDir(), "jar.db"))
	m := sized(newModel(t, j, Options{}), 120, 40)
	drain(m, m.Init())
	for _, by := range []string{"vendor", "org"} {
		press(m, "w")
		if by == "org" {
			press(m, "O")
		}
		rs, ok := m.top().(*reportScreen)
		if !ok || rs.current(m.c) == nil {
			t.Fatalf("no report on the report screen (%T)", m.top())
		}
		ts := rs.current(m.c).rep.Trackers
		if len(ts) < 5 {
			t.Fatalf("%d trackers", len(ts))
		}
		for i, tr := range ts {
			press(m, "w") // back to main, and in again: the cursor starts at the top
			press(m, "w")
			for k := 0; k < i; k++ {
				press(m, "down")
			}
			press(m, "enter")
			if m.top() != screen(m.main) {
				t.Fatalf("enter did not go to the main screen")
			}
			if got := len(m.main.res.rows); got != tr.Cookies {
				t.Errorf("by %s: %s: the main screen shows %d cookies (%q), the report counts %d", by, tr.Name, got, m.main.searchText, tr.Cookies)
			}
			press(m, "w")
			if by == "org" && rs.by == 0 {
				press(m, "O")
			}
			rs = m.top().(*reportScreen)
		}
		press(m, "esc")
	}
}

// TestReportInBackground: a moment after the whole jar is loaded the
// report is computed without anyone asking, so w shows the chart at once
// (no computation left to start); after a change the next load computes
// it again in the background, and w shows the new one at once.
func TestReportInBackground(t *testing.T) {
	j := reportJar(t, filepath.Join(t.TempDir(), "jar.db"))
	m := sized(newModel(t, j, Options{}), 120, 40)
	m.timers.report = time.Millisecond
	drain(m, m.Init())
	st := m.c.data.report
	if st == nil || st.ds != m.c.ds() || st.rep.Cookies != 136 {
		t.Fatalf("no report computed in the background after the load: %+v", st)
	}
	w := func(want string) {
		t.Helper()
		if _, cmd := m.Update(keyMsg("w")); cmd != nil {
			t.Fatal("w started a computation: the report kept is not used")
		}
		if v := m.View(); !strings.Contains(v, want) {
			t.Fatalf("w does not show the chart at once (want %q):\n%s", want, v)
		}
	}
	w("Trackers by reach · 7 vendors")
	// Meta Pixel's cookies, purged from the main screen.
	press(m, "down", "enter", "P", "y")
	if st := m.c.data.report; st == nil || st.ds != newest(m.c) || st.rep.Cookies != 136-15 {
		t.Fatalf("after the purge the report is not of the new load: %+v", st)
	}
	w("Trackers by reach · 6 vendors")
}
