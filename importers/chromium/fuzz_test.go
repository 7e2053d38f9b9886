package chromium

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
)

// FuzzStoreSchema (issue 8 item 1): whatever cookies and meta are — real
// tables, views of any SELECT, virtual tables — and however long a value,
// a Chromium read ends within its deadline, reads only real tables and
// never loads a value over the cap.
func FuzzStoreSchema(f *testing.F) {
	f.Add(uint8(0), "SELECT 13300000000000000 AS creation_utc, 'a.example' AS host_key, 'n' AS name, 'v' AS value, x'' AS encrypted_value, '/' AS path, 0 AS expires_utc", uint32(0))
	f.Add(uint8(0), "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT x AS name FROM r", uint32(0))
	f.Add(uint8(1), "", uint32(70000))
	f.Add(uint8(2), "fts5(host_key, name, value, path)", uint32(3))
	f.Add(uint8(3), "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT 'version' AS key, x AS value FROM r", uint32(1))
	f.Fuzz(func(t *testing.T, kind uint8, body string, valueLen uint32) {
		defer func(d time.Duration) { snapshot.ReadTimeout = d }(snapshot.ReadTimeout)
		snapshot.ReadTimeout = 500 * time.Millisecond
		path := filepath.Join(t.TempDir(), "Cookies")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		const cookiesTable = "CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER)"
		const metaTable = "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)"
		insert := fmt.Sprintf("INSERT INTO cookies VALUES (13300000000000000, 'a.example', 'n', hex(zeroblob(%d)), x'', '/', 13400000000000000)", valueLen%200000)
		var stmts []string
		switch kind % 4 {
		case 0:
			stmts = []string{metaTable, "CREATE VIEW cookies AS " + body}
		case 1:
			stmts = []string{metaTable, cookiesTable, insert}
		case 2:
			stmts = []string{metaTable, "CREATE VIRTUAL TABLE cookies USING " + body}
		case 3:
			stmts = []string{cookiesTable, insert, "CREATE VIEW meta AS " + body}
		}
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				db.Close()
				return // not valid SQL: nothing to read
			}
		}
		db.Close()
		start := time.Now()
		res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{})
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("read took %s", took)
		}
		if err != nil {
			return
		}
		if kind%4 != 1 {
			t.Fatalf("a cookies or meta that is not a table was read: %d cookies", len(res.Cookies))
		}
		for _, c := range res.Cookies {
			if len(c.Value) > importers.MaxValue {
				t.Fatalf("a %d-byte value was loaded", len(c.Value))
			}
		}
	})
}
