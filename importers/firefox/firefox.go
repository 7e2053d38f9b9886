// Package firefox reads Firefox's cookie store (cookies.sqlite, table
// moz_cookies) and the session cookies Firefox keeps only in its session
// store (sessionstore-backups/recovery.jsonlz4).
//
// Every schema from 5 to 17 is read by checking which columns exist, not by
// trusting the version number; expiry is seconds up to schema 15 and
// milliseconds from 16. The store is read from a private snapshot (package
// snapshot) so that rows still in the WAL are seen and the browser's files
// are never touched. Facts: docs/stores-firefox-safari.md §Firefox.
package firefox

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// SchemaVersion is the newest moz_cookies schema crumbs knows.
const SchemaVersion = 17

// maxWarnings caps per-row warnings; the rest are counted in one line.
const maxWarnings = 20

// maxUnixSeconds is 9999-12-31T23:59:59Z: later expiries are clamped so that
// every consumer can format the time.
const maxUnixSeconds = 253402300799

// Read reads the Firefox cookies at path: a cookies.sqlite file or a profile
// directory. Session cookies come from the profile's session store when one
// is next to the database; a cookie in both places is taken from the DB.
func Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	return read(ctx, path, opts, false)
}

// ReadAllSessions is Read with the session cookies of every session-store
// file (sessionstore.jsonlz4 and all of sessionstore-backups/), not only
// the newest one: write-back removes a cookie from each of them, so it
// must see the cookies of each.
func ReadAllSessions(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	return read(ctx, path, opts, true)
}

func read(ctx context.Context, path string, opts importers.Options, allSessions bool) (*importers.Result, error) {
	dbPath, profileDir, err := locate(path)
	if err != nil {
		return nil, err
	}
	res := &importers.Result{}
	containers, err := readContainers(profileDir)
	if err != nil {
		res.Warnf("%s: containers.json unreadable, container names not shown: %v",
			filepath.Join(profileDir, "containers.json"), err)
	}
	// Firefox holds a "lock" symlink in the profile while it runs (Linux,
	// macOS); its newest cookies may then exist only in its memory.
	if info, err := os.Lstat(filepath.Join(profileDir, "lock")); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		res.Warnf("%s: Firefox appears to be running with this profile; cookies set in the last moments may be missing", profileDir)
	}
	r := &rowReader{path: dbPath, opts: opts, res: res, containers: containers,
		attrs: make(map[string]originAttrs), allSessionFiles: allSessions}
	if err := r.readDB(ctx); err != nil {
		return nil, err
	}
	if err := r.readSessionStore(ctx, profileDir); err != nil {
		return nil, err
	}
	return res, nil
}

// locate turns a profile directory or a database path into both.
func locate(path string) (dbPath, profileDir string, err error) {
	// Stat, not Lstat: a symlinked profile directory is fine. The database
	// file itself is checked (and a symlink refused) by snapshot.Copy.
	info, err := os.Stat(path)
	if err != nil {
		if _, lerr := os.Lstat(path); lerr == nil {
			return path, filepath.Dir(path), nil // a dangling link: let Copy explain
		}
		return "", "", &importers.FileError{Path: path, Err: pathErr(err)}
	}
	if !info.IsDir() {
		return path, filepath.Dir(path), nil
	}
	dbPath = filepath.Join(path, "cookies.sqlite")
	if _, err := os.Lstat(dbPath); err != nil {
		if _, ierr := os.Stat(filepath.Join(path, "profiles.ini")); ierr == nil {
			return "", "", importers.Errorf(path, "is a Firefox profiles folder, not a profile: give one of its profile directories")
		}
		return "", "", importers.Errorf(path, "no cookies.sqlite in this directory (not a Firefox profile?)")
	}
	return dbPath, path, nil
}

// rowReader holds what the reading of one store shares.
type rowReader struct {
	path       string
	opts       importers.Options
	res        *importers.Result
	containers map[int]string
	// attrs caches parsed originAttributes: a store has few distinct ones.
	attrs   map[string]originAttrs
	keys    keyArena
	dropped int // warnings not shown
	// allSessionFiles reads every session-store file, not only the newest.
	allSessionFiles bool
}

