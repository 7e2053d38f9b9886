package cli_test

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// TestCleanDryRunJSONAndTheJarFollows: --dry-run changes nothing and its
// JSON has no backup; a clean without a terminal needs --yes; a clean
// moves the jar's copies of the removed cookies to the trash in one undo
// step whose undo says the browser's side comes back with backups restore;
// a file that is not a browser store is refused.
func TestCleanDryRunJSONAndTheJarFollows(t *testing.T) {
	s := newSandbox(t)
	prof := filepath.Join(s.home, "prof")
	if err := os.MkdirAll(prof, 0o700); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(prof, "cookies.sqlite")
	if err := gen.WriteFirefoxStore(db, gen.Cookies(600, 9, time.Now().UTC(), "x")); err != nil {
		t.Fatal(err)
	}
	sum := fileSum(t, db)

	r := s.ok("", "clean", prof, "--dry-run", "--json")
	var dry []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &dry); err != nil || len(dry) != 1 {
		t.Fatalf("--dry-run --json: %v\n%v", err, r)
	}
	removed, _ := dry[0]["removed"].(map[string]any)
	if _, has := dry[0]["backup"]; has || removed["tracking"] == nil {
		t.Fatalf("a dry run has no backup and counts the tracking cookies: %v", dry[0])
	}
	if fileSum(t, db) != sum {
		t.Fatal("--dry-run changed the store")
	}
	if r := s.run("", "clean", prof); r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("clean without a terminal and without --yes: want exit 2, got %v", r)
	}
	if fileSum(t, db) != sum {
		t.Fatal("a refused clean changed the store")
	}

	s.ok("", "import", prof)
	before := s.ok("", "list", "purpose:tracking").stdout
	r = s.ok("", "clean", prof, "--yes")
	if !strings.Contains(r.stderr, "removed ") || !strings.Contains(r.stderr, "tracking cookies on") || !strings.Contains(r.stderr, "; backup ") {
		t.Fatalf("clean summary: %v", r)
	}
	if left := s.ok("", "list", "purpose:tracking").stdout; strings.Count(left, "\n") >= strings.Count(before, "\n") || strings.Count(left, "\n") > 1 {
		t.Fatalf("the jar did not follow the clean:\n%s", left)
	}
	r = s.ok("", "undo")
	if !strings.Contains(r.stderr, "undid clean") || !strings.Contains(r.stderr, "backups restore") {
		t.Fatalf("undo of a clean must say the browser's side comes back with backups restore: %v", r)
	}

	txt := s.write("cookies.txt", []byte("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\t_ga\tGA1.2.3\n"))
	if r := s.run("", "clean", txt, "--yes"); r.code != 1 || !strings.Contains(r.stderr, "not a browser store") {
		t.Fatalf("clean of a cookies.txt: want exit 1 and the reason, got %v", r)
	}
}
