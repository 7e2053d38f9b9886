package oscrypt

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

type fakeSource struct {
	pws    []Password
	pwErr  error
	portal []byte
	calls  int
}

func (f *fakeSource) SafeStoragePasswords(context.Context) ([]Password, error) {
	f.calls++
	return f.pws, f.pwErr
}
func (f *fakeSource) Unprotect(b []byte) ([]byte, error) { return nil, errors.New("fake: no DPAPI") }
func (f *fakeSource) PortalSecret(context.Context) ([]byte, error) {
	if f.portal == nil {
		return nil, errors.New("fake: no portal")
	}
	return f.portal, nil
}

func seal(t testing.TB, k *Key, prefix, host, value string, hostPrefix bool) []byte {
	t.Helper()
	b, err := Seal(k, prefix, host, []byte(value), hostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestV12Portal(t *testing.T) {
	secret := []byte("portal-secret-0123456789")
	k, err := PortalKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	blob := seal(t, k, "v12", "example.com", "flatpak-value", true)
	if len(blob) != 3+12+32+len("flatpak-value")+16 {
		t.Fatalf("v12 layout: %d bytes", len(blob))
	}
	d := New(Config{Platform: "linux", HostPrefix: true, Keys: &fakeSource{portal: secret}})
	v, scheme, err := d.Decrypt(context.Background(), "example.com", blob)
	if err != nil || string(v) != "flatpak-value" || scheme != V12 {
		t.Fatalf("got %q %s %v", v, scheme, err)
	}
	// The wrong host fails the SHA-256 prefix check: unreadable, not garbage.
	if _, _, err := d.Decrypt(context.Background(), "other.com", blob); !errors.Is(err, ErrNoKey) {
		t.Errorf("wrong host: %v", err)
	}
	// Without the portal secret the reason says so.
	d = New(Config{Platform: "linux", HostPrefix: true, Keys: &fakeSource{}})
	_, _, err = d.Decrypt(context.Background(), "example.com", blob)
	if !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "no portal") {
		t.Errorf("no portal: %v", err)
	}
}

func TestKeyCacheAndOrder(t *testing.T) {
	ctx := context.Background()
	kr := CBCKey("", "keyring-pw", LinuxIterations)
	empty := CBCKey("", "", LinuxIterations)
	src := &fakeSource{pws: []Password{{Label: "fake", Secret: "keyring-pw"}}}
	d := New(Config{Platform: "linux", HostPrefix: true, Keys: src})
	for i := 0; i < 50; i++ {
		k := kr
		if i%5 == 0 {
			k = empty
		}
		v, _, err := d.Decrypt(ctx, "h.example", seal(t, k, "v11", "h.example", "val", true))
		if err != nil || string(v) != "val" {
			t.Fatalf("row %d: %q %v", i, v, err)
		}
	}
	if src.calls != 1 {
		t.Errorf("keyring asked %d times", src.calls)
	}
	if got := d.Cached("v11"); got != "empty key" {
		// The first row was the empty-key one: it is cached first.
		t.Errorf("cached %q", got)
	}
}

// TestLegacyRelaxed: without the host prefix (meta < 24) a value that is
// not UTF-8 is accepted only from the key already proven on other rows.
func TestLegacyRelaxed(t *testing.T) {
	ctx := context.Background()
	d := New(Config{Platform: "linux"})
	k := CBCKey("", PeanutsPassword, LinuxIterations)
	binary := "caf\xe9-latin1"
	if _, _, err := d.Decrypt(ctx, "h", seal(t, k, "v10", "h", binary, false)); err == nil {
		t.Error("a non-UTF-8 first row must not pick a key on its own")
	}
	if v, _, err := d.Decrypt(ctx, "h", seal(t, k, "v10", "h", "proof", false)); err != nil || string(v) != "proof" {
		t.Fatalf("%q %v", v, err)
	}
	if v, _, err := d.Decrypt(ctx, "h", seal(t, k, "v10", "h", binary, false)); err != nil || string(v) != binary {
		t.Errorf("after proof: %q %v", v, err)
	}
	if _, _, err := d.Decrypt(ctx, "h", seal(t, k, "v10", "h", "ctl\x01", false)); err == nil {
		t.Error("control characters accepted")
	}
}

func TestUnprefixed(t *testing.T) {
	ctx := context.Background()
	d := New(Config{Platform: "darwin"})
	if v, s, err := d.Decrypt(ctx, "h", []byte("legacy-plain")); err != nil || s != Plain || string(v) != "legacy-plain" {
		t.Errorf("macOS unprefixed: %q %s %v", v, s, err)
	}
	if _, s, err := d.Decrypt(ctx, "h", []byte("v99abcdef")); err == nil || s != "v99" || !errors.Is(err, ErrCorrupt) {
		t.Errorf("unknown prefix: %s %v", s, err)
	}
	w := New(Config{Platform: "windows", Keys: System{}})
	_, s, err := w.Decrypt(ctx, "h", []byte{1, 0, 0, 0, 0xd0, 0x8c})
	if s != DPAPI || err == nil {
		t.Errorf("windows unprefixed: %s %v", s, err)
	}
}

func TestSealRoundTripAllLengths(t *testing.T) {
	ctx := context.Background()
	cbc := CBCKey("", "pw", MacIterations)
	raw := make([]byte, 32)
	rand.Read(raw)
	gcm, _ := GCMKey("", raw)
	for _, hp := range []bool{false, true} {
		for n := 0; n < 70; n++ {
			val := strings.Repeat("v", n)
			for _, k := range []*Key{cbc, gcm} {
				d := New(Config{Platform: "darwin", HostPrefix: hp, Password: "pw"})
				d.sets["v10"] = &keySet{keys: []*Key{k}, osTried: true}
				got, _, err := d.Decrypt(ctx, ".example.org", seal(t, k, "v10", ".example.org", val, hp))
				if err != nil || !bytes.Equal(got, []byte(val)) {
					t.Fatalf("len %d hp %v: %q %v", n, hp, got, err)
				}
			}
		}
	}
}

func FuzzDecrypt(f *testing.F) {
	k := CBCKey("", PeanutsPassword, LinuxIterations)
	good, _ := Seal(k, "v10", "example.com", []byte("value"), true)
	f.Add([]byte(good), "example.com", true, "linux")
	f.Add([]byte("v10"), "", false, "linux")
	f.Add([]byte("v11\x00\x01"), "x", false, "darwin")
	f.Add([]byte("v20\x01\x02\x03"), "x", true, "windows")
	f.Add([]byte("v12"+strings.Repeat("\x00", 40)), "x", true, "linux")
	f.Add([]byte{}, "x", false, "windows")
	f.Fuzz(func(t *testing.T, blob []byte, host string, hostPrefix bool, platform string) {
		d := New(Config{Platform: platform, HostPrefix: hostPrefix, Password: "pw", Keys: &fakeSource{portal: []byte("s")}})
		v, _, err := d.Decrypt(context.Background(), host, blob)
		if err != nil && v != nil {
			t.Fatalf("value returned with an error")
		}
		var ue *UnreadableError
		if err != nil && !errors.As(err, &ue) {
			t.Fatalf("error is not an UnreadableError: %v", err)
		}
	})
}

func TestKeychain(t *testing.T) {
	var asked []string
	run := func(codes map[string]int, pw map[string]string) Runner {
		return func(ctx context.Context, name string, args ...string) ([]byte, int, error) {
			svc := args[len(args)-1]
			asked = append(asked, svc)
			if name != "security" || args[0] != "find-generic-password" || args[1] != "-w" {
				t.Errorf("command %s %v", name, args)
			}
			if c := codes[svc]; c != 0 {
				return nil, c, errors.New("exit status")
			}
			return []byte(pw[svc] + "\n"), 0, nil
		}
	}
	items := []KeychainItem{{"Chrome Safe Storage", "Chrome"}, {"Brave Safe Storage", "Brave"}, {"Arc Safe Storage", "Arc"}}

	pws, err := Keychain{Items: items, Run: run(map[string]int{"Chrome Safe Storage": 44}, map[string]string{"Brave Safe Storage": "b", "Arc Safe Storage": "a"})}.SafeStoragePasswords(context.Background())
	if err != nil || len(pws) != 2 || pws[0].Secret != "b" || pws[0].Label != "Keychain: Brave Safe Storage" {
		t.Errorf("%+v %v", pws, err)
	}
	asked = nil
	_, err = Keychain{Items: items, Run: run(map[string]int{"Chrome Safe Storage": 51}, nil)}.SafeStoragePasswords(context.Background())
	if err == nil || !strings.Contains(err.Error(), "denied or cancelled") || !strings.Contains(err.Error(), "--password") {
		t.Errorf("denied: %v", err)
	}
	if len(asked) != 1 {
		t.Errorf("asked again after a denial: %v", asked)
	}
	_, err = Keychain{Items: items[:1], Run: run(map[string]int{"Chrome Safe Storage": 44}, nil)}.SafeStoragePasswords(context.Background())
	if err == nil || !strings.Contains(err.Error(), `no "Chrome Safe Storage" item`) {
		t.Errorf("missing: %v", err)
	}
}
