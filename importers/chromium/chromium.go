// Package chromium reads the cookie store of Chromium-family browsers
// (Chrome, Chromium, Brave, Edge, Opera, Vivaldi, Arc, Whale, Yandex): the
// SQLite "Cookies" file of a profile, every schema from meta version 5 to 24
// and later, with values decrypted through package oscrypt.
//
// The store is never opened in place: Read works on a private snapshot
// (package snapshot). Columns are found by name (PRAGMA table_info), so old
// and future schemas read what they share with the known ones. A value that
// cannot be decrypted (v20 app-bound encryption, a missing keyring) keeps
// its cookie, marked ValueUnreadable with the reason, never garbage text.
package chromium

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// CurrentMetaVersion is the newest schema crumbs knows (Chrome ~130+).
const CurrentMetaVersion = 24

// windowsEpochOffsetMicros is 1601-01-01 → 1970-01-01 in microseconds.
const windowsEpochOffsetMicros = 11644473600 * 1_000_000

// maxRowWarnings caps per-row warnings; the rest are counted in a summary.
const maxRowWarnings = 10

// Reader reads Chromium cookie stores. The zero value uses this machine's
// OS secret stores; tests set Keys and Platform to stand in for them.
type Reader struct {
	// Keys reaches the OS (keyring, Keychain, DPAPI). Nil means the real one
	// for opts.Browser.
	Keys oscrypt.KeySource
	// Platform is the OS whose encryption scheme applies ("linux",
	// "darwin", "windows"); empty means this OS.
	Platform string
}

// Read reads the store at path with the OS secret stores of this machine.
func Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	return Reader{}.Read(ctx, path, opts)
}

// Location is where a store's files are.
type Location struct {
	DB         string // the Cookies SQLite file
	Profile    string // the profile dir ("Default"), "" for a bare file
	LocalState string // the user-data dir's Local State, "" if none found
}

// Locate resolves path: a Cookies db file, a profile dir (Network/Cookies
// then Cookies) or a user-data dir (its Default profile). Local State is
// looked for in the user-data dir (the profile's parent) and, for Opera's
// flat layout, in the profile dir itself.
func Locate(path string) (Location, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Location{}, importers.Errorf(path, "%v", unwrapPath(err))
	}
	var loc Location
	if st.IsDir() {
		if db := storeIn(path); db != "" {
			loc.DB, loc.Profile = db, path
		} else if db := storeIn(filepath.Join(path, "Default")); db != "" {
			loc.DB, loc.Profile = db, filepath.Join(path, "Default")
		} else {
			return Location{}, importers.Errorf(path, "no Chromium cookie store here (looked for Network/Cookies, Cookies and Default/…)")
		}
	} else {
		loc.DB = path
		dir := filepath.Dir(path)
		if filepath.Base(dir) == "Network" {
			dir = filepath.Dir(dir)
		}
		loc.Profile = dir
	}
	for _, dir := range []string{filepath.Dir(loc.Profile), loc.Profile} {
		p := filepath.Join(dir, "Local State")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			loc.LocalState = p
			break
		}
	}
	return loc, nil
}

// running reports whether the browser holds its user-data dir
// (SingletonLock, a symlink on Linux and macOS, a file on Windows).
func running(loc Location) bool {
	for _, dir := range []string{filepath.Dir(loc.Profile), loc.Profile} {
		if _, err := os.Lstat(filepath.Join(dir, "SingletonLock")); err == nil {
			return true
		}
	}
	return false
}

