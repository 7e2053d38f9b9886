package chromium

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// fakeKeys stands in for the OS secret stores.
type fakeKeys struct {
	passwords []oscrypt.Password
	pwErr     error
	dpapi     func([]byte) ([]byte, error)
	portal    []byte
	calls     int
}

func (f *fakeKeys) SafeStoragePasswords(context.Context) ([]oscrypt.Password, error) {
	f.calls++
	return f.passwords, f.pwErr
}

func (f *fakeKeys) Unprotect(b []byte) ([]byte, error) {
	if f.dpapi == nil {
		return nil, errors.New("fake: no DPAPI")
	}
	return f.dpapi(b)
}

func (f *fakeKeys) PortalSecret(context.Context) ([]byte, error) {
	if f.portal == nil {
		return nil, errors.New("fake: no portal")
	}
	return f.portal, nil
}

// noOS is a KeySource that holds nothing, as on a machine without keyring.
func noOS() *fakeKeys { return &fakeKeys{pwErr: errors.New("fake: no keyring")} }

type manifest struct {
	Cookies []struct {
		SpecID       string `json:"spec_id"`
		Domain       string `json:"domain"`
		HostOnly     bool   `json:"host_only"`
		Name         string `json:"name"`
		Value        string `json:"value"`
		Path         string `json:"path"`
		Secure       bool   `json:"secure"`
		HTTPOnly     bool   `json:"http_only"`
		SameSite     string `json:"same_site"`
		Session      bool   `json:"session"`
		Expires      *int64 `json:"expires"`
		PartitionKey *struct {
			TopLevelSite         string `json:"top_level_site"`
			HasCrossSiteAncestor bool   `json:"has_cross_site_ancestor"`
		} `json:"partition_key"`
		DB struct {
			ExpiresUTC int64 `json:"expires_utc"`
		} `json:"db"`
	} `json:"cookies"`
}

// fixtureDir is the repository's own Chromium fixture (testdata/chromium).
func fixtureDir(t testing.TB) string {
	return filepath.Join(testshared.Root(t), "testdata", "chromium")
}

