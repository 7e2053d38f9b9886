package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// docExamples returns the runnable crumbs command lines of the code blocks
// of a Markdown file: lines that start with "crumbs ", without a trailing
// description (two spaces or more) or "# comment", and without the part
// after a pipe to another program. Synopsis lines (with [OPTIONAL],
// a|b alternatives or PLACEHOLDER words) are not examples.
func docExamples(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	synopsis := regexp.MustCompile(`\[|\||\b[A-Z]{2,}[A-Z.]*\b|\.\.\.`)
	command := regexp.MustCompile(`^crumbs (-|[a-z][a-z-]*( |$))`)
	var out []string
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "```") {
			in = !in
			continue
		}
		if !in || !strings.HasPrefix(l, "crumbs ") {
			continue
		}
		if i := strings.Index(l, "  "); i > 0 {
			l = l[:i]
		}
		if i := strings.Index(l, " # "); i > 0 {
			l = l[:i]
		}
		if i := strings.Index(l, " | "); i > 0 {
			l = l[:i] // the pipe's reader is not crumbs
		}
		l = strings.TrimSpace(l)
		if synopsis.MatchString(l) || !command.MatchString(l) {
			continue // a synopsis, the bare UI, or a screen capture's title line
		}
		out = append(out, l)
	}
	return out
}

// splitLine turns an example into arguments, with '…' quotes and a
// "< FILE" or "> FILE" redirection.
func splitLine(l string) (args []string, stdin, stdout string) {
	var cur strings.Builder
	quote := byte(0)
	have := false
	flush := func() {
		if have {
			args = append(args, cur.String())
		}
		cur.Reset()
		have = false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, have = c, true
		case c == ' ':
			flush()
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	flush()
	for i := 0; i < len(args)-1; i++ {
		switch args[i] {
		case "<", ">":
			if args[i] == "<" {
				stdin = args[i+1]
			} else {
				stdout = args[i+1]
			}
			args = append(args[:i], args[i+2:]...)
			i--
		}
	}
	return args[1:], stdin, stdout
}

// asks are the examples that, off a terminal, refuse without --yes (exit
// 2, naming --yes), as documented: the test runs them as they are and
// expects exactly that.
var asks = map[string]bool{
	"crumbs purge --purpose tracking": true,
	"crumbs clean firefox chrome":     true,
	"crumbs apply":                    true,
}

// TestDocExamples runs every command example of README.md and docs/cli.md
// against a home with Firefox, Chrome and Brave profiles and the files the
// examples name; it fails when one stops working.
func TestDocExamples(t *testing.T) {
	s := newSandbox(t)
	firefoxHome(t, s)
	exp := now.Add(90 * 24 * time.Hour)
	yt := []cookie.Cookie{
		{Domain: ".youtube.com", Path: "/", Name: "VISITOR_INFO1_LIVE", Value: "abc", Secure: true, HTTPOnly: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".youtube.com", Path: "/", Name: "PREF", Value: "f6=40000000", Secure: true, Expires: cookie.TimeOf(exp)},
		{Domain: ".doubleclick.net", Path: "/", Name: "IDE", Value: "x", Secure: true, Expires: cookie.TimeOf(exp)},
		{Domain: "github.com", HostOnly: true, Path: "/", Name: "user_session", Value: "s", Secure: true, HTTPOnly: true, Expires: cookie.TimeOf(exp)},
	}
	for _, dir := range []string{".config/google-chrome", ".config/BraveSoftware/Brave-Browser"} {
		s.write(dir+"/Local State", []byte(`{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`))
		store := filepath.Join(s.home, dir, "Default", "Cookies")
		mkdirAll(t, filepath.Dir(store))
		if err := gen.WriteChromiumStore(store, append(yt, gen.Cookies(30, 3, now, "")...), gen.ChromiumStoreOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := gen.WriteChromiumStore(filepath.Join(s.home, "Cookies"), yt, gen.ChromiumStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	s.write("Downloads/cookies.txt", netscapeOf(t, gen.Cookies(20, 4, now, "")))
	s.write("names.tsv", []byte("example.com\t_ga\nexample.com\tsessionid\n"))

	var lines []string
	for _, doc := range []string{"README.md", "docs/cli.md"} {
		ex := docExamples(t, filepath.Join(repoRoot, doc))
		if len(ex) < 5 {
			t.Fatalf("%s: only %d examples found: the parser no longer matches the document", doc, len(ex))
		}
		lines = append(lines, ex...)
	}
	for _, l := range lines {
		args, stdin, stdout := splitLine(l)
		in := ""
		if stdin != "" {
			data, err := os.ReadFile(filepath.Join(s.home, stdin))
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			in = string(data)
		}
		r := s.runEnv([]string{"CRUMBS_SAFE_STORAGE_PASSWORD=peanuts"}, in, args...)
		switch {
		case asks[l]:
			if r.code != 2 || !strings.Contains(r.stderr, "--yes") {
				t.Errorf("%s: want exit 2 asking for --yes off a terminal, got %v", l, r)
			}
		case r.code != 0:
			t.Errorf("%s: %v", l, r)
		}
		if stdout != "" {
			os.WriteFile(filepath.Join(s.home, stdout), []byte(r.stdout), 0o600)
		}
	}
	t.Logf("%d examples run", len(lines))
}
