package cli_test

// Write-back checked by the browsers themselves (docs/writeback.md): a profile is
// built by the real Chromium and Firefox (headless, session restore on,
// cookies set through their automation protocols), closed, changed by the
// crumbs binary, and read back by the browser started again. These tests
// skip when the browser binary is missing (CI installs Debian's chromium
// and firefox-esr).

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/internal/browsertest"
)

// browserCookies is the profile every round trip starts from. Removed by a
// tracking clean: the four tracking cookies (one a session cookie, one
// partitioned). "twin" has a twin on another path and a partitioned one.
func browserCookies(now time.Time) []browsertest.Cookie {
	exp := now.Add(30 * 24 * time.Hour).Unix()
	return []browsertest.Cookie{
		{Name: "_ga", Value: "GA1.2.1111.2222", Domain: ".example.com", Path: "/", Expires: exp},
		{Name: "IDE", Value: "AHWqTUmTrackerValue", Domain: ".doubleclick.net", Path: "/", Secure: true, HTTPOnly: true, SameSite: "none", Expires: exp},
		{Name: "_gat", Value: "1", Domain: ".example.com", Path: "/", Session: true},
		{Name: "_gid", Value: "GA1.2.part", Domain: ".example.net", Path: "/", Secure: true, SameSite: "none", Expires: exp, Partition: "https://top.example"},
		{Name: "sessionid", Value: "s3cr3t-login", Domain: "example.com", Path: "/", Secure: true, HTTPOnly: true, SameSite: "lax", Expires: exp},
		{Name: "lang", Value: "en-GB", Domain: ".example.com", Path: "/", Expires: exp},
		{Name: "theme", Value: "dark", Domain: ".example.com", Path: "/", SameSite: "lax", Expires: exp},
		{Name: "csrftoken", Value: "tok-session", Domain: "example.com", Path: "/", Session: true},
		{Name: "twin", Value: "main", Domain: ".example.org", Path: "/", Secure: true, SameSite: "none", Expires: exp},
		{Name: "twin", Value: "other", Domain: ".example.org", Path: "/other", Secure: true, SameSite: "none", Expires: exp},
		{Name: "twin", Value: "part", Domain: ".example.org", Path: "/", Secure: true, SameSite: "none", Expires: exp, Partition: "https://top.example"},
	}
}

// trackingNames are removed by a tracking clean; _gid is tracking too but
// protected (a [[protect]] in the rules file) and must stay.
var trackingNames = map[string]bool{"_ga": true, "IDE": true, "_gat": true}

// browser is what the round trip needs of either browser.
type browser interface {
	SetCookies(t testing.TB, cs []browsertest.Cookie)
	Close(t testing.TB)
	Pid() int
	// Pause and Resume stop and continue the browser's processes: paused,
	// it still holds the profile but writes nothing, so that any change to
	// the store's files while crumbs runs would be crumbs'.
	Pause()
	Resume()
}

type roundTrip struct {
	t     *testing.T
	s     *sandbox
	dir   string // the path given to crumbs
	src   string // its source id: a file source, the folder's absolute path
	start func() browser
	read  func(b browser) []browsertest.Cookie
	files []string // the store's files, for the byte-identical check
}

func (rt *roundTrip) cookies() map[string]browsertest.Cookie {
	rt.t.Helper()
	b := rt.start()
	got := rt.read(b)
	b.Close(rt.t)
	m := map[string]browsertest.Cookie{}
	for _, c := range got {
		m[c.Key()] = c
	}
	return m
}

// sameCookies fails unless got has exactly want's cookies, every field.
func sameCookies(t *testing.T, what string, want, got map[string]browsertest.Cookie) {
	t.Helper()
	var problems []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			problems = append(problems, "missing "+w.String())
		case g.Value != w.Value || g.Secure != w.Secure || g.HTTPOnly != w.HTTPOnly || g.Session != w.Session ||
			(!w.Session && (g.Expires-w.Expires > 1 || w.Expires-g.Expires > 1)) || g.SameSite != w.SameSite:
			problems = append(problems, fmt.Sprintf("changed %+v, want %+v", g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			problems = append(problems, "unexpected "+g.String())
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Fatalf("%s: the browser's cookies are not as intended:\n  %s", what, strings.Join(problems, "\n  "))
	}
}

func hashFiles(t *testing.T, files []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			out[f] = "absent"
			continue
		}
		out[f] = string(data)
	}
	return out
}

