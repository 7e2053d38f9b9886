package jar

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestStartWritebackWritesNothing: asking for the WAL's writeback never
// creates a missing file, changes a file's bytes or keeps it open.
func TestStartWritebackWritesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "jar.db-wal")
	startWriteback(missing)
	if _, err := os.Lstat(missing); !os.IsNotExist(err) {
		t.Fatalf("a missing WAL: %v", err)
	}
	path := filepath.Join(dir, "other.db-wal")
	data := bytes.Repeat([]byte("crumbs"), 1<<18)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	fds := func() int {
		es, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			return -1
		}
		return len(es)
	}
	before := fds()
	for range 100 {
		startWriteback(path)
	}
	if after := fds(); after != before {
		t.Fatalf("%d open files before, %d after", before, after)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the file changed (%v)", err)
	}
}
