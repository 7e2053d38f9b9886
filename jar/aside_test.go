package jar

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// dirNames lists dir's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// hasBeside reports whether names hold a file a jar is built in.
func hasBeside(names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, ".crumbs-") })
}

func openAsideTest(t *testing.T, path string) *Jar {
	t.Helper()
	j, err := Open(path, WithClock(func() time.Time { return testNow }), BuildNewAside())
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// A new jar is built in a private file beside its path and appears there,
// whole and in WAL mode, only once its first import is in.
func TestBuildNewAside(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	j := openAsideTest(t, path)
	defer j.Close()
	names := dirNames(t, dir)
	if len(names) != 1 || !strings.HasPrefix(names[0], "jar.db.crumbs-new-"+strconv.Itoa(os.Getpid())+"-") {
		t.Fatalf("after Open: %v, want only the file the jar is built in", names)
	}
	if st, err := os.Stat(filepath.Join(dir, names[0])); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the file beside: %v %v", st, err)
	}
	st := mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(3000, 1, testNow, "s")})
	if st.Added != 3000 {
		t.Fatalf("%+v", st)
	}
	if names := dirNames(t, dir); hasBeside(names) || !slices.Contains(names, "jar.db") {
		t.Fatalf("after the import: %v", names)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("jar: %v %v", fi, err)
	}
	var mode, ok string
	j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	j.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if mode != "wal" || ok != "ok" {
		t.Fatalf("journal mode %q, integrity %q", mode, ok)
	}
	// The same handle goes on in the jar's place.
	if st := mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(3000, 1, testNow, "s")}); st.Unchanged != 3000 {
		t.Fatalf("second import: %+v", st)
	}
	if _, err := j.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := j.Counts(ctx); c.Total != 0 {
		t.Fatalf("after undo: %+v", c)
	}
	j.Close()
	if names := dirNames(t, dir); !slices.Equal(names, []string{"jar.db"}) {
		t.Fatalf("after Close: %v", names)
	}
}

// A jar another process made while this one built its own keeps what it
// holds: the import goes into it, and the file beside goes.
func TestBuildNewAsideJarAppeared(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	j := openAsideTest(t, path)
	defer j.Close()
	other, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, other, ImportOptions{}, Batch{Source: "other", Cookies: makeCookies(500, 2, testNow, "other")})
	other.Close()

	st := mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(2000, 1, testNow, "s")})
	if st.Added != 2000 {
		t.Fatalf("%+v", st)
	}
	srcs, err := j.Sources(ctx)
	if err != nil || len(srcs) != 2 || srcs[0].Count+srcs[1].Count != 2500 {
		t.Fatalf("%+v %v", srcs, err)
	}
	j.Close()
	if names := dirNames(t, dir); !slices.Equal(names, []string{"jar.db"}) {
		t.Fatalf("after Close: %v", names)
	}
	j2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if c, _ := j2.Counts(ctx); c.Total != 2500 {
		t.Fatalf("%+v", c)
	}
}

// A dry run, a failed first import and no write at all leave no jar and
// no file beside it.
func TestBuildNewAsideNothingLeft(t *testing.T) {
	for _, tc := range []struct {
		name string
		use  func(t *testing.T, j *Jar)
	}{
		{"dry run", func(t *testing.T, j *Jar) {
			st := mustImport(t, j, ImportOptions{DryRun: true}, Batch{Source: "s", Cookies: makeCookies(100, 1, testNow, "s")})
			if st.Added != 100 {
				t.Fatalf("%+v", st)
			}
		}},
		{"cancelled", func(t *testing.T, j *Jar) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := j.Import(ctx, []Batch{{Source: "s", Cookies: makeCookies(100, 1, testNow, "s")}}, ImportOptions{}); err == nil {
				t.Fatal("a cancelled import succeeded")
			}
		}},
		{"reads only", func(t *testing.T, j *Jar) {
			if c, err := j.Counts(context.Background()); err != nil || c.Total != 0 {
				t.Fatalf("%+v %v", c, err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			j := openAsideTest(t, filepath.Join(dir, "jar.db"))
			tc.use(t, j)
			if err := j.Close(); err != nil {
				t.Fatal(err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Fatalf("left behind: %v", names)
			}
		})
	}
}

// Any other write puts the jar in place first; an existing jar is opened
// where it is.
func TestBuildNewAsideOtherWrite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	j := openAsideTest(t, path)
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:example.com")); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); !slices.Contains(names, "jar.db") || hasBeside(names) {
		t.Fatalf("after the write: %v", names)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "s", Cookies: makeCookies(100, 1, testNow, "s")})
	j.Close()

	j = openAsideTest(t, path) // it exists now: nothing is built aside
	defer j.Close()
	if names := dirNames(t, dir); hasBeside(names) {
		t.Fatalf("an existing jar opened aside: %v", names)
	}
	ps, err := j.Protections(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("%+v %v", ps, err)
	}
	if c, _ := j.Counts(ctx); c.Total != 100 {
		t.Fatalf("%+v", c)
	}
}

// Opening a jar removes the files a killed crumbs was building it in, and
// only those: not one of a running process, not another jar's.
func TestOpenRemovesStaleAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Skipf("no process to outlive: %v", err)
	}
	stale := filepath.Join(dir, "jar.db.crumbs-new-"+strconv.Itoa(gone.Process.Pid)+"-123")
	running := filepath.Join(dir, "jar.db.crumbs-new-"+strconv.Itoa(os.Getppid())+"-456")
	otherJar := filepath.Join(dir, "other.db.crumbs-new-"+strconv.Itoa(gone.Process.Pid)+"-789")
	for _, p := range []string{stale, running, otherJar} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	names := dirNames(t, dir)
	if slices.Contains(names, filepath.Base(stale)) || !slices.Contains(names, filepath.Base(running)) || !slices.Contains(names, filepath.Base(otherJar)) {
		t.Fatalf("after Open: %v", names)
	}
}

// Opening a jar in a folder others can write tightens the folder and says
// so once, whether the jar is new (built aside) or already there.
func TestBuildNewAsideFolderNotice(t *testing.T) {
	for _, exists := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "loose")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "jar.db")
		if exists {
			j, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			j.Close()
		}
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		j := openAsideTest(t, path)
		notices := j.Notices()
		j.Close()
		if st, _ := os.Stat(dir); len(notices) != 1 || !strings.Contains(notices[0], "made it private") || st.Mode().Perm() != 0o700 {
			t.Errorf("jar there %v: notices %q, folder %v", exists, notices, st.Mode().Perm())
		}
	}
}
