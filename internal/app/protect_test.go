package app

import (
	"slices"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestSuggest(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	mk := func(domain, name string, p cookie.Purpose, reason string, used time.Time, exp time.Duration) cookie.Cookie {
		return cookie.Cookie{Domain: domain, Path: "/", Name: name, Purpose: p, Reason: reason, LastAccessed: cookie.TimeOf(used), Expires: cookie.TimeOf(now.Add(exp))}
	}
	day := 24 * time.Hour
	cs := []cookie.Cookie{
		mk(".github.com", "user_session", cookie.PurposeSession, "", now.Add(-2*day), day),
		mk("github.com", "logged_in", cookie.PurposeSession, "", now.Add(-1*day), day),
		mk("github.com", "_octo", cookie.PurposeTracking, "", now, day),                            // tracking: no
		mk(".shop.example", "csrftoken", cookie.PurposeSession, "CSRF protection token", now, day), // CSRF: no
		mk(".shop.example", "cart_id", cookie.PurposeSession, "name says \"cart\"", now, day),      // cart: no
		mk("old.example", "sessionid", cookie.PurposeSession, "", now.Add(-31*day), day),           // stale: no
		mk("gone.example", "sessionid", cookie.PurposeSession, "", now, -time.Hour),                // expired: no
		mk("unrecorded.example", "PHPSESSID", cookie.PurposeSession, "", time.Time{}, day),         // no last use recorded: yes
		mk(".google.com", "SID", cookie.PurposeSession, "Google account sign-in", now.Add(-3*day), day),
		mk(".google.com", "AEC", cookie.PurposeSession, "Google anti-abuse and security cookie", now, day), // not sign-in
	}
	cs[8].ProtectedBy = "domain:google.com"
	got := Suggest(cs, now)
	var sites []string
	for _, s := range got {
		sites = append(sites, s.Site)
	}
	if !slices.Equal(sites, []string{"github.com", "google.com", "unrecorded.example"}) {
		t.Fatalf("sites %v", sites)
	}
	if !slices.Equal(got[0].Names, []string{"logged_in", "user_session"}) || !got[0].LastUsed.Equal(now.Add(-day)) || got[0].Protected || got[0].Filter != "domain:github.com" {
		t.Errorf("github.com: %+v", got[0])
	}
	if !slices.Equal(got[1].Names, []string{"SID"}) || !got[1].Protected {
		t.Errorf("google.com: %+v", got[1])
	}
}

func TestNameTokens(t *testing.T) {
	for name, want := range map[string][]string{
		"__Secure-next-auth.session-token": {"secure", "next", "auth", "session", "token"},
		"authToken":                        {"auth", "token"},
		"PHPSESSID":                        {"phpsessid", "phpsess"},
		"XSRF-TOKEN":                       {"xsrf", "token"},
	} {
		if got := nameTokens(name); !slices.Equal(got, want) {
			t.Errorf("nameTokens(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{"XSRF-TOKEN": false, "__Host-csrf": false, "b64token": true, "remember_me": true, "theme": false} {
		c := cookie.Cookie{Name: name, Purpose: cookie.PurposeSession}
		if SignIn(&c) != want {
			t.Errorf("SignIn(%s) = %v", name, !want)
		}
	}
}
