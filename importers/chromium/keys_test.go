package chromium

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/keyring"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// testCookies is a small hand-made list covering the value shapes that
// matter to the key check: empty, one block, several blocks, UTF-8.
func testCookies(n int) []cookie.Cookie {
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	values := []string{"", "a", "0123456789abcde", "0123456789abcdef", "Zürich ☕ café",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc", strings.Repeat("x", 300), "q=\"quoted\", comma"}
	out := make([]cookie.Cookie, n)
	for i := range out {
		host := fmt.Sprintf("site%d.example.com", i%7)
		hostOnly := i%2 == 0
		if !hostOnly {
			host = "." + host
		}
		out[i] = cookie.Cookie{
			Domain: host, HostOnly: hostOnly, Path: "/", Name: fmt.Sprintf("c%d", i),
			Value: values[i%len(values)], Secure: i%3 == 0, HTTPOnly: i%4 == 0,
			Created: cookie.TimeOf(base.Add(time.Duration(i) * time.Second)), LastAccessed: cookie.TimeOf(base),
			Expires: cookie.TimeOf(base.Add(400 * 24 * time.Hour)), SameSite: cookie.SameSite(i % 4),
		}
		if i%5 == 4 {
			out[i].Session, out[i].Expires = true, cookie.Time{}
		}
	}
	return out
}

