package snapshot

import (
	"context"
	"database/sql"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
)

// FileURI is the SQLite "file:" URI of path, with '?', '#' and '%' escaped.
// Write-back (package writeback) opens live stores with it.
func FileURI(path string) string { return fileURI(path) }

// IntegrityCheck runs SQLite's PRAGMA integrity_check on the database at
// path (a live store after write-back) and fails unless it says "ok".
func IntegrityCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return importers.Errorf(path, "%v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return importers.Errorf(path, "integrity check: %v", err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return importers.Errorf(path, "integrity check: %v", err)
		}
		msgs = append(msgs, s)
	}
	if err := rows.Err(); err != nil {
		return importers.Errorf(path, "integrity check: %v", err)
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return importers.Errorf(path, "integrity check failed: %s", strings.Join(msgs[:min(3, len(msgs))], "; "))
	}
	return nil
}
