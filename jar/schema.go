package jar

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// schemaVersion is the jar schema this build writes (PRAGMA user_version).
// Older jars are migrated forward on Open; newer ones are refused.
const schemaVersion = 9

// applicationID marks a SQLite file as a crumbs jar (PRAGMA application_id,
// "crmb").
const applicationID = 0x63726d62

// cookieColumns are the columns that hold a cookie, after its id, in the
// cookies, trash and undo tables alike (schema 2). The first seven are the
// identity. Only what SQL itself needs (identity, order, purpose, the
// unchanged test) has a column; the rest travels in "more", a compact
// binary record (see encodeMore): fewer columns to bind and step is most of
// what an import or a full read costs.
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
	{"flags", "INTEGER NOT NULL"},   // secure 1, http_only 2, same_site <<2 (2 bits), session 16, value_unreadable 32
	{"expires", "INTEGER NOT NULL"}, // unix microseconds; zeroMicro = not stored
	{"purpose", "TEXT NOT NULL"},
	{"reason", "TEXT NOT NULL"},
	{"verdict_by", "TEXT NOT NULL"},
	{"chash", "INTEGER NOT NULL"}, // hash of every column but the identity: "unchanged" test
	{"more", "BLOB NOT NULL"},     // encodeMore: times, container name, extras, encryption…
}

// readColumns are the columns a reader needs, after id: cookieColumns
// without site and chash (derived, never read back into a Cookie).
const readColumns = "source, partition_key, container_key, domain, host_only, path, name, value, flags, expires, purpose, reason, verdict_by, more"

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

// cookieTables are the tables that hold cookies, with the columns each has
// before the cookie's: they change together in every migration.
var cookieTables = []struct{ name, lead, leadDefs, tail string }{
	{"cookies", "id", "id INTEGER PRIMARY KEY", ") STRICT"},
	{"trash", "id, cookie_id, deleted_at", "id INTEGER PRIMARY KEY, cookie_id INTEGER NOT NULL, deleted_at INTEGER NOT NULL", ") STRICT"},
	{"undo_cookies", "change_id, id", "change_id INTEGER NOT NULL, id INTEGER NOT NULL", ", PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID"},
	{"undo_trash", "change_id, id, cookie_id, deleted_at", "change_id INTEGER NOT NULL, id INTEGER NOT NULL, cookie_id INTEGER NOT NULL, deleted_at INTEGER NOT NULL", ", PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID"},
}

// cookieTableDDL creates cookie table t with the cookie columns cols.
func cookieTableDDL(t int, cols string) string {
	ct := cookieTables[t]
	return `CREATE TABLE ` + ct.name + ` (` + ct.leadDefs + `,
	` + cols + ct.tail
}

// One index serves both the identity (site is a function of domain, so
// uniqueness is that of the identity) and the default order.
const identityIndexDDL = `CREATE UNIQUE INDEX cookies_identity ON cookies (site, domain, path, name, host_only, partition_key, container_key, source)`

// schemaTables creates every table of the newest schema, the cookie
// tables with cookie columns cols.
func schemaTables(cols string) []string { return schemaTablesAt(schemaVersion, cols) }

// schemaTablesAt creates every table as schema version had them, the
// cookie tables with cookie columns cols (so that tests can build a jar of
// an older schema and migrate it).
func schemaTablesAt(version int, cols string) []string {
	changes := `CREATE TABLE changes (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, summary TEXT NOT NULL,
	count INTEGER NOT NULL, at INTEGER NOT NULL,
	max_cookie INTEGER NOT NULL, max_trash INTEGER NOT NULL, max_verdict INTEGER NOT NULL`
	if version >= 3 {
		changes += `,
	` + maxProtectionDef
	}
	if version >= 7 {
		changes += `,
	` + knowledgeDef
	}
	stmts := []string{
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID`,
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
		changes + `) STRICT`,
		`CREATE TABLE undo_verdicts (change_id INTEGER NOT NULL, id INTEGER NOT NULL,
	source TEXT NOT NULL, partition_key TEXT NOT NULL, container_key TEXT NOT NULL,
	domain TEXT NOT NULL, host_only INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
	purpose TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (change_id, id)) STRICT, WITHOUT ROWID`,
	}
	if version >= 3 {
		stmts = append(stmts, protectionTables...)
	}
	for t := range cookieTables {
		stmts = append(stmts, cookieTableDDL(t, cols))
	}
	stmts = append(stmts, identityIndexDDL)
	if version >= 4 {
		stmts = append(stmts, importsDDL)
	}
	if version >= 5 {
		stmts = append(stmts, pendingDDL, pendingIndexDDL)
	}
	if version >= 8 {
		stmts = append(stmts, importDigestsDDL)
	}
	if version >= 9 {
		stmts = append(stmts, inPlaceDDL...)
	}
	return stmts
}

// migrations[v] brings a jar from schema v to v+1 (v ≥ 1). A new jar is
// created at schemaVersion directly. A migration that alters cookies alters
// trash and the undo tables the same way: they share cookieColumns.
var migrations = []func(ctx context.Context, tx *sql.Tx) error{
	1: migrateV1toV2,
	2: migrateV2toV3,
	3: migrateV3toV4,
	4: migrateV4toV5,
	5: migrateV5toV6,
	6: migrateV6toV7,
	7: migrateV7toV8,
	8: migrateV8toV9,
}

// migrate brings the jar to schemaVersion inside one write transaction.
func (j *Jar) migrate(ctx context.Context) error {
	return j.writeTx(ctx, false, func(tx *sql.Tx) error {
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
		if version == 0 {
			for _, stmt := range schemaTables(colDefs()) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("jar %s: creating schema %d: %w", j.path, schemaVersion, err)
				}
			}
		}
		for v := max(version, 1); version > 0 && v < schemaVersion; v++ {
			if err := migrations[v](ctx, tx); err != nil {
				return fmt.Errorf("jar %s: migrating schema %d to %d: %w", j.path, v, v+1, err)
			}
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return fmt.Errorf("jar %s: %w", j.path, err)
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
