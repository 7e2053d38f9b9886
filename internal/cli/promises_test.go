package cli_test

// End-to-end tests of the promises of issue 9: each drives the built binary
// the way a user would.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestSeveralSourcesOneMistake (issue 9 item 6): Firefox present, Chrome
// absent: `import firefox chrome` imports Firefox, names Chrome as not
// found, exits 1; `import all` of two browsers is one undo step.
func TestSeveralSourcesOneMistake(t *testing.T) {
	s := newSandbox(t)
	dir := s.firefoxProfile()
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), gen.Cookies(25, 4, now, "")); err != nil {
		t.Fatal(err)
	}
	r := s.run("", "import", "firefox", "chrome")
	if r.code != 1 {
		t.Fatalf("want exit 1 for a partial success, got %v", r)
	}
	ff := readCount(t, r.stderr, "firefox:default-release")
	if ff == 0 || !strings.Contains(r.stderr, fmt.Sprintf("imported: %d added", ff)) {
		t.Errorf("Firefox not reported as imported:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "crumbs: no Google Chrome profile found") {
		t.Errorf("Chrome not named as not found:\n%s", r.stderr)
	}
	if n := strings.Count(s.ok("", "list", "source:firefox").stdout, "\n") - 1; n != ff {
		t.Errorf("%d Firefox cookies in the jar, want %d", n, ff)
	}

	// A second browser, then import all: one undo step takes both back.
	chrome := filepath.Join(s.home, ".config", "chromium", "Default", "Cookies")
	mkdirAll(t, filepath.Dir(chrome))
	s.write(".config/chromium/Local State", []byte(`{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`))
	if err := gen.WriteChromiumStore(chrome, gen.Cookies(15, 5, now, ""), gen.ChromiumStoreOptions{Scheme: "plain"}); err != nil {
		t.Fatal(err)
	}
	s.ok("", "undo")
	r = s.ok("", "import", "all")
	ch := readCount(t, r.stderr, "chromium:Person 1")
	if ch == 0 || !strings.Contains(r.stderr, fmt.Sprintf("imported: %d added", ff+ch)) {
		t.Fatalf("import all: %v", r)
	}
	s.ok("", "undo")
	if out := s.ok("", "list").stdout; strings.Count(out, "\n") > 1 {
		t.Errorf("one undo after import all left cookies:\n%s", out)
	}
}

