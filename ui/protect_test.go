package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// protectCookies: github.com has a sign-in cookie and two trackers (used an
// hour ago), doubleclick.net one tracker.
func protectCookies() []cookie.Cookie {
	mk := func(domain, name string) cookie.Cookie {
		return cookie.Cookie{Source: "firefox:test", Domain: domain, Path: "/", Name: name, Value: "v", Secure: true,
			Expires: cookie.TimeOf(testNow.Add(60 * 24 * time.Hour)), LastAccessed: cookie.TimeOf(testNow.Add(-time.Hour))}
	}
	return []cookie.Cookie{
		mk(".doubleclick.net", "IDE"),
		mk(".github.com", "_ga"),
		mk(".github.com", "_gid"),
		mk("github.com", "user_session"),
	}
}

// TestProtectSitePurgeDeleteFlow: K on a site protects it; the purge
// dialog counts the protected trackers it keeps; after the purge they
// remain and carry the mark in the table and the details; a single delete
// of a protected cookie asks first; K again unprotects.
func TestProtectSitePurgeDeleteFlow(t *testing.T) {
	j := openJar(t, protectCookies())
	if n := count(t, j, "purpose:tracking"); n != 3 {
		t.Fatalf("%d tracking cookies, want 3 (knowledge changed?)", n)
	}
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "4 of 4")
	keys(tm, "j", "K") // the sites pane: doubleclick.net, github.com
	waitFor(t, tm, "protected github.com (domain:github.com)", protectGlyph+" github.com",
		"protected  "+protectGlyph+" yes — by domain:github.com")
	if n := count(t, j, "is:protected"); n != 3 {
		t.Fatalf("%d protected cookies after K, want 3", n)
	}

	keys(tm, "P")
	waitFor(t, tm, "Move 1 tracking cookie on 1 site in the whole jar", "Kept: 2 protected")
	keys(tm, "y")
	// The only site left is github.com: its cookies carry the mark, and
	// the details name the protection.
	waitFor(t, tm, "purged 1 tracking cookies, kept 2 protected", protectGlyph+" _ga", protectGlyph+" _gid")
	if n := count(t, j, "domain:github.com", "purpose:tracking"); n != 2 {
		t.Fatalf("github.com trackers after the purge: %d, want 2", n)
	}
	if n := count(t, j, "domain:doubleclick.net"); n != 0 {
		t.Fatalf("doubleclick.net after the purge: %d", n)
	}
	keys(tm, "tab")

	// A single delete of a protected cookie asks; esc keeps it.
	keys(tm, "d")
	waitFor(t, tm, "Delete a protected cookie", "is protected by domain:github.com")
	keys(tm, "esc")
	if n := count(t, j); n != 3 {
		t.Fatalf("esc on the dialog deleted: %d cookies", n)
	}
	keys(tm, "d", "y")
	waitFor(t, tm, "deleted 1 protected — u to undo")
	if n := count(t, j); n != 2 {
		t.Fatalf("after confirming the delete: %d cookies, want 2", n)
	}

	// K in the cookies pane on a cookie the site protection covers removes
	// that protection.
	keys(tm, "K")
	waitFor(t, tm, "unprotected domain:github.com")
	if ps, _ := j.Protections(context.Background()); len(ps) != 0 {
		t.Fatalf("protections after K again: %+v", ps)
	}
	m := finish(t, tm)
	checkFrame(t, m.View(), 120, 40)
}

// TestBulkDeleteKeepsProtected: marking a whole site and deleting keeps
// its protected cookie, and the dialog and toast say so.
func TestBulkDeleteKeepsProtected(t *testing.T) {
	j := openJar(t, protectCookies())
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "j", "tab") // github.com's cookies
	for ; ; press(m, "j") {
		if ck := m.main.currentCookie(); ck != nil && ck.Name == "user_session" {
			break
		}
		if m.main.rows.cur >= 2 {
			t.Fatal("user_session not found in github.com's cookies")
		}
	}
	press(m, "K")
	if !strings.Contains(m.View(), "protected user_session on github.com (domain:github.com name:user_session)") {
		t.Fatalf("no toast after K on a cookie:\n%s", m.View())
	}
	press(m, "tab", "space", "d")
	if v := m.View(); !strings.Contains(v, "Move 2 marked cookies on 1 site") || !strings.Contains(v, "1 of them are protected and kept") {
		t.Fatalf("bulk delete dialog:\n%s", v)
	}
	press(m, "y")
	if !strings.Contains(m.View(), "deleted 2, kept 1 protected — u to undo") {
		t.Fatalf("bulk delete toast:\n%s", m.View())
	}
	if n := count(t, j, "domain:github.com"); n != 1 || count(t, j, "name:user_session") != 1 {
		t.Fatalf("github.com after the bulk delete: %d cookies", n)
	}
}

// TestPurgeOffersSuggest: with nothing protected, the purge dialog offers
// the sites where the user is signed in, and K there protects them.
func TestPurgeOffersSuggest(t *testing.T) {
	j := openJar(t, protectCookies())
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "P")
	v := m.View()
	if !strings.Contains(v, "Nothing is protected yet. You are signed in on 1 site (github.com)") {
		t.Fatalf("no offer in the purge dialog:\n%s", v)
	}
	press(m, "K")
	if !strings.Contains(m.View(), "protected 1 site where you are signed in") {
		t.Fatalf("no toast after K in the dialog:\n%s", m.View())
	}
	if n := count(t, j, "is:protected"); n != 3 {
		t.Fatalf("%d protected after the offer, want github.com's 3", n)
	}
	if n := count(t, j); n != 4 {
		t.Fatalf("the offer purged: %d cookies", n)
	}
	// Once something is protected the dialog no longer offers.
	press(m, "P")
	if v := m.View(); strings.Contains(v, "Nothing is protected yet") || !strings.Contains(v, "Kept: 2 protected") {
		t.Fatalf("purge dialog with a protection:\n%s", v)
	}
}

func TestHelpListsProtect(t *testing.T) {
	j := openJar(t, protectCookies())
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "?")
	if v := m.View(); !strings.Contains(v, "K") || !strings.Contains(v, "protect/unprotect this site") {
		t.Fatalf("help does not list K:\n%s", v)
	}
}

// TestWelcomeOffersProtection: the first cookies in (the demo set, from
// the welcome screen) bring the offer to protect the signed-in sites.
func TestWelcomeOffersProtection(t *testing.T) {
	j := openJar(t, nil)
	tm := run(t, newModel(t, j, Options{}))
	waitFor(t, tm, "Welcome to crumbs", "protect the sites where you are signed in")
	keys(tm, "D")
	waitFor(t, tm, "loaded 40 demo cookies", "signed in on")
	keys(tm, "P")
	waitFor(t, tm, "Nothing is protected yet. You are signed in on")
	keys(tm, "K")
	waitFor(t, tm, "where you are signed in — P purges the rest")
	finish(t, tm)
	if n := count(t, j, "is:protected"); n == 0 {
		t.Fatal("K in the purge dialog protected nothing")
	}
}

// TestTrashMarksProtected: the trash table marks a cookie a protection
// would cover (one taken with IncludeProtected).
func TestTrashMarksProtected(t *testing.T) {
	j := openJar(t, protectCookies())
	ctx := context.Background()
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), jar.RemoveOptions{IncludeProtected: true}); err != nil {
		t.Fatal(err)
	}
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "t")
	v := m.View()
	if !strings.Contains(v, protectGlyph+" github.com") || strings.Contains(v, protectGlyph+" doubleclick.net") {
		t.Fatalf("trash view:\n%s", v)
	}
}
