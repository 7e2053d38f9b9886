package gen

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// FirefoxSchema is moz_cookies exactly as Firefox's CreateTableWorker
// creates it at schema version 17 (docs/stores-firefox-safari.md §Firefox).
const FirefoxSchema = `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`

// WriteFirefoxStore writes cs as a Firefox cookies.sqlite at schema 17
// (user_version 17, expiry in milliseconds, times in microseconds) at path,
// replacing any file there. Session cookies are left out, as Firefox never
// persists them. The file uses a rollback journal so it is complete on its
// own (Firefox itself would switch it to WAL on open).
func WriteFirefoxStore(path string, cs []cookie.Cookie) error {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	db, err := sql.Open("sqlite", path+"?_pragma=page_size(32768)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(FirefoxSchema); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if _, err := db.Exec("PRAGMA user_version = 17"); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(`INSERT INTO moz_cookies (originAttributes, name, value, host, path, expiry,
		lastAccessed, creationTime, isSecure, isHttpOnly, inBrowserElement, sameSite, schemeMap,
		isPartitionedAttributeSet, updateTime) VALUES (?,?,?,?,?,?,?,?,?,?,0,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	now := time.Now()
	for i := range cs {
		c := &cs[i]
		if c.Session {
			continue
		}
		created := ffMicros(c.Created.Time(), now)
		schemeMap := c.Extras.Fields().SchemeMap
		if schemeMap == 0 {
			schemeMap = 1
			if c.Secure {
				schemeMap = 2
			}
		}
		if _, err := stmt.Exec(FirefoxOriginAttributes(c), c.Name, c.Value, firefoxHost(c), c.Path,
			c.Expires.UnixMilli(), ffMicros(c.LastAccessed.Time(), now), created, ffBool(c.Secure), ffBool(c.HTTPOnly),
			firefoxSameSite(c.SameSite), schemeMap, ffBool(c.Partition.Kind() == cookie.PartitionCHIPS),
			ffMicros(c.LastUpdated.Time(), now)); err != nil {
			return fmt.Errorf("%s: cookie %s: %v", path, c.Identity(), err)
		}
	}
	return tx.Commit()
}

// FirefoxOriginAttributes is the originAttributes suffix Firefox would store
// for c: its container key plus the URL-encoded partitionKey, keys sorted.
func FirefoxOriginAttributes(c *cookie.Cookie) string {
	var parts []string
	if c.Container.Key() != "" {
		parts = strings.Split(c.Container.Key(), "&")
	}
	if p := c.Partition.Fields(); !c.Partition.IsZero() {
		key := p.TopLevelSite
		if scheme, rest, ok := strings.Cut(key, "://"); ok {
			host, port, _ := strings.Cut(rest, ":")
			key = "(" + scheme + "," + host
			if port != "" {
				key += "," + port
			}
			if p.CrossSiteAncestor {
				key += ",f"
			}
			key += ")"
		}
		parts = append(parts, "partitionKey="+url.QueryEscape(key))
	}
	if len(parts) == 0 {
		return ""
	}
	sort.Strings(parts)
	return "^" + strings.Join(parts, "&")
}

func firefoxHost(c *cookie.Cookie) string {
	h := strings.TrimPrefix(c.Domain, ".")
	if !c.HostOnly {
		return "." + h
	}
	return h
}

func firefoxSameSite(s cookie.SameSite) int {
	switch s {
	case cookie.SameSiteNone:
		return 0
	case cookie.SameSiteLax:
		return 1
	case cookie.SameSiteStrict:
		return 2
	}
	return 256
}

func ffMicros(t, fallback time.Time) int64 {
	if t.IsZero() {
		t = fallback
	}
	return t.UnixMicro()
}

func ffBool(b bool) int {
	if b {
		return 1
	}
	return 0
}
