package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

// firefoxHome copies the real Firefox fixture profile into a fake home at
// ~/.mozilla/firefox and returns the profile folder.
func firefoxHome(t *testing.T, s *sandbox) string {
	t.Helper()
	src := filepath.Join(repoRoot, "testdata", "firefox", "profiles")
	if _, err := os.Stat(src); err != nil {
		src = testshared.Path(t, "fixtures/browsers/firefox/profiles")
	}
	dst := filepath.Join(s.home, ".mozilla", "firefox")
	copyDir(t, src, dst)
	return filepath.Join(dst, "fx0cookie.default-release")
}

func TestBrowsersJSON(t *testing.T) {
	s := newSandbox(t)
	dir := firefoxHome(t, s)
	r := s.ok("", "browsers", "--json")
	var got []struct {
		Browser, Profile, Source, Dir, Store string
		Running                              bool
		Cookies                              *int
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("browsers --json is not JSON: %v\n%s", err, r.stdout)
	}
	if len(got) != 1 {
		t.Fatalf("want exactly the fixture profile, got %+v", got)
	}
	p := got[0]
	if p.Browser != "firefox" || p.Profile != "default-release" || p.Source != "firefox:default-release" {
		t.Errorf("profile %+v", p)
	}
	if p.Dir != dir || p.Store != filepath.Join(dir, "cookies.sqlite") {
		t.Errorf("paths %q %q, want under %q", p.Dir, p.Store, dir)
	}
	if p.Cookies == nil || *p.Cookies != 55 {
		t.Errorf("cookies %v, want 55 (the fixture's rows)", p.Cookies)
	}
	// The table form carries the same facts.
	table := s.ok("", "browsers").stdout
	for _, w := range []string{"Firefox", "default-release", "firefox:default-release", "55"} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks %q:\n%s", w, table)
		}
	}
}

// TestExportFromFirefox: export --from a fixture store to cookies.txt,
// without creating a jar.
func TestExportFromFirefox(t *testing.T) {
	s := newSandbox(t)
	firefoxHome(t, s)
	out := filepath.Join(s.home, "cookies.txt")
	r := s.ok("", "export", "--from", "firefox", "-o", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, out, 0o600)
	text := string(data)
	if !strings.HasPrefix(text, "# Netscape HTTP Cookie File\n") {
		t.Fatalf("no curl header: %.200q", text)
	}
	lines := 0
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if l == "" || (strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "#HttpOnly_")) {
			continue
		}
		if n := len(strings.Split(l, "\t")); n != 7 {
			t.Errorf("line with %d fields: %q", n, l)
		}
		lines++
	}
	if lines == 0 {
		t.Fatalf("no cookie written; stderr: %s", r.stderr)
	}
	if !strings.Contains(text, "\tlang\t") {
		t.Errorf("the fixture's lang cookie is missing")
	}
	if _, err := os.Stat(s.jar); err == nil {
		t.Errorf("export --from created a jar")
	}
	t.Logf("%d cookies written; stderr:\n%s", lines, r.stderr)

	// The same from the path of the store, and as a header.
	r = s.ok("", "export", "--from", filepath.Join(s.home, ".mozilla", "firefox", "fx0cookie.default-release", "cookies.sqlite"),
		"--format", "header", "--url", "https://example.com/")
	if !strings.HasPrefix(r.stdout, "Cookie: ") && !strings.Contains(r.stdout, "=") {
		t.Errorf("header export: %q", r.stdout)
	}
}

// TestExportFromChromium reads the encrypted Chromium fixture with the
// basic-store password.
func TestExportFromChromium(t *testing.T) {
	s := newSandbox(t)
	src := filepath.Join(repoRoot, "testdata", "chromium", "user-data")
	if _, err := os.Stat(src); err != nil {
		src = testshared.Path(t, "fixtures/browsers/chromium/user-data")
	}
	copyDir(t, src, filepath.Join(s.home, ".config", "chromium"))
	out := filepath.Join(s.home, "cookies.txt")
	r := s.ok("", "export", "--from", "chromium", "--password", "peanuts", "-o", out)
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), "\tlang\ten-US\n") {
		t.Fatalf("decrypted lang=en-US missing from the export:\n%s\nstderr: %s", data, r.stderr)
	}
}
