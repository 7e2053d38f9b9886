package cli_test

import (
	"path/filepath"
	"testing"
)

// BenchmarkReport100k: `crumbs report` on a jar of 100,000 cookies, the
// whole process (budget ≤ 0.5 s: docs/cli.md, README Performance), and,
// as a reference that does not depend on how loaded the machine is,
// `crumbs export` of the same jar in the same run (…/export).
func BenchmarkReport100k(b *testing.B) {
	jarPath, s := importedJar100k(b, 56)
	b.Run("report", func(b *testing.B) { runBench(b, s, "--jar", jarPath, "report") })
	b.Run("export", func(b *testing.B) {
		runBench(b, s, "--jar", jarPath, "export", "-o", filepath.Join(s.home, "cookies.txt"))
	})
}
