package cli_test

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBadInput feeds crumbs malformed, foreign and hostile inputs. Each must
// give exactly one line on stderr that names the thing and the problem, exit
// 1 (2 for a usage error), never panic, and leave the jar exactly as it was.
func TestBadInput(t *testing.T) {
	s := newSandbox(t)
	good := s.write("good.json", jsonOf(t, genCookies(40, 1, "file:good.json")))
	s.ok("", "import", good)
	beforeState := s.state()

	fixtureDB := filepath.Join(repoRoot, "testdata", "firefox", "cookies.checkpointed.sqlite")

	type tc struct {
		name  string
		setup func(t *testing.T) []string // returns the arguments
		code  int
		want  []string // substrings of the one stderr line
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(rnd.UintN(256))
	}
	file := func(name string, data []byte) func(t *testing.T) []string {
		return func(t *testing.T) []string { return []string{"import", s.write(name, data)} }
	}
	cases := []tc{
		{"empty file", file("empty.txt", nil), 1, []string{"empty.txt"}},
		{"empty json", file("empty.json", nil), 1, []string{"empty.json"}},
		{"binary garbage", file("garbage.bin", garbage), 1, []string{"garbage.bin"}},
		{"10 MB line", file("huge.txt", append([]byte("# Netscape HTTP Cookie File\n"), bytes.Repeat([]byte("x"), 10<<20)...)), 1, []string{"huge.txt"}},
		{"wrong field counts", file("fields.txt", []byte("# Netscape HTTP Cookie File\na\tb\tc\n.x.com\tTRUE\t/\n1\t2\t3\t4\t5\t6\t7\t8\t9\n")), 1, []string{"fields.txt"}},
		{"invalid UTF-8", file("utf8.txt", []byte("\xff\xfe\xfd\xfc\n\xc3\x28\xa0\xa1\n")), 1, []string{"utf8.txt"}},
		{"invalid JSON", file("bad.json", []byte(`[{"domain": ".example.com", "name": "a", `)), 1, []string{"bad.json"}},
		{"JSON of non-cookies", file("other.json", []byte(`{"hello": [1, 2, 3], "world": {"a": null}}`)), 1, []string{"other.json"}},
		{"JSON array of non-cookies", file("numbers.json", []byte(`[1, 2, "three", null, [4]]`)), 1, []string{"numbers.json"}},
		{"deeply nested JSON", file("deep.json", append(bytes.Repeat([]byte("["), 1<<20), bytes.Repeat([]byte("]"), 1<<20)...)), 1, []string{"deep.json"}},
		{"prose", file("notes.txt", []byte("Hello,\nthis is a letter, not a cookie file.\nRegards\n")), 1, []string{"notes.txt"}},
		{"truncated SQLite", func(t *testing.T) []string {
			data, err := os.ReadFile(fixtureDB)
			if err != nil {
				t.Skip(err)
			}
			return []string{"import", s.write("truncated/cookies.sqlite", data[:3000])}
		}, 1, []string{"cookies.sqlite"}},
		{"SQLite of another program", func(t *testing.T) []string {
			p := filepath.Join(s.home, "notes.sqlite")
			db, err := sql.Open("sqlite", p)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hello')`); err != nil {
				t.Fatal(err)
			}
			return []string{"import", p}
		}, 1, []string{"notes.sqlite"}},
		{"binarycookies offsets out of range", func(t *testing.T) []string {
			var b bytes.Buffer
			b.WriteString("cook")
			binary.Write(&b, binary.BigEndian, uint32(2))          // two pages
			binary.Write(&b, binary.BigEndian, uint32(0x7fffffff)) // page 1: huge
			binary.Write(&b, binary.BigEndian, uint32(16))
			b.Write([]byte{0, 0, 1, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x0f})
			return []string{"import", s.write("Cookies.binarycookies", b.Bytes())}
		}, 1, []string{"Cookies.binarycookies"}},
		{"missing file", func(t *testing.T) []string {
			return []string{"import", filepath.Join(s.home, "does-not-exist.txt")}
		}, 1, []string{"does-not-exist.txt"}},
		{"directory as input", func(t *testing.T) []string {
			p := filepath.Join(s.home, "an-empty-dir")
			os.Mkdir(p, 0o755)
			return []string{"import", p}
		}, 1, []string{"an-empty-dir"}},
		{"FIFO as input", func(t *testing.T) []string {
			p := filepath.Join(s.home, "cookies.fifo.txt")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip("mkfifo:", err)
			}
			return []string{"import", p}
		}, 1, []string{"cookies.fifo.txt"}},
		{"symlink loop", func(t *testing.T) []string {
			p := filepath.Join(s.home, "loop.txt")
			os.Symlink(p, p)
			return []string{"import", p}
		}, 1, []string{"loop.txt"}},
		{"unknown browser", func(t *testing.T) []string {
			return []string{"import", "netscape-navigator:default"}
		}, 1, []string{"netscape-navigator"}},
		{"jar path under a regular file", func(t *testing.T) []string {
			f := s.write("plain-file", []byte("x"))
			return []string{"--jar", filepath.Join(f, "jar.db"), "import", good}
		}, 1, []string{"plain-file"}},
		{"jar that is not SQLite", func(t *testing.T) []string {
			p := s.write("notajar/jar.db", []byte("this is not a database, just text\n"))
			return []string{"--jar", p, "list"}
		}, 1, []string{"notajar", "jar.db"}},
		{"bad filter syntax", func(t *testing.T) []string { return []string{"list", "bogus:x"} }, 2, []string{"bogus"}},
		{"unterminated quote", func(t *testing.T) []string { return []string{"purge", `name:"abc`, "--yes"} }, 2, []string{"quote"}},
		{"bad filter in trash restore", func(t *testing.T) []string { return []string{"trash", "restore", "is:nonsense"} }, 2, []string{"nonsense"}},
		{"unknown flag", func(t *testing.T) []string { return []string{"list", "--bogus"} }, 2, []string{"--bogus"}},
		{"unknown command", func(t *testing.T) []string { return []string{"frobnicate"} }, 2, []string{"frobnicate"}},
		{"import without a source", func(t *testing.T) []string { return []string{"import"} }, 2, []string{"SOURCE"}},
		{"unknown purpose", func(t *testing.T) []string { return []string{"set-purpose", "yummy", "name:_ga"} }, 2, []string{"yummy"}},
		{"purge without --yes off a terminal", func(t *testing.T) []string { return []string{"purge", "--purpose", "tracking"} }, 2, []string{"--yes"}},
		{"unknown export format", func(t *testing.T) []string { return []string{"export", "--format", "xml"} }, 2, []string{"xml"}},
		{"header without url", func(t *testing.T) []string { return []string{"export", "--format", "header"} }, 2, []string{"--url"}},
		{"bad --sort", func(t *testing.T) []string { return []string{"list", "--sort", "color"} }, 2, []string{"color"}},
		{"export into a missing directory", func(t *testing.T) []string {
			return []string{"export", "-o", filepath.Join(s.home, "no", "such", "dir", "cookies.txt")}
		}, 1, []string{"cookies.txt"}},
		{"export onto a directory", func(t *testing.T) []string {
			return []string{"export", "-o", s.home}
		}, 1, []string{s.home}},
		{"bad rules file", func(t *testing.T) []string {
			return []string{"--rules", s.write("rules.toml", []byte("[[rule]\nname = ")), "import", good}
		}, 1, []string{"rules.toml"}},
	}
	if os.Geteuid() != 0 {
		cases = append(cases, tc{"read-only jar directory", func(t *testing.T) []string {
			dir := filepath.Join(s.home, "ro")
			os.Mkdir(dir, 0o500)
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			return []string{"--jar", filepath.Join(dir, "jar.db"), "import", good}
		}, 1, []string{"ro"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := dump(t, s.jar)
			args := c.setup(t)
			r := s.run("", args...)
			if r.code != c.code {
				t.Fatalf("crumbs %s: want exit %d, got %v", strings.Join(args, " "), c.code, r)
			}
			checkOneErrorLine(t, r, c.want...)
			if r.stdout != "" {
				t.Errorf("stdout must be empty on error, got %q", r.stdout)
			}
			if got := dump(t, s.jar); got != before {
				t.Fatalf("the jar changed")
			}
		})
	}
	if got := s.state(); got != beforeState {
		t.Fatalf("the jar's cookies changed")
	}
}

