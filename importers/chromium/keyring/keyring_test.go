package keyring

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func TestDetectDesktop(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Desktop
	}{
		{map[string]string{}, DesktopOther},
		{map[string]string{"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, DesktopGNOME},
		{map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "KDE_SESSION_VERSION": "6"}, DesktopKDE6},
		{map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "KDE_SESSION_VERSION": "5"}, DesktopKDE5},
		{map[string]string{"XDG_CURRENT_DESKTOP": "KDE"}, DesktopKDE4},
		{map[string]string{"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, DesktopCinnamon},
		{map[string]string{"XDG_CURRENT_DESKTOP": "Unity", "DESKTOP_SESSION": "gnome-fallback"}, DesktopGNOME},
		{map[string]string{"XDG_CURRENT_DESKTOP": "LXQt"}, DesktopLXQt},
		{map[string]string{"DESKTOP_SESSION": "xubuntu"}, DesktopXFCE},
		{map[string]string{"DESKTOP_SESSION": "kde"}, DesktopKDE3},
		{map[string]string{"KDE_FULL_SESSION": "true", "KDE_SESSION_VERSION": "5"}, DesktopKDE5},
		{map[string]string{"XDG_CURRENT_DESKTOP": "MATE"}, DesktopOther},
	} {
		if got := DetectDesktop(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
	if b := Backends(DesktopKDE5); b[0] != KWallet5 || len(b) != 4 {
		t.Errorf("KDE5 backends %v", b)
	}
	if b := Backends(DesktopGNOME); b[0] != SecretService {
		t.Errorf("GNOME backends %v", b)
	}
}

func TestNoBus(t *testing.T) {
	env := map[string]string{"XDG_CURRENT_DESKTOP": "GNOME"}
	_, err := Lookup{Apps: []App{{"Chrome", "chrome"}}, Getenv: func(k string) string { return env[k] }}.SafeStoragePasswords(context.Background())
	nk, ok := err.(*NoKeyringError)
	if !ok {
		t.Fatalf("%T %v", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"desktop detected: GNOME", "no D-Bus session bus", "Secret Service", "KWallet 6", "--password", "CRUMBS_SAFE_STORAGE_PASSWORD"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if nk.Desktop != DesktopGNOME {
		t.Errorf("desktop %s", nk.Desktop)
	}
}

// privateBus starts a session dbus-daemon of our own and stops it at the
// end of the test.
func privateBus(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon not installed")
	}
	cmd := exec.Command(path, "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(line)
}

// fakeSecretService implements the parts of org.freedesktop.Secret.Service
// that Lookup uses, with one item per attribute set.
type fakeSecretService struct {
	items    map[dbus.ObjectPath]fakeItem
	sessions int
}

type fakeItem struct {
	attrs  map[string]string
	label  string
	secret string
	locked bool
}

func (s *fakeSecretService) OpenSession(alg string, in dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
	if alg != "plain" {
		return dbus.MakeVariant(""), "/", dbus.MakeFailedError(errString("only plain"))
	}
	s.sessions++
	return dbus.MakeVariant(""), "/org/freedesktop/secrets/session/1", nil
}

func (s *fakeSecretService) SearchItems(attrs map[string]string) ([]dbus.ObjectPath, []dbus.ObjectPath, *dbus.Error) {
	var unlocked, locked []dbus.ObjectPath
	for p, it := range s.items {
		match := true
		for k, v := range attrs {
			if it.attrs[k] != v {
				match = false
			}
		}
		if match {
			if it.locked {
				locked = append(locked, p)
			} else {
				unlocked = append(unlocked, p)
			}
		}
	}
	return unlocked, locked, nil
}

type errString string

func (e errString) Error() string { return string(e) }

type fakeItemObj struct {
	it fakeItem
}

func (o fakeItemObj) GetSecret(session dbus.ObjectPath) (secret, *dbus.Error) {
	return secret{Session: session, Value: []byte(o.it.secret), ContentType: "text/plain"}, nil
}

// props answers org.freedesktop.DBus.Properties.Get.
type props map[string]any

func (p props) Get(iface, name string) (dbus.Variant, *dbus.Error) {
	v, ok := p[iface+"."+name]
	if !ok {
		return dbus.Variant{}, dbus.MakeFailedError(errString("no property " + name))
	}
	return dbus.MakeVariant(v), nil
}

func serve(t *testing.T, addr, name string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName %s: %v %v", name, reply, err)
	}
	return conn
}

func TestSecretServiceOverDBus(t *testing.T) {
	addr := privateBus(t)
	conn := serve(t, addr, ssName)
	svc := &fakeSecretService{items: map[dbus.ObjectPath]fakeItem{
		"/org/freedesktop/secrets/collection/login/1": {attrs: map[string]string{"xdg:schema": schemaV2, "application": "chrome"}, label: "Chrome Safe Storage", secret: "chrome-pw"},
		"/org/freedesktop/secrets/collection/login/2": {attrs: map[string]string{}, label: "Brave Safe Storage", secret: "brave-pw"},
		"/org/freedesktop/secrets/collection/login/3": {attrs: map[string]string{"application": "chromium"}, label: "Chromium Safe Storage", secret: "locked-pw", locked: true},
	}}
	if err := conn.Export(svc, ssPath, ssService); err != nil {
		t.Fatal(err)
	}
	var items []dbus.ObjectPath
	for p, it := range svc.items {
		if !it.locked { // the locked one lives in a locked collection, not listed here
			items = append(items, p)
		}
		conn.Export(fakeItemObj{it}, p, ssItem)
		conn.Export(props{ssItem + ".Label": it.label}, p, "org.freedesktop.DBus.Properties")
	}
	coll := dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	conn.Export(props{ssService + ".Collections": []dbus.ObjectPath{coll}}, ssPath, "org.freedesktop.DBus.Properties")
	conn.Export(props{ssColl + ".Items": items, ssColl + ".Locked": false}, coll, "org.freedesktop.DBus.Properties")

	env := map[string]string{"XDG_CURRENT_DESKTOP": "GNOME"}
	l := Lookup{Address: addr, Getenv: func(k string) string { return env[k] }, Timeout: 2 * time.Second,
		Apps: []App{{"Chrome", "chrome"}, {"Brave", "brave"}}}
	pws, err := l.SafeStoragePasswords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range pws {
		got[p.Label] = p.Secret
	}
	if got["Secret Service: Chrome Safe Storage"] != "chrome-pw" || got["Secret Service: Brave Safe Storage"] != "brave-pw" || len(got) != 2 {
		t.Errorf("passwords %v", got)
	}

	// Only a locked item: the error says so and names the way out.
	l.Apps = []App{{"Chromium", "chromium"}}
	_, err = l.SafeStoragePasswords(context.Background())
	if err == nil || !strings.Contains(err.Error(), "locked") || !strings.Contains(err.Error(), "--password") {
		t.Errorf("locked: %v", err)
	}
}

type fakeKWallet struct{ opened bool }

func (k *fakeKWallet) NetworkWallet() (string, *dbus.Error) { return "kdewallet", nil }
func (k *fakeKWallet) Open(wallet string, wid int64, app string) (int32, *dbus.Error) {
	if wallet != "kdewallet" {
		return -1, nil
	}
	k.opened = true
	return 7, nil
}
func (k *fakeKWallet) ReadPassword(h int32, folder, key, app string) (string, *dbus.Error) {
	if h == 7 && folder == "Chrome Keys" && key == "Chrome Safe Storage" {
		return "kwallet-pw", nil
	}
	return "", nil
}
func (k *fakeKWallet) Close(h int32, force bool, app string) (int32, *dbus.Error) { return 0, nil }

func TestKWalletOverDBus(t *testing.T) {
	addr := privateBus(t)
	conn := serve(t, addr, "org.kde.kwalletd6")
	kw := &fakeKWallet{}
	err := conn.ExportWithMap(kw, map[string]string{"NetworkWallet": "networkWallet", "Open": "open", "ReadPassword": "readPassword", "Close": "close"},
		"/modules/kwalletd6", "org.kde.KWallet")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "KDE_SESSION_VERSION": "6"}
	l := Lookup{Address: addr, Getenv: func(k string) string { return env[k] }, Timeout: 2 * time.Second, Apps: []App{{"Chrome", "chrome"}}}
	pws, err := l.SafeStoragePasswords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(pws) != 1 || pws[0].Secret != "kwallet-pw" || pws[0].Label != "KWallet 6: Chrome Safe Storage" {
		t.Errorf("%+v", pws)
	}
	// An app the wallet does not hold: the error lists every backend tried.
	l.Apps = []App{{"Brave", "brave"}}
	_, err = l.SafeStoragePasswords(context.Background())
	if err == nil || !strings.Contains(err.Error(), "KWallet 6: no Brave Safe Storage entry") || !strings.Contains(err.Error(), "Secret Service: not running") {
		t.Errorf("%v", err)
	}
}
