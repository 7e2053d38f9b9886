package cli_test

// Hostile inputs (issue 8): each test builds its hostile fixture itself,
// runs the real binary on it with a deadline the test enforces, and checks
// the child's peak memory where the bound is about memory.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/internal/gen"
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

// lz4Ext appends LZ4's length extension bytes for n (the part past 15).
func lz4Ext(b []byte, n int) []byte {
	for n >= 255 {
		b = append(b, 255)
		n -= 255
	}
	return append(b, byte(n))
}

// repeatingMozLz4 builds, without ever holding it, a mozLz4 file whose
// declared and real content is size bytes of a valid session store: one
// session cookie repeated by a single long LZ4 match. About size/255 bytes.
func repeatingMozLz4(size int) []byte {
	c := `{"host":"a.example","name":"n","value":"v","path":"/"},`
	lit1 := `{"cookies":[` + c
	last := c[:len(c)-1] + `]}`
	q := (size - len(lit1) - len(last)) / len(c)
	pad := size - len(lit1) - q*len(c) - len(last)
	final := last + strings.Repeat(" ", pad)
	out := []byte("mozLz40\x00")
	out = append(out, byte(size), byte(size>>8), byte(size>>16), byte(size>>24))
	matchLen := q * len(c)
	out = append(out, 0xff)
	out = lz4Ext(out, len(lit1)-15)
	out = append(out, lit1...)
	out = append(out, byte(len(c)), byte(len(c)>>8))
	out = lz4Ext(out, matchLen-4-15)
	out = append(out, 0xf0)
	out = lz4Ext(out, len(final)-15)
	return append(out, final...)
}

