package discover

import (
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// fakeHome builds a home directory from a map of relative path → content.
// Content "DIR" makes a directory; "->target" makes a symlink; "SQLITE:gecko:N"
// or "SQLITE:chromium:N" makes a real cookie database with N rows.
type fakeHome struct {
	t    testing.TB
	root string
}

func newHome(t *testing.T) *fakeHome {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir()) // macOS: /var → /private/var
	if err != nil {
		t.Fatal(err)
	}
	return &fakeHome{t: t, root: root}
}

func (h *fakeHome) path(rel string) string { return filepath.Join(h.root, filepath.FromSlash(rel)) }

func (h *fakeHome) write(rel, content string) string {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		h.t.Fatal(err)
	}
	switch {
	case content == "DIR":
		if err := os.MkdirAll(p, 0o700); err != nil {
			h.t.Fatal(err)
		}
	case strings.HasPrefix(content, "->"):
		if err := os.Symlink(strings.TrimPrefix(content, "->"), p); err != nil {
			h.t.Fatal(err)
		}
	case strings.HasPrefix(content, "SQLITE:"):
		var kind string
		var n int
		parts := strings.Split(content, ":")
		kind = parts[1]
		for _, c := range parts[2] {
			n = n*10 + int(c-'0')
		}
		makeCookieDB(h.t, p, kind, n)
	default:
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			h.t.Fatal(err)
		}
	}
	return p
}

func (h *fakeHome) writeAll(files map[string]string) {
	h.t.Helper()
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys) // parents before children
	for _, k := range keys {
		h.write(k, files[k])
	}
}

// env returns an Env for this home on the given OS with extra variables.
func (h *fakeHome) env(osName string, vars map[string]string) Env {
	return Env{OS: osName, Home: h.root, Hostname: "testhost", Getenv: func(k string) string { return vars[k] }}
}

// makeCookieDB writes a real SQLite cookie store with n rows.
func makeCookieDB(t testing.TB, path, kind string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stmts []string
	switch kind {
	case "gecko":
		stmts = append(stmts, `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, CONSTRAINT moz_uniqueid UNIQUE (name, host, path, originAttributes))`)
		for i := 0; i < n; i++ {
			stmts = append(stmts, "INSERT INTO moz_cookies(name,value,host,path,expiry) VALUES('c"+itoa(i)+"','v','example.com','/',0)")
		}
	case "chromium":
		stmts = append(stmts,
			`CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)`,
			`INSERT INTO meta VALUES('version','24')`,
			`CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,value TEXT NOT NULL,encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,priority INTEGER NOT NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT NULL,last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,has_cross_site_ancestor INTEGER NOT NULL)`)
		for i := 0; i < n; i++ {
			stmts = append(stmts, "INSERT INTO cookies VALUES(0,'example.com','','c"+itoa(i)+"','v',x'',  '/',0,0,0,0,0,0,1,-1,2,443,0,1,1)")
		}
	case "other":
		stmts = append(stmts, `CREATE TABLE notes(x TEXT)`)
	default:
		t.Fatalf("unknown db kind %q", kind)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// summary renders profiles as sorted "sourceid|variant|default|running|store-rel" lines.
func summary(h *fakeHome, ps []Profile) string {
	var lines []string
	for _, p := range ps {
		store := p.Store
		if rel, err := filepath.Rel(h.root, store); err == nil && store != "" {
			store = filepath.ToSlash(rel)
		}
		flags := ""
		if p.Default {
			flags += "D"
		}
		if p.Running {
			flags += "R"
		}
		lines = append(lines, p.SourceID()+"|"+p.Variant+"|"+flags+"|"+store)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func mustDiscover(t *testing.T, env Env) []Profile {
	t.Helper()
	ps, err := Discover(env)
	if err != nil {
		t.Fatalf("Discover: unexpected warnings: %v", err)
	}
	return ps
}

func diff(t *testing.T, got, want string) {
	t.Helper()
	want = strings.TrimSpace(want)
	if got != want {
		t.Errorf("got:\n%s\n\nwant:\n%s", got, want)
	}
}

// binaryCookies builds a structurally valid Cookies.binarycookies file whose
// pages hold the given numbers of (zeroed) records.
func binaryCookies(perPage ...int) string {
	be := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	le := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	var pages [][]byte
	for _, n := range perPage {
		p := append([]byte{0, 0, 1, 0}, le(uint32(n))...)
		head := 8 + 4*n + 4
		for i := 0; i < n; i++ {
			p = append(p, le(uint32(head+56*i))...)
		}
		p = append(p, 0, 0, 0, 0)
		p = append(p, make([]byte, 56*n)...)
		pages = append(pages, p)
	}
	out := append([]byte("cook"), be(uint32(len(pages)))...)
	for _, p := range pages {
		out = append(out, be(uint32(len(p)))...)
	}
	for _, p := range pages {
		out = append(out, p...)
	}
	out = append(out, 0, 0, 0, 0, 0x07, 0x17, 0x20, 0x05, 0, 0, 0, 0x4b)
	return string(out)
}

// makeSafariTabs writes a SafariTabs.db with profile rows (uuid → title) and
// the DefaultProfile row Safari keeps.
func makeSafariTabs(t testing.TB, path string, profiles map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, external_uuid TEXT, title TEXT, subtype INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO bookmarks(external_uuid,title,subtype) VALUES('DefaultProfile','Personal',2),('X','a tab group',0)`); err != nil {
		t.Fatal(err)
	}
	for u, title := range profiles {
		if _, err := db.Exec(`INSERT INTO bookmarks(external_uuid,title,subtype) VALUES(?,?,2)`, u, title); err != nil {
			t.Fatal(err)
		}
	}
}

// fillChromium adds n rows to a Chromium store in one transaction, with
// values of realistic size.
func fillChromium(tb testing.TB, path string, n int) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	st, err := tx.Prepare("INSERT INTO cookies VALUES(0,?, '', ?, '', randomblob(80), '/',0,0,0,0,0,0,1,-1,2,443,0,1,1)")
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := st.Exec("host"+itoa(i%5000)+".example.com", "c"+itoa(i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
