package writeback_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func sum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return "absent"
	}
	s := sha256.Sum256(data)
	return string(s[:])
}

// firefoxProfile writes a generated cookies.sqlite and a session store
// holding two session cookies, and returns the profile dir.
func firefoxProfile(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	now := time.Now().UTC()
	cs := gen.Cookies(n, 7, now, "x")
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), cs); err != nil {
		t.Fatal(err)
	}
	doc := `{"version":["sessionrestore",1],"windows":[{"tabs":[]}],"cookies":[` +
		`{"host":".tracker.example","value":"1","path":"/","name":"_gat","secure":false,"httponly":false,"originAttributes":{"userContextId":0,"privateBrowsingId":0,"firstPartyDomain":"","geckoViewSessionContextId":"","partitionKey":""},"sameSite":0,"schemeMap":1},` +
		`{"host":"example.com","value":"keep","path":"/","name":"csrftoken","secure":true,"httponly":true,"originAttributes":{"userContextId":0,"privateBrowsingId":0,"firstPartyDomain":"","geckoViewSessionContextId":"","partitionKey":""},"sameSite":1,"schemeMap":2}],"session":{"lastUpdate":1}}`
	for _, p := range []string{"sessionstore.jsonlz4", "sessionstore-backups/recovery.jsonlz4", "sessionstore-backups/previous.jsonlz4"} {
		enc, err := mozlz4.Encode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), enc, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func pick(cs []cookie.Cookie, every int, extra func(*cookie.Cookie) bool) []cookie.Cookie {
	var out []cookie.Cookie
	for i := range cs {
		if (i%every == 0 && cs[i].Name != "csrftoken") || (extra != nil && extra(&cs[i])) {
			out = append(out, cs[i])
		}
	}
	return out
}

func TestFirefoxCleanSessionStoreAndRestore(t *testing.T) {
	dir := firefoxProfile(t, 300)
	root := t.TempDir()
	s := writeback.Store{Source: "firefox:test", Format: source.FormatFirefox, Path: dir}
	ctx := context.Background()
	res, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "cookies.sqlite"), filepath.Join(dir, "sessionstore.jsonlz4"),
		filepath.Join(dir, "sessionstore-backups", "recovery.jsonlz4"), filepath.Join(dir, "sessionstore-backups", "previous.jsonlz4")}
	before := map[string]string{}
	for _, f := range files {
		before[f] = sum(t, f)
	}
	del := pick(res.Cookies, 5, func(c *cookie.Cookie) bool { return c.Name == "_gat" })
	var edit []importers.Edit
	for i := range res.Cookies {
		if c := res.Cookies[i]; !c.Session && len(edit) == 0 && len(pick([]cookie.Cookie{c}, 1, nil)) == 1 && i%5 != 0 {
			n := c
			n.Value = "edited-value"
			n.Expires = cookie.TimeOf(time.Now().Add(72 * time.Hour).Truncate(time.Second))
			edit = append(edit, importers.Edit{Old: c, New: n})
		}
	}
	ch := importers.Change{Delete: del, Update: edit}
	b, err := writeback.Run(ctx, s, res.Cookies, ch, writeback.Options{Root: root, MadeBy: writeback.MadeByClean})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Cookies) != len(res.Cookies)-len(del) {
		t.Fatalf("%d cookies after, want %d", len(after.Cookies), len(res.Cookies)-len(del))
	}
	for _, c := range after.Cookies {
		if c.Name == "_gat" {
			t.Fatal("the session cookie _gat is still read after the clean")
		}
		if c.OriginalKey == edit[0].Old.OriginalKey && (c.Value != "edited-value" || c.Expires.Unix() != edit[0].New.Expires.Unix()) {
			t.Fatalf("edited cookie reads back as %q %v", c.Value, c.Expires)
		}
	}
	// Every session-store file lost _gat and kept csrftoken.
	for _, f := range files[1:] {
		data, _ := os.ReadFile(f)
		plain, err := mozlz4.Decode(data)
		if err != nil {
			t.Fatal(f, err)
		}
		if bytes.Contains(plain, []byte(`"_gat"`)) || !bytes.Contains(plain, []byte(`"csrftoken"`)) || !json.Valid(plain) {
			t.Fatalf("%s after clean: %s", f, plain)
		}
		if !bytes.Contains(plain, []byte(`"windows":[{"tabs":[]}]`)) {
			t.Fatalf("%s: the rest of the session store changed: %s", f, plain)
		}
	}
	// A file that appeared since the backup is removed by the restore; the
	// others come back byte for byte.
	stray := filepath.Join(dir, "cookies.sqlite-wal")
	if err := os.WriteFile(stray, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := writeback.Restore(ctx, root, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if sum(t, f) != before[f] {
			t.Errorf("%s is not byte-identical after restore", f)
		}
	}
	if _, err := os.Stat(stray); err == nil {
		t.Error("restore left the stale -wal in place")
	}
	bs, err := writeback.List(root, "firefox:test")
	if err != nil || len(bs) != 2 || bs[0].MadeBy != writeback.MadeByRestore {
		t.Fatalf("backups after a restore: %v %v", bs, err)
	}
	if found, err := writeback.Find(root, "firefox:test", ""); err != nil || found.ID != b.ID {
		t.Fatalf("Find without id must take the clean's backup, not the restore's: %v %v", found, err)
	}
	fi, err := os.Stat(b.Dir())
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("backup folder mode: %v %v", fi, err)
	}
}

