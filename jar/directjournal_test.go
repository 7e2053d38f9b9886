package jar

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFirstImportTakesRollbackJournal: an import that adds far more than
// the jar holds writes its pages straight into the jar (no WAL grows), and
// leaves the jar as Open does, in WAL mode with synchronous NORMAL and no
// journal file; an import into a jar of its size, or while another
// connection holds the jar, goes through the WAL. Both hold every cookie.
func TestFirstImportTakesRollbackJournal(t *testing.T) {
	const n = 20_000 // about 8 MB of rows: the WAL path grows the WAL past it
	path := filepath.Join(t.TempDir(), "jar.db")
	j := openAt(t, path)
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			return 0
		}
		return st.Size()
	}
	settled := func(what string, want int) {
		t.Helper()
		var mode string
		var sync int
		if err := j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("%s: journal mode %q (%v), want wal", what, mode, err)
		}
		if err := j.db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 1 {
			t.Fatalf("%s: synchronous %d (%v), want 1 (NORMAL)", what, sync, err)
		}
		if _, err := os.Lstat(path + "-journal"); !os.IsNotExist(err) {
			t.Fatalf("%s: a journal file is left (%v)", what, err)
		}
		if got := count(t, j.db, `SELECT count(*) FROM cookies`); got != want {
			t.Fatalf("%s: %d cookies, want %d", what, got, want)
		}
		var ok string
		if err := j.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("%s: integrity_check %q %v", what, ok, err)
		}
	}

	mustImport(t, j, ImportOptions{}, Batch{Source: "first", Cookies: makeCookies(n, 1, testNow, "first")})
	if w := walSize(); w > 1<<20 {
		t.Fatalf("the first import grew the WAL to %d bytes: it did not write through the rollback journal", w)
	}
	settled("first import", n)

	// As large again as the jar: through the WAL.
	mustImport(t, j, ImportOptions{}, Batch{Source: "second", Cookies: makeCookies(n, 2, testNow, "second")})
	if w := walSize(); w < 4<<20 {
		t.Fatalf("the second import left a WAL of %d bytes: it should have gone through the WAL", w)
	}
	settled("second import", 2*n)
	j.Close()

	// Another jar open on the file: its connection holds the jar, so the
	// first import goes through the WAL, and the other sees all of it.
	path = filepath.Join(t.TempDir(), "jar.db")
	j = openAt(t, path)
	defer j.Close()
	other := openAt(t, path)
	defer other.Close()
	if got := count(t, other.db, `SELECT count(*) FROM cookies`); got != 0 {
		t.Fatalf("%d cookies in a new jar", got)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "first", Cookies: makeCookies(n, 1, testNow, "first")})
	if w := walSize(); w < 4<<20 {
		t.Fatalf("with another connection open the import left a WAL of %d bytes: it switched the journal under it", w)
	}
	settled("with another connection", n)
	if got := count(t, other.db, `SELECT count(*) FROM cookies`); got != n {
		t.Fatalf("the other connection sees %d cookies, want %d", got, n)
	}
}

func openAt(t *testing.T, path string) *Jar {
	t.Helper()
	j, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestOpenWaitsForAFirstImport: a write through the rollback journal holds
// the jar for as long as it runs, and a process opening the jar meanwhile
// waits for it past its busy timeout instead of failing.
func TestOpenWaitsForAFirstImport(t *testing.T) {
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 300 * time.Millisecond
	const hold = 1500 * time.Millisecond
	path := filepath.Join(t.TempDir(), "jar.db")
	j := openAt(t, path)
	defer j.Close()
	written, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- j.writeConn(context.Background(), true, 1<<20, func(_ *sql.Conn, tx *sql.Tx) error {
			if _, err := tx.Exec(`CREATE TABLE held (x)`); err != nil {
				return err
			}
			close(written)
			time.Sleep(hold)
			return errors.New("rolled back on purpose")
		})
	}()
	select {
	case <-written:
	case err := <-done:
		t.Fatalf("the write ended early: %v", err)
	}
	if !directWriteUnderway(path) {
		t.Fatal("the write does not go through the rollback journal")
	}
	start := time.Now()
	other, err := Open(path)
	if err != nil {
		t.Fatalf("open during the write, after %v: %v", time.Since(start), err)
	}
	defer other.Close()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "on purpose") {
		t.Fatalf("the write: %v", err)
	}
	if waited := time.Since(start); waited < busyTimeout {
		t.Fatalf("open returned after %v, before the write was over", waited)
	}
	var mode string
	if err := other.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q (%v)", mode, err)
	}
	if n := count(t, other.db, `SELECT count(*) FROM sqlite_schema WHERE name = 'held'`); n != 0 {
		t.Fatal("the rolled-back write left its table")
	}
}

// TestDirectCommitBusy: in rollback mode a commit waits for readers' locks
// and can fail; the write fails whole, the jar is as before, its
// connection is out of the transaction and usable, and the next open has
// the jar in WAL mode again.
func TestDirectCommitBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.db")
	j := openAt(t, path)
	var reader *sql.DB
	var rtx *sql.Tx
	err := j.writeConn(context.Background(), true, 1<<20, func(_ *sql.Conn, tx *sql.Tx) error {
		if _, err := tx.Exec(`CREATE TABLE held (x)`); err != nil {
			return err
		}
		if !directWriteUnderway(path) {
			return errors.New("the write does not go through the rollback journal")
		}
		// A reader in rollback mode takes its lock before the commit.
		var err error
		if reader, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)"); err != nil {
			return err
		}
		if rtx, err = reader.Begin(); err != nil {
			return err
		}
		var n int
		if err := rtx.QueryRow(`SELECT count(*) FROM cookies`).Scan(&n); err != nil {
			return err
		}
		_, err = tx.Exec(`PRAGMA busy_timeout = 50`) // fail in 50 ms, not 10 s
		return err
	})
	if err == nil || !isBusy(err) {
		t.Fatalf("the commit: %v, want busy", err)
	}
	rtx.Rollback()
	reader.Close()
	if _, err := j.db.Exec(`PRAGMA busy_timeout = 10000`); err != nil { // the pool's one idle connection
		t.Fatal(err)
	}
	if n := count(t, j.db, `SELECT count(*) FROM sqlite_schema WHERE name = 'held'`); n != 0 {
		t.Fatal("the failed write left its table")
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "after", Cookies: makeCookies(100, 3, testNow, "after")})
	j.Close()
	j = openAt(t, path)
	defer j.Close()
	var mode string
	if err := j.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q (%v)", mode, err)
	}
	if n := count(t, j.db, `SELECT count(*) FROM cookies`); n != 100 {
		t.Fatalf("%d cookies, want 100", n)
	}
}
