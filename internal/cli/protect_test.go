package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/cli"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// protectCookies: github.com has a sign-in cookie and two trackers,
// doubleclick.net and example.org one tracker each.
func protectCookies() []cookie.Cookie {
	exp := now.Add(90 * 24 * time.Hour)
	mk := func(domain, name string) cookie.Cookie {
		return cookie.Cookie{Source: "file:p.json", Domain: domain, Path: "/", Name: name, Value: "v1", Expires: cookie.TimeOf(exp), Secure: true}
	}
	return []cookie.Cookie{
		mk(".github.com", "user_session"),
		mk(".github.com", "_ga"),
		mk("gist.github.com", "_gid"),
		mk(".doubleclick.net", "IDE"),
		mk(".example.org", "_ga"),
	}
}

type protectionRow struct {
	Filter  string `json:"filter"`
	Origin  string `json:"origin"`
	Cookies int    `json:"cookies"`
}

func (s *sandbox) protections() []protectionRow {
	s.t.Helper()
	var rows []protectionRow
	if err := json.Unmarshal([]byte(s.ok("", "protect", "--list", "--json").stdout), &rows); err != nil {
		s.t.Fatal(err)
	}
	return rows
}

func (s *sandbox) count(filter ...string) int {
	s.t.Helper()
	var cs []json.RawMessage
	if err := json.Unmarshal([]byte(s.ok("", append([]string{"list", "--json"}, filter...)...).stdout), &cs); err != nil {
		s.t.Fatal(err)
	}
	return len(cs)
}

// TestProtectPurge: a protected site's tracking cookies survive purge
// --purpose tracking and the summary counts them; unprotect, then purge
// takes them; --include-protected takes them and says so.
func TestProtectPurge(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("p.json", jsonOf(t, protectCookies())))
	if n := s.count("purpose:tracking"); n != 4 {
		t.Fatalf("%d tracking cookies, want 4 (classifier changed?)", n)
	}
	r := s.ok("", "protect", "domain:github.com")
	if !strings.Contains(r.stderr, "protected domain:github.com: 3 cookies now") {
		t.Errorf("protect said %q", r.stderr)
	}
	if r := s.ok("", "protect", "domain:GitHub.com"); !strings.Contains(r.stderr, "already protected: domain:github.com (in the jar)") {
		t.Errorf("protect again said %q", r.stderr)
	}
	if rows := s.protections(); len(rows) != 1 || rows[0].Filter != "domain:github.com" || rows[0].Cookies != 3 || rows[0].Origin != "jar" {
		t.Fatalf("protect --list: %+v", rows)
	}
	if n := s.count("is:protected"); n != 3 {
		t.Fatalf("list is:protected: %d", n)
	}
	// The list table marks protected rows with K in FLAGS.
	for _, line := range strings.Split(s.ok("", "list").stdout, "\n")[1:] {
		if line == "" {
			continue
		}
		if strings.Contains(line, "github.com") != strings.Contains(line, "-K  ") {
			t.Errorf("list row's K flag is wrong: %q", line)
		}
	}

	dry := s.ok("", "purge", "--purpose", "tracking", "--dry-run")
	if !strings.Contains(dry.stderr, "would move 2 cookies on 2 sites to the trash, kept 2 protected") || strings.Contains(dry.stdout, "github.com") {
		t.Errorf("dry run: %v", dry)
	}
	r = s.ok("", "purge", "--purpose", "tracking", "--yes")
	if !strings.Contains(r.stderr, "moved 2 cookies on 2 sites to the trash, kept 2 protected") {
		t.Errorf("purge said %q", r.stderr)
	}
	if n := s.count("domain:github.com", "purpose:tracking"); n != 2 {
		t.Fatalf("github.com trackers after purge: %d, want 2", n)
	}
	if n := s.count("purpose:tracking"); n != 2 {
		t.Fatalf("trackers after purge: %d, want 2", n)
	}

	r = s.ok("", "unprotect", "domain:github.com")
	if !strings.Contains(r.stderr, "unprotected domain:github.com") {
		t.Errorf("unprotect said %q", r.stderr)
	}
	if r := s.run("", "unprotect", "domain:github.com"); r.code != 1 || !strings.Contains(r.stderr, "no protection has this filter") {
		t.Errorf("unprotect twice: %v", r)
	}
	r = s.ok("", "purge", "--purpose", "tracking", "--yes")
	if !strings.Contains(r.stderr, "moved 2 cookies on 1 site to the trash —") {
		t.Errorf("purge after unprotect said %q", r.stderr)
	}
	if n := s.count("purpose:tracking"); n != 0 {
		t.Fatalf("trackers after unprotect and purge: %d", n)
	}

	s.ok("", "trash", "restore")
	s.ok("", "protect", "domain:github.com")
	r = s.ok("", "purge", "--purpose", "tracking", "--include-protected", "--yes")
	if !strings.Contains(r.stderr, "moved 4 cookies on 3 sites to the trash, 2 of them protected (--include-protected)") {
		t.Errorf("purge --include-protected said %q", r.stderr)
	}
}