func storeIn(dir string) string {
	for _, p := range []string{filepath.Join(dir, "Network", "Cookies"), filepath.Join(dir, "Cookies")} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// localState is the part of Local State that holds keys.
type localState struct {
	OSCrypt struct {
		EncryptedKey         string `json:"encrypted_key"`
		AppBoundEncryptedKey string `json:"app_bound_encrypted_key"`
	} `json:"os_crypt"`
}

// Read implements importers.Reader.
func (r Reader) Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	loc, err := Locate(path)
	if err != nil {
		return nil, err
	}
	res := &importers.Result{}
	browser := displayName(opts.Browser)
	cfg := r.keyConfig(loc, opts, res)

	snap, err := snapshot.Copy(ctx, loc.DB)
	if err != nil {
		return nil, withHint(err, loc.DB, browser, runtime.GOOS)
	}
	defer snap.Close()
	db, err := snap.Open()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if running(loc) {
		res.Warnf("%s: %s seems to be running (SingletonLock present): cookies set in the last 30 seconds may not be on disk yet", loc.DB, browser)
	}
	if snap.Unstable {
		res.Warnf("%s: the store kept changing while it was copied (%s is running?); the newest changes may be missing", loc.DB, browser)
	}
	rctx, cancel := snapshot.WithDeadline(ctx)
	defer cancel()
	if err := readStore(rctx, db, loc.DB, cfg, opts, res); err != nil {
		return nil, snapshot.DeadlineErr(rctx, loc.DB, err)
	}
	return res, nil
}

// keyConfig is the key configuration of the store at loc: the OS key
// source for opts.Browser, the hand-given password and Local State's
// os_crypt.encrypted_key. Problems with Local State are warnings in res.
func (r Reader) keyConfig(loc Location, opts importers.Options, res *importers.Result) oscrypt.Config {
	cfg := oscrypt.Config{Platform: r.Platform, Password: opts.Password, Keys: r.Keys, Browser: displayName(opts.Browser)}
	if cfg.Keys == nil {
		cfg.Keys = systemKeys(opts.Browser)
	}
	if loc.LocalState != "" {
		var ls localState
		if data, err := importers.ReadSmall(loc.LocalState, importers.MaxLocalState); err != nil {
			res.Warnf("%s: cannot read: %v", loc.LocalState, unwrapPath(err))
		} else if err := json.Unmarshal(data, &ls); err != nil {
			res.Warnf("%s: not valid JSON, keys in it are not used: %v", loc.LocalState, err)
		} else if ls.OSCrypt.EncryptedKey != "" {
			if k, err := base64.StdEncoding.DecodeString(ls.OSCrypt.EncryptedKey); err != nil {
				res.Warnf("%s: os_crypt.encrypted_key is not base64", loc.LocalState)
			} else {
				cfg.EncryptedKey = k
			}
		}
	}
	return cfg
}

// withHint adds the way out to an error copying the store on goos.
func withHint(err error, db, browser, goos string) error {
	locked := errors.Is(err, fs.ErrPermission)
	if goos == "windows" {
		var errno syscall.Errno
		// ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33).
		if errors.As(err, &errno) && (errno == 32 || errno == 33) {
			locked = true
		}
	}
	if !locked {
		return err
	}
	switch goos {
	case "windows":
		return importers.Errorf(db, "the store is locked by %s (Chrome 114+ locks it while running): close %s and retry (%v)", browser, browser, err)
	case "darwin":
		return importers.Errorf(db, "macOS denied access: give your terminal Full Disk Access (System Settings → Privacy & Security → Full Disk Access) and retry (%v)", err)
	}
	return importers.Errorf(db, "permission denied: run crumbs as the user who owns the profile (%v)", err)
}

// column expressions, in scan order.
type column struct {
	names []string // first present name wins
	def   string   // SQL literal when absent
}

