package cli_test

// End-to-end tests of the promises of issue 9: each drives the built binary
// the way a user would.

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// TestSeveralSourcesOneMistake (issue 9 item 6): Firefox present, Chrome
// absent: `import firefox chrome` imports Firefox, names Chrome as not
// found, exits 1; `import all` of two browsers is one undo step.
func TestSeveralSourcesOneMistake(t *testing.T) {
	s := newSandbox(t)
	dir := s.firefoxProfile()
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), gen.Cookies(25, 4, now, "")); err != nil {
		t.Fatal(err)
	}
	r := s.run("", "import", "firefox", "chrome")
	if r.code != 1 {
		t.Fatalf("want exit 1 for a partial success, got %v", r)
	}
	ff := readCount(t, r.stderr, "firefox:default-release")
	if ff == 0 || !strings.Contains(r.stderr, fmt.Sprintf("imported: %d added", ff)) {
		t.Errorf("Firefox not reported as imported:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "crumbs: no Google Chrome profile found") {
		t.Errorf("Chrome not named as not found:\n%s", r.stderr)
	}
	if n := strings.Count(s.ok("", "list", "source:firefox").stdout, "\n") - 1; n != ff {
		t.Errorf("%d Firefox cookies in the jar, want %d", n, ff)
	}

	// A second browser, then import all: one undo step takes both back.
	chrome := filepath.Join(s.home, ".config", "chromium", "Default", "Cookies")
	mkdirAll(t, filepath.Dir(chrome))
	s.write(".config/chromium/Local State", []byte(`{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`))
	if err := gen.WriteChromiumStore(chrome, gen.Cookies(15, 5, now, ""), gen.ChromiumStoreOptions{Scheme: "plain"}); err != nil {
		t.Fatal(err)
	}
	s.ok("", "undo")
	r = s.ok("", "import", "all")
	ch := readCount(t, r.stderr, "chromium:Person 1")
	if ch == 0 || !strings.Contains(r.stderr, fmt.Sprintf("imported: %d added", ff+ch)) {
		t.Fatalf("import all: %v", r)
	}
	s.ok("", "undo")
	if out := s.ok("", "list").stdout; strings.Count(out, "\n") > 1 {
		t.Errorf("one undo after import all left cookies:\n%s", out)
	}
}

// readCount finds "SOURCE: read N cookies" in stderr.
func readCount(t *testing.T, stderr, source string) int {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(source) + `: read ([0-9,]+) cookies?`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no read line for %s:\n%s", source, stderr)
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}