// TestDecompressorsBounded (issue 8 item 4): a 1 MB session store claiming
// (and really expanding to) 256 MiB of cookies, and a binarycookies whose
// page lists one record two million times, end in one clear error within a
// deadline and with the child's peak RSS under 512 MB.
func TestDecompressorsBounded(t *testing.T) {
	// The fixture builder is right: a small one decodes to valid JSON.
	small := repeatingMozLz4(1 << 20)
	if dec, err := mozlz4.Decode(small); err != nil || !json.Valid(dec) || len(dec) != 1<<20 {
		t.Fatalf("fixture builder: %v (%d bytes)", err, len(dec))
	}
	s := newSandbox(t)
	profile := filepath.Join(t.TempDir(), "profile")
	sqliteFile(t, filepath.Join(profile, "cookies.sqlite"), mozCookiesTable,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('ok', 'v', 'a.example', '/', 4000000000, 0, 0)`)
	store := filepath.Join(profile, "sessionstore-backups", "recovery.jsonlz4")
	os.MkdirAll(filepath.Dir(store), 0o700)
	bomb := repeatingMozLz4(256 << 20)
	if err := os.WriteFile(store, bomb, 0o600); err != nil {
		t.Fatal(err)
	}
	r := s.runBounded(60*time.Second, nil, "", "import", profile)
	t.Logf("mozLz4 bomb (%d bytes on disk): exit %d, %s, peak RSS %d MB", len(bomb), r.code, r.wall, r.peakRSS>>20)
	if r.code != 1 || !strings.Contains(r.stderr, store) {
		t.Errorf("want exit 1 naming %s: %v", store, r.result)
	}
	if r.peakRSS > 512<<20 {
		t.Errorf("peak RSS %d MB, over 512 MB", r.peakRSS>>20)
	}

	// binarycookies: one record, listed 2,000,000 times (8 MB on disk).
	le, be := binary.LittleEndian, binary.BigEndian
	rec := make([]byte, 56)
	strs := ".example.com\x00sid\x00/\x00v\x00"
	le.PutUint32(rec[0:], uint32(56+len(strs)))
	le.PutUint32(rec[16:], 56)
	le.PutUint32(rec[20:], 56+13)
	le.PutUint32(rec[24:], 56+17)
	le.PutUint32(rec[28:], 56+19)
	rec = append(rec, strs...)
	const n = 2_000_000
	page := append([]byte{0, 0, 1, 0}, le.AppendUint32(nil, n)...)
	at := uint32(8 + 4*n)
	for range n {
		page = le.AppendUint32(page, at)
	}
	page = append(page, rec...)
	file := be.AppendUint32(be.AppendUint32([]byte("cook"), 1), uint32(len(page)))
	file = append(append(file, page...), 0, 0, 0, 0, 0x07, 0x17, 0x20, 0x05, 0, 0, 0, 0x4b)
	bc := filepath.Join(t.TempDir(), "Cookies.binarycookies")
	if err := os.WriteFile(bc, file, 0o600); err != nil {
		t.Fatal(err)
	}
	r = s.runBounded(60*time.Second, nil, "", "import", bc)
	t.Logf("repeating binarycookies (%d bytes): exit %d, %s, peak RSS %d MB", len(file), r.code, r.wall, r.peakRSS>>20)
	if r.code != 1 || !strings.Contains(r.stderr, bc) {
		t.Errorf("want exit 1 naming %s: %v", bc, r.result)
	}
	if r.peakRSS > 512<<20 {
		t.Errorf("peak RSS %d MB, over 512 MB", r.peakRSS>>20)
	}
}

// TestSideFilesRegularOnly (issue 8 item 3): a FIFO containers.json does
// not block the import (a warning says why names are missing), and a
// symlinked sessionstore-backups/ leading out of the profile is refused
// rather than read.
func TestSideFilesRegularOnly(t *testing.T) {
	s := newSandbox(t)
	profile := filepath.Join(t.TempDir(), "profile")
	sqliteFile(t, filepath.Join(profile, "cookies.sqlite"), mozCookiesTable,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('ok', 'v', 'a.example', '/', 4000000000, 0, 0)`)
	if err := syscall.Mkfifo(filepath.Join(profile, "containers.json"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	r := s.runBounded(15*time.Second, nil, "", "import", profile)
	if r.code != 0 || !strings.Contains(r.stderr, "containers.json") || !strings.Contains(r.stderr, "FIFO") {
		t.Fatalf("FIFO containers.json: %v", r.result)
	}

	// sessionstore-backups/ is a link to a folder outside the profile
	// holding a valid session store with a cookie of its own.
	outside := t.TempDir()
	doc, _ := json.Marshal(map[string]any{"cookies": []map[string]any{{"host": "outside.example", "name": "leak", "value": "x", "path": "/"}}})
	enc, err := mozlz4.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(outside, "recovery.jsonlz4"), enc, 0o600)
	if err := os.Symlink(outside, filepath.Join(profile, "sessionstore-backups")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(profile, "containers.json"))
	r = s.runBounded(15*time.Second, nil, "", "import", profile)
	if r.code != 1 || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("symlinked sessionstore-backups: %v", r.result)
	}
	if out := s.ok("", "list", "--json").stdout; strings.Contains(out, "leak") {
		t.Errorf("a cookie from outside the profile was imported:\n%s", out)
	}
}