// TestProtectUndo: crumbs undo of a protect removes it, of an unprotect
// puts it back, and the undo of an unrelated change keeps it.
func TestProtectUndo(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("p.json", jsonOf(t, protectCookies())))
	before := dump(t, s.jar)
	s.ok("", "protect", "domain:github.com")
	if r := s.ok("", "undo"); !strings.Contains(r.stderr, "undid protect domain:github.com") {
		t.Errorf("undo said %q", r.stderr)
	}
	if rows := s.protections(); len(rows) != 0 {
		t.Fatalf("after undo of protect: %+v", rows)
	}
	if got := dump(t, s.jar); got != before {
		t.Fatalf("undo of protect left the jar changed:\n%s", firstDiff(before, got))
	}
	s.ok("", "protect", "domain:github.com")
	s.ok("", "unprotect", "domain:github.com")
	s.ok("", "undo")
	if rows := s.protections(); len(rows) != 1 {
		t.Fatalf("after undo of unprotect: %+v", rows)
	}
	s.ok("", "purge", "domain:example.org", "--yes")
	s.ok("", "undo")
	if rows := s.protections(); len(rows) != 1 {
		t.Fatalf("after undo of a purge: %+v", rows)
	}
}

// TestProtectRulesFile: a [[protect]] entry of the rules file protects,
// is listed as coming from the file, and cannot be unprotected.
func TestProtectRulesFile(t *testing.T) {
	s := newSandbox(t)
	rules := s.write(".config/crumbs/rules.toml", []byte("# dotfiles\n[[protect]]\nfilter = \"domain:doubleclick.net\"\n"))
	s.ok("", "import", s.write("p.json", jsonOf(t, protectCookies())))
	rows := s.protections()
	if len(rows) != 1 || rows[0].Filter != "domain:doubleclick.net" || rows[0].Origin != rules+":2" || rows[0].Cookies != 1 {
		t.Fatalf("protect --list: %+v", rows)
	}
	r := s.run("", "unprotect", "domain:doubleclick.net")
	if r.code != 1 || !strings.Contains(r.stderr, "comes from the rules file "+rules+":2; remove it there") {
		t.Fatalf("unprotect of a rules-file protection: %v", r)
	}
	r = s.ok("", "purge", "--purpose", "tracking", "--yes")
	if !strings.Contains(r.stderr, "kept 1 protected") || s.count("domain:doubleclick.net") != 1 {
		t.Fatalf("purge with a rules-file protection: %v", r)
	}
	// A bad entry is an error naming the file and line, before anything runs.
	s.write(".config/crumbs/rules.toml", []byte("[[protect]]\nfilter = \"bogus:x\"\n"))
	if r := s.run("", "protect", "--list"); r.code != 1 || !strings.Contains(r.stderr, "rules.toml: line 1") {
		t.Fatalf("bad [[protect]]: %v", r)
	}
}

// TestProtectSurvivesPrune: protections are rules, not row flags: a
// re-import with --prune that drops and adds cookies keeps the protection,
// and it covers the new cookies.
func TestProtectSurvivesPrune(t *testing.T) {
	s := newSandbox(t)
	cs := protectCookies()
	file := s.write("p.json", jsonOf(t, cs))
	s.ok("", "import", file)
	s.ok("", "protect", "domain:github.com")
	next := slices.Clone(cs[:2]) // gist.github.com _gid and the others are gone
	next = append(next, cookie.Cookie{Source: "file:p.json", Domain: "api.github.com", HostOnly: true, Path: "/", Name: "_gat",
		Value: "1", Expires: cookie.TimeOf(now.Add(24 * time.Hour)), Secure: true})
	s.write("p.json", jsonOf(t, next))
	r := s.ok("", "import", "--prune", file)
	if !strings.Contains(r.stderr, "3 pruned") {
		t.Fatalf("re-import --prune: %v", r)
	}
	rows := s.protections()
	if len(rows) != 1 || rows[0].Filter != "domain:github.com" || rows[0].Cookies != 3 {
		t.Fatalf("after re-import --prune: %+v", rows)
	}
	r = s.ok("", "purge", "--yes")
	if !strings.Contains(r.stderr, "kept 3 protected") || s.count("domain:github.com") != 3 {
		t.Fatalf("purge of everything after the re-import: %v", r)
	}
}