func (rt *roundTrip) run() {
	t, s := rt.t, rt.s
	now := time.Now()

	// Build the profile with the browser itself.
	b := rt.start()
	b.SetCookies(t, browserCookies(now))
	b.Close(t)
	orig := rt.cookies()
	if len(orig) != len(browserCookies(now)) {
		t.Fatalf("the browser kept %d of the %d cookies set: %v", len(orig), len(browserCookies(now)), orig)
	}

	// Refusal: with the browser running, clean exits 1 and every file of
	// the store stays byte-identical.
	b = rt.start()
	b.Pause()
	before := hashFiles(t, rt.files)
	r := s.run("", "clean", rt.dir, "--yes")
	after := hashFiles(t, rt.files)
	b.Resume()
	if r.code != 1 || !strings.Contains(r.stderr, "is running (pid") || !strings.Contains(r.stderr, "close it first") {
		t.Fatalf("clean with the browser running: want exit 1 naming the running browser, got %v", r)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("clean with the browser running changed the store's files")
	}
	b.Close(t)

	// A tracking clean, then a clean of one twin.
	rules := filepath.Join(s.home, ".config", "crumbs", "rules.toml")
	if err := os.MkdirAll(filepath.Dir(rules), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rules, []byte("[[protect]]\nfilter = \"name:_gid\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = s.ok("", "clean", rt.dir, "--yes", "--json")
	var sum []struct {
		Source    string         `json:"source"`
		Backup    string         `json:"backup"`
		Removed   map[string]int `json:"removed"`
		Kept      int            `json:"kept"`
		Protected int            `json:"protected"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || len(sum) != 1 {
		t.Fatalf("clean --json: %v\n%v", err, r)
	}
	// A profile given by path is its own file source (file:/abs/path).
	if sum[0].Removed["tracking"] != len(trackingNames) || sum[0].Backup == "" || sum[0].Source != rt.src || sum[0].Protected != 1 {
		t.Fatalf("clean --json: want %d tracking cookies removed with a backup, got %+v", len(trackingNames), sum[0])
	}
	first := sum[0].Backup
	r = s.ok("", "clean", rt.dir, "name:twin", "value:main", "--yes")
	if !strings.Contains(r.stderr, ": removed 1 ") || !strings.Contains(r.stderr, " cookie on 1 site, kept 7;") || !strings.Contains(r.stderr, "crumbs backups restore "+rt.src) {
		t.Fatalf("clean of one twin: %v", r)
	}

	want := map[string]browsertest.Cookie{}
	for k, c := range orig {
		if !trackingNames[c.Name] && !(c.Name == "twin" && c.Value == "main") {
			want[k] = c
		}
	}
	sameCookies(t, "after clean", want, rt.cookies())

	// The jar's changes written back: an edit and a deletion, kept pending
	// across a re-import, refused while the browser runs, then applied.
	s.ok("", "import", rt.dir)
	s.ok("", "edit", "domain:example.com", "name:theme", "--set", "value=light")
	s.ok("", "purge", "name:lang", "--yes")
	if r := s.ok("", "import", rt.dir); !strings.Contains(r.stderr, "2 pending write-back") {
		t.Fatalf("the re-import must report the pending deletion and edit:\n%v", r)
	}
	if r := s.ok("", "list", "name:lang"); strings.Contains(r.stdout, "lang") {
		t.Fatalf("a re-import brought back a deletion pending write-back:\n%v", r)
	}
	b = rt.start()
	b.Pause()
	before = hashFiles(t, rt.files)
	r = s.run("", "apply", "--yes")
	after = hashFiles(t, rt.files)
	b.Resume()
	if r.code != 1 || !strings.Contains(r.stderr, "is running (pid") {
		t.Fatalf("apply with the browser running: want exit 1, got %v", r)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("apply with the browser running changed the store's files")
	}
	b.Close(t)
	r = s.ok("", "apply", "--yes", "--json")
	var ap []struct {
		Removed map[string]int `json:"removed"`
		Changed int            `json:"changed"`
		Backup  string         `json:"backup"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ap); err != nil || len(ap) != 1 || ap[0].Changed != 1 || ap[0].Removed["personalization"] != 1 || ap[0].Backup == "" {
		t.Fatalf("apply --json: %v\n%v", err, r)
	}
	for k, c := range want {
		switch c.Name {
		case "lang":
			delete(want, k)
		case "theme":
			c.Value = "light"
			want[k] = c
		}
	}
	sameCookies(t, "after edit and apply", want, rt.cookies())
	if r := s.ok("", "apply", "--yes"); !strings.Contains(r.stderr, "nothing to apply") {
		t.Fatalf("a second apply must find nothing pending: %v", r)
	}

	// The first backup brings back the original set.
	s.ok("", "backups", "restore", rt.src, first, "--yes")
	sameCookies(t, "after backups restore", orig, rt.cookies())
}

func TestRoundTripChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real Chromium several times; not in -short")
	}
	bin := browsertest.Binary(t, "chromium", "chromium-browser")
	s := newSandbox(t)
	ud := filepath.Join(s.home, "chromium-profile")
	browsertest.ChromiumProfile(t, ud)
	db := filepath.Join(ud, "Default", "Cookies")
	dir := filepath.Join(ud, "Default")
	rt := &roundTrip{t: t, s: s, dir: dir, src: source.FileSourceID(dir),
		files: []string{db, db + "-journal", db + "-wal"}}
	rt.start = func() browser { return browsertest.StartChromium(t, bin, ud) }
	rt.read = func(b browser) []browsertest.Cookie { return b.(*browsertest.Chromium).Cookies(t) }
	rt.run()
}

func TestRoundTripFirefox(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real Firefox several times; not in -short")
	}
	bin := browsertest.Binary(t, "firefox-esr", "firefox")
	s := newSandbox(t)
	dir := filepath.Join(s.home, "firefox-profile")
	browsertest.FirefoxProfile(t, dir)
	db := filepath.Join(dir, "cookies.sqlite")
	rt := &roundTrip{t: t, s: s, dir: dir, src: source.FileSourceID(dir),
		files: []string{db, db + "-wal", db + "-shm", filepath.Join(dir, "sessionstore.jsonlz4"),
			filepath.Join(dir, "sessionstore-backups", "recovery.jsonlz4"), filepath.Join(dir, "sessionstore-backups", "recovery.baklz4")}}
	rt.start = func() browser { return browsertest.StartFirefox(t, bin, dir) }
	rt.read = func(b browser) []browsertest.Cookie {
		return b.(*browsertest.Firefox).Cookies(t, "https://top.example")
	}
	rt.run()
}