var columns = [...]column{
	colCreation:   {[]string{"creation_utc"}, "0"},
	colHost:       {[]string{"host_key"}, ""},
	colTopFrame:   {[]string{"top_frame_site_key"}, "''"},
	colName:       {[]string{"name"}, ""},
	colValue:      {[]string{"value"}, "''"},
	colEncrypted:  {[]string{"encrypted_value"}, "x''"},
	colPath:       {[]string{"path"}, ""},
	colExpires:    {[]string{"expires_utc"}, "0"},
	colSecure:     {[]string{"is_secure", "secure"}, "0"},
	colHTTPOnly:   {[]string{"is_httponly", "httponly"}, "0"},
	colAccess:     {[]string{"last_access_utc"}, "0"},
	colHasExpires: {[]string{"has_expires"}, "1"},
	colPersistent: {[]string{"is_persistent", "persistent"}, "1"},
	colPriority:   {[]string{"priority"}, "-9"},
	colSameSite:   {[]string{"samesite", "firstpartyonly"}, "-1"},
	colScheme:     {[]string{"source_scheme"}, "-9"},
	colPort:       {[]string{"source_port"}, "-9"},
	colUpdate:     {[]string{"last_update_utc"}, "0"},
	colType:       {[]string{"source_type"}, "-9"},
	colCrossSite:  {[]string{"has_cross_site_ancestor"}, "-9"},
}

const (
	colCreation = iota
	colHost
	colTopFrame
	colName
	colValue
	colEncrypted
	colPath
	colExpires
	colSecure
	colHTTPOnly
	colAccess
	colHasExpires
	colPersistent
	colPriority
	colSameSite
	colScheme
	colPort
	colUpdate
	colType
	colCrossSite
	numCols
)

// absent marks a column the store does not have ("-9" above).
const absent = -9

// knownColumns lists every column crumbs has seen in any version; others
// are reported as unknown.
var knownColumns = map[string]bool{"is_same_party": true}

func init() {
	for _, c := range columns {
		for _, n := range c.names {
			knownColumns[n] = true
		}
	}
}

// schema is what the store's table looks like.
type schema struct {
	version        int
	has            map[string]bool
	used           [numCols]string // the column name used, "" if absent
	firstPartyOnly bool            // samesite comes from the old firstpartyonly column
}

func probe(ctx context.Context, db *sql.DB, file string, res *importers.Result) (*schema, error) {
	found, err := snapshot.RequireTable(ctx, db, file, "cookies")
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, importers.Errorf(file, "not a Chromium cookie store: no cookies table")
	}
	hasMeta, err := snapshot.RequireTable(ctx, db, file, "meta")
	if err != nil {
		return nil, err
	}
	s := &schema{has: map[string]bool{}}
	rows, err := db.QueryContext(ctx, "PRAGMA table_info(cookies)")
	if err != nil {
		return nil, importers.Errorf(file, "reading the cookies table's columns: %v", err)
	}
	for rows.Next() {
		var cid, notnull, pk int
		var name, typ string
		var dflt sql.NullString
		if err := rows.Scan(&cid, &name, &typ, &notnull, &dflt, &pk); err != nil {
			rows.Close()
			return nil, importers.Errorf(file, "reading the cookies table's columns: %v", err)
		}
		s.has[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, importers.Errorf(file, "reading the cookies table's columns: %v", err)
	}
	var missing []string
	for _, req := range []string{"host_key", "name", "path"} {
		if !s.has[req] {
			missing = append(missing, req)
		}
	}
	if !s.has["value"] && !s.has["encrypted_value"] {
		missing = append(missing, "value/encrypted_value")
	}
	if len(missing) > 0 {
		return nil, importers.Errorf(file, "not a Chromium cookie store: the cookies table has no %s column", strings.Join(missing, ", "))
	}
	for i, c := range columns {
		for _, name := range c.names {
			if s.has[name] {
				s.used[i] = name
				break
			}
		}
	}
	s.firstPartyOnly = s.used[colSameSite] == "firstpartyonly"

	var version string
	if !hasMeta {
		res.Warnf("%s: no meta table; reading the columns found", file)
	} else if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key='version'").Scan(&version); err != nil {
		res.Warnf("%s: no meta version (%v); reading the columns found", file, err)
	} else if v, err := strconv.Atoi(strings.TrimSpace(version)); err != nil {
		res.Warnf("%s: meta version %q is not a number; reading the columns found", file, version)
	} else {
		s.version = v
		if v > CurrentMetaVersion {
			res.Warnf("%s: meta version %d is newer than %d, the newest crumbs knows; reading the known columns", file, v, CurrentMetaVersion)
		}
	}
	var unknown []string
	for name := range s.has {
		if !knownColumns[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sortStrings(unknown)
		res.Warnf("%s: unknown columns %s (newer schema?) are ignored", file, strings.Join(unknown, ", "))
	}
	return s, nil
}

