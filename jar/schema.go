package jar

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// schemaVersion is the jar schema this build writes (PRAGMA user_version).
// Older jars are migrated forward on Open; newer ones are refused.
const schemaVersion = 1

// applicationID marks a SQLite file as a crumbs jar (PRAGMA application_id,
// "crmb").
const applicationID = 0x63726d62

// cookieColumns are the columns that hold a cookie, after its id, in the
// cookies, trash and undo tables alike. The first seven are the identity.
var cookieColumns = []struct{ name, typ string }{
	{"source", "TEXT NOT NULL"},
	{"partition_key", "TEXT NOT NULL"},
	{"container_key", "TEXT NOT NULL"},
	{"domain", "TEXT NOT NULL"},
	{"host_only", "INTEGER NOT NULL"},
	{"path", "TEXT NOT NULL"},
	{"name", "TEXT NOT NULL"},
	{"site", "TEXT NOT NULL"},
	{"value", "TEXT NOT NULL"},
	{"secure", "INTEGER NOT NULL"},
	{"http_only", "INTEGER NOT NULL"},
	{"same_site", "INTEGER NOT NULL"},
	{"session", "INTEGER NOT NULL"},
	{"expires", "INTEGER NOT NULL"}, // unix microseconds; zeroMicro = not stored
	{"created", "INTEGER NOT NULL"},
	{"last_accessed", "INTEGER NOT NULL"},
	{"last_updated", "INTEGER NOT NULL"},
	{"container_name", "TEXT NOT NULL"},
	{"extras", "TEXT NOT NULL"}, // JSON object, "" when no extra is set
	{"encryption", "TEXT NOT NULL"},
	{"value_unreadable", "INTEGER NOT NULL"},
	{"unreadable_reason", "TEXT NOT NULL"},
	{"original_key", "TEXT NOT NULL"},
	{"purpose", "TEXT NOT NULL"},
	{"reason", "TEXT NOT NULL"},
	{"verdict_by", "TEXT NOT NULL"},
	{"chash", "INTEGER NOT NULL"}, // hash of every column but the identity: "unchanged" test
}

const identityColumns = "source, partition_key, container_key, domain, host_only, path, name"

// colList is "source, partition_key, …, chash".
var colList = func() string {
	names := make([]string, len(cookieColumns))
	for i, c := range cookieColumns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}()

func colDefs() string {
	defs := make([]string, len(cookieColumns))
	for i, c := range cookieColumns {
		defs[i] = c.name + " " + c.typ
	}
	return strings.Join(defs, ",\n\t")
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// schemaV1 creates every table of schema 1.
func schemaV1() []string {
	cols := colDefs()
	return []string{
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID`,
		`CREATE TABLE cookies (id INTEGER PRIMARY KEY,
	` + cols + `) STRICT`,
		// One index serves both the identity (site is a function of domain,
		// so uniqueness is that of the identity) and the default order.
		`CREATE UNIQUE INDEX cookies_identity ON cookies (site, domain, path, name, host_only, partition_key, container_key, source)`,
		// The trash: id is the trash entry id, cookie_id the id the cookie had.
		`CREATE TABLE trash (id INTEGER PRIMARY KEY, cookie_id INTEGER NOT NULL, deleted_at INTEGER NOT NULL,
	` + cols + `) STRICT`,
		// The user's verdicts, by identity, independent of the cookie rows so
		// that they outlive deletion, prune and re-import.
		`CREATE TABLE verdicts (id INTEGER PRIMARY KEY,
	source TEXT NOT NULL, partition_key TEXT NOT NULL, container_key TEXT NOT NULL,
	domain TEXT NOT NULL, host_only INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
	purpose TEXT NOT NULL, reason TEXT NOT NULL) STRICT`,
		`CREATE UNIQUE INDEX verdicts_identity ON verdicts (` + identityColumns + `)`,
		`CREATE TABLE sources (source TEXT PRIMARY KEY, file TEXT NOT NULL, last_import INTEGER NOT NULL) STRICT, WITHOUT ROWID`,
		// The undo history. max_* are the largest row ids before the change:
		// rows above them were added by it. The undo_* tables hold the
		// before-images of rows the change updated or removed.
		`CREATE TABLE changes (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, summary TEXT NOT NULL,
	count INTEGER NOT NULL, at INTEGER NOT NULL,
	max_cookie INTEGER NOT NULL, max_trash INTEGER NOT NULL, max_verdict INTEGER NOT NULL) STRICT`,
		`CREATE TABLE undo_cookies (change_id INTEGER NOT NULL, id INTEGER NOT NULL,
	` + cols + `, PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID`,
		`CREATE TABLE undo_trash (change_id INTEGER NOT NULL, id INTEGER NOT NULL, cookie_id INTEGER NOT NULL, deleted_at INTEGER NOT NULL,
	` + cols + `, PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID`,
		`CREATE TABLE undo_verdicts (change_id INTEGER NOT NULL, id INTEGER NOT NULL,
	source TEXT NOT NULL, partition_key TEXT NOT NULL, container_key TEXT NOT NULL,
	domain TEXT NOT NULL, host_only INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
	purpose TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID`,
	}
}

// migrations[v] brings a jar from schema v to v+1. migrations[0] creates a
// fresh jar. A migration that alters cookies must alter trash and
// undo_cookies/undo_trash the same way: they share cookieColumns.
var migrations = []func() []string{
	0: schemaV1,
}

// migrate brings the jar to schemaVersion inside one write transaction.
func (j *Jar) migrate(ctx context.Context) error {
	return j.write(ctx, func(tx *sql.Tx) error {
		var version, appID int
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
			return j.fileError(err)
		}
		if err := tx.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
			return j.fileError(err)
		}
		if version > schemaVersion {
			return fmt.Errorf("jar %s: written by a newer crumbs (schema %d, this build knows %d)", j.path, version, schemaVersion)
		}
		if version == schemaVersion && appID == applicationID {
			return nil
		}
		if version == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`).Scan(&n); err != nil {
				return j.fileError(err)
			}
			if n > 0 {
				return fmt.Errorf("jar %s: not a crumbs jar (a SQLite database of another program)", j.path)
			}
		} else if appID != applicationID {
			return fmt.Errorf("jar %s: not a crumbs jar (a SQLite database of another program)", j.path)
		}
		for v := version; v < schemaVersion; v++ {
			for _, stmt := range migrations[v]() {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("jar %s: migrating schema %d to %d: %w", j.path, v, v+1, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
			return fmt.Errorf("jar %s: %w", j.path, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return fmt.Errorf("jar %s: %w", j.path, err)
		}
		return nil
	})
}