func TestManifestFixture(t *testing.T) {
	dir := fixtureDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	userData := filepath.Join(dir, "user-data")
	for _, path := range []string{userData, filepath.Join(userData, "Default"), filepath.Join(userData, "Default", "Cookies")} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			keys := noOS()
			res, err := Reader{Keys: keys, Platform: "linux"}.Read(context.Background(), path, importers.Options{Source: "chromium:Default", Browser: "chromium"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 || res.Refused != 0 {
				t.Errorf("warnings %q refused %d", res.Warnings, res.Refused)
			}
			if keys.calls != 0 {
				t.Errorf("v10 peanuts store asked the OS keyring %d times", keys.calls)
			}
			if len(res.Cookies) != len(m.Cookies) {
				t.Fatalf("got %d cookies, manifest has %d", len(res.Cookies), len(m.Cookies))
			}
			byKey := map[string]cookie.Cookie{}
			for _, c := range res.Cookies {
				byKey[c.Domain+"|"+c.Name+"|"+c.Partition.TopLevelSite()] = c
			}
			for _, want := range m.Cookies {
				top := ""
				if want.PartitionKey != nil {
					top = want.PartitionKey.TopLevelSite
				}
				c, ok := byKey[want.Domain+"|"+want.Name+"|"+top]
				if !ok {
					t.Errorf("%s: %s %s missing", want.SpecID, want.Domain, want.Name)
					continue
				}
				if c.Source != "chromium:Default" || c.Encryption != cookie.EncV10 || c.ValueUnreadable {
					t.Errorf("%s: source %q encryption %q unreadable %v", want.SpecID, c.Source, c.Encryption, c.ValueUnreadable)
				}
				if c.HostOnly != want.HostOnly || c.Path != want.Path || c.Value != want.Value ||
					c.Secure != want.Secure || c.HTTPOnly != want.HTTPOnly || c.SameSite.String() != want.SameSite ||
					c.Session != want.Session {
					t.Errorf("%s: got %+v, want %+v", want.SpecID, c, want)
				}
				if want.Session {
					if !c.Expires.IsZero() {
						t.Errorf("%s: session cookie has expiry %v", want.SpecID, c.Expires)
					}
				} else {
					floor := int64(math.Floor(float64(want.DB.ExpiresUTC)/1e6)) - 11644473600
					if want.Expires == nil || c.Expires.Unix() != *want.Expires || c.Expires.Unix() != floor {
						t.Errorf("%s: expires %d, manifest %v, floor %d", want.SpecID, c.Expires.Unix(), want.Expires, floor)
					}
				}
				if want.PartitionKey != nil {
					p := c.Partition.Fields()
					if p.Kind != cookie.PartitionCHIPS || p.TopLevelSite != want.PartitionKey.TopLevelSite || p.CrossSiteAncestor != want.PartitionKey.HasCrossSiteAncestor {
						t.Errorf("%s: partition %+v, want %+v", want.SpecID, p, *want.PartitionKey)
					}
				} else if !c.Partition.IsZero() {
					t.Errorf("%s: unexpected partition %+v", want.SpecID, c.Partition)
				}
				if c.Extras.Fields().Priority != "medium" || (c.Extras.Fields().SourceScheme != "secure" && c.Extras.Fields().SourceScheme != "non-secure") || c.Extras.Fields().SourcePort == 0 || c.Extras.Fields().SourceType == "" {
					t.Errorf("%s: extras %+v", want.SpecID, c.Extras)
				}
				k, err := ParseKey(c.OriginalKey)
				if err != nil || k.HostKey != want.Domain || k.Name != want.Name || k.Path != want.Path ||
					k.TopFrameSiteKey != top || k.HasCrossSiteAncestor == nil || k.SourcePort == nil || k.SourceScheme == nil {
					t.Errorf("%s: original key %q (%v)", want.SpecID, c.OriginalKey, err)
				}
				if c.Created.IsZero() {
					t.Errorf("%s: no creation time", want.SpecID)
				}
			}
		})
	}
}

func sha256File(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestSourceFilesUnchanged(t *testing.T) {
	userData := filepath.Join(fixtureDir(t), "user-data")
	var files []string
	filepath.WalkDir(userData, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 2 {
		t.Fatalf("fixture files: %v", files)
	}
	before := map[string]string{}
	for _, f := range files {
		before[f] = sha256File(t, f)
	}
	if _, err := (Reader{Keys: noOS(), Platform: "linux"}).Read(context.Background(), userData, importers.Options{}); err != nil {
		t.Fatal(err)
	}
	var after []string
	filepath.WalkDir(userData, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			after = append(after, p)
		}
		return nil
	})
	if len(after) != len(files) {
		t.Errorf("files before %v, after %v (side files created?)", files, after)
	}
	for _, f := range files {
		if got := sha256File(t, f); got != before[f] {
			t.Errorf("%s changed by an import", f)
		}
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(fixtureDir(t), "user-data", "Default", "Cookies"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated", "Cookies")
	os.MkdirAll(filepath.Dir(truncated), 0o700)
	os.WriteFile(truncated, good[:len(good)/3], 0o600)

	notCookies := filepath.Join(dir, "other.sqlite")
	writeSQLite(t, notCookies, "CREATE TABLE moz_cookies(id INTEGER, name TEXT)")
	wrongCols := filepath.Join(dir, "wrongcols.sqlite")
	writeSQLite(t, wrongCols, "CREATE TABLE cookies(id INTEGER, label TEXT)")
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, this is not sqlite at all, not even close................................................"), 0o600)
	emptyDir := filepath.Join(dir, "empty")
	os.Mkdir(emptyDir, 0o700)

	for _, tc := range []struct{ path, want string }{
		{truncated, ""},
		{notCookies, "no cookies table"},
		{wrongCols, "no host_key, name, path"},
		{text, ""},
		{emptyDir, "no Chromium cookie store"},
		{filepath.Join(dir, "missing"), "no such file"},
	} {
		res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), tc.path, importers.Options{})
		if err == nil {
			t.Errorf("%s: no error (%d cookies)", tc.path, len(res.Cookies))
			continue
		}
		t.Logf("%v", err)
		var fe *importers.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: error does not name the file: %v", tc.path, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q lacks %q", tc.path, err, tc.want)
		}
	}
}

