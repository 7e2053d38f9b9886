package source

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	_ "modernc.org/sqlite"
)

type home struct {
	t    *testing.T
	root string
}

func newHome(t *testing.T) *home {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &home{t: t, root: root}
}

func (h *home) path(rel string) string { return filepath.Join(h.root, filepath.FromSlash(rel)) }

// write creates rel with content; "SQLITE:<kind>" makes a real database
// (gecko, chromium, other), "DIR" a folder.
func (h *home) write(rel, content string) string {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		h.t.Fatal(err)
	}
	switch content {
	case "DIR":
		if err := os.MkdirAll(p, 0o700); err != nil {
			h.t.Fatal(err)
		}
	case "SQLITE:gecko", "SQLITE:chromium", "SQLITE:other":
		makeDB(h.t, p, strings.TrimPrefix(content, "SQLITE:"))
	default:
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			h.t.Fatal(err)
		}
	}
	return p
}

func (h *home) writeAll(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h.write(k, m[k])
	}
}

func (h *home) env() discover.Env {
	return discover.Env{OS: "linux", Home: h.root, Hostname: "testhost", Getenv: func(string) string { return "" }}
}

func makeDB(t *testing.T, path, kind string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := map[string][]string{
		"gecko": {`CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER)`,
			`INSERT INTO moz_cookies(name,value,host,path,expiry,lastAccessed,creationTime,isSecure,isHttpOnly,updateTime) VALUES('sid','abc','.example.com','/',4102444800000,1700000000000000,1700000000000000,1,1,1700000000000000)`,
			`PRAGMA user_version = 17`},
		"chromium": {`CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)`,
			`INSERT INTO meta VALUES('version','24')`,
			`CREATE TABLE cookies(creation_utc INTEGER NOT NULL,host_key TEXT NOT NULL,top_frame_site_key TEXT NOT NULL,name TEXT NOT NULL,value TEXT NOT NULL,encrypted_value BLOB NOT NULL,path TEXT NOT NULL,expires_utc INTEGER NOT NULL,is_secure INTEGER NOT NULL,is_httponly INTEGER NOT NULL,last_access_utc INTEGER NOT NULL,has_expires INTEGER NOT NULL,is_persistent INTEGER NOT NULL,priority INTEGER NOT NULL,samesite INTEGER NOT NULL,source_scheme INTEGER NOT NULL,source_port INTEGER NOT NULL,last_update_utc INTEGER NOT NULL,source_type INTEGER NOT NULL,has_cross_site_ancestor INTEGER NOT NULL)`},
		"other": {`CREATE TABLE notes(x TEXT)`, `CREATE TABLE cookies(y TEXT)`},
	}[kind]
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

const ffINI = "[Profile0]\nName=default-release\nIsRelative=1\nPath=a.default-release\nDefault=1\n[Profile1]\nName=Work\nIsRelative=1\nPath=b.work\n[Profile2]\nName=empty\nIsRelative=1\nPath=c.empty\n"

func browserHome(t *testing.T) *home {
	h := newHome(t)
	h.writeAll(map[string]string{
		".mozilla/firefox/profiles.ini":                     ffINI,
		".mozilla/firefox/a.default-release/cookies.sqlite": "SQLITE:gecko",
		".mozilla/firefox/b.work/cookies.sqlite":            "SQLITE:gecko",
		".mozilla/firefox/c.empty":                          "DIR",
		".config/google-chrome/Local State":                 `{"profile":{"info_cache":{"Default":{"name":"Person 1"},"Profile 2":{"name":"Work"},"Profile 3":{"name":"work"}}}}`,
		".config/google-chrome/Default/Network/Cookies":     "SQLITE:chromium",
		".config/google-chrome/Profile 2/Network/Cookies":   "SQLITE:chromium",
		".config/google-chrome/Profile 3/Network/Cookies":   "SQLITE:chromium",
	})
	return h
}

func ids(ts []Target) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.SourceID+"="+t.Format)
	}
	return strings.Join(out, ", ")
}

