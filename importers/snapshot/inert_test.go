package snapshot

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A statement still running at the read deadline is interrupted, and the
// error says so naming the file; the snapshot refuses to load extensions
// and trusts no function in the file's schema.
func TestDeadlineInterruptsAndInert(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slow.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Copy(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	defer func(d time.Duration) { ReadTimeout = d }(ReadTimeout)
	ReadTimeout = 200 * time.Millisecond
	ctx, cancel := WithDeadline(context.Background())
	defer cancel()
	start := time.Now()
	var n int
	err = conn.QueryRowContext(ctx, "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT count(*) FROM r").Scan(&n)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the endless query ran %s past a 200ms deadline", took)
	}
	err = DeadlineErr(ctx, path, err)
	if err == nil || !strings.Contains(err.Error(), "longer than") || !strings.Contains(err.Error(), path) {
		t.Fatalf("deadline error: %v", err)
	}

	var ts int
	if err := conn.QueryRow("PRAGMA trusted_schema").Scan(&ts); err != nil || ts != 0 {
		t.Fatalf("trusted_schema = %d (%v), want 0", ts, err)
	}
	if _, err := conn.Exec("SELECT load_extension('/nonexistent')"); err == nil || !strings.Contains(err.Error(), "not authorized") {
		t.Fatalf("load_extension: %v, want not authorized", err)
	}
}