// TestOddStores: a newer meta version with an unknown column, NULLs, a
// NUL in a name (a row Chromium would refuse), a row with both a plain and an
// encrypted value, an old firstpartyonly column, and a running browser.
func TestOddStores(t *testing.T) {
	userData := t.TempDir()
	profile := filepath.Join(userData, "Default")
	os.Mkdir(profile, 0o700)
	os.Symlink("host-1234", filepath.Join(userData, "SingletonLock"))
	path := filepath.Join(profile, "Cookies")
	writeSQLite(t, path,
		"CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)",
		"INSERT INTO meta VALUES ('version','27')",
		"CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER, is_secure INTEGER, firstpartyonly INTEGER, quantum_flag INTEGER)",
		"INSERT INTO cookies VALUES (13300000000000000, 'a.example', 'ok', 'v1', x'', '/', 13400000000000000, 1, 2, 7)",
		"INSERT INTO cookies VALUES (NULL, 'b.example', 'nulls', NULL, NULL, '/', NULL, NULL, 0, NULL)",
		"INSERT INTO cookies VALUES (13300000000000000, 'c.example', 'bad'||char(0)||'name', 'v3', x'', '/', 0, 0, 1, 0)",
		"INSERT INTO cookies VALUES (13300000000000000, 'd.example', 'both', 'plain', x'7631306e6f', '/', 0, 0, 0, 0)",
	)
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), userData, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"meta version 27 is newer", "unknown columns quantum_flag", "row 3 refused", "SingletonLock", "both a plain and an encrypted value"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if res.Refused != 1 || len(res.Cookies) != 3 {
		t.Fatalf("refused %d, %d cookies", res.Refused, len(res.Cookies))
	}
	ok, nulls, both := res.Cookies[0], res.Cookies[1], res.Cookies[2]
	if ok.Value != "v1" || !ok.Secure || ok.SameSite != cookie.SameSiteStrict || ok.Session || ok.Expires.IsZero() {
		t.Errorf("ok: %+v", ok)
	}
	if nulls.Name != "nulls" || nulls.Value != "" || !nulls.Session || !nulls.Created.IsZero() || nulls.SameSite != cookie.SameSiteUnspecified {
		t.Errorf("nulls: %+v", nulls)
	}
	if !both.ValueUnreadable || both.Value != "" {
		t.Errorf("both: %+v", both)
	}
}

func TestCopyErrorHints(t *testing.T) {
	denied := &importers.FileError{Path: "/p/Cookies", Err: os.ErrPermission}
	for goos, want := range map[string]string{
		"darwin":  "Full Disk Access",
		"windows": "close Chrome and retry",
		"linux":   "run crumbs as the user who owns the profile",
	} {
		err := withHint(denied, "/p/Cookies", "Chrome", goos)
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "/p/Cookies") {
			t.Errorf("%s: %v", goos, err)
		}
	}
	// Windows sharing violation (errno 32) is a lock too.
	if err := withHint(&importers.FileError{Path: "x", Err: syscall.Errno(32)}, "x", "Edge", "windows"); !strings.Contains(err.Error(), "close Edge and retry") {
		t.Errorf("sharing violation: %v", err)
	}
	other := errors.New("disk on fire")
	if err := withHint(other, "x", "Chrome", "darwin"); err != other {
		t.Errorf("unrelated error changed: %v", err)
	}
}