// TestDamagedReadFailsImport (issue 8 item 2): a Chromium store with a
// damaged row fails the import with exit 1 naming the file, the jar stays
// as it was, and --prune removes nothing.
func TestDamagedReadFailsImport(t *testing.T) {
	s := newSandbox(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "Default", "Cookies")
	row := `INSERT INTO cookies VALUES (13300000000000000, '%s', '', '%s', 'v', x'', '/', 13500000000000000, 0, 0, 13300000000000000, 1, 1, 1, -1, 2, 443, 13300000000000000, 0, 0)`
	sqliteFile(t, store, chromiumTables, chromiumCookies,
		fmt.Sprintf(row, "a.example", "one"), fmt.Sprintf(row, "b.example", "two"))
	s.ok("", "import", store)
	before := dump(t, s.jar)
	db, err := sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE cookies SET expires_utc = 'soon' WHERE name = 'two'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := s.run("", "import", "--prune", store)
	if r.code != 1 || !strings.Contains(r.stderr, store) || !strings.Contains(r.stderr, "damaged") {
		t.Fatalf("damaged store: %v", r)
	}
	if after := dump(t, s.jar); after != before {
		t.Errorf("the jar changed on a failed import")
	}

	// A row refused for its content (a control character in the name) is
	// a warning, but the read is not clean: --prune keeps cookie "two".
	db, err = sql.Open("sqlite", store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE cookies SET expires_utc = 13500000000000000, name = 'tw' || char(1) || 'o' WHERE host_key = 'b.example'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = s.ok("", "import", "--prune", store)
	if !strings.Contains(r.stderr, "--prune leaves this source alone") || !strings.Contains(r.stderr, "0 pruned") {
		t.Errorf("import --prune of an unclean read: %v", r)
	}
	if out := s.ok("", "list", "--json").stdout; !strings.Contains(out, `"two"`) {
		t.Errorf("--prune removed a cookie of an unclean read:\n%s", out)
	}
}

// TestForeignJarUntouched (issue 8 item 8): --jar on another program's
// SQLite file — with tables, in WAL mode, with another application id or a
// user_version of its own — fails naming it and keeps every byte; no -wal
// or -shm appears beside it.
func TestForeignJarUntouched(t *testing.T) {
	s := newSandbox(t)
	dir := t.TempDir()
	in := s.write("in.json", []byte(`[{"domain":"a.example","name":"n","value":"v","path":"/","hostOnly":true,"session":true}]`))
	cases := map[string][]string{
		"tables":   {`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('keep me')`},
		"wal":      {`PRAGMA journal_mode = WAL`, `CREATE TABLE t (x)`, `PRAGMA journal_mode = DELETE`},
		"app id":   {`PRAGMA application_id = 1234`},
		"user ver": {`PRAGMA user_version = 7`},
	}
	for name, stmts := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".db")
		sqliteFile(t, path, stmts...)
		before, err := os.ReadFile(path)
		if err != nil || len(before) == 0 {
			t.Fatalf("%s: %v (%d bytes)", name, err, len(before))
		}
		for _, args := range [][]string{{"list"}, {"import", in}, {"trash", "empty", "--yes"}, {"undo"}, {"export"}} {
			r := s.run("", append([]string{"--jar", path}, args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, "not a crumbs jar") {
				t.Errorf("%s: crumbs %s: %v", name, strings.Join(args, " "), r)
			}
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Errorf("%s: the foreign file changed", name)
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(path + suffix); err == nil {
				t.Errorf("%s: %s created beside the foreign file", name, suffix)
			}
		}
	}
}

// TestJarDirPrivate (issue 8 item 9): an existing jar folder that others
// can write is tightened to 0700 when the user owns it, saying so once;
// one the user does not own is refused (as root, with a folder given to
// nobody).
func TestJarDirPrivate(t *testing.T) {
	s := newSandbox(t)
	dir := filepath.Join(t.TempDir(), "jars")
	os.Mkdir(dir, 0o700)
	os.Chmod(dir, 0o777)
	jarPath := filepath.Join(dir, "jar.db")
	in := s.write("in.json", []byte(`[{"domain":"a.example","name":"n","value":"v","path":"/","hostOnly":true,"session":true}]`))
	r := s.ok("", "--jar", jarPath, "import", in)
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v after open, want 0700", st.Mode().Perm())
	}
	if !strings.Contains(r.stderr, "made it private") {
		t.Errorf("no notice: %v", r)
	}
	if r := s.ok("", "--jar", jarPath, "list"); strings.Contains(r.stderr, "private") {
		t.Errorf("the notice came twice: %v", r)
	}
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot make a folder owned by someone else")
	}
	other := filepath.Join(t.TempDir(), "theirs")
	os.Mkdir(other, 0o777)
	os.Chmod(other, 0o777)
	if err := os.Chown(other, 65534, 65534); err != nil {
		t.Skipf("chown: %v", err)
	}
	r = s.run("", "--jar", filepath.Join(other, "jar.db"), "import", in)
	if r.code != 1 || !strings.Contains(r.stderr, "not yours") {
		t.Errorf("a folder of another user writable by all: %v", r)
	}
	if _, err := os.Stat(filepath.Join(other, "jar.db")); err == nil {
		t.Errorf("a jar was created in the refused folder")
	}
}

