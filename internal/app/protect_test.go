package app

import (
	"fmt"
	"math/rand/v2"
	"reflect"
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

// TestSuggesterStreamsSessionCookies: crumbs protect --suggest streams only
// the jar's session cookies, in the jar's order, into a Suggester; that must
// suggest what Suggest does over every cookie in any order — so no purpose
// but session may ever make a sign-in cookie (SignIn).
func TestSuggesterStreamsSessionCookies(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(7, 7))
	names := []string{"sessionid", "user_session", "auth_token", "SID", "csrftoken", "_ga", "PHPSESSID", "remember_me", "cart", "logged_in"}
	purposes := []cookie.Purpose{cookie.PurposeSession, cookie.PurposeTracking, cookie.PurposePersonalization, cookie.PurposeUnknown}
	var cs []cookie.Cookie
	for i := range 3000 {
		c := cookie.Cookie{Domain: fmt.Sprintf(".s%d.example", r.IntN(150)), Path: "/", Name: names[r.IntN(len(names))],
			Purpose: purposes[r.IntN(len(purposes))], Expires: cookie.TimeOf(now.Add(time.Duration(r.IntN(96)-24) * time.Hour))}
		if r.IntN(5) != 0 {
			c.LastAccessed = cookie.TimeOf(now.Add(-time.Duration(r.IntN(40*24)) * time.Hour))
		}
		if i%7 == 0 {
			c.ProtectedBy = "domain:" + c.Domain[1:]
		}
		cs = append(cs, c)
	}
	want := Suggest(cs, now)
	if len(want) < 20 {
		t.Fatalf("only %d suggestions: the comparison would prove little", len(want))
	}
	for i := range cs {
		if cs[i].Purpose != cookie.PurposeSession && SignIn(&cs[i]) {
			t.Fatalf("a %s cookie counts as sign-in: %+v", cs[i].Purpose, cs[i])
		}
	}
	shuffled := slices.Clone(cs)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	g := NewSuggester(now)
	for i := range shuffled {
		if shuffled[i].Purpose == cookie.PurposeSession {
			if err := g.Add(&shuffled[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := g.Suggestions(); !reflect.DeepEqual(got, want) {
		t.Fatalf("streamed session cookies suggest %d sites, Suggest over all %d", len(got), len(want))
	}
}
