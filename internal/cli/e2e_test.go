package cli_test

// End-to-end tests of the built binary: TestMain builds crumbs once, every
// test runs it with exec in a sandbox whose HOME and XDG directories are
// fresh temporary folders, so the real user's browsers and jar are never
// touched.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var (
	crumbsBin string // the binary under test
	repoRoot  string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	root, err := testshared.FindRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "crumbs-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	crumbsBin = filepath.Join(dir, "crumbs")
	build := exec.Command("go", "build", "-o", crumbsBin, ".")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building crumbs: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// sandbox is one fake user: a home folder with XDG dirs and a default jar.
type sandbox struct {
	t    *testing.T
	home string
	jar  string // the default jar path the binary uses
	env  []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	home := t.TempDir()
	s := &sandbox{t: t, home: home}
	s.jar = filepath.Join(home, ".local", "share", "crumbs", "jar.db")
	s.env = []string{
		"HOME=" + home,
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"XDG_RUNTIME_DIR=" + filepath.Join(home, "run"),
		"PATH=" + os.Getenv("PATH"),
		"TMPDIR=" + os.TempDir(),
		"TZ=UTC",
		"LANG=C.UTF-8",
		// No D-Bus: keyring lookups fail fast instead of reaching the host's.
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(home, "no-bus"),
	}
	return s
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstderr:\n%s\nstdout (%d bytes):\n%.2000s", r.code, r.stderr, len(r.stdout), r.stdout)
}

// run runs crumbs with stdin and args.
func (s *sandbox) run(stdin string, args ...string) result {
	s.t.Helper()
	return s.runEnv(nil, stdin, args...)
}

func (s *sandbox) runEnv(extraEnv []string, stdin string, args ...string) result {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, crumbsBin, args...)
	cmd.Dir = s.home
	cmd.Env = append(append([]string(nil), s.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			s.t.Fatalf("crumbs %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		s.t.Fatalf("crumbs %s: timed out", strings.Join(args, " "))
	}
	return result{out.String(), errb.String(), code}
}

// ok runs crumbs and fails the test unless it exits 0.
func (s *sandbox) ok(stdin string, args ...string) result {
	s.t.Helper()
	r := s.run(stdin, args...)
	if r.code != 0 {
		s.t.Fatalf("crumbs %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// write writes a file in the sandbox and returns its path.
func (s *sandbox) write(name string, data []byte) string {
	s.t.Helper()
	p := filepath.Join(s.home, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// now is the fixed "now" of generated data; the binary runs with the real
// clock, so generated expiries are relative to the test's start.
var now = time.Now().UTC().Truncate(time.Second)

func jsonOf(t testing.TB, cs []cookie.Cookie) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := cookiejson.Write(&b, cs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func netscapeOf(t testing.TB, cs []cookie.Cookie) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := netscape.Write(&b, cs, netscape.WriteOptions{Now: now}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// state is everything the user can see of a jar: live cookies and trash.
func (s *sandbox) state(args ...string) string {
	s.t.Helper()
	live := s.ok("", append([]string{"list", "--json"}, args...)...).stdout
	trash := s.ok("", append([]string{"trash", "list", "--json"}, args...)...).stdout
	return live + "\n--- trash ---\n" + trash
}

// dump renders every row of every table of the SQLite file at path, opened
// read-only, in a stable order: the jar's full content.
func dump(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	var uv int
	if err := db.QueryRow("PRAGMA user_version").Scan(&uv); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fmt.Fprintf(&b, "user_version %d\n", uv)
	rows, err := db.Query("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var tables []string
	for rows.Next() {
		var name string
		var sqlText sql.NullString
		if err := rows.Scan(&name, &sqlText); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		fmt.Fprintf(&b, "%s\n", sqlText.String)
	}
	rows.Close()
	for _, table := range tables {
		q := `SELECT * FROM "` + table + `"`
		if table == "meta" {
			// The generation counts write transactions (jar/importdigest.go):
			// an undo writes too, so it is not part of what undo restores.
			q += ` WHERE key != 'generation'`
		}
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d rows)\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		copyFile(t, p, target)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// createJar makes the sandbox's default jar, empty, as the binary's first
// write would (read commands never create one, and an import of a file
// with no cookie is an error).
func (s *sandbox) createJar() {
	s.t.Helper()
	j, err := jar.Open(s.jar)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		s.t.Fatal(err)
	}
}