func sealWith(t testing.TB, k *oscrypt.Key, prefix, host, value string, hostPrefix bool) []byte {
	t.Helper()
	b, err := oscrypt.Seal(k, prefix, host, []byte(value), hostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hostKeyOf(c *cookie.Cookie) string { return c.Domain }

// checkValues compares every cookie's value, encryption and readability.
func checkValues(t *testing.T, res *importers.Result, want []cookie.Cookie, enc func(i int) cookie.Encryption) {
	t.Helper()
	if len(res.Cookies) != len(want) {
		t.Fatalf("got %d cookies, want %d (warnings %q)", len(res.Cookies), len(want), res.Warnings)
	}
	byName := map[string]cookie.Cookie{}
	for _, c := range res.Cookies {
		byName[c.Name] = c
	}
	for i, w := range want {
		c := byName[w.Name]
		if c.ValueUnreadable || c.Value != w.Value || c.Encryption != enc(i) {
			t.Errorf("%s: value %q unreadable %v (%s) encryption %s; want %q %s", w.Name, c.Value, c.ValueUnreadable, c.UnreadableReason, c.Encryption, w.Value, enc(i))
		}
		if c.Session != w.Session || c.Secure != w.Secure || c.HTTPOnly != w.HTTPOnly || c.SameSite != w.SameSite || !c.Created.Equal(w.Created) || !c.Expires.Equal(w.Expires) {
			t.Errorf("%s: attributes differ: got %+v want %+v", w.Name, c, w)
		}
	}
}

// TestLinuxMixedKeys: v10 (peanuts), v11 (keyring password) and empty-key
// rows of both prefixes in ONE store, at meta 24 (host prefix) and 23.
func TestLinuxMixedKeys(t *testing.T) {
	peanuts := oscrypt.CBCKey("", "peanuts", 1)
	keyringKey := oscrypt.CBCKey("", "kr-s3cret-from-keyring", 1)
	empty := oscrypt.CBCKey("", "", 1)
	for _, meta := range []int{23, 24} {
		t.Run(fmt.Sprint("meta", meta), func(t *testing.T) {
			cs := testCookies(40)
			prefixOf := func(i int) string { return []string{"v10", "v11", "v11", "v10"}[i%4] }
			keyOf := func(i int) *oscrypt.Key { return []*oscrypt.Key{peanuts, keyringKey, empty, empty}[i%4] }
			path := filepath.Join(t.TempDir(), "Cookies")
			err := gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{MetaVersion: meta,
				Override: func(i int, c *cookie.Cookie) (string, []byte, bool) {
					return "", sealWith(t, keyOf(i), prefixOf(i), hostKeyOf(c), c.Value, meta >= 24), true
				}})
			if err != nil {
				t.Fatal(err)
			}
			keys := &fakeKeys{passwords: []oscrypt.Password{{Label: "fake keyring", Secret: "kr-s3cret-from-keyring"}}}
			res, err := Reader{Keys: keys, Platform: "linux"}.Read(context.Background(), path, importers.Options{Browser: "chrome"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			checkValues(t, res, cs, func(i int) cookie.Encryption { return cookie.Encryption(prefixOf(i)) })
			if keys.calls != 1 {
				t.Errorf("keyring asked %d times, want once", keys.calls)
			}
		})
	}
}

// TestNoKeyring: v11 rows without a session bus stay unreadable with a
// warning naming the desktop, the backends and the way out; v10 rows read.
func TestNoKeyring(t *testing.T) {
	cs := testCookies(30)
	kr := oscrypt.CBCKey("", "only-in-the-keyring", 1)
	path := filepath.Join(t.TempDir(), "Cookies")
	err := gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{Override: func(i int, c *cookie.Cookie) (string, []byte, bool) {
		if i%2 == 0 {
			return "", sealWith(t, kr, "v11", c.Domain, c.Value, true), true
		}
		return "", nil, false
	}})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "KDE_SESSION_VERSION": "5"}
	lookup := keyring.Lookup{Apps: []keyring.App{{Name: "Chrome", Application: "chrome"}}, Getenv: func(k string) string { return env[k] }}
	r := Reader{Keys: oscrypt.System{Passwords: keyringPasswords{lookup}}, Platform: "linux"}
	res, err := r.Read(context.Background(), path, importers.Options{Browser: "chrome"})
	if err != nil {
		t.Fatal(err)
	}
	unreadable := 0
	for i, c := range res.Cookies {
		if c.ValueUnreadable {
			unreadable++
			if c.Value != "" || c.Encryption != cookie.EncV11 || c.UnreadableReason == "" {
				t.Errorf("row %d: %+v", i, c)
			}
		} else if c.Encryption != cookie.EncV10 {
			t.Errorf("row %d readable with %s", i, c.Encryption)
		}
	}
	if unreadable != 15 {
		t.Errorf("%d unreadable, want 15", unreadable)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"15 cookie values unreadable", "desktop detected: KDE5", "KWallet 5", "Secret Service", "no D-Bus session bus", "--password", "CRUMBS_SAFE_STORAGE_PASSWORD"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	// The same store with the password given by hand reads completely.
	res, err = r.Read(context.Background(), path, importers.Options{Browser: "chrome", Password: "only-in-the-keyring"})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, res, cs, func(i int) cookie.Encryption { return []cookie.Encryption{cookie.EncV11, cookie.EncV10}[i%2] })
}

// TestMacKeychain: macOS v10 at 1003 rounds, from the Keychain (fake) and
// from --password on a Linux machine.
func TestMacKeychain(t *testing.T) {
	cs := testCookies(20)
	path := filepath.Join(t.TempDir(), "Cookies")
	if err := gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{Password: "mac-keychain-pw", Iterations: 1003}); err != nil {
		t.Fatal(err)
	}
	keys := &fakeKeys{passwords: []oscrypt.Password{{Label: "Keychain: Chrome Safe Storage", Secret: "mac-keychain-pw"}}}
	res, err := Reader{Keys: keys, Platform: "darwin"}.Read(context.Background(), path, importers.Options{Browser: "chrome"})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, res, cs, func(int) cookie.Encryption { return cookie.EncV10 })

	// Copied to Linux: only --password can read it; the macOS scheme verifies.
	res, err = Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{Password: "mac-keychain-pw"})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, res, cs, func(int) cookie.Encryption { return cookie.EncV10 })

	// A wrong password: values unreadable, never garbage.
	res, err = Reader{Keys: noOS(), Platform: "darwin"}.Read(context.Background(), path, importers.Options{Password: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if !c.ValueUnreadable || c.Value != "" {
			t.Errorf("%s read with a wrong password: %q", c.Name, c.Value)
		}
	}
}

// fakeDPAPI "protects" by prefixing a marker, so Unprotect can check that it
// was handed exactly the bytes after "DPAPI".
const fakeDPAPIMarker = "fake-dpapi:"

func fakeUnprotect(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(fakeDPAPIMarker)) {
		return nil, errors.New("fake DPAPI: not mine")
	}
	return b[len(fakeDPAPIMarker):], nil
}

