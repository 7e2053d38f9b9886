package chromium

// Write-back into a Chromium-family Cookies store (docs/writeback.md, docs/stores-chromium.md,
// docs/model.md §4): rows are deleted and updated in place, in one transaction, by
// the full unique key (host_key, top_frame_site_key,
// has_cross_site_ancestor, name, path, source_scheme, source_port). An
// edited value is encrypted again with the very key and prefix that
// encrypted the old one, with SHA-256(host_key) in front at meta ≥ 24:
// Chrome drops every cookie of a site when one prefix is wrong. v20
// (app-bound) values are delete-only. The running check, the backup and
// the verification are package writeback's.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// StoreFiles lists the files of the store at path that a write-back may
// change or that SQLite may replay onto it: Cookies and its -journal, -wal
// and -shm, existing or not.
func StoreFiles(path string) ([]string, error) {
	loc, err := Locate(path)
	if err != nil {
		return nil, err
	}
	return []string{loc.DB, loc.DB + "-journal", loc.DB + "-wal", loc.DB + "-shm"}, nil
}

// Check runs SQLite's integrity check on the store at path.
func Check(ctx context.Context, path string) error {
	loc, err := Locate(path)
	if err != nil {
		return err
	}
	return snapshot.IntegrityCheck(ctx, loc.DB)
}