func TestResolveBrowserSpecs(t *testing.T) {
	h := browserHome(t)
	ctx := context.Background()
	for spec, want := range map[string]string{
		"firefox":                 "firefox:default-release=firefox, firefox:Work=firefox",
		"FireFox:work":            "firefox:Work=firefox",
		"firefox:b.work":          "firefox:Work=firefox",
		"chrome":                  "chrome:Person 1=chromium, chrome:Work (Profile 2)=chromium, chrome:work (Profile 3)=chromium",
		"chrome:profile 2":        "chrome:Work (Profile 2)=chromium",
		"chrome:Work (Profile 3)": "chrome:work (Profile 3)=chromium",
		"chrome:person 1":         "chrome:Person 1=chromium",
		"all":                     "firefox:default-release=firefox, firefox:Work=firefox, chrome:Person 1=chromium, chrome:Work (Profile 2)=chromium, chrome:work (Profile 3)=chromium",
	} {
		ts, err := Resolve(ctx, spec, h.env())
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if got := ids(ts); got != want {
			t.Errorf("%s:\n got %s\nwant %s", spec, got, want)
		}
		for _, tg := range ts {
			if tg.Options.Source != tg.SourceID || tg.Options.Browser != tg.Profile.Browser || tg.Path != tg.Profile.Dir {
				t.Errorf("%s: target %+v", spec, tg)
			}
		}
	}
	for spec, want := range map[string]string{
		"netscape":      `unknown browser "netscape": known browsers are firefox, librewolf,`,
		"firefox:nope":  `no Firefox profile "nope"; Firefox profiles: firefox:default-release (folder a.default-release), firefox:Work (folder b.work), firefox:empty (folder c.empty) [no cookies yet]`,
		"firefox:empty": "firefox:empty: " + h.path(".mozilla/firefox/c.empty") + " has no cookie store yet (no cookies.sqlite)",
		"chrome:work":   `Google Chrome profile "work" is ambiguous: use one of "chrome:Work (Profile 2)", "chrome:work (Profile 3)"`,
		"brave":         "no Brave profile found; looked in: " + h.path(".config/BraveSoftware/Brave-Browser") + ", " + h.path("snap/brave/{snaprev}/.config/BraveSoftware/Brave-Browser"),
		"safari":        "no Safari profile found: crumbs knows no Safari location on linux",
		"":              "empty SOURCE",
	} {
		_, err := Resolve(ctx, spec, h.env())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v\nwant it to contain %s", spec, err, want)
		}
	}
}