// refuse counts a row that is not imported and says why (never its value).
func (r *rowReader) refuse(format string, args ...any) {
	r.res.Refused++
	if len(r.res.Warnings) >= maxWarnings {
		r.dropped++
		return
	}
	r.res.Warnf("%s: %s", r.path, fmt.Sprintf(format, args...))
}

// columns of moz_cookies that crumbs reads, in SELECT order, with the value
// used when an older schema lacks one.
var columns = []struct {
	name, fallback string
	required       bool
}{
	{"id", "0", false},
	{"originAttributes", "''", false},
	{"name", "''", true},
	{"value", "''", true},
	{"host", "''", true},
	{"path", "''", true},
	{"expiry", "0", true},
	{"lastAccessed", "0", false},
	{"creationTime", "0", false},
	{"isSecure", "0", false},
	{"isHttpOnly", "0", false},
	{"sameSite", "256", false},
	{"rawSameSite", "NULL", false},
	{"schemeMap", "0", false},
	{"isPartitionedAttributeSet", "0", false},
	{"updateTime", "0", false},
	{"appId", "0", false},
	{"inBrowserElement", "0", false},
}

func (r *rowReader) readDB(ctx context.Context) error {
	snap, err := snapshot.Copy(ctx, r.path)
	if err != nil {
		return err
	}
	defer snap.Close()
	if snap.Unstable {
		r.res.Warnf("%s: the file kept changing while it was copied (browser running?); the newest cookies may be missing", r.path)
	}
	db, err := snap.Open()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := snapshot.WithDeadline(ctx)
	defer cancel()
	if err := r.readTable(ctx, db); err != nil {
		return snapshot.DeadlineErr(ctx, r.path, err)
	}
	return nil
}

// readTable reads moz_cookies of the opened snapshot.
func (r *rowReader) readTable(ctx context.Context, db *sql.DB) error {
	found, err := snapshot.RequireTable(ctx, db, r.path, "moz_cookies")
	if err != nil {
		return err
	}
	if !found {
		return importers.Errorf(r.path, "not a Firefox cookie store (no moz_cookies table)")
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return importers.Errorf(r.path, "reading schema version: %v", err)
	}
	have, err := tableColumns(ctx, db)
	if err != nil {
		return importers.Errorf(r.path, "reading moz_cookies columns: %v", err)
	}
	if len(have) == 0 {
		return importers.Errorf(r.path, "not a Firefox cookie store (no moz_cookies table)")
	}
	if version > SchemaVersion {
		r.res.Warnf("%s: cookie store schema %d is newer than crumbs knows (%d); reading the known columns",
			r.path, version, SchemaVersion)
	}
	expr := make(map[string]string, len(columns))
	for _, c := range columns {
		switch {
		case have[c.name] && c.fallback == "NULL":
			expr[c.name] = "CAST(" + c.name + " AS INTEGER)"
		case have[c.name] && c.fallback == "''":
			expr[c.name] = "COALESCE(" + c.name + ",'')"
		case have[c.name]:
			// CAST: old stores hold '' in some integer columns.
			expr[c.name] = "CAST(COALESCE(" + c.name + "," + c.fallback + ") AS INTEGER)"
		case c.required:
			return importers.Errorf(r.path, "not a Firefox cookie store (moz_cookies has no %s column)", c.name)
		default:
			expr[c.name] = c.fallback
		}
	}
	// Strings longer than snapshot.MaxValue are never loaded: octet_length
	// reads the size from the record header, and the row is refused.
	var over []string
	for _, name := range []string{"originAttributes", "name", "value", "host", "path"} {
		if have[name] {
			expr[name] = fmt.Sprintf("CASE WHEN octet_length(%s) > %d THEN '' ELSE %s END", name, snapshot.MaxValue, expr[name])
			over = append(over, fmt.Sprintf("COALESCE(octet_length(%s),0)", name))
		}
	}
	oversize := "0"
	if len(over) > 0 {
		oversize = "(max(" + strings.Join(over, ", ") + ",0) > " + strconv.Itoa(snapshot.MaxValue) + ")"
	}
	// Small integer columns travel packed into one value: every column the
	// driver hands over costs two locked calls into SQLite, which at 100k
	// rows is most of the read time.
	packed := "((" + expr["isSecure"] + ")!=0)" +
		" | (((" + expr["isHttpOnly"] + ")!=0)<<1)" +
		" | (((" + expr["isPartitionedAttributeSet"] + ")!=0)<<2)" +
		" | (((" + expr["inBrowserElement"] + ")!=0)<<3)" +
		" | (((" + expr["rawSameSite"] + ") IS NOT NULL)<<4)" +
		" | ((COALESCE(" + expr["rawSameSite"] + ",0)&1023)<<8)" +
		" | (((" + expr["sameSite"] + ")&1023)<<20)" +
		" | (((" + expr["schemeMap"] + ")&255)<<32)" +
		" | (" + oversize + "<<40)"
	sel := []string{expr["id"], expr["originAttributes"], expr["name"], expr["value"], expr["host"], expr["path"],
		expr["expiry"], expr["lastAccessed"], expr["creationTime"], expr["updateTime"], expr["appId"], packed}
	hasRaw := have["rawSameSite"]
	millis := version >= 16

	// The count sizes the result once (a cookie.Cookie is large, so growing the
	// slice would copy megabytes) and feeds progress reports.
	total := 0
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM moz_cookies").Scan(&total); err != nil {
		return importers.Errorf(r.path, "reading moz_cookies (corrupt file?): %v", err)
	}
	if total > snapshot.MaxCookies {
		return snapshot.TooMany(r.path, total)
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM moz_cookies"
	return r.readRows(ctx, db, query, total, hasRaw, millis)
}

