package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassifyWithLists: --rules takes a list (here a hosts file) and the
// rules file's lists entry loads one every run; the reason names the list,
// crumbs' curated names still win, and sign-in cookies on a listed domain
// stay session.
func TestClassifyWithLists(t *testing.T) {
	s := newSandbox(t)
	hosts := filepath.Join(s.home, "hosts.txt")
	if err := os.WriteFile(hosts, []byte("# blocked\n0.0.0.0 tracker.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := "cdn.tracker.example\tzz_q9\ntracker.example\tsessionid\ntracker.example\t_ga\nexample.com\tzz_q9\n"
	check := func(out string) {
		t.Helper()
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("output: %q", out)
		}
		want := []struct{ purpose, reason string }{
			{"tracking", "hosts.txt lists tracker.example"},
			{"session", ""},
			{"tracking", "Google Analytics"},
			{"session", "fallback"},
		}
		for i, w := range want {
			f := strings.Split(lines[i], "\t")
			if len(f) != 4 || f[2] != w.purpose || !strings.Contains(f[3], w.reason) {
				t.Errorf("line %d: %q, want %s and a reason with %q", i+1, lines[i], w.purpose, w.reason)
			}
		}
	}
	check(s.ok(in, "--rules", hosts, "classify").stdout)

	conf := filepath.Join(s.home, ".config", "crumbs")
	if err := os.MkdirAll(conf, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(hosts, filepath.Join(conf, "hosts.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "rules.toml"), []byte("lists = [\"hosts.txt\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check(s.ok(in, "classify").stdout)
}

// TestFallbackEvidenceInJSON: a cookie nothing is known about carries
// verdictBy "fallback" in `list --json`, and its reason says so.
func TestFallbackEvidenceInJSON(t *testing.T) {
	s := newSandbox(t)
	p := filepath.Join(s.home, "cookies.txt")
	text := "# Netscape HTTP Cookie File\n" +
		"shop.example.com\tFALSE\t/\tFALSE\t4102444800\tzz_q9_unknowable\tv1\n" +
		"shop.example.com\tFALSE\t/\tFALSE\t4102444800\t_ga\tGA1.2.3.4\n"
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s.ok("", "import", p)
	var cs []struct {
		Name   string `json:"name"`
		Crumbs struct {
			Purpose   string `json:"purpose"`
			Reason    string `json:"reason"`
			VerdictBy string `json:"verdictBy"`
		} `json:"crumbs"`
	}
	if err := json.Unmarshal([]byte(s.ok("", "list", "--json").stdout), &cs); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range cs {
		switch c.Name {
		case "zz_q9_unknowable":
			seen++
			if c.Crumbs.VerdictBy != "fallback" || c.Crumbs.Purpose != "session" || !strings.Contains(c.Crumbs.Reason, "fallback") {
				t.Errorf("unknown cookie: %+v", c.Crumbs)
			}
		case "_ga":
			seen++
			if c.Crumbs.VerdictBy != "name" {
				t.Errorf("_ga: %+v", c.Crumbs)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("list --json: %d of 2 cookies", seen)
	}
}
