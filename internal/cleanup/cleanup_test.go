package cleanup

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// A file made beside another is private, named for RemoveStaleBeside, and
// goes on RemoveAll like a folder; nothing new is made after it.
func TestCreateBeside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.db")
	f, err := CreateBeside(path, "new")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(f)
	if err != nil || st.Mode().Perm() != 0o600 || filepath.Dir(f) != filepath.Dir(path) {
		t.Fatalf("%s: %v %v", f, st, err)
	}
	rest, ok := strings.CutPrefix(filepath.Base(f), "jar.db.crumbs-")
	if !ok || !besidePattern.MatchString(rest) || !strings.HasPrefix(rest, "new-"+strconv.Itoa(os.Getpid())+"-") {
		t.Fatalf("name %s", f)
	}
	if RemoveStaleBeside(path) != 0 {
		t.Fatal("removed the file of a running process")
	}
	RemoveAll()
	if _, err := os.Stat(f); err == nil {
		t.Errorf("%s not removed", f)
	}
	if _, err := CreateBeside(path, "new"); err != ErrStopping {
		t.Errorf("CreateBeside after RemoveAll: %v", err)
	}
	mu.Lock()
	closing = false
	mu.Unlock()
}