// TestJSONEscapesC1 (issue 8 item 12): --json output escapes C1 control
// characters as \u009b like C0, in list, trash list and export.
func TestJSONEscapesC1(t *testing.T) {
	s := newSandbox(t)
	in := s.write("in.json", []byte(`[{"domain":"a.example","name":"n","value":"x\u009b31mred\u0085","path":"/","hostOnly":true,"session":true},
		{"domain":"b.example","name":"m","value":"y\u009b","path":"/","hostOnly":true,"session":true}]`))
	s.ok("", "import", in)
	s.ok("", "purge", "--yes", "domain:b.example")
	// A profile name from profiles.ini, which anyone may have written.
	dir := s.firefoxProfile()
	sqliteFile(t, filepath.Join(dir, "cookies.sqlite"), mozCookiesTable)
	os.WriteFile(filepath.Join(s.home, ".mozilla", "firefox", "profiles.ini"),
		[]byte("[Profile0]\nName=x\u009b31mred\nIsRelative=1\nPath=abc.default-release\nDefault=1\n"), 0o600)
	for _, args := range [][]string{{"list", "--json"}, {"export", "--format", "json"}, {"trash", "list", "--json"}, {"browsers", "--json"}} {
		out := s.ok("", args...).stdout
		if strings.Contains(out, "\u009b") || strings.Contains(out, "\u0085") {
			t.Errorf("crumbs %s: a raw C1 control in the output", strings.Join(args, " "))
		}
		if !strings.Contains(out, `\u009b`) {
			t.Errorf("crumbs %s: no \\u009b escape:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestDiskFullNamesJar (issue 8 item 12): a full disk says "no space left
// on device" and names the jar (a 400 KB tmpfs, mounted as root).
func TestDiskFullNamesJar(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	s := newSandbox(t)
	var b strings.Builder
	b.WriteString("[")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"domain":"d%d.example","name":"n%d","value":"%s","path":"/","hostOnly":true,"session":true}`, i, i, strings.Repeat("v", 40))
	}
	b.WriteString("]")
	in := s.write("in.json", []byte(b.String()))
	jarPath := filepath.Join(mnt, "jar.db")
	r := s.run("", "--jar", jarPath, "import", in)
	if r.code != 1 || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, jarPath) {
		t.Fatalf("import onto a full disk: %v", r)
	}
}

// TestImportStdin (issue 8 item 12): "crumbs import -" reads a cookies.txt
// or a JSON export from standard input (format sniffed) and leaves no
// temp copy; a FIFO path is refused with a clear message.
func TestImportStdin(t *testing.T) {
	s := newSandbox(t)
	txt := "# Netscape HTTP Cookie File\n.a.example\tTRUE\t/\tFALSE\t0\tfromtxt\tv\n"
	r := s.ok(txt, "import", "-")
	if !strings.Contains(r.stderr, "1 added") {
		t.Fatalf("cookies.txt on stdin: %v", r)
	}
	s.ok(`[{"domain":"b.example","name":"fromjson","value":"v","path":"/","hostOnly":true,"session":true}]`, "import", "-")
	out := s.ok("", "list", "--json").stdout
	if !strings.Contains(out, "fromtxt") || !strings.Contains(out, "fromjson") || !strings.Contains(out, "file:stdin") {
		t.Errorf("stdin imports:\n%s", out)
	}
	if r := s.run("garbage\x00\x01", "import", "-"); r.code != 1 || strings.Contains(r.stderr, "crumbs-stdin") {
		t.Errorf("garbage on stdin: %v", r)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs: %v", err)
	}
	rb := s.runBounded(15*time.Second, nil, "", "import", fifo)
	if rb.code != 1 || !strings.Contains(rb.stderr, fifo) {
		t.Errorf("a FIFO path: %v", rb.result)
	}
}

// TestNoCookieInputsAreErrors (issue 8 item 13): an input in which nothing
// is recognisable as a cookie is an error in every format — a cookies.txt
// with only its header, an empty JSON array (as a file and on standard
// input), a binarycookies file with no page — exit 1, "FILE: no cookies in
// it", the jar unchanged; among several sources the others still import.
// A browser's own store that is merely empty (a fresh Firefox or Chromium
// profile: the right tables, no row) is a clean success with 0 cookies,
// and an empty discovered profile does not fail `import firefox`.
func TestNoCookieInputsAreErrors(t *testing.T) {
	s := newSandbox(t)
	good := s.write("good.json", []byte(`[{"domain":"a.example","name":"n","value":"v","path":"/","hostOnly":true,"session":true}]`))
	s.ok("", "import", good)
	before := dump(t, s.jar)
	be := binary.BigEndian
	noPage := be.AppendUint32(be.AppendUint32([]byte("cook"), 0), 0) // no page, a zero checksum
	noPage = append(noPage, 0x07, 0x17, 0x20, 0x05, 0, 0, 0, 0)
	files := map[string][]byte{
		"header.txt":            []byte("# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n"),
		"empty.json":            []byte("[]\n"),
		"empty-object.json":     []byte(`{"cookies": []}`),
		"Cookies.binarycookies": noPage,
	}
	for name, data := range files {
		p := s.write(name, data)
		r := s.run("", "import", p)
		if r.code != 1 {
			t.Errorf("import %s: want exit 1, got %v", name, r)
			continue
		}
		checkOneErrorLine(t, r, p+": no cookies in it")
		if r := s.run("", "export", "--from", p); r.code != 1 || !strings.Contains(r.stderr, "no cookies in it") {
			t.Errorf("export --from %s: %v", name, r)
		}
	}
	for _, in := range []string{"# Netscape HTTP Cookie File\n", "[]"} {
		r := s.run(in, "import", "-")
		if r.code != 1 || !strings.Contains(r.stderr, "-: no cookies in it") {
			t.Errorf("import - of %q: %v", in, r)
		}
	}
	if after := dump(t, s.jar); after != before {
		t.Fatal("an input with no cookie changed the jar")
	}

	// Several sources: the empty file is named, the others import, exit 1.
	other := s.write("other.json", []byte(`[{"domain":"b.example","name":"m","value":"v","path":"/","hostOnly":true,"session":true}]`))
	r := s.run("", "import", other, filepath.Join(s.home, "header.txt"))
	if r.code != 1 || !strings.Contains(r.stderr, "header.txt: no cookies in it") || !strings.Contains(r.stderr, "1 added") {
		t.Errorf("import of a good and an empty file: %v", r)
	}

	// A fresh browser store: the right tables, no row — a clean success.
	ffEmpty := filepath.Join(t.TempDir(), "cookies.sqlite")
	sqliteFile(t, ffEmpty, mozCookiesTable)
	chEmpty := filepath.Join(t.TempDir(), "Cookies")
	sqliteFile(t, chEmpty, chromiumTables, chromiumCookies)
	for _, p := range []string{ffEmpty, chEmpty} {
		r := s.run("", "import", p)
		if r.code != 0 || !strings.Contains(r.stderr, "read 0 cookies") {
			t.Errorf("import of an empty browser store %s: %v", p, r)
		}
	}
	// Discovered profiles, one of them fresh: import firefox succeeds.
	dir := s.firefoxProfile()
	sqliteFile(t, filepath.Join(dir, "cookies.sqlite"), mozCookiesTable)
	root := filepath.Join(s.home, ".mozilla", "firefox")
	full := filepath.Join(root, "def.work")
	sqliteFile(t, filepath.Join(full, "cookies.sqlite"), mozCookiesTable,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, creationTime, isSecure, isHttpOnly) VALUES ('sid', 'x', '.c.example', '/', 4102444800, 1700000000000000, 1700000000000000, 1, 1)`)
	ini := "[Profile0]\nName=default-release\nIsRelative=1\nPath=abc.default-release\nDefault=1\n\n[Profile1]\nName=work\nIsRelative=1\nPath=def.work\n"
	os.WriteFile(filepath.Join(root, "profiles.ini"), []byte(ini), 0o600)
	r = s.run("", "import", "firefox")
	if r.code != 0 || !strings.Contains(r.stderr, "1 added") {
		t.Errorf("import firefox with a fresh profile and a full one: %v", r)
	}
}

// TestTrashEmptySaysForGood (issue 8 item 10): trash empty's help and its
// confirmation on a terminal say it cannot be undone; declining keeps the
// trash; --yes says so when it is done.
func TestTrashEmptySaysForGood(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(20, 91, "file:a.json"))))
	s.ok("", "purge", "--yes", "--purpose", "tracking")
	for _, args := range [][]string{{"trash", "empty", "--help"}, {"trash", "--help"}} {
		if out := s.ok("", args...).stdout; !strings.Contains(out, "cannot be undone") {
			t.Errorf("crumbs %s does not say it cannot be undone:\n%s", strings.Join(args, " "), out)
		}
	}
	trash := s.ok("", "trash", "list", "--json").stdout
	if trash == "[\n]\n" || trash == "" {
		t.Fatal("nothing in the trash: the test proves nothing")
	}
	tm := newTmux(t, s, "trash", "empty")
	screen := tm.waitFor("[y/N]")
	if !strings.Contains(screen, "for good") || !strings.Contains(screen, "cannot be undone") {
		t.Errorf("the confirmation does not say it cannot be undone:\n%s", screen)
	}
	tm.send("n", "Enter")
	tm.waitFor("EXIT=")
	if got := s.ok("", "trash", "list", "--json").stdout; got != trash {
		t.Fatal("declining emptied the trash")
	}
	if r := s.ok("", "trash", "empty", "--yes"); !strings.Contains(r.stderr, "cannot be undone") {
		t.Errorf("trash empty --yes: %v", r)
	}
}