// readCount finds "SOURCE: read N cookies" in stderr.
func readCount(t *testing.T, stderr, source string) int {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(source) + `: read ([0-9,]+) cookies?`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no read line for %s:\n%s", source, stderr)
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// TestNegatedFilterTerms (issue 9 item 1): the README's negated terms work
// as plain arguments, real flags keep working anywhere on the line, an
// unknown flag is a usage error naming it, no -o file is created when the
// line is wrong, and completion offers the filter keys.
func TestNegatedFilterTerms(t *testing.T) {
	s := newSandbox(t)
	exp := now.Add(48 * time.Hour)
	cs := []cookie.Cookie{
		{Source: "file:x", Domain: ".example.com", Path: "/", Name: "sid", Value: "1", Expires: cookie.TimeOf(exp)},
		{Source: "file:x", Domain: ".example.com", Path: "/", Name: "theme", Value: "2", Expires: cookie.TimeOf(exp)},
		{Source: "file:x", Domain: ".example.com", Path: "/", Name: "gone", Value: "3", Expires: cookie.TimeOf(now.Add(-time.Hour))},
		{Source: "file:x", Domain: ".other.org", Path: "/", Name: "sid", Value: "4", Session: true},
	}
	s.ok("", "import", s.write("in.json", jsonOf(t, cs)))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "-is:expired"}, ".example.com/sid .example.com/theme .other.org/sid"},
		{[]string{"list", "domain:example.com", "-name:sid"}, ".example.com/gone .example.com/theme"},
		{[]string{"list", "-is:expired", "--sort", "name", "-name:sid"}, ".example.com/theme"},
		{[]string{"list", "--limit", "5", "-theme", "-gone"}, ".example.com/sid .other.org/sid"},
		{[]string{"--jar", s.jar, "list", "-domain:other.org", "-is:session"}, ".example.com/gone .example.com/sid .example.com/theme"},
	} {
		r := s.ok("", tc.args...)
		if got := tableNames(r); got != tc.want {
			t.Errorf("crumbs %s: got %s, want %s", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	r := s.ok("", "export", "--format", "json", "-is:expired")
	var arr []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &arr); err != nil || len(arr) != 3 {
		t.Errorf("export --format json -is:expired: %d cookies (%v)", len(arr), err)
	}
	r = s.ok("", "purge", "-purpose:session", "--dry-run")
	if !strings.Contains(r.stderr, "dry run") {
		t.Errorf("purge -purpose:session --dry-run: %v", r)
	}
	r = s.ok("", "set-purpose", "tracking", "-name:sid", "-is:expired")
	if !strings.Contains(r.stderr, "1 cookie") {
		t.Errorf("set-purpose with negated terms: %v", r)
	}

	// Unknown flags are usage errors naming them; no -o file appears.
	out := filepath.Join(s.home, "never.txt")
	for _, args := range [][]string{
		{"export", "-o", out, "--bogus"},
		{"export", "-o", out, "-is:whatever"},
		{"export", "--bogus", "-o", out, "-is:expired"},
		{"list", "-x"},
		{"export", "-o", out, "--format", "xml"},
	} {
		r := s.run("", args...)
		if r.code != 2 {
			t.Errorf("crumbs %s: want exit 2, got %v", strings.Join(args, " "), r)
		}
		if !strings.Contains(r.stderr, "bogus") && !strings.Contains(r.stderr, "whatever") &&
			!strings.Contains(r.stderr, "'x'") && !strings.Contains(r.stderr, "xml") {
			t.Errorf("crumbs %s: the error does not name the mistake: %q", strings.Join(args, " "), r.stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("crumbs %s created %s", strings.Join(args, " "), out)
		}
	}

	// Completion offers the filter keys and is: words.
	r = s.ok("", "__complete", "list", "")
	for _, k := range []string{"domain:", "name:", "purpose:", "is:", "source:", "value:"} {
		if !strings.Contains(r.stdout, k+"\n") {
			t.Errorf("completion lacks %s:\n%s", k, r.stdout)
		}
	}
	r = s.ok("", "__complete", "export", "is:")
	if !strings.Contains(r.stdout, "is:expired\n") {
		t.Errorf("completion of is: lacks is:expired:\n%s", r.stdout)
	}
}

// TestWordsAreRight (issue 9 item 9): singular and plural, thousands
// separators in human output, completion refusing an unknown shell with
// exit 2. (The purpose explanation without doubled reasons or "(by none)"
// is internal/app's TestExplain; the UI shows that text.)
func TestWordsAreRight(t *testing.T) {
	s := newSandbox(t)
	one := []cookie.Cookie{{Source: "file:one", Domain: ".example.com", Path: "/", Name: "a", Value: "1", Session: true}}
	r := s.ok("", "import", s.write("one.json", jsonOf(t, one)))
	if !strings.Contains(r.stderr, "~/one.json: read 1 cookie\n") || strings.Contains(r.stderr, "1 cookies") {
		t.Errorf("singular: %v", r)
	}
	r = s.ok("", "export", "-o", filepath.Join(s.home, "one.txt"))
	if !strings.Contains(r.stderr, "wrote 1 cookie to") {
		t.Errorf("singular on export: %v", r)
	}
	many := gen.Cookies(1500, 9, now, "file:many")
	r = s.ok("", "import", s.write("many.json", jsonOf(t, many)))
	n := readCount(t, r.stderr, "many.json")
	if n < 1000 || !strings.Contains(r.stderr, "read "+thousands(n)+" cookies") {
		t.Errorf("no thousands separator in %q", r.stderr)
	}
	if !regexp.MustCompile(`imported: [0-9],[0-9]{3} added`).MatchString(r.stderr) {
		t.Errorf("import counts without separators: %q", r.stderr)
	}
	r = s.run("", "completion", "tcsh")
	if r.code != 2 || !strings.Contains(r.stderr, "tcsh") || r.stdout != "" {
		t.Errorf("completion of an unknown shell: %v", r)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := s.ok("", "completion", sh); !strings.Contains(r.stdout, "crumbs") {
			t.Errorf("completion %s printed no script", sh)
		}
	}
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestReadCommandsNeverCreateAJar (issue 9 item 7): list, export, trash
// list and the UI with --readonly on a path with no jar say so and exit 1;
// --rules on a read command classifies for display and writes nothing.
func TestReadCommandsNeverCreateAJar(t *testing.T) {
	s := newSandbox(t)
	missing := filepath.Join(s.home, "nowhere", "jar.db")
	for _, args := range [][]string{
		{"list"}, {"list", "--json"}, {"export"}, {"export", "--format", "json", "-o", filepath.Join(s.home, "x.json")},
		{"trash", "list"}, {"trash"}, {"--readonly"},
	} {
		r := s.run("", append([]string{"--jar", missing}, args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "no jar at "+missing) {
			t.Errorf("crumbs %s on no jar: %v", strings.Join(args, " "), r)
		}
		if _, err := os.Stat(filepath.Dir(missing)); err == nil {
			t.Fatalf("crumbs %s created %s", strings.Join(args, " "), filepath.Dir(missing))
		}
	}
	if _, err := os.Stat(filepath.Join(s.home, "x.json")); err == nil {
		t.Errorf("export on no jar wrote its -o file")
	}
	// The default jar too: nothing appears under XDG_DATA_HOME.
	if r := s.run("", "list"); r.code != 1 {
		t.Errorf("list on no default jar: %v", r)
	}
	if _, err := os.Stat(s.jar); err == nil {
		t.Errorf("list created the default jar")
	}

	// --rules on a read command: the rules' purpose shows, the jar keeps its own.
	cs := []cookie.Cookie{{Source: "file:x", Domain: ".example.com", Path: "/", Name: "crumbs_pref", Value: "1", Session: true}}
	s.ok("", "import", s.write("in.json", jsonOf(t, cs)))
	before := dump(t, s.jar)
	rules := s.write("rules.toml", []byte("[[rule]]\nname = \"crumbs_pref\"\npurpose = \"tracking\"\nreason = \"test rule\"\n"))
	r := s.ok("", "--rules", rules, "list", "purpose:tracking")
	if !strings.Contains(r.stdout, "crumbs_pref") {
		t.Errorf("--rules did not classify for display: %v", r)
	}
	r = s.ok("", "--rules", rules, "export", "--format", "json")
	if !strings.Contains(r.stdout, `"purpose":"tracking"`) {
		t.Errorf("--rules did not reach the export: %.300s", r.stdout)
	}
	if after := dump(t, s.jar); after != before {
		t.Errorf("a read command with --rules wrote the jar")
	}
	if r := s.ok("", "list", "purpose:tracking"); strings.Contains(r.stdout, "crumbs_pref") {
		t.Errorf("the rules' purpose was stored")
	}
}

// TestEveryFileIsItsOwnSource (issue 9 item 4): two downloaded cookies.txt
// files of one name are two sources, shown shortened under ~; --prune on
// one never touches the other's cookies.
func TestEveryFileIsItsOwnSource(t *testing.T) {
	s := newSandbox(t)
	exp := now.Add(72 * time.Hour)
	mk := func(names ...string) []cookie.Cookie {
		var cs []cookie.Cookie
		for _, n := range names {
			cs = append(cs, cookie.Cookie{Domain: ".example.com", Path: "/", Name: n, Value: "v", Expires: cookie.TimeOf(exp)})
		}
		return cs
	}
	a := s.write("Downloads/cookies.txt", netscapeOf(t, mk("a1", "a2", "shared")))
	b := s.write("Desktop/cookies.txt", netscapeOf(t, mk("b1", "shared")))
	r := s.ok("", "import", a, b)
	for _, want := range []string{"~/Downloads/cookies.txt: read 3 cookies", "~/Desktop/cookies.txt: read 2 cookies", "imported: 5 added"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("import lacks %q:\n%s", want, r.stderr)
		}
	}
	list := s.ok("", "list", "--sort", "name").stdout
	if !strings.Contains(list, "~/Downloads/cookies.txt") || !strings.Contains(list, "~/Desktop/cookies.txt") {
		t.Errorf("sources not shown shortened:\n%s", list)
	}
	var arr []struct {
		Crumbs struct{ Source string } `json:"crumbs"`
	}
	json.Unmarshal([]byte(s.ok("", "list", "--json", "name:a1").stdout), &arr)
	if len(arr) != 1 || arr[0].Crumbs.Source != "file:"+a {
		t.Errorf("the id is not the absolute path: %+v", arr)
	}
	// One cookie gone from the first file: --prune on it leaves the other file's.
	os.WriteFile(a, netscapeOf(t, mk("a1", "shared")), 0o600)
	r = s.ok("", "import", "--prune", a)
	if !strings.Contains(r.stderr, "1 pruned") {
		t.Errorf("prune: %v", r)
	}
	got := tableNames(s.ok("", "list", "--sort", "name"))
	if got != ".example.com/a1 .example.com/b1 .example.com/shared .example.com/shared" {
		t.Errorf("after --prune of one file: %s", got)
	}
}

// tableNames lists "domain/name" of a list table, sorted.
func tableNames(r result) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		f := strings.Fields(l)
		out = append(out, f[0]+"/"+f[1])
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestEditsExportWouldDropAreRefused (issue 9 item 8), through the
// command line's edit path: the model's validation refuses with the reason
// and the jar keeps the cookie. (The UI form: ui's
// TestEditRefusesWhatExportDrops; the rules: jar/cookie's TestValidate.)
func TestEditsExportWouldDropAreRefused(t *testing.T) {
	s := newSandbox(t)
	cs := []cookie.Cookie{{Source: "file:x", Domain: ".example.com", Path: "/", Name: "pref", Value: "dark", Expires: cookie.TimeOf(now.Add(48 * time.Hour))}}
	s.ok("", "import", s.write("in.json", jsonOf(t, cs)))
	before := s.state()
	for _, set := range []string{"value= padded ", "value=a;b", "value=tab\there"} {
		r := s.run("", "edit", "name:pref", "--set", set)
		if r.code == 0 || !strings.Contains(r.stderr, "value: must not") {
			t.Errorf("edit --set %q: %v", set, r)
		}
	}
	if s.state() != before {
		t.Errorf("a refused edit changed the jar")
	}
	// A valid edit, with a negated term on the line, goes through.
	r := s.ok("", "edit", "name:pref", "-name:other", "--set", "value=light")
	if !strings.Contains(s.ok("", "list", "--values").stdout, "light") {
		t.Errorf("valid edit not applied: %v", r)
	}
}
