package jar

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForeignCheckOfAJarBeingCreated replays the interleaving behind
// TestConcurrentProcesses' old "not a crumbs jar" flake: process B reads
// the header of a jar that process A has only switched to WAL (no
// application id yet: A's schema still sits in the -wal), then A's
// migration is checkpointed into the file, and only then does B's
// read-only look count the tables. That look must not call A's new jar
// foreign.
func TestForeignCheckOfAJarBeingCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A's first step: the WAL switch writes page 1, still without an id.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=page_size(16384)")
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode = WAL`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q %v", mode, err)
	}
	db.Close()
	head := make([]byte, 100)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadAt(head, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// A migrates; closing checkpoints the schema into the file.
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := checkForeign(path, path, head); err != nil {
		t.Fatalf("B's look at A's new jar: %v", err)
	}

	// The same stale header in front of another program's database is
	// still refused.
	other := filepath.Join(t.TempDir(), "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	if err := checkForeign(other, other, head); err == nil || !strings.Contains(err.Error(), "not a crumbs jar") {
		t.Fatalf("another program's database: %v", err)
	}
}
