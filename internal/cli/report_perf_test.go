package cli_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// BenchmarkReport100k: `crumbs report` on a jar of 100,000 cookies, the
// whole process (budget ≤ 0.5 s: docs/cli.md, README Performance), and,
// as a reference that does not depend on how loaded the machine is,
// `crumbs export` of the same jar in the same run (…/export).
func BenchmarkReport100k(b *testing.B) {
	cs := gen.Cookies(100000, 56, now, "firefox:bench")
	store, s := benchStore(b, func(p string) error { return gen.WriteFirefoxStore(p, cs) }, "cookies.sqlite")
	jarPath := filepath.Join(s.home, "jar.db")
	cmd := exec.Command(crumbsBin, "--jar", jarPath, "import", store)
	cmd.Env = s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	b.Run("report", func(b *testing.B) { runBench(b, s, "--jar", jarPath, "report") })
	b.Run("export", func(b *testing.B) {
		runBench(b, s, "--jar", jarPath, "export", "-o", filepath.Join(s.home, "cookies.txt"))
	})
}