// checkOneErrorLine checks that stderr is exactly one "crumbs: " line
// containing every want.
func checkOneErrorLine(t *testing.T, r result, want ...string) {
	t.Helper()
	line := strings.TrimSuffix(r.stderr, "\n")
	if line == "" || strings.Contains(line, "\n") {
		t.Fatalf("want one error line on stderr, got %q", r.stderr)
	}
	if !strings.HasPrefix(line, "crumbs: ") {
		t.Errorf("error line does not start with 'crumbs: ': %q", line)
	}
	if strings.Contains(line, "panic") || strings.Contains(line, "goroutine") {
		t.Errorf("panic: %q", line)
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Errorf("error line %q does not mention %q", line, w)
		}
	}
	t.Logf("stderr: %s", line)
}

// TestNewerSchemaJar opens a jar that a newer crumbs wrote: refused with a
// clear line, file untouched.
func TestNewerSchemaJar(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(5, 2, "file:a.json"))))
	db, err := sql.Open("sqlite", s.jar)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := dump(t, s.jar)
	for _, args := range [][]string{{"list"}, {"import", filepath.Join(s.home, "a.json")}, {"undo"}} {
		r := s.run("", args...)
		if r.code != 1 {
			t.Fatalf("crumbs %v on a newer jar: want exit 1, got %v", args, r)
		}
		checkOneErrorLine(t, r, "jar.db", "newer")
	}
	if dump(t, s.jar) != before {
		t.Fatal("the newer jar was changed")
	}
}

// TestJarParentCreated: a jar path whose parent directories do not exist yet
// is created (0700 directory, 0600 file).
func TestJarParentCreated(t *testing.T) {
	s := newSandbox(t)
	p := filepath.Join(s.home, "a", "b", "c", "jar.db")
	s.ok("", "--jar", p, "import", s.write("a.json", jsonOf(t, genCookies(3, 3, "file:a.json"))))
	checkMode(t, p, 0o600)
	checkMode(t, filepath.Dir(p), 0o700)
}