func TestProgressAndCancel(t *testing.T) {
	userData := filepath.Join(fixtureDir(t), "user-data")
	var last [2]int
	calls := 0
	_, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), userData, importers.Options{Progress: func(done, total int) {
		calls++
		last = [2]int{done, total}
	}})
	if err != nil || calls < 2 || last != [2]int{63, 63} {
		t.Errorf("progress: %d calls, last %v, err %v", calls, last, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Reader{Keys: noOS(), Platform: "linux"}).Read(ctx, userData, importers.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}

// TestDamagedRowFailsRead (issue 8 item 2): a row whose column holds a type
// the schema cannot have is damage, and a damaged read is a failed read
// naming the file and the row, not a partial import.
func TestDamagedRowFailsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Cookies")
	writeSQLite(t, path,
		"CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)",
		"INSERT INTO meta VALUES ('version','24')",
		"CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER)",
		"INSERT INTO cookies VALUES (13300000000000000, 'a.example', 'ok', 'v1', x'', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'c.example', 'badint', 'v3', x'', '/', 'soon')",
	)
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{})
	if err == nil {
		t.Fatalf("damaged store read without error: %d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("error does not name the file, the damage and the row: %v", err)
	}
}

// TestChromiumRefusesBadNames (issue 8 item 12): a NUL or invalid UTF-8 in
// a name is refused with a warning, as the Firefox reader does.
func TestChromiumRefusesBadNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Cookies")
	writeSQLite(t, path,
		"CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)",
		"INSERT INTO meta VALUES ('version','24')",
		"CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER)",
		"INSERT INTO cookies VALUES (13300000000000000, 'a.example', 'ok', 'v1', x'', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'b.example', 'nul'||char(0)||'x', 'v', x'', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'c.example', CAST(x'ff6e616d65' AS TEXT), 'v', x'', '/', 13400000000000000)",
	)
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 1 || res.Cookies[0].Name != "ok" || res.Refused != 2 {
		t.Fatalf("%d cookies, %d refused, warnings %q", len(res.Cookies), res.Refused, res.Warnings)
	}
	all := strings.Join(res.Warnings, "\n")
	if !strings.Contains(all, "control character") || !strings.Contains(all, "UTF-8") {
		t.Fatalf("warnings do not say why: %q", all)
	}
}

// TestShortEncryptedValues (issue 8 item 13): an encrypted value too short
// or malformed for any scheme — a cut-off prefix "v1", "v10" with no
// ciphertext, a stray byte, four bytes of ciphertext — is kept as
// unreadable with a warning naming the file, never imported as a value.
func TestShortEncryptedValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Cookies")
	writeSQLite(t, path,
		"CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)",
		"INSERT INTO meta VALUES ('version','24')",
		"CREATE TABLE cookies(creation_utc INTEGER, host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, path TEXT, expires_utc INTEGER)",
		"INSERT INTO cookies VALUES (13300000000000000, 'a.example', 'a', '', x'7631', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'b.example', 'b', '', x'763130', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'c.example', 'c', '', x'ff', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'd.example', 'd', '', x'76313001020304', '/', 13400000000000000)",
		"INSERT INTO cookies VALUES (13300000000000000, 'e.example', 'e', '', x'76', '/', 13400000000000000)",
	)
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{Password: "peanuts"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 5 {
		t.Fatalf("%d cookies", len(res.Cookies))
	}
	for _, c := range res.Cookies {
		if !c.ValueUnreadable || c.Value != "" {
			t.Errorf("%s: unreadable=%v value=%q", c.Name, c.ValueUnreadable, c.Value)
		}
		found := false
		for _, w := range res.Warnings {
			if strings.HasPrefix(w, path+": ") && strings.Contains(w, `"`+c.Name+`"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no warning naming the file: %q", c.Name, res.Warnings)
		}
	}
}
