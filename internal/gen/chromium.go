package gen

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/jar/cookie"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// chromiumSchema is Chromium's meta-24 schema, exactly as sqlite3 .schema
// prints a real store (testdata/chromium/schema.sql). Meta 23 is identical.
const chromiumSchema = `CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,value TEXT NOT NULL,encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,priority INTEGER NOT NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT NULL,last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,has_cross_site_ancestor INTEGER NOT NULL);
CREATE UNIQUE INDEX cookies_unique_index ON cookies(host_key, top_frame_site_key, has_cross_site_ancestor, name, path, source_scheme, source_port);`

// ChromiumStoreOptions chooses how WriteChromiumStore encrypts.
type ChromiumStoreOptions struct {
	// MetaVersion is 24 (default: values carry the SHA-256(host_key)
	// prefix) or 23 (same table, no prefix).
	MetaVersion int
	// Scheme is "v10" (default), "v11" or "plain" (value column, empty
	// encrypted_value).
	Scheme string
	// Password is the Safe Storage password; default "peanuts" (Linux v10).
	// v11 needs one.
	Password string
	// Iterations are the PBKDF2 rounds: 0 means 1 (Linux); 1003 is macOS.
	Iterations int
	// Override, if set, may replace the stored value of cookie i: it
	// returns the value column and the encrypted_value blob to write, and
	// ok=false to keep the default. Tests use it to mix schemes in one store.
	Override func(i int, c *cookie.Cookie) (value string, encrypted []byte, ok bool)
}

// WriteChromiumStore writes cs as a real Chromium Cookies SQLite file at
// path (which must not exist), mode 0600.
func WriteChromiumStore(path string, cs []cookie.Cookie, opts ChromiumStoreOptions) error {
	if opts.MetaVersion == 0 {
		opts.MetaVersion = 24
	}
	if opts.MetaVersion != 23 && opts.MetaVersion != 24 {
		return fmt.Errorf("gen: meta version %d not supported (23 or 24)", opts.MetaVersion)
	}
	if opts.Scheme == "" {
		opts.Scheme = "v10"
	}
	if opts.Iterations == 0 {
		opts.Iterations = oscrypt.LinuxIterations
	}
	if opts.Password == "" {
		if opts.Scheme == "v11" {
			return errors.New("gen: v11 needs a password")
		}
		opts.Password = oscrypt.PeanutsPassword
	}
	var key *oscrypt.Key
	switch opts.Scheme {
	case "v10", "v11":
		key = oscrypt.CBCKey("gen", opts.Password, opts.Iterations)
	case "plain":
	default:
		return fmt.Errorf("gen: unknown scheme %q", opts.Scheme)
	}
	hostPrefix := opts.MetaVersion >= 24

	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(delete)&_pragma=synchronous(off)")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range strings.Split(chromiumSchema, ";\n") {
		if _, err := db.Exec(stmt); err != nil {
			return fmt.Errorf("gen: schema: %w", err)
		}
	}
	v := fmt.Sprint(opts.MetaVersion)
	if _, err := db.Exec(`INSERT INTO meta(key, value) VALUES ('mmap_status','-1'),('version',?),('last_compatible_version',?)`, v, v); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.Prepare(`INSERT INTO cookies(creation_utc,host_key,top_frame_site_key,name,value,encrypted_value,path,expires_utc,is_secure,is_httponly,last_access_utc,has_expires,is_persistent,priority,samesite,source_scheme,source_port,last_update_utc,source_type,has_cross_site_ancestor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := range cs {
		c := &cs[i]
		host := c.Domain
		if !c.HostOnly && !strings.HasPrefix(host, ".") {
			host = "." + host
		}
		value, enc := "", []byte{}
		if key == nil {
			value = c.Value
		} else if enc, err = oscrypt.Seal(key, opts.Scheme, host, []byte(c.Value), hostPrefix); err != nil {
			return err
		}
		if opts.Override != nil {
			if ov, oe, ok := opts.Override(i, c); ok {
				value, enc = ov, oe
				if enc == nil {
					enc = []byte{}
				}
			}
		}
		expires, hasExpires := int64(0), 0
		if !c.Session && !c.Expires.IsZero() {
			expires, hasExpires = chromeMicros(c.Expires.Time()), 1
		}
		// Chrome writes has_cross_site_ancestor 1 on unpartitioned rows.
		crossSite := 1
		if !c.Partition.IsZero() && !c.Partition.CrossSiteAncestor() {
			crossSite = 0
		}
		scheme, port := schemeOf(c)
		updated := c.LastUpdated
		if updated.IsZero() {
			updated = c.Created
		}
		if _, err := ins.Exec(chromeMicros(c.Created.Time()), host, c.Partition.TopLevelSite(), c.Name, value, enc, c.Path,
			expires, b2i(c.Secure), b2i(c.HTTPOnly), chromeMicros(c.LastAccessed.Time()), hasExpires, hasExpires,
			priorityOf(c), sameSiteOf(c.SameSite), scheme, port, chromeMicros(updated.Time()), sourceTypeOf(c), crossSite); err != nil {
			return fmt.Errorf("gen: cookie %d (%s %s): %w", i, host, c.Name, err)
		}
	}
	return tx.Commit()
}

func chromeMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro() + 11644473600*1_000_000
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sameSiteOf(s cookie.SameSite) int {
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

func priorityOf(c *cookie.Cookie) int {
	switch c.Extras.Fields().Priority {
	case "low":
		return 0
	case "high":
		return 2
	}
	return 1
}

func schemeOf(c *cookie.Cookie) (scheme, port int) {
	switch c.Extras.Fields().SourceScheme {
	case "unset":
		scheme = 0
	case "non-secure":
		scheme = 1
	case "secure":
		scheme = 2
	default:
		if c.Secure {
			scheme = 2
		} else {
			scheme = 1
		}
	}
	port = c.Extras.Fields().SourcePort
	if port == 0 {
		port = 443
		if scheme == 1 {
			port = 80
		}
	}
	return scheme, port
}

func sourceTypeOf(c *cookie.Cookie) int {
	switch c.Extras.Fields().SourceType {
	case "unknown":
		return 0
	case "script":
		return 2
	case "other":
		return 3
	}
	return 1
}
