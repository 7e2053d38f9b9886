package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// cookieSet sorts a Cookie header's pairs, for comparing.
func cookieSet(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "Cookie:"))
	ps := strings.Split(h, "; ")
	sort.Strings(ps)
	return strings.Join(ps, "; ")
}

// TestOneCookieOneAnswer (issue 9 items 2 and 3): signed in to a site in
// two browsers, the same cookie holds different values; the cookies.txt
// (read by the real curl against a 127.0.0.1 server) and the Cookie header
// send the same copy — the most recently updated — and agree on the count;
// the JSON export keeps both copies. A cookie partitioned under another
// top-level site is left out of the cookies.txt with a count, --partitioned
// includes it saying so; names that differ only in case are warned about.
func TestOneCookieOneAnswer(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	s := newSandbox(t)
	exp := now.Add(30 * 24 * time.Hour)
	base := func(name, value string, created, updated time.Time) cookie.Cookie {
		return cookie.Cookie{Domain: ".site.test", Path: "/", Name: name, Value: value, Expires: cookie.TimeOf(exp),
			Created: cookie.TimeOf(created), LastAccessed: cookie.TimeOf(updated), LastUpdated: cookie.TimeOf(updated)}
	}
	ff := []cookie.Cookie{
		base("sid", "from-firefox-older", now.Add(-48*time.Hour), now.Add(-2*time.Hour)),
		base("pref", "from-firefox-newer", now.Add(-48*time.Hour), now.Add(-10*time.Minute)),
		base("only_ff", "f", now.Add(-time.Hour), now.Add(-time.Hour)),
		// curl merges names that differ only in case: warned about.
		{Domain: ".case.test", Path: "/", Name: "Theme", Value: "upper", Expires: cookie.TimeOf(exp)},
		{Domain: ".case.test", Path: "/", Name: "theme", Value: "lower", Expires: cookie.TimeOf(exp)},
	}
	ch := []cookie.Cookie{
		base("sid", "from-chrome-newer", now.Add(-72*time.Hour), now.Add(-1*time.Hour)),
		base("pref", "from-chrome-older", now.Add(-72*time.Hour), now.Add(-3*time.Hour)),
		// CHIPS: set by site.test as an embed under other.test.
		{Domain: "site.test", HostOnly: true, Path: "/", Name: "embed", Value: "e", Secure: true, Expires: cookie.TimeOf(exp),
			Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://other.test"}),
			Created:   cookie.TimeOf(now.Add(-time.Hour)), LastUpdated: cookie.TimeOf(now.Add(-time.Hour))},
	}
	dir := s.firefoxProfile()
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), ff); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(s.home, ".config", "chromium", "Default", "Cookies")
	mkdirAll(t, filepath.Dir(store))
	s.write(".config/chromium/Local State", []byte(`{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`))
	if err := gen.WriteChromiumStore(store, ch, gen.ChromiumStoreOptions{Scheme: "plain"}); err != nil {
		t.Fatal(err)
	}
	s.ok("", "import", "all")

	port := testshared.CookieEcho(t, false)
	url := "http://site.test:" + port + "/"
	txt := filepath.Join(s.home, "cookies.txt")
	r := s.ok("", "export", "-o", txt)
	if !strings.Contains(r.stderr, "left out 1 cookie: partitioned under another top-level site") {
		t.Errorf("the partitioned cookie is not counted as left out:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "differ from another only in letter case (Theme, theme on case.test/)") {
		t.Errorf("no warning about names differing in case:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "left out 2 cookies: duplicate") {
		t.Errorf("the older copies are not counted:\n%s", r.stderr)
	}
	hdrFile := filepath.Join(s.home, "header.txt")
	r = s.ok("", "export", "--format", "header", "--url", url, "-o", hdrFile)
	if !strings.Contains(r.stderr, "wrote 3 cookies to "+hdrFile) {
		t.Errorf("export --format header -o prints no wrote line with the count:\n%s", r.stderr)
	}
	hdr, _ := os.ReadFile(hdrFile)

	out, err := exec.Command(curl, "-q", "-s", "-S", "--noproxy", "*", "--max-time", "10",
		"--resolve", "site.test:"+port+":127.0.0.1", "-b", txt, url).CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	want := "only_ff=f; pref=from-firefox-newer; sid=from-chrome-newer"
	if got := cookieSet(string(out)); got != want {
		t.Errorf("curl sent  %s\nwant       %s", got, want)
	}
	if got := cookieSet(string(hdr)); got != want {
		t.Errorf("header is  %s\nwant       %s", got, want)
	}

	// The JSON export keeps every copy, each with its source.
	var arr []struct {
		Name, Value string
		Crumbs      struct{ Source string } `json:"crumbs"`
	}
	if err := json.Unmarshal([]byte(s.ok("", "export", "--format", "json", "name:sid").stdout), &arr); err != nil || len(arr) != 2 {
		t.Fatalf("JSON export of sid: %d copies (%v)", len(arr), err)
	}
	if arr[0].Crumbs.Source == arr[1].Crumbs.Source {
		t.Errorf("the JSON copies share a source: %+v", arr)
	}

	// --partitioned includes it and says it will be sent first-party.
	r = s.ok("", "export", "--partitioned", "-o", txt)
	if !strings.Contains(r.stderr, "1 cookie partitioned under another top-level site is included") {
		t.Errorf("--partitioned does not say so:\n%s", r.stderr)
	}
	data, _ := os.ReadFile(txt)
	if !strings.Contains(string(data), "\tembed\te\n") {
		t.Errorf("--partitioned did not write the partitioned cookie")
	}
}

// withoutIDs is list --json without the jar's own row ids, which a new jar
// assigns afresh.
func withoutIDs(t *testing.T, js string) string {
	t.Helper()
	var arr []map[string]any
	if err := json.Unmarshal([]byte(js), &arr); err != nil {
		t.Fatalf("%v\n%.500s", err, js)
	}
	for _, c := range arr {
		if cr, ok := c["crumbs"].(map[string]any); ok {
			delete(cr, "id")
		}
	}
	b, _ := json.MarshalIndent(arr, "", " ")
	return string(b)
}

// TestJSONComesBackAsItLeft (issue 9 item 5): a JSON export imported again
// keeps crumbs' own fields (container, times, the user's verdicts) with the
// file as the source; with --as-exported it restores the exported sources
// and identities exactly: list --json of an empty jar that imported it
// equals the original's, and the import names the sources it writes into.
func TestJSONComesBackAsItLeft(t *testing.T) {
	s := newSandbox(t)
	dir := s.firefoxProfile()
	ff := gen.Cookies(60, 21, now, "")
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), ff); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(s.home, ".config", "chromium", "Default", "Cookies")
	mkdirAll(t, filepath.Dir(store))
	s.write(".config/chromium/Local State", []byte(`{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`))
	if err := gen.WriteChromiumStore(store, gen.Cookies(40, 22, now, ""), gen.ChromiumStoreOptions{Scheme: "plain"}); err != nil {
		t.Fatal(err)
	}
	s.ok("", "import", "all")
	s.ok("", "set-purpose", "tracking", "source:firefox", "is:secure")
	original := withoutIDs(t, s.ok("", "list", "--json").stdout)
	export := filepath.Join(t.TempDir(), "export.json")
	s.ok("", "export", "--format", "json", "-o", export)

	// As exported: the same cookies, sources and verdicts.
	back := newSandbox(t)
	r := back.ok("", "import", "--as-exported", export)
	if !strings.Contains(r.stderr, "as exported, into chromium:Person 1 (") || !strings.Contains(r.stderr, "firefox:default-release (") {
		t.Errorf("import --as-exported does not name the sources it writes into:\n%s", r.stderr)
	}
	if got := withoutIDs(t, back.ok("", "list", "--json").stdout); got != original {
		t.Errorf("export → import --as-exported is not the same jar:\n%.3000s\nwant\n%.3000s", got, original)
	}

	// Plain import: the file is the source; crumbs' own fields stay.
	plain := newSandbox(t)
	plain.ok("", "import", export)
	var arr []struct {
		Name   string
		Crumbs struct {
			Source, Purpose, VerdictBy, Created, LastAccessed, LastUpdated string
			Container                                                      *struct{ Key string }
		} `json:"crumbs"`
	}
	if err := json.Unmarshal([]byte(plain.ok("", "list", "--json").stdout), &arr); err != nil {
		t.Fatal(err)
	}
	var orig []struct {
		Name   string
		Crumbs struct {
			Source, Purpose, VerdictBy, Created, LastAccessed, LastUpdated string
			Container                                                      *struct{ Key string }
		} `json:"crumbs"`
	}
	json.Unmarshal([]byte(s.ok("", "list", "--json").stdout), &orig)
	if len(arr) != len(orig) {
		t.Fatalf("%d cookies back, want %d (two copies of one cookie are two identities of one file only if they differ in more than the source)", len(arr), len(orig))
	}
	verdicts, containers := 0, 0
	for i := range arr {
		a := arr[i].Crumbs
		if a.Source != "file:"+export {
			t.Fatalf("source %q, want the file", a.Source)
		}
		if a.VerdictBy == "user" {
			verdicts++
		}
		if a.Container != nil {
			containers++
		}
		if a.Created == "" || a.LastUpdated == "" {
			t.Fatalf("times lost: %+v", a)
		}
	}
	wantVerdicts := strings.Count(original, `"verdictBy": "user"`)
	if wantVerdicts == 0 || verdicts != wantVerdicts {
		t.Errorf("%d user verdicts back, want %d", verdicts, wantVerdicts)
	}
	if containers != strings.Count(original, `"container": {`) {
		t.Errorf("%d cookies in a container back, want %d", containers, strings.Count(original, `"container": {`))
	}
}
