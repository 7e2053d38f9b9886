package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// BenchmarkCleanFirefox100k times `crumbs clean STORE --yes` on a
// 100,000-cookie Firefox store end to end: read, classify, the running
// check, the backup, the transaction, the integrity check and the re-read.
// The budget (docs/writeback.md) is BenchmarkImportFirefox100k's time on
// the same machine.
func BenchmarkCleanFirefox100k(b *testing.B) {
	cs := gen.Cookies(100000, 53, now, "firefox:bench")
	store, s := benchStore(b, func(p string) error {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		return gen.WriteFirefoxStore(p, cs)
	}, filepath.Join("prof", "cookies.sqlite"))
	benchClean(b, s, store, filepath.Dir(store))
}

// BenchmarkCleanChromium100k is the same for an encrypted (v10, meta 24)
// Chromium store, whose re-read decrypts every value.
func BenchmarkCleanChromium100k(b *testing.B) {
	cs := gen.Cookies(100000, 54, now, "chrome:bench")
	store, s := benchStore(b, func(p string) error {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		return gen.WriteChromiumStore(p, cs, gen.ChromiumStoreOptions{})
	}, filepath.Join("ud", "Default", "Cookies"))
	benchClean(b, s, store, filepath.Dir(store))
}

func benchClean(b *testing.B, s *sandbox, store, dir string) {
	pristine, err := os.ReadFile(store)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(store, pristine, 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cmd := exec.Command(crumbsBin, "clean", dir, "--yes")
		cmd.Env = s.env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}
