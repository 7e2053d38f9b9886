package netscape

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestCurlSendsWhatWeWrite writes a cookies.txt with Write and lets the
// real curl load it (-b) against servers on 127.0.0.1, over HTTP and HTTPS,
// with test host names mapped by --resolve. It checks the cookies each URL
// receives: host-only against domain cookies on a subdomain, path scoping,
// Secure only over HTTPS, HttpOnly cookies kept, values byte for byte.
func TestCurlSendsWhatWeWrite(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed: cannot check the export against a real client")
	}
	httpPort, httpsPort := testshared.CookieEcho(t, false), testshared.CookieEcho(t, true)

	now := time.Now()
	exp := now.Add(48 * time.Hour)
	cs := []cookie.Cookie{
		{Domain: "example.com", HostOnly: true, Path: "/", Name: "hostonly", Value: "h", Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "domain", Value: "d", Expires: cookie.TimeOf(exp)},
		{Domain: "sub.example.com", HostOnly: true, Path: "/", Name: "subonly", Value: "s", Expires: cookie.TimeOf(exp)},
		{Domain: "example.com", HostOnly: true, Path: "/app", Name: "apppath", Value: "p", Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "secure", Value: "x", Secure: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "httponly", Value: "y", HTTPOnly: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "session", Value: "z", Session: true},
		{Domain: ".example.com", Path: "/", Name: "bytes", Value: `a b"=#,%ü`, Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "empty", Value: "", Expires: cookie.TimeOf(exp)},
		{Domain: "example.com", HostOnly: true, Path: "/", Name: "__Host-h", Value: "hh", Secure: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "__Secure-s", Value: "ss", Secure: true, HTTPOnly: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".other.test", Path: "/", Name: "other", Value: "o", Expires: cookie.TimeOf(exp)},
		{Domain: "127.0.0.1", HostOnly: true, Path: "/", Name: "ip", Value: "i", Expires: cookie.TimeOf(exp)},
		{Domain: ".example.com", Path: "/", Name: "expired", Value: "e", Expires: cookie.TimeOf(now.Add(-time.Hour))},
		{Domain: ".example.com", Path: "/", Name: "tab", Value: "a\tb", Expires: cookie.TimeOf(exp)},
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "cookies.txt")
	var out bytes.Buffer
	rep, err := Write(&out, cs, WriteOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep.LeftOut[LeftExpired] != 1 || rep.LeftOut[LeftControl] != 1 || rep.Written != len(cs)-2 {
		t.Fatalf("report %+v", rep)
	}

	get := func(rawURL string, dump string) string {
		t.Helper()
		args := []string{"-q", "-s", "-S", "-k", "--noproxy", "*", "-b", file, "--max-time", "10"}
		for _, h := range []string{"example.com", "sub.example.com", "deep.sub.example.com", "other.test"} {
			args = append(args, "--resolve", h+":"+httpPort+":127.0.0.1", "--resolve", h+":"+httpsPort+":127.0.0.1")
		}
		if dump != "" {
			args = append(args, "-c", dump)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, curl, append(args, rawURL)...).Output()
		if err != nil {
			t.Fatalf("curl %s: %v", rawURL, err)
		}
		pairs := strings.Split(string(out), "; ")
		sort.Strings(pairs)
		return strings.Join(pairs, "; ")
	}
	sorted := func(s ...string) string { sort.Strings(s); return strings.Join(s, "; ") }
	common := []string{"domain=d", "httponly=y", "session=z", `bytes=a b"=#,%ü`, "empty="}
	tests := []struct {
		url  string
		want []string
	}{
		{"http://example.com:" + httpPort + "/", append([]string{"hostonly=h"}, common...)},
		{"http://example.com:" + httpPort + "/app/x", append([]string{"hostonly=h", "apppath=p"}, common...)},
		{"http://example.com:" + httpPort + "/application", append([]string{"hostonly=h"}, common...)},
		{"http://sub.example.com:" + httpPort + "/app", append([]string{"subonly=s"}, common...)},
		{"http://deep.sub.example.com:" + httpPort + "/", common},
		{"https://example.com:" + httpsPort + "/", append([]string{"hostonly=h", "secure=x", "__Host-h=hh", "__Secure-s=ss"}, common...)},
		{"https://sub.example.com:" + httpsPort + "/", append([]string{"subonly=s", "secure=x", "__Secure-s=ss"}, common...)},
		{"http://other.test:" + httpPort + "/", []string{"other=o"}},
		{"http://127.0.0.1:" + httpPort + "/", []string{"ip=i"}},
	}
	for _, tt := range tests {
		if got, want := get(tt.url, ""), sorted(tt.want...); got != want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.url, got, want)
		}
	}

	// curl keeps the HttpOnly flag: its own dump of the jar, read back, has it.
	dump := filepath.Join(dir, "dump.txt")
	get("http://example.com:"+httpPort+"/", dump)
	res, err := Read(context.Background(), dump, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	for _, c := range res.Cookies {
		flags[c.Name] = c.HTTPOnly
	}
	if !flags["httponly"] || !flags["__Secure-s"] || flags["domain"] {
		t.Errorf("HttpOnly flags after curl's round trip: %v", flags)
	}
	if len(res.Cookies) != rep.Written {
		t.Errorf("curl kept %d cookies, we wrote %d", len(res.Cookies), rep.Written)
	}
}