func (s *schema) selectSQL() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.used[i] == "" {
			b.WriteString(c.def)
			continue
		}
		// No COALESCE here: it costs every row; a NULL in a damaged row is
		// handled by scanLoose instead.
		if capped[i] {
			// Never load a string over snapshot.MaxValue: octet_length
			// reads its size from the record header.
			fmt.Fprintf(&b, "CASE WHEN octet_length(%q) > %d THEN NULL ELSE %q END", s.used[i], snapshot.MaxValue, s.used[i])
			continue
		}
		fmt.Fprintf(&b, "%q", s.used[i])
	}
	// The last column says whether any string was over the limit.
	b.WriteString(", (0")
	for i := range columns {
		if capped[i] && s.used[i] != "" {
			fmt.Fprintf(&b, " OR COALESCE(octet_length(%q),0) > %d", s.used[i], snapshot.MaxValue)
		}
	}
	b.WriteString(") FROM cookies")
	return b.String()
}

// badRow says why a row's name or host cannot be a cookie Chromium kept,
// or "": Chromium's CanonicalCookie refuses control characters (NUL
// included) in both, and a name must be UTF-8 to be sent or shown.
func badRow(name, host string) string {
	switch {
	case host == "" || host == ".":
		return "empty host"
	case hasControl(name) || strings.ContainsAny(name, ";="):
		return "control character, ';' or '=' in name"
	case !utf8.ValidString(name):
		return "name is not valid UTF-8"
	case hasControl(host) || !utf8.ValidString(host):
		return "control character or invalid UTF-8 in host"
	}
	return ""
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// capped marks the string and blob columns held to snapshot.MaxValue.
var capped = [numCols]bool{colHost: true, colTopFrame: true, colName: true, colValue: true, colEncrypted: true, colPath: true}

// errTooLarge refuses a row with a string over snapshot.MaxValue.
var errTooLarge = errors.New(snapshot.TooLarge("a name, value, host or path"))

// def0 is the NULL replacement of a present column.
func (c column) def0() string {
	if c.def == "" {
		return "''"
	}
	return c.def
}

// rowState is one scanned row. enc is the driver's copy of the blob.
type rowState struct {
	creation, expires, secure, httpOnly, access, hasExpires, persistent int64
	priority, sameSite, scheme, port, update, srcType, crossSite        int64
	host, topFrame, name, value, path                                   string
	enc                                                                 []byte
	n                                                                   int   // 1-based row number, for messages
	err                                                                 error // scan error: the row is refused
}

// scan converts one row, as the driver hands it over (int64, float64,
// string, []byte or nil per column), into a rowState. A NULL or a wrongly
// typed value in a damaged row is handled here: NULL is the zero value, a
// number in text is parsed, anything else refuses the row. The driver's
// []byte values are fresh copies, so the encrypted value is kept as is.
func scan(vals []driver.Value) (r rowState, err error) {
	if n, _ := asInt(vals[numCols]); n != 0 {
		return rowState{}, errTooLarge
	}
	for i, p := range [...]*int64{
		colCreation: &r.creation, colExpires: &r.expires, colSecure: &r.secure, colHTTPOnly: &r.httpOnly,
		colAccess: &r.access, colHasExpires: &r.hasExpires, colPersistent: &r.persistent,
		colPriority: &r.priority, colSameSite: &r.sameSite, colScheme: &r.scheme, colPort: &r.port,
		colUpdate: &r.update, colType: &r.srcType, colCrossSite: &r.crossSite,
	} {
		if p == nil {
			continue
		}
		n, ok := asInt(vals[i])
		if !ok {
			return rowState{}, fmt.Errorf("column %s holds %T, not an integer", columns[i].names[0], vals[i])
		}
		*p = n
	}
	for i, p := range [...]*string{colHost: &r.host, colTopFrame: &r.topFrame, colName: &r.name, colValue: &r.value, colPath: &r.path} {
		if p == nil {
			continue
		}
		switch t := vals[i].(type) {
		case nil:
		case string:
			*p = t
		case []byte:
			*p = string(t)
		default:
			return rowState{}, fmt.Errorf("column %s holds %T, not text", columns[i].names[0], vals[i])
		}
	}
	switch t := vals[colEncrypted].(type) {
	case []byte:
		r.enc = t
	case string:
		r.enc = []byte(t)
	}
	return r, nil
}

// cookie builds the model cookie from the scanned row.
func (r *rowState) cookie(s *schema, source string) cookie.Cookie {
	c := cookie.Cookie{
		Source:       source,
		Domain:       r.host,
		HostOnly:     !strings.HasPrefix(r.host, "."),
		Path:         r.path,
		Name:         r.name,
		Secure:       r.secure != 0,
		HTTPOnly:     r.httpOnly != 0,
		SameSite:     sameSite(r.sameSite, s.firstPartyOnly),
		Created:      chromeTime(r.creation),
		LastAccessed: chromeTime(r.access),
		LastUpdated:  chromeTime(r.update),
	}
	if r.expires == 0 || r.hasExpires == 0 || r.persistent == 0 {
		c.Session = true
	} else {
		c.Expires = chromeTime(r.expires)
	}
	if r.topFrame != "" {
		// has_cross_site_ancestor is meaningful only with a partition key:
		// Chrome writes 1 on unpartitioned rows too.
		c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: r.topFrame, CrossSiteAncestor: r.crossSite == 1})
	}
	x := cookie.ExtraFields{
		Priority:     enumName(r.priority, priorityNames),
		SourceScheme: enumName(r.scheme, schemeNames),
		SourceType:   enumName(r.srcType, sourceTypeNames),
	}
	if r.port != absent {
		x.SourcePort = int(r.port)
	}
	c.Extras = cookie.MakeExtras(x)
	return c
}