func TestChromiumEditReencryptsWithHostPrefix(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "Default", "Cookies")
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := gen.WriteChromiumStore(db, gen.Cookies(200, 3, time.Now().UTC(), "x"), gen.ChromiumStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	s := writeback.Store{Source: "chromium:test", Format: source.FormatChromium, Path: filepath.Join(dir, "Default")}
	ctx := context.Background()
	res, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	old := res.Cookies[10]
	n := old
	n.Value = "new value; with a prefix check"
	n.Value = strings.ReplaceAll(n.Value, ";", ",")
	ch := importers.Change{Delete: res.Cookies[:5], Update: []importers.Edit{{Old: old, New: n}}}
	if _, err := writeback.Run(ctx, s, res.Cookies, ch, writeback.Options{Root: t.TempDir(), MadeBy: writeback.MadeByApply}); err != nil {
		t.Fatal(err)
	}
	after, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range after.Cookies {
		if c.OriginalKey == old.OriginalKey {
			if c.ValueUnreadable || c.Value != n.Value || c.Encryption != old.Encryption {
				t.Fatalf("edited value reads back as %+v", c)
			}
			return
		}
	}
	t.Fatal("the edited cookie is gone")
}

func TestFailedWriteRestoresTheStore(t *testing.T) {
	dir := firefoxProfile(t, 100)
	s := writeback.Store{Source: "firefox:test", Format: source.FormatFirefox, Path: dir}
	ctx := context.Background()
	res, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "cookies.sqlite")
	before := sum(t, db)
	ghost := res.Cookies[1]
	ghost.OriginalKey = strings.Replace(ghost.OriginalKey, "name=", "name=not-there", 1)
	ch := importers.Change{Delete: []cookie.Cookie{res.Cookies[0], ghost}}
	_, err = writeback.Run(ctx, s, res.Cookies, ch, writeback.Options{Root: t.TempDir(), MadeBy: writeback.MadeByClean})
	if err == nil || !strings.Contains(err.Error(), "put back") {
		t.Fatalf("a change naming a missing row must fail and put the store back, got %v", err)
	}
	if sum(t, db) != before {
		t.Fatal("the store changed although the write-back failed")
	}
}

func TestRunningProcessRefuses(t *testing.T) {
	dir := firefoxProfile(t, 20)
	// This test's own process holding a file does not count (crumbs itself
	// reads the store); a child process holding one does.
	s := writeback.Store{Source: "firefox:test", Format: source.FormatFirefox, Path: dir}
	if err := s.CheckRunning(); err != nil {
		t.Fatalf("nothing holds the profile, but: %v", err)
	}
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc: the holder scan is Linux-only")
	}
	cmd := holdFile(t, filepath.Join(dir, "cookies.sqlite"))
	err := s.CheckRunning()
	if err == nil || !strings.Contains(err.Error(), "is running (pid") {
		t.Fatalf("a process holding cookies.sqlite must refuse the write-back, got %v", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err := s.CheckRunning(); err != nil {
		t.Fatalf("after the holder exited: %v", err)
	}
}

// holdFile starts a child process that keeps path open, as a browser
// keeps its profile's files open.
func holdFile(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command("sleep", "60")
	cmd.Stdin = f
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// TestChromiumV20IsDeleteOnly: a v20 (app-bound) value cannot be edited —
// the write fails and the store is put back — but it can be deleted.
func TestChromiumV20IsDeleteOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "Default", "Cookies")
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	opts := gen.ChromiumStoreOptions{Override: func(i int, c *cookie.Cookie) (string, []byte, bool) {
		if i == 3 {
			return "", append([]byte("v20"), bytes.Repeat([]byte{7}, 44)...), true
		}
		return "", nil, false
	}}
	if err := gen.WriteChromiumStore(db, gen.Cookies(50, 4, time.Now().UTC(), "x"), opts); err != nil {
		t.Fatal(err)
	}
	s := writeback.Store{Source: "chromium:v20", Format: source.FormatChromium, Path: filepath.Join(dir, "Default")}
	ctx := context.Background()
	res, err := s.Read(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var v20 *cookie.Cookie
	for i := range res.Cookies {
		if res.Cookies[i].Encryption == cookie.EncV20 {
			v20 = &res.Cookies[i]
		}
	}
	if v20 == nil {
		t.Fatal("no v20 cookie in the store")
	}
	before := sum(t, db)
	n := *v20
	n.Value, n.ValueUnreadable = "new", false
	_, err = writeback.Run(ctx, s, res.Cookies, importers.Change{Update: []importers.Edit{{Old: *v20, New: n}}},
		writeback.Options{Root: t.TempDir(), MadeBy: writeback.MadeByApply})
	if err == nil || !strings.Contains(err.Error(), "v20") {
		t.Fatalf("editing a v20 value must fail naming v20, got %v", err)
	}
	if sum(t, db) != before {
		t.Fatal("the failed edit changed the store")
	}
	if _, err := writeback.Run(ctx, s, res.Cookies, importers.Change{Delete: []cookie.Cookie{*v20}},
		writeback.Options{Root: t.TempDir(), MadeBy: writeback.MadeByClean}); err != nil {
		t.Fatalf("deleting a v20 cookie: %v", err)
	}
}