// TestWindows: AES-256-GCM v10 with the Local State key (DPAPI faked),
// legacy whole-DPAPI values, v20 app-bound values and a corrupt value.
func TestWindows(t *testing.T) {
	raw := make([]byte, 32)
	rand.Read(raw)
	gcm, err := oscrypt.GCMKey("", raw)
	if err != nil {
		t.Fatal(err)
	}
	userData := t.TempDir()
	profile := filepath.Join(userData, "Default", "Network")
	os.MkdirAll(profile, 0o700)
	wrapped := append([]byte("DPAPI"+fakeDPAPIMarker), raw...)
	ls := fmt.Sprintf(`{"os_crypt":{"encrypted_key":%q,"app_bound_encrypted_key":"QVBQQgAAAA=="}}`, base64.StdEncoding.EncodeToString(wrapped))
	os.WriteFile(filepath.Join(userData, "Local State"), []byte(ls), 0o600)

	cs := testCookies(24)
	kind := func(i int) string { return []string{"v10", "v10", "dpapi", "v20", "corrupt", "v10"}[i%6] }
	path := filepath.Join(profile, "Cookies")
	err = gen.WriteChromiumStore(path, cs, gen.ChromiumStoreOptions{Override: func(i int, c *cookie.Cookie) (string, []byte, bool) {
		switch kind(i) {
		case "v10":
			return "", sealWith(t, gcm, "v10", c.Domain, c.Value, true), true
		case "dpapi":
			// Before Chrome 80 there was no host prefix either.
			return "", []byte(fakeDPAPIMarker + c.Value), true
		case "v20":
			// Random bytes sealed under a key nobody has.
			blob := make([]byte, 12+len(c.Value)+32+16)
			rand.Read(blob)
			return "", append([]byte("v20"), blob...), true
		default:
			return "", []byte("v10\x01\x02\x03"), true
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Reader{Keys: &fakeKeys{dpapi: fakeUnprotect}, Platform: "windows"}.Read(context.Background(), userData, importers.Options{Browser: "chrome"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != len(cs) {
		t.Fatalf("%d cookies, want %d", len(res.Cookies), len(cs))
	}
	for i, c := range res.Cookies {
		want := cs[i]
		if c.Name != want.Name {
			t.Fatalf("row order: %s vs %s", c.Name, want.Name)
		}
		switch kind(i) {
		case "v10", "dpapi":
			enc := cookie.EncV10
			if kind(i) == "dpapi" {
				enc = cookie.EncDPAPI
			}
			if c.ValueUnreadable || c.Value != want.Value || c.Encryption != enc {
				t.Errorf("%s (%s): %q unreadable=%v %s %s", c.Name, kind(i), c.Value, c.ValueUnreadable, c.Encryption, c.UnreadableReason)
			}
		case "v20":
			if !c.ValueUnreadable || c.Value != "" || c.Encryption != cookie.EncV20 || !strings.Contains(c.UnreadableReason, "app-bound") {
				t.Errorf("%s v20: %+v", c.Name, c)
			}
			if c.Domain != want.Domain || c.Path != want.Path || !c.Created.Equal(want.Created) {
				t.Errorf("%s v20: metadata lost: %+v", c.Name, c)
			}
		case "corrupt":
			if !c.ValueUnreadable || c.Value != "" || c.UnreadableReason == "" {
				t.Errorf("%s corrupt: %+v", c.Name, c)
			}
		}
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"4 cookie values use Chrome 127+ app-bound encryption (v20)", "cannot be decrypted outside the browser", "4 cookie values unreadable: v10: corrupt"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if n := strings.Count(all, "value unreadable (v10: corrupt"); n != 4 {
		t.Errorf("%d per-row corrupt warnings, want 4:\n%s", n, all)
	}

	// On a machine whose DPAPI cannot unwrap the key, v10 values are
	// unreadable with the reason.
	res, err = Reader{Keys: &fakeKeys{}, Platform: "windows"}.Read(context.Background(), userData, importers.Options{Browser: "chrome"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "DPAPI could not unwrap Local State os_crypt.encrypted_key") {
		t.Errorf("warnings: %q", res.Warnings)
	}
}
