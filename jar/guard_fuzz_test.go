package jar

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// FuzzForeignJar (issue 8 items 8 and 12): whatever bytes a --jar file
// holds, OpenReadOnly changes none of them and opens only a crumbs jar,
// and Open changes none of a file that is not a crumbs jar — it opens
// only an empty file, a crumbs jar, or a SQLite file with no application
// id, no user_version and (SQLite says) no table.
func FuzzForeignJar(f *testing.F) {
	dir := f.TempDir()
	seed := func(name string, stmts ...string) {
		p := filepath.Join(dir, name)
		db, err := sql.Open("sqlite", p)
		if err != nil {
			f.Fatal(err)
		}
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				f.Fatal(err)
			}
		}
		db.Close()
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		if len(b) > 100 {
			f.Add(b[:100])
		}
	}
	seed("foreign.db", "CREATE TABLE t (x)", "INSERT INTO t VALUES (1)")
	seed("version.db", "PRAGMA user_version = 7")
	seed("appid.db", "PRAGMA application_id = 1", "CREATE TABLE t (x)")
	seed("view.db", "CREATE VIEW v AS SELECT 1")
	j, err := Open(filepath.Join(dir, "jar.db"))
	if err != nil {
		f.Fatal(err)
	}
	j.Close()
	b, _ := os.ReadFile(filepath.Join(dir, "jar.db"))
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte(sqliteHeader))
	f.Add([]byte("not a database at all\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "jar.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		crumbs := len(data) >= 72 && bytes.HasPrefix(data, []byte(sqliteHeader)) && binary.BigEndian.Uint32(data[68:72]) == applicationID
		if r, err := OpenReadOnly(path); err == nil {
			r.Close()
			if !crumbs {
				t.Fatalf("OpenReadOnly opened a file that is not a crumbs jar (%d bytes)", len(data))
			}
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
			t.Fatalf("OpenReadOnly changed the file")
		}
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		if crumbs || len(data) == 0 {
			return
		}
		w, err := Open(path)
		if err == nil {
			w.Close()
			blank := len(data) >= 100 && bytes.HasPrefix(data, []byte(sqliteHeader)) &&
				binary.BigEndian.Uint32(data[60:64]) == 0 && binary.BigEndian.Uint32(data[68:72]) == 0
			if !blank {
				t.Fatalf("Open took a file with a foreign header for a new jar (%d bytes)", len(data))
			}
			return
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
			t.Fatalf("a failed Open changed a file that is not a crumbs jar: %v", err)
		}
	})
}
