// Package testshared is for tests only: it finds the repository root (the
// folder holding go.mod) and the ../shared folder beside it, which holds the
// fixtures and sample files other people wrote. Those files are never copied
// into the repository, so a fresh clone has no ../shared and the tests that
// need it skip with a reason instead of failing.
//
// It imports nothing from the project, so any package's tests (jar/purpose
// included) can use it without an import cycle.
package testshared

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FindRoot walks up from the working directory (a test's package directory)
// to the first directory holding go.mod. It is the form for TestMain, where
// there is no testing.TB to fail; tests call Root.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Root returns the repository root, failing the test when no go.mod is found
// above the package directory.
func Root(t testing.TB) string {
	t.Helper()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Path returns Root/../shared/rel... and skips the test when that path does
// not exist, saying that the test needs ../shared. Callers pass the same
// depth they need to exist: a folder they read several files from, or the
// one file they read (then a missing file skips too).
func Path(t testing.TB, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Root(t), "..", "shared"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		name := filepath.Join(rel...)
		if name == "" {
			name = "test data"
		}
		t.Skipf("%s: ../shared not present (this test needs %s)", name, p)
	}
	return p
}