// addRow turns one row (id, originAttributes, name, value, host, path,
// expiry, lastAccessed, creationTime, updateTime, appId, packed flags) into
// a cookie, or refuses it.
func (r *rowReader) addRow(v []driver.Value, hasRaw, millis bool) {
	id, oa, name, value, host, path := asInt(v[0]), asString(v[1]), asString(v[2]), asString(v[3]), asString(v[4]), asString(v[5])
	expiry := asInt(v[6])
	appID, bits := asInt(v[10]), asInt(v[11])
	var (
		secure, httpOnly = bits&1 != 0, bits&2 != 0
		partitioned      = bits&4 != 0
		inBrowser        = bits >> 3 & 1
		rawValid         = bits&16 != 0
		raw              = bits >> 8 & 1023
		ss               = bits >> 20 & 1023
		schemeMap        = int(bits >> 32 & 255)
	)
	if bits>>40&1 != 0 {
		r.refuse("row id %d: %s", id, snapshot.TooLarge("a name, value, host or path"))
		return
	}
	if why := badRow(name, value, host, path); why != "" {
		r.refuse("row id %d (host %q): %s", id, printable(host), why)
		return
	}
	if expiry <= 0 {
		r.refuse("row id %d (host %q): no expiry", id, printable(host))
		return
	}
	attrs, ok := r.attrs[oa]
	if !ok {
		attrs = parseOriginAttributes(oa, false)
		r.attrs[oa] = attrs
	}
	c := cookie.Cookie{
		Source:       r.opts.Source,
		Domain:       host,
		HostOnly:     !strings.HasPrefix(host, "."),
		Path:         path,
		Name:         name,
		Value:        value,
		Secure:       secure,
		HTTPOnly:     httpOnly,
		SameSite:     sameSite(ss, raw, hasRaw && rawValid),
		Expires:      expiryTime(expiry, millis),
		Created:      microTime(asInt(v[8])),
		LastAccessed: microTime(asInt(v[7])),
		LastUpdated:  microTime(asInt(v[9])),
		Partition:    attrs.partition,
		Container:    r.container(attrs, appID, inBrowser),
		Extras:       cookie.MakeExtras(cookie.ExtraFields{SchemeMap: schemeMap}),
		Encryption:   cookie.EncPlain,
		OriginalKey:  r.keys.encode(name, host, path, oa),
	}
	if p := c.Partition.Fields(); partitioned && p.Kind == cookie.PartitionFirefox {
		p.Kind = cookie.PartitionCHIPS
		c.Partition = cookie.MakePartition(p)
	}
	r.res.Cookies = append(r.res.Cookies, c)
}