// TestSideFilesBoundedEveryKind (issue 8 item 3, the whole class): each
// side file crumbs reads next to a store — profiles.ini, installs.ini,
// sessionstore.jsonlz4, sessionstore-backups/recovery.jsonlz4, Chromium's
// Local State — as a FIFO (nobody writes it: a plain open would block for
// ever) and as a sparse file one byte over its cap is refused by name
// within a deadline, by `browsers` (discovery) and by `import`; nothing
// is imported from a session store that is refused.
func TestSideFilesBoundedEveryKind(t *testing.T) {
	const (
		maxINI          = 1 << 20
		maxLocalState   = 16 << 20
		maxSessionStore = 64 << 20
	)
	store := func(t *testing.T, p string) {
		sqliteFile(t, p, mozCookiesTable,
			`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('ok', 'v', 'a.example', '/', 4000000000, 0, 0)`)
	}
	for _, kind := range []string{"FIFO", "oversized"} {
		for _, tc := range []struct {
			rel  string // below the sandbox's home
			max  int64
			args []string // what reads it; "PROFILE" is the profile folder
		}{
			{".mozilla/firefox/profiles.ini", maxINI, []string{"browsers"}},
			{".mozilla/firefox/installs.ini", maxINI, []string{"browsers"}},
			{".mozilla/firefox/abc.default-release/sessionstore.jsonlz4", maxSessionStore, []string{"import", "PROFILE"}},
			{".mozilla/firefox/abc.default-release/sessionstore-backups/recovery.jsonlz4", maxSessionStore, []string{"import", "PROFILE"}},
			{".config/chromium/Local State", maxLocalState, []string{"browsers"}},
		} {
			t.Run(kind+" "+filepath.Base(tc.rel), func(t *testing.T) {
				s := newSandbox(t)
				profile := s.firefoxProfile()
				store(t, filepath.Join(profile, "cookies.sqlite"))
				if strings.HasPrefix(tc.rel, ".config/chromium") {
					os.MkdirAll(filepath.Join(s.home, ".config/chromium/Default"), 0o700)
					os.WriteFile(filepath.Join(s.home, ".config/chromium/Default/Preferences"), []byte("{}"), 0o600)
				}
				p := filepath.Join(s.home, tc.rel)
				os.MkdirAll(filepath.Dir(p), 0o700)
				os.Remove(p)
				if kind == "FIFO" {
					if err := syscall.Mkfifo(p, 0o600); err != nil {
						t.Skipf("no FIFOs: %v", err)
					}
				} else {
					f, err := os.Create(p)
					if err != nil {
						t.Fatal(err)
					}
					f.Truncate(tc.max + 1) // sparse: no disk used
					f.Close()
				}
				args := append([]string(nil), tc.args...)
				for i := range args {
					if args[i] == "PROFILE" {
						args[i] = profile
					}
				}
				r := s.runBounded(20*time.Second, nil, "", args...)
				why := map[string]string{"FIFO": "FIFO", "oversized": "more than"}[kind]
				if !strings.Contains(r.stderr, filepath.Base(p)) || !strings.Contains(r.stderr, why) {
					t.Errorf("crumbs %s with a %s %s: the file and %q are not named: %v", strings.Join(args, " "), kind, tc.rel, why, r.result)
				}
				if args[0] == "import" {
					if r.code != 1 {
						t.Errorf("import with a %s session store: want exit 1 (a damaged read), got %v", kind, r.result)
					}
					if _, err := os.Stat(s.jar); err == nil {
						if out := s.ok("", "list", "--json").stdout; strings.Contains(out, `"ok"`) {
							t.Errorf("a read with a refused session store was imported")
						}
					}
				}
			})
		}
	}
}

