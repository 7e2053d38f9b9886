package jar

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func openROTest(t *testing.T, path string) *Jar {
	t.Helper()
	j, err := OpenReadOnly(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// checkChangesRefused tries every kind of change on a read-only jar: each
// fails with an error that names the jar and says read-only.
func checkChangesRefused(t *testing.T, j *Jar, path string) {
	t.Helper()
	ctx := context.Background()
	cs, _, err := j.Query(ctx, Query{})
	if err != nil || len(cs) == 0 {
		t.Fatalf("query: %d cookies, %v", len(cs), err)
	}
	_, derr := j.Delete(ctx, []int64{cs[0].ID})
	_, ierr := j.Import(ctx, []Batch{{Source: "x:y", Cookies: makeCookies(3, 9, testNow, "x:y")}}, ImportOptions{})
	_, uerr := j.Undo(ctx)
	_, terr := j.EmptyTrash(ctx)
	for _, err := range []error{derr, ierr, uerr, terr} {
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("a change of a read-only jar: %v", err)
		}
	}
}

// TestOpenReadOnly (issue 8 item 12): OpenReadOnly reads a jar without
// changing a byte of it, refuses every change naming the jar, reads the
// oldest schema its queries understand, and says a writable open is needed
// for an older one; it never creates a jar.
func TestOpenReadOnly(t *testing.T) {
	j, path := openTest(t)
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: makeCookies(50, 3, testNow, "chrome:Default")})
	want := dump(t, j)
	j.Close()
	before := fileHash(t, path)

	r := openROTest(t, path)
	if !r.ReadOnly() {
		t.Error("ReadOnly() false")
	}
	if got := dump(t, r); got != want {
		t.Errorf("read-only read differs")
	}
	checkChangesRefused(t, r, path)
	r.Close()
	if fileHash(t, path) != before {
		t.Errorf("a read-only open changed the jar file")
	}

	setVersion := func(v int) {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`PRAGMA user_version = ` + itoa(v)); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	setVersion(minReadSchema)
	r = openROTest(t, path)
	if got := dump(t, r); got != want {
		t.Errorf("schema %d read differs", minReadSchema)
	}
	r.Close()
	setVersion(minReadSchema - 1)
	if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "write permission") || !strings.Contains(err.Error(), path) {
		t.Errorf("schema %d read-only: %v", minReadSchema-1, err)
	}
	setVersion(schemaVersion + 1)
	if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "newer crumbs") {
		t.Errorf("a newer schema read-only: %v", err)
	}

	setVersion(schemaVersion)
	// Knowledge other than the jar's cannot re-classify a read-only jar:
	// it says so, and leaves the file as it was.
	w, err := Open(path, WithClassifier(&testClassifier{"v1"}))
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	before = fileHash(t, path)
	for _, c := range []struct {
		version string
		stale   bool
	}{{"v1", false}, {"v2", true}} {
		r, err := OpenReadOnly(path, WithClassifier(&testClassifier{c.version}))
		if err != nil {
			t.Fatal(err)
		}
		if r.StalePurposes() != c.stale || (len(r.Notices()) > 0) != c.stale {
			t.Errorf("classifier %s on a jar classified by v1: stale %v, notices %q", c.version, r.StalePurposes(), r.Notices())
		}
		r.Close()
	}
	if fileHash(t, path) != before {
		t.Errorf("a read-only open with other knowledge changed the jar file")
	}

	missing := filepath.Join(t.TempDir(), "none", "jar.db")
	if _, err := OpenReadOnly(missing); err == nil {
		t.Error("OpenReadOnly of no file succeeded")
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Error("OpenReadOnly created a folder")
	}
	empty := filepath.Join(t.TempDir(), "jar.db")
	os.WriteFile(empty, nil, 0o600)
	if _, err := OpenReadOnly(empty); err == nil || !strings.Contains(err.Error(), "writable open") {
		t.Errorf("OpenReadOnly of an empty file: %v", err)
	}
	if st, _ := os.Stat(empty); st.Size() != 0 {
		t.Error("OpenReadOnly wrote the empty file")
	}
}

// TestReadOnlySchemaFloor keeps minReadSchema honest: the tables and
// columns of schema minReadSchema are those of the newest schema, so the
// read path's queries run on it. A migration that adds a table or a
// column makes this fail until minReadSchema is raised.
func TestReadOnlySchemaFloor(t *testing.T) {
	if !slices.Equal(schemaTablesAt(minReadSchema, colDefs()), schemaTables(colDefs())) {
		t.Fatalf("schema %d's tables differ from schema %d's: raise minReadSchema (jar/readonly.go)", minReadSchema, schemaVersion)
	}
}

// TestReadOnlyFileSystem (issue 8 item 12): a jar on a file system mounted
// read-only (a tmpfs remounted ro, as root) fails Open with ErrNotWritable
// and opens with OpenReadOnly — after a clean close (no -wal, SQLite cannot
// create -shm: immutable), with a leftover -wal and -shm (a killed writer:
// the log's changes are read), and with a -wal but no -shm (refused, since
// the file alone is an older jar).
func TestReadOnlyFileSystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	clean := filepath.Join(mnt, "clean", "jar.db")
	j, err := Open(clean)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: makeCookies(30, 4, testNow, "chrome:Default")})
	want := dump(t, j)
	j.Close()

	// A writer that is killed leaves the log and its index: copy them
	// while a jar is open with changes only in the log.
	live := filepath.Join(mnt, "live", "jar.db")
	w, err := Open(live)
	if err != nil {
		t.Fatal(err)
	}
	w.bg.Wait()
	if _, err := w.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	mustImport(t, w, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: makeCookies(30, 4, testNow, "chrome:Default")})
	w.bg.Wait()
	for _, d := range []string{"killed", "noshm"} {
		os.Mkdir(filepath.Join(mnt, d), 0o700)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if d == "noshm" && suffix == "-shm" {
				continue
			}
			b, err := os.ReadFile(live + suffix)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(mnt, d, "jar.db"+suffix), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Close()
	if st, err := os.Stat(filepath.Join(mnt, "noshm", "jar.db-wal")); err != nil || st.Size() == 0 {
		t.Fatalf("the copied log is empty: %v", err)
	}
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only: %v %s", err, out)
	}

	if _, err := Open(clean); !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), clean) {
		t.Errorf("Open on a read-only file system: %v (want ErrNotWritable)", err)
	}
	for _, p := range []string{clean, filepath.Join(mnt, "killed", "jar.db")} {
		r := openROTest(t, p)
		if got := dump(t, r); got != want {
			t.Errorf("%s: the read-only read differs from the jar", p)
		}
		checkChangesRefused(t, r, p)
		r.Close()
	}
	noshm := filepath.Join(mnt, "noshm", "jar.db")
	if _, err := OpenReadOnly(noshm); err == nil || !strings.Contains(err.Error(), "write-ahead log") || !strings.Contains(err.Error(), noshm) {
		t.Errorf("a log without its index on a read-only file system: %v", err)
	}
}
