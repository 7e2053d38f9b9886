package firefox

// Write-back into a Firefox profile (docs/writeback.md, docs/stores-firefox-safari.md §Firefox, docs/model.md §4):
// cookies.sqlite is changed in place, in one transaction, by Firefox's own
// unique key (name, host, path, originAttributes), with expiry in the
// schema's unit; SQLite itself handles the WAL of the live file. Session
// cookies live only in the session-store files, so a removed or edited
// cookie is removed or edited in every one of them too (mozLz4 re-encoded),
// or restoring the session would bring it back. This file only writes:
// the running check, the backup and the verification are package
// writeback's.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Locate returns the cookies.sqlite and the profile dir of path (a profile
// dir or the database file).
func Locate(path string) (dbPath, profileDir string, err error) { return locate(path) }

// StoreFiles lists every file a write-back of the profile may change or
// that SQLite may replay onto the database: the database with its -wal,
// -shm and -journal, and every session-store file (sessionstore.jsonlz4
// and everything in sessionstore-backups/). Files that do not exist are
// listed too: a backup records them as absent.
func StoreFiles(path string) ([]string, error) {
	dbPath, profileDir, err := locate(path)
	if err != nil {
		return nil, err
	}
	files := []string{dbPath, dbPath + "-wal", dbPath + "-shm", dbPath + "-journal",
		filepath.Join(profileDir, "sessionstore.jsonlz4")}
	backups := filepath.Join(profileDir, "sessionstore-backups")
	entries, err := os.ReadDir(backups)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, importers.FileErr(backups, err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, filepath.Join(backups, e.Name()))
		}
	}
	return files, nil
}