// TestProtectSuggestFixtures imports the real Chromium and Firefox
// fixtures and asks for the signed-in sites, with the clock a day after
// the fixtures were written (their cookies were used then).
func TestProtectSuggestFixtures(t *testing.T) {
	s := newSandbox(t)
	chromium := filepath.Join(repoRoot, "testdata", "chromium", "user-data")
	firefox := filepath.Join(repoRoot, "testdata", "firefox", "profiles", "fx0cookie.default-release")
	if _, err := os.Stat(chromium); err != nil {
		chromium = testshared.Path(t, "fixtures/browsers/chromium/user-data")
	}
	if _, err := os.Stat(firefox); err != nil {
		firefox = testshared.Path(t, "fixtures/browsers/firefox/profiles/fx0cookie.default-release")
	}
	s.ok("", "import", "--password", "peanuts", chromium, firefox)

	// The fixtures were written at 2026-11-27T06:01:13Z (manifest.json).
	at := time.Unix(1795759273, 0).UTC().Add(24 * time.Hour)
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), cli.Env{
			Args: append([]string{"--jar", s.jar}, args...), Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "XDG_CONFIG_HOME" {
					return filepath.Join(s.home, ".config")
				}
				return ""
			},
			Now: func() time.Time { return at },
		})
		return out.String(), errb.String(), code
	}
	out, errs, code := run("protect", "--suggest", "--json")
	if code != 0 {
		t.Fatalf("protect --suggest: exit %d: %s", code, errs)
	}
	var sugs []struct {
		Site      string   `json:"site"`
		Filter    string   `json:"filter"`
		Names     []string `json:"names"`
		Protected bool     `json:"protected"`
	}
	if err := json.Unmarshal([]byte(out), &sugs); err != nil {
		t.Fatal(err, out)
	}
	got := map[string][]string{}
	for _, sg := range sugs {
		got[sg.Site] = sg.Names
		if sg.Filter != "domain:"+sg.Site || sg.Protected {
			t.Errorf("suggestion %+v", sg)
		}
	}
	// example.com: PHPSESSID, sessionid, the NextAuth session token;
	// example.net: portal's JSESSIONID and remember_me, news's http_session;
	// facebook.com: datr (Facebook sign-in). Not google.com (AEC is
	// anti-abuse), not example.org (a cart).
	want := map[string][]string{
		"example.com":  {"PHPSESSID", "sessionid", "__Secure-next-auth.session-token"},
		"example.net":  {"JSESSIONID", "remember_me", "http_session"},
		"facebook.com": {"datr"},
	}
	if len(got) != len(want) {
		t.Fatalf("suggested sites %v, want those of %v", got, want)
	}
	for site, names := range want {
		for _, n := range names {
			if !slices.Contains(got[site], n) {
				t.Errorf("%s: names %v lack %s", site, got[site], n)
			}
		}
	}
	// A month and a half later only the cookie whose last use the store
	// does not record (Chromium's JSESSIONID session cookie) still counts.
	at = at.Add(45 * 24 * time.Hour)
	out, _, _ = run("protect", "--suggest", "--json")
	if err := json.Unmarshal([]byte(out), &sugs); err != nil || len(sugs) != 1 || sugs[0].Site != "example.net" || !slices.Equal(sugs[0].Names, []string{"JSESSIONID"}) {
		t.Errorf("suggestions with stale cookies: %s", out)
	}
	at = at.Add(-45 * 24 * time.Hour)

	if _, errs, code := run("protect", "--suggest", "--yes"); code != 0 || !strings.Contains(errs, "protected 3 sites") {
		t.Fatalf("--suggest --yes: %d %s", code, errs)
	}
	out, _, _ = run("protect", "--suggest", "--json")
	if err := json.Unmarshal([]byte(out), &sugs); err != nil || len(sugs) != 3 || !sugs[0].Protected || !sugs[2].Protected {
		t.Fatalf("after --yes: %+v %v", sugs, err)
	}
	if rows := s.protections(); len(rows) != 3 {
		t.Fatalf("protect --list after --suggest --yes: %+v", rows)
	}
}

func TestProtectUsage(t *testing.T) {
	s := newSandbox(t)
	for _, args := range [][]string{
		{"protect"},
		{"protect", "--list", "--suggest"},
		{"protect", "--list", "domain:x.com"},
		{"protect", "--json", "domain:x.com"},
		{"protect", "is:protected"},
		{"protect", "bogus:x"},
		{"unprotect"},
	} {
		if r := s.run("", args...); r.code != 2 {
			t.Errorf("crumbs %s: %v (want exit 2)", strings.Join(args, " "), r)
		}
	}
}