func TestResolvePaths(t *testing.T) {
	h := browserHome(t)
	ctx := context.Background()
	h.writeAll(map[string]string{
		"files/cookies.txt":           "# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tTRUE\t0\tsid\tabc\n",
		"files/export.json":           "\xef\xbb\xbf\n  [{\"domain\":\"example.com\",\"name\":\"a\",\"value\":\"b\",\"path\":\"/\"}]",
		"files/obj.json":              "{\"cookies\":[]}",
		"files/moz.db":                "SQLITE:gecko",
		"files/chrome.db":             "SQLITE:chromium",
		"files/notes.db":              "SQLITE:other",
		"files/empty.txt":             "",
		"files/garbage.bin":           "\x00\x01\x02garbage",
		"files/Cookies.binarycookies": "cook\x00\x00\x00\x00",
		"copy/fx/profiles.ini":        "[Profile0]\nName=default-release\nIsRelative=1\nPath=p\n",
		"copy/fx/p/cookies.sqlite":    "SQLITE:gecko",
		"copy/ud/Local State":         `{"profile":{"info_cache":{"Default":{"name":"Me"}}}}`,
		"copy/ud/Default/Cookies":     "SQLITE:chromium",
		"copy/lone/Network/Cookies":   "SQLITE:chromium",
		"copy/nothing/readme":         "x",
	})
	for spec, want := range map[string]string{
		h.path("files/cookies.txt"):                               "file:" + h.path("files/cookies.txt") + "=netscape",
		h.path("files/export.json"):                               "file:" + h.path("files/export.json") + "=json",
		h.path("files/obj.json"):                                  "file:" + h.path("files/obj.json") + "=json",
		h.path("files/moz.db"):                                    "file:" + h.path("files/moz.db") + "=firefox",
		h.path("files/chrome.db"):                                 "file:" + h.path("files/chrome.db") + "=chromium",
		h.path("files/Cookies.binarycookies"):                     "file:" + h.path("files/Cookies.binarycookies") + "=safari",
		"~/files/cookies.txt":                                     "file:" + h.path("files/cookies.txt") + "=netscape",
		h.path(".mozilla/firefox/b.work"):                         "firefox:Work=firefox",
		h.path(".mozilla/firefox/b.work/cookies.sqlite"):          "firefox:Work=firefox",
		h.path(".mozilla/firefox"):                                "firefox:default-release=firefox, firefox:Work=firefox",
		h.path(".config/google-chrome"):                           "chrome:Person 1=chromium, chrome:Work (Profile 2)=chromium, chrome:work (Profile 3)=chromium",
		h.path(".config/google-chrome/Profile 2/Network/Cookies"): "chrome:Work (Profile 2)=chromium",
		h.path("copy/fx"):                                         "file:" + h.path("copy/fx/p") + "=firefox",
		h.path("copy/ud"):                                         "file:" + h.path("copy/ud/Default") + "=chromium",
		h.path("copy/lone"):                                       "file:" + h.path("copy/lone") + "=chromium",
		h.path("copy/lone/Network/Cookies"):                       "file:" + h.path("copy/lone/Network/Cookies") + "=chromium",
		h.path("copy/fx/p"):                                       "file:" + h.path("copy/fx/p") + "=firefox",
	} {
		ts, err := Resolve(ctx, spec, h.env())
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if got := ids(ts); got != want {
			t.Errorf("%s:\n got %s\nwant %s", spec, got, want)
		}
	}
	if err := mkfifo(h.path("files/fifo")); err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]string{
		h.path("files/notes.db"):    "a SQLite database but not a cookie store (tables: cookies, notes)",
		h.path("files/empty.txt"):   "empty file, not a cookie store",
		h.path("files/garbage.bin"): "a binary file that is not a cookie store",
		h.path("files/fifo"):        "not a regular file",
		h.path("files/missing.txt"): "no such file or directory",
		h.path("copy/nothing"):      "no cookie store in this folder",
	} {
		_, err := Resolve(ctx, spec, h.env())
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Base(spec)) {
			t.Errorf("%s: error %v, want %q naming the file", spec, err, want)
		}
	}
}

// TestFileSourceID: every file is its own source, by its absolute,
// cleaned path (issue 9 item 4).
func TestFileSourceID(t *testing.T) {
	wd, _ := os.Getwd()
	for path, want := range map[string]string{
		"/x/y/cookies.txt":           "file:/x/y/cookies.txt",
		"/x/z/cookies.txt":           "file:/x/z/cookies.txt",
		"/x/y/../y/./cookies.txt":    "file:/x/y/cookies.txt",
		"/p/abc.default-release/":    "file:/p/abc.default-release",
		"/u/Default/Network/Cookies": "file:/u/Default/Network/Cookies",
		"cookies.sqlite":             "file:" + filepath.Join(wd, "cookies.sqlite"),
	} {
		if got := FileSourceID(filepath.FromSlash(path)); got != want {
			t.Errorf("FileSourceID(%s) = %s, want %s", path, got, want)
		}
	}
}

