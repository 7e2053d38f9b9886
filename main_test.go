package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
)

// TestPanicRemovesTempFiles (issue 8 item 6): a panic anywhere in a run
// removes the store snapshots and partial exports registered so far, and
// still panics (the crash is not hidden).
func TestPanicRemovesTempFiles(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var dir, partial string
	defer func() {
		r := recover()
		if r != "boom" {
			t.Fatalf("the panic was not passed on: %v", r)
		}
		for _, p := range []string{dir, partial} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%s is left after a panic", p)
			}
		}
	}()
	run(context.Background(), func(context.Context) int {
		var err error
		if dir, err = cleanup.MkdirTemp("snapshot"); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "cookies.sqlite"), []byte("a copy of a store"), 0o600)
		partial = filepath.Join(t.TempDir(), ".cookies.txt.crumbs-1")
		os.WriteFile(partial, []byte("half an export"), 0o600)
		cleanup.Register(partial)
		panic("boom")
	})
	t.Fatal("run returned after a panic")
}
