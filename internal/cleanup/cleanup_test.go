package cleanup

import (
	"os"
	"path/filepath"
	"testing"
)

// Registered folders go on RemoveAll, which also refuses new ones; the
// names carry the pid that RemoveStale reads.
func TestRegistry(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := MkdirTemp("snapshot")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 || !stalePattern.MatchString(filepath.Base(dir)) {
		t.Fatalf("%s: %v %v", dir, st, err)
	}
	f := filepath.Join(t.TempDir(), ".out.crumbs-1")
	os.WriteFile(f, nil, 0o600)
	Register(f)
	RemoveAll()
	for _, p := range []string{dir, f} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s not removed", p)
		}
	}
	if _, err := MkdirTemp("edit"); err != ErrStopping {
		t.Errorf("MkdirTemp after RemoveAll: %v", err)
	}
	mu.Lock()
	closing = false
	mu.Unlock()
}
