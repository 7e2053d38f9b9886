package cli_test

// Hostile inputs (issue 8): each test builds its hostile fixture itself,
// runs the real binary on it with a deadline the test enforces, and checks
// the child's peak memory where the bound is about memory.

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bounded is one run of the binary: its result, wall time and peak RSS.
type bounded struct {
	result
	wall    time.Duration
	peakRSS int64 // bytes
}

// runBounded runs crumbs and fails the test if it does not end within
// deadline (the child is then killed).
func (s *sandbox) runBounded(deadline time.Duration, extraEnv []string, stdin string, args ...string) bounded {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, crumbsBin, args...)
	cmd.Dir = s.home
	cmd.Env = append(append([]string(nil), s.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	b := bounded{wall: time.Since(start)}
	if ctx.Err() != nil {
		s.t.Fatalf("crumbs %s: still running after %s (killed)\nstderr: %s", strings.Join(args, " "), deadline, errb.String())
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			s.t.Fatalf("crumbs %s: %v", strings.Join(args, " "), err)
		}
	}
	b.result = result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		b.peakRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return b
}

// sqliteFile creates an SQLite file at path from statements.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

const mozCookiesTable = `CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',
	name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER, creationTime INTEGER,
	isSecure INTEGER, isHttpOnly INTEGER, inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0,
	rawSameSite INTEGER DEFAULT 0, schemeMap INTEGER DEFAULT 0)`

const chromiumTables = `CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);
	INSERT INTO meta VALUES ('version', '24');`

const chromiumCookies = `CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL, top_frame_site_key TEXT NOT NULL,
	name TEXT NOT NULL, value TEXT NOT NULL, encrypted_value BLOB NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL,
	is_secure INTEGER NOT NULL, is_httponly INTEGER NOT NULL, last_access_utc INTEGER NOT NULL, has_expires INTEGER NOT NULL,
	is_persistent INTEGER NOT NULL, priority INTEGER NOT NULL, samesite INTEGER NOT NULL, source_scheme INTEGER NOT NULL,
	source_port INTEGER NOT NULL, last_update_utc INTEGER NOT NULL, source_type INTEGER NOT NULL, has_cross_site_ancestor INTEGER NOT NULL)`

// endless is a SELECT that never ends: a recursive CTE without a bound.
const endless = `WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT x FROM r`

// firefoxProfile makes a discoverable Firefox profile in the sandbox and
// returns its directory.
func (s *sandbox) firefoxProfile() string {
	s.t.Helper()
	root := filepath.Join(s.home, ".mozilla", "firefox")
	dir := filepath.Join(root, "abc.default-release")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	ini := "[Profile0]\nName=default-release\nIsRelative=1\nPath=abc.default-release\nDefault=1\n"
	if err := os.WriteFile(filepath.Join(root, "profiles.ini"), []byte(ini), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return dir
}

// TestSQLiteStoresInert (issue 8 item 1): a moz_cookies, cookies or meta
// that is a view (here one that never ends) or a virtual table is refused
// by name in import, export --from and browsers, within a deadline; a row
// with a value larger than any browser stores is refused with a warning.
func TestSQLiteStoresInert(t *testing.T) {
	s := newSandbox(t)
	dir := t.TempDir()
	ffView := filepath.Join(dir, "ffview", "cookies.sqlite")
	sqliteFile(t, ffView, `CREATE VIEW moz_cookies AS SELECT x AS id, '' AS originAttributes, 'n' AS name, 'v' AS value,
		'a.example' AS host, '/' AS path, 4000000000 AS expiry FROM (`+endless+`)`)
	ffVirtual := filepath.Join(dir, "ffvirtual", "cookies.sqlite")
	sqliteFile(t, ffVirtual, `CREATE VIRTUAL TABLE moz_cookies USING fts5(name, value, host, path, expiry)`,
		`INSERT INTO moz_cookies VALUES ('n', 'v', 'a.example', '/', 4000000000)`)
	chView := filepath.Join(dir, "chview", "Cookies")
	sqliteFile(t, chView, chromiumTables, `CREATE VIEW cookies AS SELECT 0 AS creation_utc, 'a.example' AS host_key,
		'' AS top_frame_site_key, 'n' AS name, 'v' AS value, x'' AS encrypted_value, '/' AS path, 0 AS expires_utc FROM (`+endless+`)`)
	metaView := filepath.Join(dir, "metaview", "Cookies")
	sqliteFile(t, metaView, chromiumCookies, `CREATE VIEW meta AS SELECT 'version' AS key, x AS value FROM (`+endless+`)`)

	for _, tc := range []struct{ path, want string }{
		{ffView, "moz_cookies is a view"},
		{ffVirtual, "moz_cookies is a virtual table"},
		{chView, "cookies is a view"},
		{metaView, "meta is a view"},
	} {
		for _, args := range [][]string{{"import", tc.path}, {"export", "--from", tc.path, "-o", filepath.Join(dir, "out.txt")}} {
			r := s.runBounded(20*time.Second, nil, "", args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, tc.path) {
				t.Errorf("crumbs %s: want exit 1 naming the file and %q, got %v", strings.Join(args, " "), tc.want, r.result)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.txt")); err == nil {
		t.Errorf("an export of a refused store wrote its output")
	}

	// browsers (and the UI's welcome screen, which counts the same way).
	profile := s.firefoxProfile()
	copyFile(t, ffView, filepath.Join(profile, "cookies.sqlite"))
	r := s.runBounded(20*time.Second, nil, "", "browsers")
	if !strings.Contains(r.stderr, "moz_cookies is a view") {
		t.Errorf("browsers does not refuse the view: %v", r.result)
	}

	// A real table with one row whose value is 100 KB: that row is refused
	// with a warning, the other imported.
	big := filepath.Join(dir, "big", "cookies.sqlite")
	sqliteFile(t, big, mozCookiesTable,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('ok', 'v', 'a.example', '/', 4000000000, 0, 0)`,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('huge', hex(zeroblob(50000)), 'b.example', '/', 4000000000, 0, 0)`)
	r = s.runBounded(20*time.Second, nil, "", "import", big)
	if r.code != 0 || !strings.Contains(r.stderr, "larger than 64 KiB") {
		t.Fatalf("import of a store with a 100 KB value: %v", r.result)
	}
	if out := s.ok("", "list", "--json").stdout; !strings.Contains(out, `"ok"`) || strings.Contains(out, "huge") {
		t.Errorf("the jar should hold the good row only:\n%s", out)
	}
}