// sessionStoreFiles are the session-store files of a profile that exist.
func sessionStoreFiles(profileDir string) []string {
	var out []string
	cands := []string{filepath.Join(profileDir, "sessionstore.jsonlz4")}
	if entries, err := os.ReadDir(filepath.Join(profileDir, "sessionstore-backups")); err == nil {
		for _, e := range entries {
			cands = append(cands, filepath.Join(profileDir, "sessionstore-backups", e.Name()))
		}
	}
	for _, p := range cands {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// rowKey is Firefox's unique key of a cookie.
type rowKey struct{ name, host, path, oa string }

func keyFromCookie(c *cookie.Cookie) (rowKey, bool, error) {
	name, host, path, oa, err := DecodeKey(c.OriginalKey)
	if err != nil || c.OriginalKey == "" {
		return rowKey{}, false, fmt.Errorf("cookie %s has no Firefox store key (not read from a Firefox store?)", c.Identity())
	}
	return rowKey{name, host, path, oa}, strings.HasSuffix(c.OriginalKey, "&store=session"), nil
}

// Write applies ch to the Firefox profile at path: one transaction on
// cookies.sqlite, then every session-store file rewritten (each through a
// temporary file renamed into place). Every row to change must exist:
// anything else is an error, and the caller puts its backup back.
func Write(ctx context.Context, path string, ch importers.Change, now time.Time) error {
	dbPath, profileDir, err := locate(path)
	if err != nil {
		return err
	}
	// Prepare the session files first: one that cannot be read stops the
	// write before anything is changed.
	sessions, err := planSessionFiles(profileDir, ch)
	if err != nil {
		return err
	}
	if err := writeDB(ctx, dbPath, ch, now); err != nil {
		return err
	}
	for _, s := range sessions {
		if err := replaceFile(s.path, s.data); err != nil {
			return importers.FileErr(s.path, err)
		}
	}
	return nil
}

// dbUpdate is one edit of a row of cookies.sqlite.
type dbUpdate struct {
	key rowKey
	e   *importers.Edit
}

func writeDB(ctx context.Context, dbPath string, ch importers.Change, now time.Time) error {
	dbDeletes, dbUpdates, err := dbChanges(ch)
	if err != nil {
		return err
	}
	if len(dbDeletes) == 0 && len(dbUpdates) == 0 {
		return nil
	}
	if fi, err := os.Lstat(dbPath); err != nil {
		return importers.FileErr(dbPath, err)
	} else if !fi.Mode().IsRegular() {
		return importers.Errorf(dbPath, "not a regular file: not written")
	}
	db, err := sql.Open("sqlite", snapshot.FileURI(dbPath)+"?_pragma=busy_timeout(5000)&_pragma=cache_size(-131072)&_txlock=immediate")
	if err != nil {
		return importers.Errorf(dbPath, "opening for write-back: %v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return importers.Errorf(dbPath, "reading schema version: %v", err)
	}
	have, err := tableColumns(ctx, db)
	if err != nil {
		return importers.Errorf(dbPath, "reading moz_cookies columns: %v", err)
	}
	if !have["originAttributes"] {
		return importers.Errorf(dbPath, "schema %d has no originAttributes column: crumbs does not write stores this old", version)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return importers.Errorf(dbPath, "starting the write-back transaction: %v", err)
	}
	defer tx.Rollback()
	if err := deleteKeys(ctx, tx, dbPath, dbDeletes); err != nil {
		return err
	}
	if err := updateRows(ctx, tx, dbPath, have, version, now, dbUpdates); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return importers.Errorf(dbPath, "committing the write-back: %v", err)
	}
	return nil
}

// dbChanges sorts ch into the rows of cookies.sqlite to delete and to
// update; session cookies (kept only in the session store) are left to the
// session files.
func dbChanges(ch importers.Change) (dbDeletes []rowKey, dbUpdates []dbUpdate, err error) {
	for i := range ch.Delete {
		k, session, err := keyFromCookie(&ch.Delete[i])
		if err != nil {
			return nil, nil, err
		}
		if !session {
			dbDeletes = append(dbDeletes, k)
		}
	}
	for i := range ch.Update {
		e := &ch.Update[i]
		k, session, err := keyFromCookie(&e.Old)
		if err != nil {
			return nil, nil, err
		}
		if e.Old.Session != e.New.Session {
			return nil, nil, fmt.Errorf("cookie %s: Firefox keeps session cookies only in its session store; turning a cookie into a session cookie or back is not written", e.Old.Identity())
		}
		if !session {
			dbUpdates = append(dbUpdates, dbUpdate{k, e})
		}
	}
	return dbDeletes, dbUpdates, nil
}

// updateRows writes each update into its row (by Firefox's unique key),
// with expiry in the schema's unit; every row must exist exactly once.
func updateRows(ctx context.Context, tx *sql.Tx, dbPath string, have map[string]bool, version int, now time.Time, dbUpdates []dbUpdate) error {
	if len(dbUpdates) == 0 {
		return nil
	}
	const where = ` WHERE name = ? AND host = ? AND path = ? AND originAttributes = ?`
	sets := []string{"value = ?", "expiry = ?", "isSecure = ?", "isHttpOnly = ?", "sameSite = ?"}
	if have["rawSameSite"] {
		sets = append(sets, "rawSameSite = ?")
	}
	if have["updateTime"] {
		sets = append(sets, "updateTime = ?")
	}
	up, err := tx.PrepareContext(ctx, `UPDATE moz_cookies SET `+strings.Join(sets, ", ")+where)
	if err != nil {
		return importers.Errorf(dbPath, "%v", err)
	}
	defer up.Close()
	for _, u := range dbUpdates {
		c := &u.e.New
		if c.ValueUnreadable {
			return fmt.Errorf("cookie %s: its value is unreadable, so it cannot be written", c.Identity())
		}
		expiry := c.Expires.Unix()
		if version >= 16 {
			expiry = c.Expires.UnixMilli()
		}
		ss := sameSiteValue(c.SameSite, version)
		args := []any{c.Value, expiry, b2i(c.Secure), b2i(c.HTTPOnly), ss}
		if have["rawSameSite"] {
			args = append(args, ss)
		}
		if have["updateTime"] {
			args = append(args, now.UnixMicro())
		}
		args = append(args, u.key.name, u.key.host, u.key.path, u.key.oa)
		res, err := up.ExecContext(ctx, args...)
		if err != nil {
			return importers.Errorf(dbPath, "updating %s on %s: %v", u.key.name, u.key.host, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return importers.Errorf(dbPath, "cookie %q on %s%s is not in the store (%d rows): nothing written", printable(u.key.name), printable(u.key.host), printable(u.key.path), n)
		}
	}
	return nil
}

// deleteKeys deletes the rows with these unique keys in one statement (a
// statement per row costs most of a 100k-cookie clean), and fails unless
// exactly one row went per key.
func deleteKeys(ctx context.Context, tx *sql.Tx, dbPath string, keys []rowKey) error {
	if len(keys) == 0 {
		return nil
	}
	uniq := make(map[rowKey]bool, len(keys))
	list := make([][4]string, 0, len(keys))
	for _, k := range keys {
		if !uniq[k] {
			uniq[k] = true
			list = append(list, [4]string{k.name, k.host, k.path, k.oa})
		}
	}
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	// json_each drives the join, each key found through moz_uniqueid.
	res, err := tx.ExecContext(ctx, `DELETE FROM moz_cookies WHERE rowid IN (SELECT m.rowid FROM json_each(?) AS j
		CROSS JOIN moz_cookies AS m ON m.name = json_extract(j.value, '$[0]') AND m.host = json_extract(j.value, '$[1]')
			AND m.path = json_extract(j.value, '$[2]') AND m.originAttributes = json_extract(j.value, '$[3]'))`, string(data))
	if err != nil {
		return importers.Errorf(dbPath, "deleting %d cookies: %v", len(list), err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(list)) {
		return importers.Errorf(dbPath, "%d of the %d cookies to remove are in the store: nothing written", n, len(list))
	}
	return nil
}

// sameSiteValue is nsICookie's value for s at the schema version: UNSET
// (256) exists from schema 15; before, "no attribute" was stored as NONE.
func sameSiteValue(s cookie.SameSite, version int) int {
	switch s {
	case cookie.SameSiteNone:
		return 0
	case cookie.SameSiteLax:
		return 1
	case cookie.SameSiteStrict:
		return 2
	}
	if version >= 15 {
		return 256
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sessionFile is a session-store file and its new content.
type sessionFile struct {
	path string
	data []byte
}

// planSessionFiles computes the new content of every session-store file
// that holds a cookie of ch. Files that would not change are left out.
func planSessionFiles(profileDir string, ch importers.Change) ([]sessionFile, error) {
	drop := map[rowKey]bool{}
	edit := map[rowKey]*cookie.Cookie{}
	for i := range ch.Delete {
		k, _, err := keyFromCookie(&ch.Delete[i])
		if err != nil {
			return nil, err
		}
		drop[k] = true
	}
	for i := range ch.Update {
		k, _, err := keyFromCookie(&ch.Update[i].Old)
		if err != nil {
			return nil, err
		}
		edit[k] = &ch.Update[i].New
	}
	var out []sessionFile
	for _, p := range sessionStoreFiles(profileDir) {
		data, err := importers.ReadSmall(p, importers.MaxSessionStore) // regular files only, bounded
		if err != nil {
			return nil, importers.Errorf(p, "%v: not written", err)
		}
		compressed := bytes.HasPrefix(data, []byte(mozlz4.Magic))
		plain := data
		if compressed {
			if plain, err = mozlz4.Decode(data); err != nil {
				return nil, importers.Errorf(p, "%v: not written", err)
			}
		}
		if !json.Valid(plain) {
			return nil, importers.Errorf(p, "not a session store (invalid JSON): not written")
		}
		next, changed, err := rewriteSessionCookies(plain, drop, edit)
		if err != nil {
			return nil, importers.Errorf(p, "%v", err)
		}
		if !changed {
			continue
		}
		if compressed {
			if next, err = mozlz4.Encode(next); err != nil {
				return nil, importers.Errorf(p, "%v", err)
			}
		}
		out = append(out, sessionFile{p, next})
	}
	return out, nil
}

// rewriteSessionCookies returns the session store doc with the top-level
// cookies[] filtered and edited. Everything else in the document stays byte
// for byte: only the array is spliced.
func rewriteSessionCookies(doc []byte, drop map[rowKey]bool, edit map[rowKey]*cookie.Cookie) ([]byte, bool, error) {
	start, end, err := topLevelSpan(doc, "cookies")
	if err != nil || start < 0 {
		return doc, false, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(doc[start:end], &items); err != nil {
		return doc, false, nil // not an array: nothing crumbs reads either
	}
	kept := make([]json.RawMessage, 0, len(items))
	changed := false
	for _, raw := range items {
		var sc sessionCookie
		if err := json.Unmarshal(raw, &sc); err != nil {
			kept = append(kept, raw)
			continue
		}
		k := rowKey{sc.Name, sc.Host, sc.Path, originSuffix(sc.OriginAttributes)}
		if drop[k] {
			changed = true
			continue
		}
		if nc := edit[k]; nc != nil {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, false, err
			}
			set := func(key string, v any) {
				b, _ := json.Marshal(v)
				m[key] = b
			}
			set("value", nc.Value)
			set("secure", nc.Secure)
			set("httponly", nc.HTTPOnly)
			set("sameSite", sameSiteValue(nc.SameSite, SchemaVersion))
			b, err := json.Marshal(m)
			if err != nil {
				return nil, false, err
			}
			raw = b
			changed = true
		}
		kept = append(kept, raw)
	}
	if !changed {
		return doc, false, nil
	}
	arr, err := json.Marshal(kept)
	if err != nil {
		return nil, false, err
	}
	out := make([]byte, 0, len(doc)-(end-start)+len(arr))
	out = append(out, doc[:start]...)
	out = append(out, arr...)
	out = append(out, doc[end:]...)
	return out, true, nil
}

// topLevelSpan finds the byte range of the value of key in the top-level
// JSON object doc; start is -1 when the key is absent.
func topLevelSpan(doc []byte, key string) (start, end int, err error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		return -1, -1, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return -1, -1, errors.New("not a session store (not a JSON object)")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return -1, -1, err
		}
		k, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return -1, -1, err
		}
		if k == key {
			end := int(dec.InputOffset())
			return end - len(raw), end, nil
		}
	}
	return -1, -1, nil
}

// replaceFile writes data to path through a temporary file in the same
// folder, synced and renamed over it, keeping the file's mode: a kill
// leaves the old file or the new one, never a part.
func replaceFile(path string, data []byte) error {
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".crumbs-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// Check verifies the profile after a write-back of ch: SQLite's own
// integrity check on cookies.sqlite, and every session-store file still
// readable with none of the removed cookies left in it and every edited
// one edited.
func Check(ctx context.Context, path string, ch importers.Change) error {
	dbPath, profileDir, err := locate(path)
	if err != nil {
		return err
	}
	if err := snapshot.IntegrityCheck(ctx, dbPath); err != nil {
		return err
	}
	drop := map[rowKey]bool{}
	for i := range ch.Delete {
		k, _, _ := keyFromCookie(&ch.Delete[i])
		drop[k] = true
	}
	edit := map[rowKey]*cookie.Cookie{}
	for i := range ch.Update {
		k, _, _ := keyFromCookie(&ch.Update[i].Old)
		edit[k] = &ch.Update[i].New
	}
	for _, p := range sessionStoreFiles(profileDir) {
		data, err := os.ReadFile(p)
		if err != nil {
			return importers.FileErr(p, err)
		}
		cookies, err := parseSessionStore(data)
		if err != nil {
			return importers.Errorf(p, "unreadable after write-back: %v", err)
		}
		for _, sc := range cookies {
			k := rowKey{sc.Name, sc.Host, sc.Path, originSuffix(sc.OriginAttributes)}
			if drop[k] {
				return importers.Errorf(p, "cookie %q on %s is still in the session store after write-back", printable(sc.Name), printable(sc.Host))
			}
			if nc := edit[k]; nc != nil && sc.Value != nc.Value {
				return importers.Errorf(p, "cookie %q on %s was not edited in the session store", printable(sc.Name), printable(sc.Host))
			}
		}
	}
	return nil
}
