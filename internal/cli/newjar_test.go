package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// crumbs import builds a new jar beside its path (docs/jar.md, "A new
// jar's first import"): a dry run leaves no jar and no file beside it; the
// real import leaves the jar, private, and nothing beside it.
func TestImportBuildsNewJarAside(t *testing.T) {
	s := newSandbox(t)
	store := filepath.Join(s.home, "ff", "cookies.sqlite")
	os.MkdirAll(filepath.Dir(store), 0o700)
	if err := gen.WriteFirefoxStore(store, gen.Cookies(2000, 11, now, "x")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(s.jar)
	leftBeside := func() []string {
		es, _ := os.ReadDir(dir)
		var names []string
		for _, e := range es {
			if e.Name() != filepath.Base(s.jar) {
				names = append(names, e.Name())
			}
		}
		return names
	}
	r := s.ok("", "import", "--dry-run", store)
	m := regexp.MustCompile(`would import ([0-9,]+) added`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("dry run: %v", r)
	}
	want, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if _, err := os.Stat(s.jar); err == nil || len(leftBeside()) > 0 {
		t.Fatalf("a dry run left %s or %v", s.jar, leftBeside())
	}
	s.ok("", "import", store)
	if st, err := os.Stat(s.jar); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("jar: %v %v", st, err)
	}
	if names := leftBeside(); slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, ".crumbs-") }) {
		t.Fatalf("left beside the jar: %v", names)
	}
	if n := s.count(); n != want || n == 0 {
		t.Fatalf("%d cookies in the jar, the dry run said %d", n, want)
	}
}
