package firefox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"

	_ "modernc.org/sqlite"
)

const testdata = "../../testdata/firefox"

// hashTree returns the SHA-256 of every regular file below root.
func hashTree(t *testing.T, roots ...string) map[string][32]byte {
	t.Helper()
	sums := map[string][32]byte{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(p)
			sums[p] = sha256.Sum256(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return sums
}

func assertUnchanged(t *testing.T, before map[string][32]byte, roots ...string) {
	t.Helper()
	after := hashTree(t, roots...)
	if len(after) != len(before) {
		t.Errorf("files below %v: %d before the import, %d after", roots, len(before), len(after))
	}
	for p, h := range before {
		if after[p] != h {
			t.Errorf("%s changed during the import", p)
		}
	}
}

type manifestCookie struct {
	Domain       string `json:"domain"`
	HostOnly     bool   `json:"host_only"`
	Name         string `json:"name"`
	Value        string `json:"value"`
	Path         string `json:"path"`
	Secure       bool   `json:"secure"`
	HTTPOnly     bool   `json:"http_only"`
	SameSite     string `json:"same_site"`
	Session      bool   `json:"session"`
	Expires      *int64 `json:"expires"`
	InDB         bool   `json:"in_db"`
	PartitionKey *struct {
		TopLevelSite string `json:"top_level_site"`
	} `json:"partition_key"`
	Firefox struct {
		OriginAttributes string `json:"origin_attributes"`
		IsPartitioned    bool   `json:"is_partitioned"`
		SameSiteInt      int64  `json:"same_site_int"`
		SchemeMap        int    `json:"scheme_map"`
	} `json:"firefox"`
}

func loadManifest(t *testing.T) []manifestCookie {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cookies []manifestCookie `json:"cookies"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Cookies
}

func manifestKey(domain, name, path, site string) string {
	return domain + "|" + name + "|" + path + "|" + site
}

func cookieKey(c *cookie.Cookie) string {
	return manifestKey(c.Domain, c.Name, c.Path, c.Partition.TopLevelSite())
}

// Every cookie Firefox reported, and that has a row, imports exactly — from
// the profile as Firefox left it, from the checkpointed copy, and from the
// snapshot taken while Firefox ran, whose rows exist only in its -wal.
func TestManifestCookiesImportExactly(t *testing.T) {
	manifest := loadManifest(t)
	want := map[string]manifestCookie{}
	for _, m := range manifest {
		if m.InDB {
			want[manifestKey(m.Domain, m.Name, m.Path, site(m))] = m
		}
	}
	if len(want) != 55 {
		t.Fatalf("manifest has %d in_db cookies, want 55", len(want))
	}
	for _, path := range []string{
		filepath.Join(testdata, "profiles", "fx0cookie.default-release"),
		filepath.Join(testdata, "profiles", "fx0cookie.default-release", "cookies.sqlite"),
		filepath.Join(testdata, "cookies.checkpointed.sqlite"),
		filepath.Join(testdata, "live-snapshot", "cookies.sqlite"),
	} {
		t.Run(strings.TrimPrefix(path, testdata+"/"), func(t *testing.T) {
			before := hashTree(t, testdata)
			res, err := Read(context.Background(), path, importers.Options{Source: "firefox:test"})
			if err != nil {
				t.Fatal(err)
			}
			assertUnchanged(t, before, testdata)
			if res.Refused != 0 || len(res.Warnings) != 0 {
				t.Errorf("refused %d, warnings %q", res.Refused, res.Warnings)
			}
			if len(res.Cookies) != len(want) {
				t.Errorf("imported %d cookies, want %d", len(res.Cookies), len(want))
			}
			got := map[string]bool{}
			for i := range res.Cookies {
				c := &res.Cookies[i]
				k := cookieKey(c)
				got[k] = true
				m, ok := want[k]
				if !ok {
					t.Errorf("unexpected cookie %s", k)
					continue
				}
				checkAgainstManifest(t, c, m)
			}
			for k := range want {
				if !got[k] {
					t.Errorf("missing cookie %s", k)
				}
			}
		})
	}
}

func site(m manifestCookie) string {
	if m.PartitionKey == nil {
		return ""
	}
	return m.PartitionKey.TopLevelSite
}

func checkAgainstManifest(t *testing.T, c *cookie.Cookie, m manifestCookie) {
	t.Helper()
	k := cookieKey(c)
	if c.HostOnly != m.HostOnly {
		t.Errorf("%s: host_only %v, want %v", k, c.HostOnly, m.HostOnly)
	}
	if c.Value != m.Value {
		t.Errorf("%s: value differs (%d bytes, want %d)", k, len(c.Value), len(m.Value))
	}
	if c.Secure != m.Secure || c.HTTPOnly != m.HTTPOnly {
		t.Errorf("%s: secure/httponly %v/%v, want %v/%v", k, c.Secure, c.HTTPOnly, m.Secure, m.HTTPOnly)
	}
	if c.SameSite.String() != m.SameSite {
		t.Errorf("%s: same_site %v, want %s", k, c.SameSite, m.SameSite)
	}
	if c.Session != m.Session {
		t.Errorf("%s: session %v, want %v", k, c.Session, m.Session)
	}
	if m.Expires != nil && c.Expires.Unix() != *m.Expires {
		t.Errorf("%s: expires %d, want %d", k, c.Expires.Unix(), *m.Expires)
	}
	if m.Expires == nil && !c.Expires.IsZero() {
		t.Errorf("%s: expires %v, want none", k, c.Expires)
	}
	wantKind := cookie.PartitionNone
	if m.PartitionKey != nil {
		wantKind = cookie.PartitionFirefox
		if m.Firefox.IsPartitioned {
			wantKind = cookie.PartitionCHIPS
		}
	}
	if c.Partition.Kind() != wantKind || c.Partition.CrossSiteAncestor() {
		t.Errorf("%s: partition %+v, want kind %q", k, c.Partition, wantKind)
	}
	if c.Extras.Fields().SchemeMap != m.Firefox.SchemeMap {
		t.Errorf("%s: schemeMap %d, want %d", k, c.Extras.Fields().SchemeMap, m.Firefox.SchemeMap)
	}
	if c.Container != (cookie.Container{}) {
		t.Errorf("%s: container %+v, want default", k, c.Container)
	}
	if c.Encryption != cookie.EncPlain || c.Source != "firefox:test" {
		t.Errorf("%s: encryption %q source %q", k, c.Encryption, c.Source)
	}
	if c.Created.IsZero() || c.LastAccessed.IsZero() || c.LastUpdated.IsZero() || c.Created.Time().Location() != time.UTC {
		t.Errorf("%s: times not set in UTC: %v %v %v", k, c.Created, c.LastAccessed, c.LastUpdated)
	}
	name, host, path, oa, err := DecodeKey(c.OriginalKey)
	if err != nil || name != c.Name || host != c.Domain || path != c.Path || oa != m.Firefox.OriginAttributes {
		t.Errorf("%s: OriginalKey %q decodes to %q %q %q %q (%v)", k, c.OriginalKey, name, host, path, oa, err)
	}
}

// The session store path: a recovery.jsonlz4 this test writes holds the 8
// session cookies Firefox reported (in_db false), one of them twice, plus a
// stale copy of a DB cookie, which must lose to the DB row.
func TestSessionStoreCookies(t *testing.T) {
	profile := t.TempDir()
	copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))

	var entries []map[string]any
	wantSession := map[string]manifestCookie{}
	var dbCookie manifestCookie
	for _, m := range loadManifest(t) {
		if m.InDB {
			if m.Name == "lang" {
				dbCookie = m
			}
			continue
		}
		wantSession[manifestKey(m.Domain, m.Name, m.Path, "")] = m
		entries = append(entries, map[string]any{
			"host": m.Domain, "name": m.Name, "value": m.Value, "path": m.Path,
			"secure": m.Secure, "httponly": m.HTTPOnly, "sameSite": m.Firefox.SameSiteInt,
			"schemeMap": m.Firefox.SchemeMap,
			"originAttributes": map[string]any{"addonId": "", "firstPartyDomain": "",
				"geckoViewSessionContextId": "", "inIsolatedMozBrowser": false, "partitionKey": "",
				"privateBrowsingId": 0, "userContextId": 0},
		})
	}
	if len(entries) != 8 || dbCookie.Name == "" {
		t.Fatalf("fixture: %d session cookies, lang found %v", len(entries), dbCookie.Name != "")
	}
	entries = append(entries, map[string]any{"host": dbCookie.Domain, "name": dbCookie.Name,
		"value": "stale-session-copy", "path": dbCookie.Path, "originAttributes": map[string]any{}})
	entries = append(entries, entries[0]) // a session cookie twice: imported once
	writeSessionStore(t, filepath.Join(profile, "sessionstore-backups", "recovery.jsonlz4"), entries)

	before := hashTree(t, profile)
	res, err := Read(context.Background(), profile, importers.Options{Source: "firefox:test"})
	if err != nil {
		t.Fatal(err)
	}
	assertUnchanged(t, before, profile)
	if len(res.Cookies) != 55+8 {
		t.Fatalf("imported %d cookies, want 63 (warnings %q)", len(res.Cookies), res.Warnings)
	}
	sessions := 0
	for i := range res.Cookies {
		c := &res.Cookies[i]
		if c.Name == dbCookie.Name && c.Domain == dbCookie.Domain && c.Value != dbCookie.Value {
			t.Errorf("session store copy of %s won over the DB row", c.Name)
		}
		if !c.Session {
			continue
		}
		sessions++
		m, ok := wantSession[cookieKey(c)]
		if !ok {
			t.Errorf("unexpected session cookie %s", cookieKey(c))
			continue
		}
		if c.Value != m.Value || c.Secure != m.Secure || c.HTTPOnly != m.HTTPOnly ||
			c.SameSite.String() != m.SameSite || c.HostOnly != m.HostOnly || !c.Expires.IsZero() ||
			c.Extras.Fields().SchemeMap != m.Firefox.SchemeMap {
			t.Errorf("session cookie %s imported as %+v", cookieKey(c), c)
		}
	}
	if sessions != 8 {
		t.Errorf("%d session cookies, want 8", sessions)
	}
}

// The first session file that exists is read, in Firefox's order.
func TestSessionStoreFallbacks(t *testing.T) {
	one := func(name string) []map[string]any {
		return []map[string]any{{"host": "a.example", "name": name, "value": "v", "path": "/"}}
	}
	cases := []struct {
		files map[string]string // file → cookie name written into it
		want  string
	}{
		{map[string]string{"sessionstore-backups/recovery.jsonlz4": "recovery", "sessionstore-backups/previous.jsonlz4": "previous"}, "recovery"},
		{map[string]string{"sessionstore-backups/recovery.baklz4": "baklz4", "sessionstore.jsonlz4": "root"}, "baklz4"},
		{map[string]string{"sessionstore.jsonlz4": "root", "sessionstore-backups/previous.jsonlz4": "previous"}, "root"},
		{map[string]string{"sessionstore-backups/previous.jsonlz4": "previous"}, "previous"},
	}
	for _, tc := range cases {
		profile := t.TempDir()
		copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))
		for file, name := range tc.files {
			writeSessionStore(t, filepath.Join(profile, filepath.FromSlash(file)), one(name))
		}
		res, err := Read(context.Background(), profile, importers.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range res.Cookies {
			if c.Session {
				got = append(got, c.Name)
			}
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("files %v: session cookies %v, want [%s]", tc.files, got, tc.want)
		}
	}
}

// A damaged session store costs only the session cookies, with a warning.
// A session store that cannot be decoded fails the read (issue 8 item 2),
// naming the file: importing only the persistent cookies would let
// --prune drop session cookies that are merely unreadable.
func TestSessionStoreDamaged(t *testing.T) {
	for name, data := range map[string][]byte{
		"not mozlz4": []byte("garbage"),
		"bad lz4":    append([]byte(mozlz4.Magic), 0x40, 0, 0, 0, 0xff, 0xff),
		"bad json":   mustEncode(t, []byte(`{"cookies":[`)),
	} {
		profile := t.TempDir()
		copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))
		p := filepath.Join(profile, "sessionstore-backups", "recovery.jsonlz4")
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, data, 0o600)
		res, err := Read(context.Background(), profile, importers.Options{})
		if err == nil {
			t.Errorf("%s: no error (%d cookies, warnings %q)", name, len(res.Cookies), res.Warnings)
			continue
		}
		if !strings.HasPrefix(err.Error(), p+": ") {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

func mustEncode(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := mozlz4.Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeSessionStore(t *testing.T, path string, cookies []map[string]any) {
	t.Helper()
	doc := map[string]any{"version": []any{"sessionrestore", 1}, "windows": []any{}, "cookies": cookies}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, mustEncode(t, b), 0o600); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// schemaSQL is moz_cookies at a few historic versions (docs/stores-firefox-safari.md §Firefox).
var schemaSQL = map[int]string{
	5:  `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, baseDomain TEXT, appId INTEGER DEFAULT 0, inBrowserElement INTEGER DEFAULT 0, name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, appId, inBrowserElement))`,
	10: `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, baseDomain TEXT, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0)`,
	14: `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0)`,
	16: `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0)`,
	17: `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`,
	18: `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, futureColumn TEXT, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`,
}

// writeStore creates a store at the given schema version with rows given as
// column → value maps.
func writeStore(t *testing.T, path string, version int, rows []map[string]any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(schemaSQL[version]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		var cols, marks []string
		var args []any
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cols = append(cols, k)
			marks = append(marks, "?")
			args = append(args, r[k])
		}
		q := "INSERT INTO moz_cookies (" + strings.Join(cols, ",") + ") VALUES (" + strings.Join(marks, ",") + ")"
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
}

func row(host, name string, extra ...any) map[string]any {
	r := map[string]any{"host": host, "name": name, "value": "v", "path": "/", "expiry": int64(1900000000),
		"lastAccessed": int64(1700000000000000), "creationTime": int64(1700000000000000), "isSecure": 1, "isHttpOnly": 0}
	for i := 0; i+1 < len(extra); i += 2 {
		r[extra[i].(string)] = extra[i+1]
	}
	return r
}

func readOne(t *testing.T, path string, opts importers.Options) *importers.Result {
	t.Helper()
	res, err := Read(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func byName(res *importers.Result) map[string]cookie.Cookie {
	m := map[string]cookie.Cookie{}
	for _, c := range res.Cookies {
		m[c.Name] = c
	}
	return m
}

func TestOriginAttributesContainersAndPartitions(t *testing.T) {
	profile := t.TempDir()
	writeStore(t, filepath.Join(profile, "cookies.sqlite"), 17, []map[string]any{
		row("a.example", "plain", "expiry", int64(1900000000499)),
		row("a.example", "work", "originAttributes", "^userContextId=2", "expiry", int64(1900000000500)),
		row("a.example", "personal", "originAttributes", "^userContextId=1"),
		row("a.example", "custom", "originAttributes", "^userContextId=6&privateBrowsingId=0"),
		row("a.example", "private", "originAttributes", "^privateBrowsingId=1"),
		row("a.example", "fpi", "originAttributes", "^firstPartyDomain=example.org"),
		row("a.example", "gv", "originAttributes", "^geckoViewSessionContextId=abc&userContextId=3"),
		row("a.example", "tcp", "originAttributes", "^partitionKey=%28https%2Cexample.com%29"),
		row("a.example", "chips", "originAttributes", "^partitionKey=%28https%2Cexample.com%29", "isPartitionedAttributeSet", 1),
		row("a.example", "port", "originAttributes", "^partitionKey=%28http%2Clocalhost%2C8080%29", "isPartitionedAttributeSet", 1),
		row("a.example", "ancestor", "originAttributes", "^partitionKey=%28https%2Cexample.com%2Cf%29&userContextId=2", "isPartitionedAttributeSet", 1),
		row("a.example", "old", "originAttributes", "^partitionKey=example.net"),
		row(".b.example", "domain", "sameSite", 2, "schemeMap", 3),
	})
	os.WriteFile(filepath.Join(profile, "containers.json"), []byte(`{"version":5,"lastUserContextId":6,"identities":[
		{"icon":"fingerprint","color":"blue","l10nId":"user-context-personal","public":true,"userContextId":1},
		{"icon":"briefcase","color":"orange","l10nId":"user-context-work","public":true,"userContextId":2},
		{"icon":"dollar","color":"green","l10nId":"user-context-banking","public":true,"userContextId":3},
		{"public":false,"icon":"","color":"","name":"userContextIdInternal.thumbnail","accessKey":"","userContextId":5},
		{"name":"Gaming","icon":"circle","color":"red","public":true,"userContextId":6}]}`), 0o600)

	res := readOne(t, profile, importers.Options{})
	if res.Refused != 0 || len(res.Warnings) != 0 {
		t.Fatalf("refused %d: %q", res.Refused, res.Warnings)
	}
	got := byName(res)
	want := map[string]struct {
		container cookie.Container
		partition cookie.Partition
	}{
		"plain":    {},
		"work":     {cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2", Name: "Work"}), cookie.Partition{}},
		"personal": {cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=1", Name: "Personal"}), cookie.Partition{}},
		"custom":   {cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=6", Name: "Gaming"}), cookie.Partition{}},
		"private":  {cookie.MakeContainer(cookie.ContainerFields{Key: "privateBrowsingId=1", Name: "Private browsing"}), cookie.Partition{}},
		"fpi":      {cookie.MakeContainer(cookie.ContainerFields{Key: "firstPartyDomain=example.org"}), cookie.Partition{}},
		"gv":       {cookie.MakeContainer(cookie.ContainerFields{Key: "geckoViewSessionContextId=abc&userContextId=3", Name: "Banking"}), cookie.Partition{}},
		"tcp":      {cookie.Container{}, cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "https://example.com"})},
		"chips":    {cookie.Container{}, cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://example.com"})},
		"port":     {cookie.Container{}, cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "http://localhost:8080"})},
		"ancestor": {cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2", Name: "Work"}), cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://example.com", CrossSiteAncestor: true})},
		"old":      {cookie.Container{}, cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "example.net"})},
		"domain":   {},
	}
	if len(got) != len(want) {
		t.Errorf("%d cookies, want %d", len(got), len(want))
	}
	for name, w := range want {
		c, ok := got[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if c.Container != w.container || c.Partition != w.partition {
			t.Errorf("%s: container %+v partition %+v; want %+v %+v", name, c.Container, c.Partition, w.container, w.partition)
		}
	}
	// Milliseconds round to the nearest second, as Firefox reports them.
	if e := got["plain"].Expires.Unix(); e != 1900000000 {
		t.Errorf("expiry 1900000000499 ms → %d s, want 1900000000", e)
	}
	if e := got["work"].Expires.Unix(); e != 1900000001 {
		t.Errorf("expiry 1900000000500 ms → %d s, want 1900000001", e)
	}
	d := got["domain"]
	if d.HostOnly || d.Domain != ".b.example" || d.SameSite != cookie.SameSiteStrict || d.Extras.Fields().SchemeMap != 3 {
		t.Errorf("domain cookie: %+v", d)
	}
	if !got["plain"].HostOnly {
		t.Error("host without a leading dot is not host-only")
	}
}

func TestOldSchemas(t *testing.T) {
	dir := t.TempDir()
	p5 := filepath.Join(dir, "v5.sqlite")
	writeStore(t, p5, 5, []map[string]any{
		row("a.example", "app", "appId", 7, "baseDomain", "a.example"),
		row(".a.example", "plain", "baseDomain", "a.example", "isHttpOnly", 1),
	})
	res := readOne(t, p5, importers.Options{})
	got := byName(res)
	if len(got) != 2 || got["app"].Container.Key() != "appId=7" || got["plain"].Container.Key() != "" ||
		got["plain"].SameSite != cookie.SameSiteUnspecified || !got["plain"].HTTPOnly ||
		got["plain"].Expires.Unix() != 1900000000 {
		t.Errorf("schema 5: %+v", res.Cookies)
	}

	p10 := filepath.Join(dir, "v10.sqlite")
	writeStore(t, p10, 10, []map[string]any{
		row("a.example", "laxbydefault", "sameSite", 1, "rawSameSite", 0),
		row("a.example", "lax", "sameSite", 1, "rawSameSite", 1),
		row("a.example", "none", "sameSite", 0, "rawSameSite", 0),
		row("a.example", "strict", "sameSite", 2, "rawSameSite", 2),
	})
	got = byName(readOne(t, p10, importers.Options{}))
	for name, want := range map[string]cookie.SameSite{"laxbydefault": cookie.SameSiteUnspecified,
		"lax": cookie.SameSiteLax, "none": cookie.SameSiteNone, "strict": cookie.SameSiteStrict} {
		if got[name].SameSite != want {
			t.Errorf("schema 10 %s: sameSite %v, want %v", name, got[name].SameSite, want)
		}
	}

	// Schema 15 is the last with seconds, 16 the first with milliseconds.
	p14 := filepath.Join(dir, "v14.sqlite")
	writeStore(t, p14, 14, []map[string]any{row("a.example", "s", "expiry", int64(1900000000))})
	p16 := filepath.Join(dir, "v16.sqlite")
	writeStore(t, p16, 16, []map[string]any{row("a.example", "ms", "expiry", int64(1900000000000), "sameSite", 256)})
	if e := byName(readOne(t, p14, importers.Options{}))["s"].Expires.Unix(); e != 1900000000 {
		t.Errorf("schema 14 expiry %d", e)
	}
	c16 := byName(readOne(t, p16, importers.Options{}))["ms"]
	if c16.Expires.Unix() != 1900000000 || c16.SameSite != cookie.SameSiteUnspecified || !c16.LastUpdated.IsZero() {
		t.Errorf("schema 16: %+v", c16)
	}
}

func TestNewerSchemaWarns(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cookies.sqlite")
	writeStore(t, p, 18, []map[string]any{row("a.example", "x", "expiry", int64(1900000000000), "futureColumn", "?")})
	res := readOne(t, p, importers.Options{})
	if len(res.Cookies) != 1 || res.Cookies[0].Expires.Unix() != 1900000000 {
		t.Errorf("schema 18: %+v", res.Cookies)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "newer") || !strings.HasPrefix(res.Warnings[0], p) {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestBadRowsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cookies.sqlite")
	writeStore(t, p, 17, []map[string]any{
		row("a.example", "good"),
		row("", "nohost"),
		row("a.example", "semi;colon"),
		{"host": "a.example", "name": "", "value": "", "path": "/", "expiry": 1900000000000},
		row("a.example", "ctl", "value", "secret\x01value"),
		row("a.example", "noexpiry", "expiry", nil),
		row("a.example", "nullvalue", "value", nil),
	})
	res := readOne(t, p, importers.Options{})
	got := byName(res)
	if len(got) != 2 || got["good"].Name == "" || got["nullvalue"].Value != "" {
		t.Errorf("imported %v", res.Cookies)
	}
	if res.Refused != 5 || len(res.Warnings) != 5 {
		t.Errorf("refused %d, warnings %q", res.Refused, res.Warnings)
	}
	for _, w := range res.Warnings {
		if !strings.HasPrefix(w, p+": ") || strings.Contains(w, "secret") {
			t.Errorf("warning %q must name the file and never a value", w)
		}
	}
}

func TestNotAFirefoxStore(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "Cookies")
	db, _ := sql.Open("sqlite", other)
	db.Exec("CREATE TABLE cookies(host_key TEXT)")
	db.Close()
	noHost := filepath.Join(dir, "nohost.sqlite")
	db, _ = sql.Open("sqlite", noHost)
	db.Exec("CREATE TABLE moz_cookies(id INTEGER PRIMARY KEY, name TEXT)")
	db.Close()
	text := filepath.Join(dir, "cookies.txt")
	os.WriteFile(text, []byte("# Netscape HTTP Cookie File\n"), 0o600)
	emptyDir := filepath.Join(dir, "empty")
	os.Mkdir(emptyDir, 0o700)
	for path, want := range map[string]string{
		other:                                "not a Firefox cookie store",
		noHost:                               "not a Firefox cookie store",
		text:                                 "not an SQLite database",
		emptyDir:                             "no cookies.sqlite",
		filepath.Join(testdata, "profiles"):  "profiles folder",
		filepath.Join(dir, "missing.sqlite"): "no such file",
	} {
		_, err := Read(context.Background(), path, importers.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%s) = %v; want an error naming the file and saying %q", path, err, want)
		}
	}
}

func TestKeyRoundTrip(t *testing.T) {
	for _, k := range [][4]string{
		{"n", "a.example", "/", ""},
		{"we ird&=%+", ".b.example", "/p q", "^partitionKey=%28https%2Cexample.com%29&userContextId=2"},
		{"\xff\xfe", "h", "/", "^x=1"},
		{"a;b#c\x01\x7f d", "h", "/", ""},
	} {
		name, host, path, oa, err := DecodeKey(EncodeKey(k[0], k[1], k[2], k[3]))
		if err != nil || [4]string{name, host, path, oa} != k {
			t.Errorf("round trip of %q gave %q %q %q %q %v", k, name, host, path, oa, err)
		}
	}
}

func TestPublicSamples(t *testing.T) {
	samples := testshared.Path(t, "fixtures", "samples")
	cases := []struct {
		file  string
		count int
		check func(t *testing.T, got map[string]cookie.Cookie)
	}{
		{"kooky_firefox-cookies.sqlite", 1, func(t *testing.T, got map[string]cookie.Cookie) {
			c := got["GODOC_ORG_SESSION_ID"]
			if c.Value != "a748915ba19c6d0b" || c.Domain != "godoc.org" || !c.HostOnly ||
				c.Path != "/github.com/go-sqlite/" || c.Expires.Unix() != 1516245891 ||
				c.Created.UnixMicro() != 1516242287597175 {
				t.Errorf("kooky v8: %+v", c)
			}
		}},
		{"kooky_firefox-v82-linux-cookies.sqlite", 4, func(t *testing.T, got map[string]cookie.Cookie) {
			c := got["CONSENT"]
			if c.Domain != ".google.de" || c.HostOnly || c.Expires.Unix() != 2145916800 || c.Secure ||
				c.Extras.Fields().SchemeMap != 2 || c.SameSite != cookie.SameSiteNone {
				t.Errorf("kooky v12 CONSENT: %+v", c)
			}
			if c := got["OTZ"]; c.Domain != "consent.google.de" || !c.HostOnly || !c.Secure || c.HTTPOnly {
				t.Errorf("kooky v12 OTZ: %+v", c)
			}
		}},
		{"plaso_firefox_2_cookies.sqlite", 90, func(t *testing.T, got map[string]cookie.Cookie) {
			c := got["i00"]
			if c.Domain != ".tns-cs.net" || c.Value != "6d6352718055b0610004" || c.Expires.Unix() != 1698530136 {
				t.Errorf("plaso v5 i00: %+v", c)
			}
		}},
		{"plaso_firefox_10_cookies.sqlite", 13, func(t *testing.T, got map[string]cookie.Cookie) {
			if c := got["GPS"]; c.Domain != ".youtube.com" || c.Expires.Unix() != 1683304237 ||
				c.SameSite != cookie.SameSiteUnspecified || !c.Secure || !c.HTTPOnly {
				t.Errorf("plaso v12 GPS: %+v", c)
			}
			if c := got["VISITOR_INFO1_LIVE"]; c.SameSite != cookie.SameSiteNone {
				t.Errorf("plaso v12 VISITOR_INFO1_LIVE sameSite %v", c.SameSite)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join(samples, tc.file)
			before := hashTree(t, p)
			res := readOne(t, p, importers.Options{})
			assertUnchanged(t, before, p)
			if len(res.Cookies) != tc.count || res.Refused != 0 {
				t.Errorf("%d cookies (%d refused, %q), want %d", len(res.Cookies), res.Refused, res.Warnings, tc.count)
			}
			tc.check(t, byName(res))
		})
	}
	// plaso v12 holds one dFPI-partitioned cookie (no Partitioned attribute).
	res := readOne(t, filepath.Join(samples, "plaso_firefox_10_cookies.sqlite"), importers.Options{})
	n := 0
	for _, c := range res.Cookies {
		if !c.Partition.IsZero() {
			n++
			if c.Partition != (cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "https://wikipedia.org"})) || c.Domain != "login.wikimedia.org" {
				t.Errorf("partitioned cookie %+v", c)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d partitioned cookies in plaso v12, want 1", n)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, filepath.Join(testdata, "cookies.checkpointed.sqlite"), importers.Options{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestRunningFirefoxWarns(t *testing.T) {
	profile := t.TempDir()
	copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))
	if err := os.Symlink("127.0.0.1:+4242", filepath.Join(profile, "lock")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	res := readOne(t, profile, importers.Options{})
	if len(res.Cookies) != 55 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "running") {
		t.Errorf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
}

// Session-store cookies carry originAttributes as an object; containers and
// partitions must come out as they do for database rows.
func TestSessionStoreContainersAndPartitions(t *testing.T) {
	profile := t.TempDir()
	copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))
	os.WriteFile(filepath.Join(profile, "containers.json"), []byte(`{"identities":[{"l10nId":"user-context-shopping","userContextId":4}]}`), 0o600)
	writeSessionStore(t, filepath.Join(profile, "sessionstore-backups", "recovery.jsonlz4"), []map[string]any{
		{"host": "a.example", "name": "shop", "value": "1", "path": "/", "sameSite": 2,
			"originAttributes": map[string]any{"userContextId": 4, "privateBrowsingId": 0, "partitionKey": "", "inIsolatedMozBrowser": false}},
		{"host": "w.example", "name": "part", "value": "1", "path": "/", "secure": true,
			"originAttributes": map[string]any{"userContextId": 0, "partitionKey": "(https,example.com)"}},
	})
	got := byName(readOne(t, profile, importers.Options{}))
	if c := got["shop"]; c.Container != (cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=4", Name: "Shopping"})) || c.SameSite != cookie.SameSiteStrict || !c.Session {
		t.Errorf("container session cookie %+v", c)
	}
	if c := got["part"]; c.Partition != (cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "https://example.com"})) || c.Container.Key() != "" {
		t.Errorf("partitioned session cookie %+v", c)
	}
}

// A symlinked profile directory is followed; a symlinked database file is
// refused (the snapshot never follows links to the file it copies).
func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	profile := filepath.Join(dir, "real")
	copyFile(t, filepath.Join(testdata, "cookies.checkpointed.sqlite"), filepath.Join(profile, "cookies.sqlite"))
	if err := os.Symlink(profile, filepath.Join(dir, "link")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	if res := readOne(t, filepath.Join(dir, "link"), importers.Options{}); len(res.Cookies) != 55 {
		t.Errorf("through a linked profile: %d cookies", len(res.Cookies))
	}
	fileLink := filepath.Join(dir, "cookies-link.sqlite")
	os.Symlink(filepath.Join(profile, "cookies.sqlite"), fileLink)
	if _, err := Read(context.Background(), fileLink, importers.Options{}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("linked database file: %v", err)
	}
}
