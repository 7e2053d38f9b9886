package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// Benchmarks of the whole binary on 100,000-cookie stores (docs/budgets.md §1).
// Each iteration is one process: ns/op is the wall time a user sees.
//
//	go test -run XXX -bench . -benchtime 5x ./internal/cli

func benchStore(b *testing.B, write func(path string) error, name string) (string, *sandbox) {
	b.Helper()
	home := b.TempDir()
	s := &sandbox{home: home, env: []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TZ=UTC",
		"XDG_DATA_HOME=" + filepath.Join(home, "data"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config")}}
	p := filepath.Join(home, name)
	if err := write(p); err != nil {
		b.Fatal(err)
	}
	return p, s
}

func runBench(b *testing.B, s *sandbox, args ...string) {
	b.Helper()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(crumbsBin, args...)
		cmd.Env = s.env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("crumbs %v: %v\n%s", args, err, out)
		}
	}
}

func BenchmarkExportFromFirefox100k(b *testing.B) {
	cs := gen.Cookies(100000, 51, now, "firefox:bench")
	store, s := benchStore(b, func(p string) error { return gen.WriteFirefoxStore(p, cs) }, "cookies.sqlite")
	runBench(b, s, "export", "--from", store, "-o", filepath.Join(s.home, "cookies.txt"))
}

func BenchmarkExportFromChromium100k(b *testing.B) {
	cs := gen.Cookies(100000, 52, now, "chrome:bench")
	store, s := benchStore(b, func(p string) error {
		return gen.WriteChromiumStore(p, cs, gen.ChromiumStoreOptions{})
	}, "Cookies")
	runBench(b, s, "export", "--from", store, "--password", "peanuts", "-o", filepath.Join(s.home, "cookies.txt"))
}

func BenchmarkImportFirefox100k(b *testing.B) {
	cs := gen.Cookies(100000, 53, now, "firefox:bench")
	store, s := benchStore(b, func(p string) error { return gen.WriteFirefoxStore(p, cs) }, "cookies.sqlite")
	benchImport(b, s, store)
}

// BenchmarkImportChromium100k imports an encrypted (v10, meta 24) store:
// read, decrypt, classify and write the jar, end to end.
func BenchmarkImportChromium100k(b *testing.B) {
	cs := gen.Cookies(100000, 54, now, "chrome:bench")
	store, s := benchStore(b, func(p string) error {
		return gen.WriteChromiumStore(p, cs, gen.ChromiumStoreOptions{})
	}, "Cookies")
	benchImport(b, s, store, "--password", "peanuts")
}

// benchImport times `crumbs import` of store into a new jar per iteration.
// For the one-core budget run it under `taskset -c 0`.
func benchImport(b *testing.B, s *sandbox, store string, extra ...string) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		jarPath := filepath.Join(s.home, "jar", itoa(i), "jar.db")
		b.StartTimer()
		args := append([]string{"--jar", jarPath, "import", store}, extra...)
		cmd := exec.Command(crumbsBin, args...)
		cmd.Env = s.env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

func BenchmarkExportJar100k(b *testing.B) {
	jarPath, s := importedJar100k(b, 54)
	runBench(b, s, "--jar", jarPath, "export", "-o", filepath.Join(s.home, "cookies.txt"))
}

// importedJar100k imports a generated Firefox store of 100,000 cookies
// (made from seed) with the binary into a jar of its own sandbox.
func importedJar100k(b *testing.B, seed int64) (string, *sandbox) {
	cs := gen.Cookies(100000, seed, now, "firefox:bench")
	store, s := benchStore(b, func(p string) error { return gen.WriteFirefoxStore(p, cs) }, "cookies.sqlite")
	jarPath := filepath.Join(s.home, "jar.db")
	cmd := exec.Command(crumbsBin, "--jar", jarPath, "import", store)
	cmd.Env = s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	return jarPath, s
}

func BenchmarkClassify100k(b *testing.B) {
	cs := gen.Cookies(100000, 55, now, "x")
	var in []byte
	for _, c := range cs {
		in = append(in, c.Domain+"\t"+c.Name+"\n"...)
	}
	_, s := benchStore(b, func(p string) error { return nil }, "none")
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(crumbsBin, "classify")
		cmd.Env = s.env
		cmd.Stdin = bytes.NewReader(in)
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