var (
	priorityNames   = []string{"low", "medium", "high"}
	schemeNames     = []string{"unset", "non-secure", "secure"}
	sourceTypeNames = []string{"unknown", "http", "script", "other"}
)

func enumName(v int64, names []string) string {
	if v >= 0 && v < int64(len(names)) {
		return names[v]
	}
	return ""
}

// sameSite maps the stored value. samesite: −1 unspecified, 0 none, 1 lax,
// 2 strict, 3 (old "extended") unspecified. The older firstpartyonly column
// (meta 8–10) held 0 for "no attribute", which Chromium's own migration to
// meta 11 turned into unspecified, and 1/2 for lax/strict.
func sameSite(v int64, firstPartyOnly bool) cookie.SameSite {
	switch v {
	case 0:
		if firstPartyOnly {
			return cookie.SameSiteUnspecified
		}
		return cookie.SameSiteNone
	case 1:
		return cookie.SameSiteLax
	case 2:
		return cookie.SameSiteStrict
	}
	return cookie.SameSiteUnspecified
}

// chromeTime turns microseconds since 1601 into a cookie.Time; 0 (and anything
// before 1970) is "not stored".
func chromeTime(us int64) cookie.Time {
	if us <= windowsEpochOffsetMicros {
		return cookie.Time{}
	}
	return cookie.UnixMicroTime(us - windowsEpochOffsetMicros)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func sortStrings(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}