// TestValueCapEveryReader (issue 8 items 1 and 13): the 64 KiB cap on a
// name or value holds in the JSON and cookies.txt readers and in
// Firefox's session store as in the SQL readers: the row is refused with
// a warning naming the file and never reaches the jar; the others import.
func TestValueCapEveryReader(t *testing.T) {
	big := strings.Repeat("v", 64<<10+1)
	s := newSandbox(t)
	jsonIn := s.write("cap.json", []byte(`[{"domain":"a.example","name":"okjson","value":"v","path":"/","hostOnly":true,"session":true},
		{"domain":"a.example","name":"bigjson","value":"`+big+`","path":"/","hostOnly":true,"session":true},
		{"domain":"a.example","name":"`+big+`","value":"v","path":"/","hostOnly":true,"session":true}]`))
	txtIn := s.write("cap.txt", []byte("# Netscape HTTP Cookie File\n"+
		".b.example\tTRUE\t/\tFALSE\t0\toktxt\tv\n"+
		".b.example\tTRUE\t/\tFALSE\t0\tbigtxt\t"+big+"\n"))
	profile := filepath.Join(t.TempDir(), "profile")
	sqliteFile(t, filepath.Join(profile, "cookies.sqlite"), mozCookiesTable,
		`INSERT INTO moz_cookies (name, value, host, path, expiry, isSecure, isHttpOnly) VALUES ('okdb', 'v', 'c.example', '/', 4000000000, 0, 0)`)
	doc, _ := json.Marshal(map[string]any{"cookies": []map[string]any{
		{"host": "d.example", "name": "oksession", "value": "x", "path": "/"},
		{"host": "d.example", "name": "bigsession", "value": big, "path": "/"},
	}})
	enc, err := mozlz4.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(profile, "sessionstore.jsonlz4"), enc, 0o600)
	for _, in := range []string{jsonIn, txtIn, profile} {
		r := s.runBounded(30*time.Second, nil, "", "import", in)
		if r.code != 0 || !strings.Contains(r.stderr, "larger than 64 KiB") {
			t.Errorf("import %s: want a warning for the oversized rows, got %v", in, r.result)
		}
	}
	out := s.ok("", "list", "--json").stdout
	for _, name := range []string{"okjson", "oktxt", "okdb", "oksession"} {
		if !strings.Contains(out, `"`+name+`"`) {
			t.Errorf("%s was not imported", name)
		}
	}
	if strings.Contains(out, "big") || strings.Contains(out, big[:1000]) {
		t.Errorf("an oversized row reached the jar")
	}
}

