package cli_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// echoServer answers every request with the Cookie header it received.
func echoServer(t *testing.T) (port string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.Header.Get("Cookie")))
	}))
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return port
}

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
		return cookie.Cookie{Domain: ".site.test", Path: "/", Name: name, Value: value, Expires: exp,
			Created: created, LastAccessed: updated, LastUpdated: updated}
	}
	ff := []cookie.Cookie{
		base("sid", "from-firefox-older", now.Add(-48*time.Hour), now.Add(-2*time.Hour)),
		base("pref", "from-firefox-newer", now.Add(-48*time.Hour), now.Add(-10*time.Minute)),
		base("only_ff", "f", now.Add(-time.Hour), now.Add(-time.Hour)),
		// curl merges names that differ only in case: warned about.
		{Domain: ".case.test", Path: "/", Name: "Theme", Value: "upper", Expires: exp},
		{Domain: ".case.test", Path: "/", Name: "theme", Value: "lower", Expires: exp},
	}
	ch := []cookie.Cookie{
		base("sid", "from-chrome-newer", now.Add(-72*time.Hour), now.Add(-1*time.Hour)),
		base("pref", "from-chrome-older", now.Add(-72*time.Hour), now.Add(-3*time.Hour)),
		// CHIPS: set by site.test as an embed under other.test.
		{Domain: "site.test", HostOnly: true, Path: "/", Name: "embed", Value: "e", Secure: true, Expires: exp,
			Partition: cookie.Partition{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://other.test"},
			Created:   now.Add(-time.Hour), LastUpdated: now.Add(-time.Hour)},
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

	port := echoServer(t)
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
