package snapshot

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/crumbs-dev/crumbs/importers"
)

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// copyFixture copies the repository's Firefox live snapshot (rows only in
// its -wal) into a temp dir so the test may also stat it freely.
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"cookies.sqlite", "cookies.sqlite-wal"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "firefox", "live-snapshot", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "cookies.sqlite")
}

func TestCopyReplaysWALAndLeavesSourceAlone(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "firefox", "live-snapshot", "cookies.sqlite")
	before := map[string][32]byte{}
	for _, p := range []string{src, src + "-wal"} {
		before[p] = sha(t, p)
	}

	s, err := Copy(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	db, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM moz_cookies").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 55 {
		t.Errorf("rows = %d, want 55 (all of them live only in the -wal)", n)
	}
	if _, err := db.Exec("DELETE FROM moz_cookies"); err == nil {
		t.Error("query_only connection accepted a DELETE")
	}
	if s.Unstable {
		t.Error("quiet source reported as unstable")
	}

	dir := s.Dir()
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if info.Mode().Perm() != 0o700 {
			t.Errorf("temp dir mode %v, want 0700", info.Mode().Perm())
		}
		for _, name := range []string{"db", "db-wal"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
			}
		}
	}
	db.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("temp dir %s still there after Close (err %v)", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for p, h := range before {
		if sha(t, p) != h {
			t.Errorf("%s changed during the import", p)
		}
	}
	if _, err := os.Stat(src + "-shm"); err == nil {
		t.Errorf("a -shm appeared next to the source")
	}
}

// A database a process still holds open with uncheckpointed WAL frames: the
// copy must see every committed row.
func TestCopyOfOpenWALDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.sqlite")
	w, err := sql.Open("sqlite", path+"?_pragma=journal_mode(wal)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := w.Exec("INSERT INTO t VALUES (?)", i); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Copy(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("rows = %d, want 100", n)
	}
}

func TestCopyRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	real := copyFixture(t)
	link := filepath.Join(dir, "link.sqlite")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("symlinks not available:", err)
	}
	cases := map[string]string{
		"symlink":   link,
		"directory": dir,
		"missing":   filepath.Join(dir, "nope.sqlite"),
	}
	if runtime.GOOS != "windows" {
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		cases["fifo"] = fifo
		if _, err := os.Lstat("/dev/null"); err == nil {
			cases["device"] = "/dev/null"
		}
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := Copy(context.Background(), p)
			if err == nil {
				s.Close()
				t.Fatalf("Copy(%s) succeeded", p)
			}
			var fe *importers.FileError
			if !errors.As(err, &fe) || fe.Path != p || !strings.HasPrefix(err.Error(), p+": ") {
				t.Errorf("error %q does not name %s", err, p)
			}
		})
	}
}

// A -wal that is a symlink (someone planting a link next to the store) is
// refused too rather than followed.
func TestCopyRefusesSymlinkedSideFile(t *testing.T) {
	src := copyFixture(t)
	os.Remove(src + "-wal")
	other := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(other, []byte("x"), 0o600)
	if err := os.Symlink(other, src+"-wal"); err != nil {
		t.Skip("symlinks not available:", err)
	}
	s, err := Copy(context.Background(), src)
	if err == nil {
		s.Close()
		t.Fatal("symlinked -wal accepted")
	}
	if !strings.Contains(err.Error(), src+"-wal") {
		t.Errorf("error %q does not name the -wal", err)
	}
}

func TestCopyRejectsBadFiles(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "firefox", "cookies.checkpointed.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "empty file", nil},
		{"text", "not an SQLite database", []byte("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\n")},
		{"short-header", "truncated", []byte("SQLite format 3\x00\x10\x00")},
		{"cut-mid-page", "truncated", good[:49152]}, // 3 pages of 32 KiB in use
		{"one-page", "truncated", good[:1000]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "cookies.sqlite")
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Copy(context.Background(), p)
			if err == nil {
				db, oerr := s.Open()
				if oerr == nil {
					db.Close()
				}
				s.Close()
				err = oerr
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p+": ") {
				t.Errorf("error %q: want it to name %s and say %q", err, p, tc.want)
			}
		})
	}
}

// Garbage after a valid header must fail in Open with a clear message and
// never panic.
func TestOpenCorruptPages(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "firefox", "cookies.checkpointed.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	for i := 100; i < len(bad); i++ {
		bad[i] = byte(i * 7)
	}
	p := filepath.Join(t.TempDir(), "cookies.sqlite")
	os.WriteFile(p, bad, 0o600)
	s, err := Copy(context.Background(), p)
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	defer s.Close()
	db, err := s.Open()
	if err == nil {
		var n int
		err = db.QueryRow("SELECT count(*) FROM moz_cookies").Scan(&n)
		db.Close()
	}
	if err == nil {
		t.Fatal("corrupt database read without error")
	}
	t.Log(err)
}

func TestFileURIEscapes(t *testing.T) {
	got := fileURI("/tmp/a b?c#d%e/db")
	want := "file:/tmp/a%20b%3Fc%23d%25e/db"
	if got != want {
		t.Errorf("fileURI = %q, want %q", got, want)
	}
}

// A write landing while the files are copied makes Copy try again; a source
// that never settles is copied anyway and marked Unstable.
func TestCopyRetriesWhileSourceChanges(t *testing.T) {
	src := copyFixture(t)
	for _, tc := range []struct {
		writes       int // how many copy attempts see a write
		wantAttempts int
		unstable     bool
	}{
		{1, 2, false},
		{100, attempts, true},
	} {
		calls := 0
		testHookAfterCopy = func() {
			calls++
			if calls <= tc.writes {
				f, err := os.OpenFile(src+"-wal", os.O_WRONLY|os.O_APPEND, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.Write(make([]byte, 8)) // trailing bytes: not a valid frame, ignored by SQLite
				f.Close()
			}
		}
		s, err := Copy(context.Background(), src)
		testHookAfterCopy = nil
		if err != nil {
			t.Fatal(err)
		}
		if calls != tc.wantAttempts || s.Unstable != tc.unstable {
			t.Errorf("%d writes: %d attempts, unstable %v; want %d, %v", tc.writes, calls, s.Unstable, tc.wantAttempts, tc.unstable)
		}
		db, err := s.Open()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM moz_cookies").Scan(&n); err != nil || n != 55 {
			t.Errorf("after retries: %d rows, %v", n, err)
		}
		db.Close()
		s.Close()
	}
}