// TestLargeInputPeakMemory (issue 8 item 4): an input just under 100 MB
// on disk and under the cookie cap — a 99 MB JSON export and an 88 MB
// cookies.txt of 199,000 cookies with 400-byte values — imports (dry run)
// and exports (--from) with the child's peak RSS under 512 MB.
func TestLargeInputPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 190 MB of input and reads 199,000 cookies four times")
	}
	s := newSandbox(t)
	dir := t.TempDir()
	const n = 199_000
	val := strings.Repeat("v", 400)
	// Written through small buffers: the child's peak RSS counts this
	// process's memory at the moment it is forked.
	jsonIn, txtIn := filepath.Join(dir, "big.json"), filepath.Join(dir, "big.txt")
	jf, err := os.Create(jsonIn)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.Create(txtIn)
	if err != nil {
		t.Fatal(err)
	}
	js, txt := bufio.NewWriter(jf), bufio.NewWriter(tf)
	js.WriteString("[")
	txt.WriteString("# Netscape HTTP Cookie File\n")
	for i := range n {
		if i > 0 {
			js.WriteString(",")
		}
		fmt.Fprintf(js, `{"domain":"d%d.example","name":"n%d","value":"%s","path":"/","hostOnly":true,"session":true}`, i, i, val)
		fmt.Fprintf(txt, ".d%d.example\tTRUE\t/\tFALSE\t0\tn%d\t%s\n", i, i, val)
	}
	js.WriteString("]")
	for _, w := range []*bufio.Writer{js, txt} {
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	jf.Close()
	tf.Close()
	debug.FreeOSMemory()
	for _, in := range []string{jsonIn, txtIn} {
		for _, args := range [][]string{{"import", "--dry-run", in}, {"export", "--from", in, "-o", filepath.Join(dir, "out.txt")}} {
			r := s.runBounded(3*time.Minute, nil, "", args...)
			t.Logf("crumbs %s: exit %d, %s, peak RSS %d MB", strings.Join(args[:len(args)-1], " "), r.code, r.wall, r.peakRSS>>20)
			if r.code != 0 {
				t.Errorf("crumbs %s: %v", strings.Join(args, " "), r.result)
			}
			if r.peakRSS > 512<<20 {
				t.Errorf("crumbs %s: peak RSS %d MB, over 512 MB", strings.Join(args, " "), r.peakRSS>>20)
			}
		}
	}
}