// TestReadDispatch reads real files through Target.Read.
func TestReadDispatch(t *testing.T) {
	h := browserHome(t)
	ctx := context.Background()
	h.write("files/cookies.txt", "# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tTRUE\t0\tsid\tabc\n#HttpOnly_example.org\tFALSE\t/\tFALSE\t4102444800\tb\tc\n")
	h.write("files/c.json", `[{"domain":".example.com","hostOnly":false,"path":"/","name":"a","value":"b","secure":true,"httpOnly":false,"sameSite":"lax","session":true,"storeId":"0"}]`)
	for spec, want := range map[string]int{
		h.path("files/cookies.txt"): 2,
		h.path("files/c.json"):      1,
		"firefox:work":              1,
	} {
		ts, err := Resolve(ctx, spec, h.env())
		if err != nil || len(ts) != 1 {
			t.Fatalf("%s: %v", spec, err)
		}
		res, err := ts[0].Read(ctx, importers.Options{})
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if len(res.Cookies) != want {
			t.Errorf("%s: %d cookies, want %d", spec, len(res.Cookies), want)
		}
		for _, c := range res.Cookies {
			if c.Source != ts[0].SourceID {
				t.Errorf("%s: cookie source %q, want %q", spec, c.Source, ts[0].SourceID)
			}
		}
	}
}

// TestRealFixtures resolves and reads the stores real browsers wrote
// (../shared/fixtures/browsers).
func TestRealFixtures(t *testing.T) {
	shared := testshared.Path(t, "fixtures")
	ctx := context.Background()
	env := discover.Env{OS: "linux", Home: t.TempDir()}
	for spec, want := range map[string]string{
		filepath.Join(shared, "browsers/firefox/profiles"):                          "file:" + realPath(t, filepath.Join(shared, "browsers/firefox/profiles/fx0cookie.default-release")) + "=firefox",
		filepath.Join(shared, "browsers/chromium/user-data"):                        "file:" + realPath(t, filepath.Join(shared, "browsers/chromium/user-data/Default")) + "=chromium",
		filepath.Join(shared, "browsers/chromium/user-data/Default/Cookies"):        "file:" + filepath.Join(shared, "browsers/chromium/user-data/Default/Cookies") + "=chromium",
		filepath.Join(shared, "browsers/firefox/cookies.checkpointed.sqlite"):       "file:" + filepath.Join(shared, "browsers/firefox/cookies.checkpointed.sqlite") + "=firefox",
		filepath.Join(shared, "samples/kooky_safari-macos-cookie-db.binarycookies"): "file:" + filepath.Join(shared, "samples/kooky_safari-macos-cookie-db.binarycookies") + "=safari",
		filepath.Join(shared, "samples/kooky_netscape-cookies.txt"):                 "file:" + filepath.Join(shared, "samples/kooky_netscape-cookies.txt") + "=netscape",
		filepath.Join(shared, "samples/plaso_chrome_cookies.db.sqlite"):             "file:" + filepath.Join(shared, "samples/plaso_chrome_cookies.db.sqlite") + "=chromium",
		filepath.Join(shared, "samples/plaso_firefox_2_cookies.sqlite"):             "file:" + filepath.Join(shared, "samples/plaso_firefox_2_cookies.sqlite") + "=firefox",
	} {
		ts, err := Resolve(ctx, spec, env)
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if got := ids(ts); got != want {
			t.Errorf("%s: got %s, want %s", spec, got, want)
		}
	}
	for spec, want := range map[string]int{
		filepath.Join(shared, "browsers/firefox/profiles"):                          55,
		filepath.Join(shared, "samples/kooky_safari-macos-cookie-db.binarycookies"): 2,
		filepath.Join(shared, "samples/plaso_Cookies.binarycookies"):                91,
	} {
		ts, err := Resolve(ctx, spec, env)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ts[0].Read(ctx, importers.Options{})
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if len(res.Cookies)+res.Refused != want {
			t.Errorf("%s: %d cookies + %d refused, want %d", spec, len(res.Cookies), res.Refused, want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("SQLite format 3\x00garbage"))
	f.Add([]byte("cook\x00\x00\x00\x01"))
	f.Add([]byte("  \n{"))
	f.Add([]byte("# Netscape HTTP Cookie File\n"))
	f.Add([]byte{0, 1, 2})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "in")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		format, err := Sniff(context.Background(), p)
		if err == nil && format == "" {
			t.Fatal("no format and no error")
		}
		if err != nil && !strings.Contains(err.Error(), p) {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

// realPath is p with its symlinks resolved: folders are named by their
// real path.
func realPath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
