package cli_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

// TestFileModes: the jar 0600 in a 0700 folder, exports 0600 even over an
// existing file with looser permissions.
func TestFileModes(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(50, 41, "file:a.json"))))
	checkMode(t, s.jar, 0o600)
	checkMode(t, filepath.Dir(s.jar), 0o700)
	for _, format := range []string{"netscape", "json"} {
		out := s.write("export-"+format, []byte("old content"))
		os.Chmod(out, 0o644)
		s.ok("", "export", "--format", format, "-o", out)
		checkMode(t, out, 0o600)
		data, _ := os.ReadFile(out)
		if strings.Contains(string(data), "old content") || len(data) < 100 {
			t.Errorf("%s export was not written: %.100q", format, data)
		}
	}
	left, _ := filepath.Glob(filepath.Join(s.home, ".export-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestConformance exports the harness's validation set through the jar and
// lets real curl, wget, Python and yt-dlp judge the cookies.txt.
func TestConformance(t *testing.T) {
	tools := testshared.Path(t, "tools/netscape-conformance")
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	s := newSandbox(t)
	expected := filepath.Join(s.home, "EXPECTED.json")
	if out, err := exec.Command("python3", filepath.Join(tools, "make_expected.py"), expected).CombinedOutput(); err != nil {
		t.Fatalf("make_expected.py: %v\n%s", err, out)
	}
	data, err := os.ReadFile(expected)
	if err != nil {
		t.Fatal(err)
	}
	var set []struct {
		Domain   string `json:"domain"`
		HostOnly bool   `json:"host_only"`
		Path     string `json:"path"`
		Secure   bool   `json:"secure"`
		HTTPOnly bool   `json:"http_only"`
		Name     string `json:"name"`
		Value    string `json:"value"`
		Expires  int64  `json:"expires"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	// Convert to the chrome.cookies shape crumbs imports.
	var conv []map[string]any
	for _, c := range set {
		domain := strings.TrimPrefix(c.Domain, ".")
		if !c.HostOnly {
			domain = "." + domain
		}
		m := map[string]any{
			"domain": domain, "hostOnly": c.HostOnly, "path": c.Path, "name": c.Name,
			"value": c.Value, "secure": c.Secure, "httpOnly": c.HTTPOnly,
			"session": c.Expires == 0,
		}
		if c.Expires != 0 {
			m["expirationDate"] = c.Expires
		}
		conv = append(conv, m)
	}
	in, _ := json.Marshal(conv)
	r := s.ok("", "import", s.write("x.json", in))
	t.Logf("import: %s", r.stderr)
	cookiesTxt := filepath.Join(s.home, "cookies.txt")
	r = s.ok("", "export", "--format", "netscape", "-o", cookiesTxt)
	t.Logf("export: %s", r.stderr)
	cmd := exec.Command("python3", filepath.Join(tools, "conformance.py"), expected, cookiesTxt)
	cmd.Dir = s.home
	out, err := cmd.CombinedOutput()
	t.Logf("conformance.py:\n%s", out)
	if err != nil {
		t.Fatalf("conformance.py failed: %v", err)
	}
}

// TestClassify: one output line per input line, same order, four columns.
func TestClassify(t *testing.T) {
	s := newSandbox(t)
	in := "example.com\t_ga\n" +
		".doubleclick.net\tIDE\n" +
		"shop.example.org\tPHPSESSID\r\n" +
		"example.com\tlang\n" +
		"\n" +
		"noTabHere\n" +
		"example.com\tcsrftoken\textra\tcolumns\n" +
		"example.com\tzz_q9_unknowable"
	r := s.ok(in, "classify")
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := []struct{ domain, name, purpose string }{
		{"example.com", "_ga", "tracking"},
		{".doubleclick.net", "IDE", "tracking"},
		{"shop.example.org", "PHPSESSID", "session"},
		{"example.com", "lang", "personalization"},
		{"", "", ""},
		{"", "noTabHere", ""},
		{"example.com", "csrftoken", "session"},
		{"example.com", "zz_q9_unknowable", ""},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d output lines for %d input lines:\n%s", len(lines), len(want), r.stdout)
	}
	purposes := map[string]bool{"session": true, "personalization": true, "tracking": true, "unknown": true}
	for i, w := range want {
		if w.domain == "" && w.name == "" {
			if lines[i] != "" {
				t.Errorf("line %d: want an empty line, got %q", i+1, lines[i])
			}
			continue
		}
		f := strings.Split(lines[i], "\t")
		if len(f) != 4 {
			t.Fatalf("line %d: %d fields: %q", i+1, len(f), lines[i])
		}
		if f[0] != w.domain || f[1] != w.name {
			t.Errorf("line %d: echoed %q %q, want %q %q", i+1, f[0], f[1], w.domain, w.name)
		}
		if !purposes[f[2]] {
			t.Errorf("line %d: purpose %q", i+1, f[2])
		}
		if w.purpose != "" && f[2] != w.purpose {
			t.Errorf("line %d: %s/%s classified %q (%s), want %q", i+1, w.domain, w.name, f[2], f[3], w.purpose)
		}
		if f[3] == "" {
			t.Errorf("line %d: empty reason", i+1)
		}
	}
}

// TestClassifyStreams checks that classify answers a line before its input
// ends: a pipeline can feed it interactively.
func TestClassifyStreams(t *testing.T) {
	s := newSandbox(t)
	cmd := exec.Command(crumbsBin, "classify")
	cmd.Env = s.env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	kill := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer kill.Stop()
	out := bufio.NewReader(stdout)
	for _, q := range []string{"example.com\t_ga", "example.com\tPHPSESSID"} {
		// One line in, stdin left open: the answer must come anyway.
		if _, err := stdin.Write([]byte(q + "\n")); err != nil {
			t.Fatal(err)
		}
		line, err := out.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, q+"\t") {
			t.Fatalf("answer to %q: %q, %v", q, line, err)
		}
	}
}