// TestCtrlCInUILeavesNothing (issue 8 item 6): Ctrl-C pressed in the UI —
// on the welcome screen while it copies stores to count their cookies,
// and on the main screen — ends crumbs and leaves no crumbs-* folder in
// $TMPDIR.
func TestCtrlCInUILeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100k-cookie store and runs the UI in tmux")
	}
	s := newSandbox(t)
	tmp := s.ownTmp(t)
	profile := s.firefoxProfile()
	if err := gen.WriteFirefoxStore(filepath.Join(profile, "cookies.sqlite"), gen.Cookies(100_000, 5, now, "firefox:x")); err != nil {
		t.Fatal(err)
	}
	for _, delay := range []time.Duration{0, 100 * time.Millisecond} {
		tm := newTmux(t, s) // no jar yet: the welcome screen counts the profile
		// Once the UI is up Ctrl-C is a key, not the terminal's SIGINT
		// (which would also stop the test's shell before it says EXIT=).
		tm.waitFor("Welcome to crumbs")
		time.Sleep(delay)
		tm.send("C-c")
		tm.waitFor("EXIT=")
		if left := crumbsTemp(t, tmp); len(left) > 0 {
			t.Fatalf("Ctrl-C on the welcome screen after %v: left in $TMPDIR: %v", delay, left)
		}
	}
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(50, 6, "file:a.json"))))
	tm := newTmux(t, s)
	tm.waitFor("50 cookies")
	tm.send("C-c")
	tm.waitFor("EXIT=")
	if left := crumbsTemp(t, tmp); len(left) > 0 {
		t.Fatalf("Ctrl-C on the main screen: left in $TMPDIR: %v", left)
	}
}

// TestImportDevFd (issue 8 item 12): `crumbs import /dev/fd/3` — what
// the shell's process substitution <(…) passes — is refused at once with
// one line naming the path and pointing at `import -`, never a hang.
func TestImportDevFd(t *testing.T) {
	s := newSandbox(t)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	go func() {
		pw.Write([]byte("# Netscape HTTP Cookie File\n.a.example\tTRUE\t/\tFALSE\t0\tn\tv\n"))
		pw.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, crumbsBin, "import", "/dev/fd/3")
	cmd.Dir, cmd.Env = s.home, s.env
	cmd.ExtraFiles = []*os.File{pr}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatal("crumbs import /dev/fd/3 hung")
	}
	r := result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
	if err == nil {
		// Reading it is the other allowed answer: then the cookie is in.
		if !strings.Contains(s.ok("", "list").stdout, "a.example") {
			t.Fatalf("import /dev/fd/3 succeeded without the cookie: %v", r)
		}
		return
	}
	if r.code != 1 {
		t.Fatalf("import /dev/fd/3: %v", r)
	}
	checkOneErrorLine(t, r, "/dev/fd/3", "pipe", "standard input")
}