// container builds the cookie's container from its parsed attributes and,
// for schema ≤ 6 stores, the appId/inBrowserElement columns.
func (r *rowReader) container(a originAttrs, appID, inBrowser int64) cookie.Container {
	c := cookie.ContainerFields{Key: a.container}
	if appID != 0 || inBrowser != 0 {
		var extra []string
		if appID != 0 {
			extra = append(extra, fmt.Sprintf("appId=%d", appID))
		}
		if inBrowser != 0 {
			extra = append(extra, "inBrowser=1")
		}
		if c.Key != "" {
			extra = append(extra, c.Key)
		}
		c.Key = strings.Join(extra, "&")
	}
	switch {
	case a.userContextID != 0:
		c.Name = r.containers[a.userContextID]
	case a.private:
		c.Name = "Private browsing"
	}
	return cookie.MakeContainer(c)
}

func tableColumns(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info('moz_cookies')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	return have, rows.Err()
}

// badRow says why Firefox itself would drop a row on load, or "". It is on
// the per-row path, so each string is scanned once against a byte table.
func badRow(name, value, host, path string) string {
	switch {
	case host == "" || host == ".":
		return "empty host"
	case name == "" && value == "":
		return "empty name and value"
	case has(name, &badInName):
		return "control character, ';' or '=' in name"
	case has(host, &badInHost):
		return "invalid character in host"
	case has(path, &badControl):
		return "control character in path"
	case has(value, &badInValue):
		return "control character or ';' in value"
	}
	return ""
}

// Byte tables for badRow: control bytes (a tab is allowed, as in Firefox)
// plus what each field cannot hold.
var badControl, badInName, badInHost, badInValue = func() (ctl, name, host, value [256]bool) {
	for c := 0; c < 0x20; c++ {
		ctl[c] = c != '\t'
	}
	ctl[0x7f] = true
	name, host, value = ctl, ctl, ctl
	name[';'], name['='] = true, true
	host[' '], host['/'], host['\\'], host['\t'] = true, true, true, true
	value[';'] = true
	return
}()

func has(s string, table *[256]bool) bool {
	for i := 0; i < len(s); i++ {
		if table[s[i]] {
			return true
		}
	}
	return false
}

// printable makes a host safe to show in a warning.
func printable(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// expiryTime converts moz_cookies.expiry. Firefox itself reports expiry to
// the nearest second (WebDriver BiDi, nsICookie.expiry), so crumbs rounds a
// millisecond expiry the same way.
func expiryTime(v int64, millis bool) cookie.Time {
	if millis {
		v = v/1000 + (v%1000)/500
	}
	if v > maxUnixSeconds {
		v = maxUnixSeconds
	}
	return cookie.UnixMicroTime(v * 1e6)
}

// microTime converts Firefox's microsecond timestamps; 0 means not stored.
func microTime(v int64) cookie.Time {
	if v <= 0 {
		return cookie.Time{}
	}
	if v > maxUnixSeconds*1e6 {
		v = maxUnixSeconds * 1e6
	}
	return cookie.UnixMicroTime(v)
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// eachRow runs query on a connection of its own from db (parallel range
// reads each take one), through snapshot.EachRow.
func eachRow(ctx context.Context, db *sql.DB, query string, args []driver.NamedValue, fn func([]driver.Value) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return snapshot.EachRow(ctx, conn, query, args, fn)
}

func asInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

func asString(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}