// Write applies ch to the store at path in one transaction. Keys come
// from the same places as Read's (opts.Password, the OS, Local State).
// Every row to change must exist and every edited value must re-encrypt:
// anything else is an error and nothing is committed.
func (r Reader) Write(ctx context.Context, path string, ch importers.Change, opts importers.Options, now time.Time) error {
	loc, err := Locate(path)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(loc.DB); err != nil {
		return importers.FileErr(loc.DB, err)
	} else if !fi.Mode().IsRegular() {
		return importers.Errorf(loc.DB, "not a regular file: not written")
	}
	db, err := sql.Open("sqlite", snapshot.FileURI(loc.DB)+"?_pragma=busy_timeout(5000)&_pragma=cache_size(-131072)&_txlock=immediate")
	if err != nil {
		return importers.Errorf(loc.DB, "opening for write-back: %v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	s, err := probe(ctx, db, loc.DB, &importers.Result{})
	if err != nil {
		return err
	}
	cfg := r.keyConfig(loc, opts, &importers.Result{})
	cfg.HostPrefix = s.version >= 24
	dec := oscrypt.New(cfg)

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return importers.Errorf(loc.DB, "starting the write-back transaction: %v", err)
	}
	defer tx.Rollback()
	if err := deleteRows(ctx, tx, s, loc.DB, ch.Delete); err != nil {
		return err
	}
	for i := range ch.Update {
		if err := updateRow(ctx, tx, s, dec, loc.DB, &ch.Update[i], now); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return importers.Errorf(loc.DB, "committing the write-back: %v", err)
	}
	return nil
}

// keyWhere is the WHERE clause selecting c's row by its stored unique key.
func keyWhere(s *schema, c *cookie.Cookie) (string, []any, error) {
	k, err := ParseKey(c.OriginalKey)
	if err != nil || c.OriginalKey == "" {
		return "", nil, fmt.Errorf("cookie %s has no Chromium store key (not read from a Chromium store?)", c.Identity())
	}
	conds := []string{`host_key = ?`, `name = ?`, `path = ?`}
	args := []any{k.HostKey, k.Name, k.Path}
	if s.used[colTopFrame] != "" {
		conds = append(conds, `top_frame_site_key = ?`)
		args = append(args, k.TopFrameSiteKey)
	}
	for _, opt := range []struct {
		col int
		v   *int64
	}{{colCrossSite, k.HasCrossSiteAncestor}, {colScheme, k.SourceScheme}, {colPort, k.SourcePort}} {
		if s.used[opt.col] == "" {
			continue
		}
		if opt.v == nil {
			return "", nil, fmt.Errorf("cookie %s: its store key lacks %s, which this store has", c.Identity(), s.used[opt.col])
		}
		conds = append(conds, strconv.Quote(s.used[opt.col])+` = ?`)
		args = append(args, *opt.v)
	}
	return strings.Join(conds, " AND "), args, nil
}

// deleteRows deletes the rows of cs by their unique keys in one statement
// (one per row costs most of a 100k-cookie clean) and fails unless exactly
// one row went per key.
func deleteRows(ctx context.Context, tx *sql.Tx, s *schema, file string, cs []cookie.Cookie) error {
	if len(cs) == 0 {
		return nil
	}
	// The OriginalKeys are JSON objects already (key.go): the array of them
	// is handed to SQLite as is, and each key column is matched against
	// the member of its name. A key without a member the store has matches
	// nothing, and the count below fails.
	keyCols := []struct {
		col    int
		member string
	}{{colHost, "host_key"}, {colName, "name"}, {colPath, "path"}, {colTopFrame, "top_frame_site_key"},
		{colCrossSite, "has_cross_site_ancestor"}, {colScheme, "source_scheme"}, {colPort, "source_port"}}
	seen := make(map[string]bool, len(cs))
	var b strings.Builder
	b.WriteByte('[')
	n := 0
	for i := range cs {
		k := cs[i].OriginalKey
		if seen[k] {
			continue
		}
		if !strings.HasPrefix(k, "{") {
			return fmt.Errorf("cookie %s has no Chromium store key (not read from a Chromium store?)", cs[i].Identity())
		}
		seen[k] = true
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		n++
	}
	b.WriteByte(']')
	var conds []string
	for _, kc := range keyCols {
		if col := s.used[kc.col]; col != "" {
			conds = append(conds, fmt.Sprintf("m.%s = json_extract(j.value, '$.%s')", strconv.Quote(col), kc.member))
		}
	}
	data := b.String()
	res, err := tx.ExecContext(ctx, `DELETE FROM cookies WHERE rowid IN (SELECT m.rowid FROM json_each(?) AS j
		CROSS JOIN cookies AS m ON `+strings.Join(conds, " AND ")+`)`, string(data))
	if err != nil {
		return importers.Errorf(file, "deleting %d cookies: %v", n, err)
	}
	if got, _ := res.RowsAffected(); got != int64(n) {
		return importers.Errorf(file, "%d of the %d cookies to remove are in the store: nothing written", got, n)
	}
	return nil
}

// updateRow writes one edit: the value re-encrypted with its own key and
// prefix (or plain when it was plain), expiry, flags and SameSite.
func updateRow(ctx context.Context, tx *sql.Tx, s *schema, dec *oscrypt.Decryptor, file string, e *importers.Edit, now time.Time) error {
	c := &e.New
	where, args, err := keyWhere(s, &e.Old)
	if err != nil {
		return err
	}
	if c.ValueUnreadable {
		return fmt.Errorf("cookie %s: its value is unreadable, so it cannot be written", c.Identity())
	}
	host := e.Old.Domain
	var plain string
	var enc []byte
	var encCol, valCol = s.used[colEncrypted], s.used[colValue]
	sel := "x''"
	if encCol != "" {
		sel = strconv.Quote(encCol)
	}
	if valCol != "" {
		sel += ", " + strconv.Quote(valCol)
	} else {
		sel += ", ''"
	}
	if err := tx.QueryRowContext(ctx, `SELECT `+sel+` FROM cookies WHERE `+where, args...).Scan(&enc, &plain); err != nil {
		return importers.Errorf(file, "cookie %q on %s%s: %v", e.Old.Name, e.Old.Domain, e.Old.Path, err)
	}
	sets := []string{}
	var vals []any
	if len(enc) == 0 {
		if valCol == "" {
			return importers.Errorf(file, "cookie %q on %s: no value column to write", c.Name, host)
		}
		sets = append(sets, strconv.Quote(valCol)+` = ?`)
		vals = append(vals, c.Value)
	} else {
		key, scheme, err := dec.KeyOf(ctx, host, enc)
		if err != nil {
			return importers.Errorf(file, "cookie %q on %s: cannot be edited: %v", c.Name, host, err)
		}
		blob, err := oscrypt.Seal(key, string(scheme), host, []byte(c.Value), s.version >= 24)
		if err != nil {
			return importers.Errorf(file, "cookie %q on %s: %v", c.Name, host, err)
		}
		sets = append(sets, strconv.Quote(encCol)+` = ?`)
		vals = append(vals, blob)
		if valCol != "" {
			sets = append(sets, strconv.Quote(valCol)+` = ''`) // exactly one of the two is set
		}
	}
	set := func(col int, v any) {
		if s.used[col] != "" {
			sets = append(sets, strconv.Quote(s.used[col])+` = ?`)
			vals = append(vals, v)
		}
	}
	if c.Session {
		set(colExpires, 0)
		set(colHasExpires, 0)
		set(colPersistent, 0)
	} else {
		set(colExpires, c.Expires.UnixMicro()+windowsEpochOffsetMicros)
		set(colHasExpires, 1)
		set(colPersistent, 1)
	}
	set(colSecure, b2i(c.Secure))
	set(colHTTPOnly, b2i(c.HTTPOnly))
	if !s.firstPartyOnly {
		set(colSameSite, sameSiteValue(c.SameSite))
	}
	set(colUpdate, now.UnixMicro()+windowsEpochOffsetMicros)
	res, err := tx.ExecContext(ctx, `UPDATE cookies SET `+strings.Join(sets, ", ")+` WHERE `+where, append(vals, args...)...)
	if err != nil {
		return importers.Errorf(file, "updating %q on %s: %v", c.Name, host, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return importers.Errorf(file, "cookie %q on %s%s is not in the store (%d rows): nothing written", e.Old.Name, host, e.Old.Path, n)
	}
	return nil
}

// sameSiteValue is the samesite column's value: −1 unspecified, 0 none,
// 1 lax, 2 strict.
func sameSiteValue(s cookie.SameSite) int {
	switch s {
	case cookie.SameSiteNone:
		return 0
	case cookie.SameSiteLax:
		return 1
	case cookie.SameSiteStrict:
		return 2
	}
	return -1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
