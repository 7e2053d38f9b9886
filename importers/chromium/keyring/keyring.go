// Package keyring fetches a Chromium browser's Safe Storage password from
// the Linux desktop keyring over D-Bus: the Secret Service
// (org.freedesktop.secrets: GNOME Keyring, KeePassXC, …) and KWallet 4/5/6.
//
// Chromium picks one backend from the desktop it runs on (Desktop); a user
// may have overridden that with --password-store, so Lookup asks the
// preferred backend first and then every other one that answers. Nothing
// here prompts in a loop: a locked collection is reported, not unlocked by
// force, and a KWallet "open" dialog is shown at most once per backend.
package keyring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// App is one keyring identity of a browser (docs/stores-chromium.md §Decryption).
type App struct {
	// Name is the keyring name: the Secret Service label is
	// "<Name> Safe Storage", the KWallet folder "<Name> Keys".
	Name string
	// Application is the libsecret "application" attribute ("chrome").
	Application string
}

// Password is a password found in a keyring.
type Password struct {
	Label  string // e.g. "Secret Service: Chrome Safe Storage"
	Secret string
}

// Desktop is the desktop environment as Chromium's
// base::nix::GetDesktopEnvironment sees it.
type Desktop string

// Desktops that change the backend choice.
const (
	DesktopOther    Desktop = "other"
	DesktopGNOME    Desktop = "GNOME"
	DesktopKDE3     Desktop = "KDE3"
	DesktopKDE4     Desktop = "KDE4"
	DesktopKDE5     Desktop = "KDE5"
	DesktopKDE6     Desktop = "KDE6"
	DesktopUnity    Desktop = "Unity"
	DesktopCinnamon Desktop = "Cinnamon"
	DesktopPantheon Desktop = "Pantheon"
	DesktopDeepin   Desktop = "Deepin"
	DesktopUKUI     Desktop = "UKUI"
	DesktopXFCE     Desktop = "XFCE"
	DesktopLXQt     Desktop = "LXQt"
)

// DetectDesktop follows Chromium's detection from XDG_CURRENT_DESKTOP,
// DESKTOP_SESSION and KDE_SESSION_VERSION; getenv is os.Getenv in use.
func DetectDesktop(getenv func(string) string) Desktop {
	kde := func() Desktop {
		switch getenv("KDE_SESSION_VERSION") {
		case "5":
			return DesktopKDE5
		case "6":
			return DesktopKDE6
		}
		return DesktopKDE4
	}
	if cur := getenv("XDG_CURRENT_DESKTOP"); cur != "" {
		for _, d := range strings.Split(cur, ":") {
			switch strings.TrimSpace(d) {
			case "Unity":
				if strings.Contains(getenv("DESKTOP_SESSION"), "gnome-fallback") {
					return DesktopGNOME
				}
				return DesktopUnity
			case "Deepin":
				return DesktopDeepin
			case "GNOME":
				return DesktopGNOME
			case "X-Cinnamon", "Cinnamon":
				return DesktopCinnamon
			case "KDE":
				return kde()
			case "Pantheon":
				return DesktopPantheon
			case "XFCE":
				return DesktopXFCE
			case "UKUI":
				return DesktopUKUI
			case "LXQt":
				return DesktopLXQt
			}
		}
	}
	switch s := getenv("DESKTOP_SESSION"); {
	case s == "deepin":
		return DesktopDeepin
	case s == "gnome" || s == "mate":
		return DesktopGNOME
	case s == "kde4" || s == "kde-plasma":
		return DesktopKDE4
	case s == "kde":
		if getenv("KDE_SESSION_VERSION") != "" {
			return kde()
		}
		return DesktopKDE3
	case strings.Contains(s, "xfce") || s == "xubuntu":
		return DesktopXFCE
	case s == "ukui":
		return DesktopUKUI
	}
	if getenv("KDE_FULL_SESSION") != "" {
		if getenv("KDE_SESSION_VERSION") != "" {
			return kde()
		}
		return DesktopKDE3
	}
	return DesktopOther
}

// Backend is one keyring service.
type Backend string

// The backends, as named in messages.
const (
	SecretService Backend = "Secret Service"
	KWallet4      Backend = "KWallet 4"
	KWallet5      Backend = "KWallet 5"
	KWallet6      Backend = "KWallet 6"
)

// Backends returns every backend, the one Chromium would choose on d first.
// On desktops where Chromium uses no keyring ("basic" store, v10 only) the
// Secret Service still comes first: --password-store may have been given.
func Backends(d Desktop) []Backend {
	switch d {
	case DesktopKDE4:
		return []Backend{KWallet4, KWallet5, KWallet6, SecretService}
	case DesktopKDE5:
		return []Backend{KWallet5, KWallet6, KWallet4, SecretService}
	case DesktopKDE6:
		return []Backend{KWallet6, KWallet5, KWallet4, SecretService}
	}
	return []Backend{SecretService, KWallet6, KWallet5, KWallet4}
}

// Lookup finds the Safe Storage passwords of apps.
type Lookup struct {
	Apps []App
	// Getenv defaults to os.Getenv.
	Getenv func(string) string
	// Address is the session bus address; empty means
	// DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. crumbs never
	// starts a bus of its own (no dbus-launch autolaunch).
	Address string
	// Timeout bounds each D-Bus call; default 5 s (KWallet's open may show
	// a dialog: it gets 60 s).
	Timeout time.Duration
}

// NoKeyringError says why no password was found.
type NoKeyringError struct {
	Desktop Desktop
	Tried   []string // "Secret Service: no Chrome Safe Storage item", …
	Cause   string   // e.g. "no D-Bus session bus"
}

func (e *NoKeyringError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no Safe Storage password from the keyring (desktop detected: %s", e.Desktop)
	if e.Cause != "" {
		b.WriteString("; " + e.Cause)
	}
	if len(e.Tried) > 0 {
		b.WriteString("; tried " + strings.Join(e.Tried, "; "))
	}
	b.WriteString("): give the password with --password or CRUMBS_SAFE_STORAGE_PASSWORD (e.g. from `secret-tool lookup application chrome`)")
	return b.String()
}

// SafeStoragePasswords asks every backend that answers and returns all
// passwords found, the preferred backend's first. It returns a
// *NoKeyringError when none is found.
func (l Lookup) SafeStoragePasswords(ctx context.Context) ([]Password, error) {
	getenv := l.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	desktop := DetectDesktop(getenv)
	backends := Backends(desktop)
	nk := &NoKeyringError{Desktop: desktop}
	for _, b := range backends {
		nk.Tried = append(nk.Tried, string(b))
	}
	addr := l.Address
	if addr == "" {
		addr = sessionBusAddress(getenv)
	}
	if addr == "" {
		nk.Cause = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus)"
		return nil, nk
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		nk.Cause = "cannot connect to the D-Bus session bus: " + err.Error()
		return nil, nk
	}
	defer conn.Close()
	timeout := l.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	c := &client{conn: conn, timeout: timeout}

	nk.Tried = nk.Tried[:0]
	var found []Password
	for _, b := range backends {
		var pws []Password
		var err error
		switch b {
		case SecretService:
			pws, err = c.secretService(ctx, l.Apps)
		case KWallet4:
			pws, err = c.kwallet(ctx, "org.kde.kwalletd", "/modules/kwalletd", l.Apps)
		case KWallet5:
			pws, err = c.kwallet(ctx, "org.kde.kwalletd5", "/modules/kwalletd5", l.Apps)
		case KWallet6:
			pws, err = c.kwallet(ctx, "org.kde.kwalletd6", "/modules/kwalletd6", l.Apps)
		}
		for i := range pws {
			pws[i].Label = string(b) + ": " + pws[i].Label
		}
		found = append(found, pws...)
		switch {
		case err != nil:
			nk.Tried = append(nk.Tried, string(b)+": "+err.Error())
		case len(pws) == 0:
			nk.Tried = append(nk.Tried, string(b)+": no "+appLabels(l.Apps)+" entry")
		}
	}
	if len(found) == 0 {
		return nil, nk
	}
	return found, nil
}

func appLabels(apps []App) string {
	names := make([]string, 0, len(apps))
	for _, a := range apps {
		names = append(names, a.Name+" Safe Storage")
	}
	return strings.Join(names, "/")
}

func sessionBusAddress(getenv func(string) string) string {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a
	}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if st, err := os.Stat(p); err == nil && st.Mode()&os.ModeSocket != 0 {
			return "unix:path=" + p
		}
	}
	return ""
}

type client struct {
	conn    *dbus.Conn
	timeout time.Duration
}

func (c *client) call(ctx context.Context, obj dbus.BusObject, timeout time.Duration, method string, args ...any) *dbus.Call {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return obj.CallWithContext(ctx, method, 0, args...)
}

// errNotRunning marks a backend whose service is not on the bus.
var errNotRunning = errors.New("not running")

func (c *client) hasOwner(ctx context.Context, name string) bool {
	var has bool
	err := c.call(ctx, c.conn.BusObject(), c.timeout, "org.freedesktop.DBus.NameHasOwner", name).Store(&has)
	if err == nil && has {
		return true
	}
	// Activatable services start on first call.
	var names []string
	if err := c.call(ctx, c.conn.BusObject(), c.timeout, "org.freedesktop.DBus.ListActivatableNames").Store(&names); err == nil {
		for _, n := range names {
			if n == name {
				return true
			}
		}
	}
	return false
}

const (
	ssName      = "org.freedesktop.secrets"
	ssPath      = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService   = "org.freedesktop.Secret.Service"
	ssItem      = "org.freedesktop.Secret.Item"
	ssColl      = "org.freedesktop.Secret.Collection"
	schemaV2    = "chrome_libsecret_os_crypt_password_v2"
	schemaV1    = "chrome_libsecret_os_crypt_password_v1"
	secretLabel = " Safe Storage"
)

// secret is the Secret Service's (oayays) struct.
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// secretService searches by application attribute (schema v2, then v1,
// then any schema), then by label, and reads the unlocked items' secrets
// over a plain session.
func (c *client) secretService(ctx context.Context, apps []App) ([]Password, error) {
	if !c.hasOwner(ctx, ssName) {
		return nil, errNotRunning
	}
	svc := c.conn.Object(ssName, ssPath)
	var ignored dbus.Variant
	var session dbus.ObjectPath
	if err := c.call(ctx, svc, c.timeout, ssService+".OpenSession", "plain", dbus.MakeVariant("")).Store(&ignored, &session); err != nil {
		return nil, fmt.Errorf("OpenSession: %v", err)
	}
	defer c.call(ctx, c.conn.Object(ssName, session), c.timeout, "org.freedesktop.Secret.Session.Close")

	var out []Password
	var locked int
	for _, app := range apps {
		var items []dbus.ObjectPath
		for _, attrs := range []map[string]string{
			{"xdg:schema": schemaV2, "application": app.Application},
			{"xdg:schema": schemaV1, "application": app.Application},
			{"application": app.Application},
		} {
			var unlocked, lockedItems []dbus.ObjectPath
			if err := c.call(ctx, svc, c.timeout, ssService+".SearchItems", attrs).Store(&unlocked, &lockedItems); err != nil {
				return out, fmt.Errorf("SearchItems: %v", err)
			}
			locked += len(lockedItems)
			if len(unlocked) > 0 {
				items = unlocked
				break
			}
		}
		if len(items) == 0 {
			items = c.itemsByLabel(ctx, app.Name+secretLabel)
		}
		for _, item := range items {
			var s secret
			if err := c.call(ctx, c.conn.Object(ssName, item), c.timeout, ssItem+".GetSecret", session).Store(&s); err != nil {
				continue
			}
			if len(s.Value) > 0 {
				out = append(out, Password{Label: app.Name + secretLabel, Secret: string(s.Value)})
				break
			}
		}
	}
	if len(out) == 0 && locked > 0 {
		return nil, fmt.Errorf("the matching item is in a locked collection: unlock the keyring (log in to the desktop or open the browser once)")
	}
	return out, nil
}

// itemsByLabel lists unlocked items of every collection whose label is
// label (yt-dlp's fallback for items written without attributes).
func (c *client) itemsByLabel(ctx context.Context, label string) []dbus.ObjectPath {
	svc := c.conn.Object(ssName, ssPath)
	v, err := svc.GetProperty(ssService + ".Collections")
	if err != nil {
		return nil
	}
	colls, _ := v.Value().([]dbus.ObjectPath)
	var out []dbus.ObjectPath
	for _, cp := range colls {
		coll := c.conn.Object(ssName, cp)
		if lv, err := coll.GetProperty(ssColl + ".Locked"); err == nil {
			if l, _ := lv.Value().(bool); l {
				continue
			}
		}
		iv, err := coll.GetProperty(ssColl + ".Items")
		if err != nil {
			continue
		}
		items, _ := iv.Value().([]dbus.ObjectPath)
		for _, ip := range items {
			lv, err := c.conn.Object(ssName, ip).GetProperty(ssItem + ".Label")
			if err != nil {
				continue
			}
			if l, _ := lv.Value().(string); l == label {
				out = append(out, ip)
			}
		}
	}
	return out
}

// kwallet reads "<App> Safe Storage" from folder "<App> Keys" of the
// network wallet.
func (c *client) kwallet(ctx context.Context, name string, path dbus.ObjectPath, apps []App) ([]Password, error) {
	if !c.hasOwner(ctx, name) {
		return nil, errNotRunning
	}
	const iface = "org.kde.KWallet"
	const appID = "crumbs"
	kw := c.conn.Object(name, path)
	var wallet string
	if err := c.call(ctx, kw, c.timeout, iface+".networkWallet").Store(&wallet); err != nil {
		return nil, fmt.Errorf("networkWallet: %v", err)
	}
	var handle int32
	// open may show KWallet's own unlock dialog: give the user time, once.
	if err := c.call(ctx, kw, 60*time.Second, iface+".open", wallet, int64(0), appID).Store(&handle); err != nil {
		return nil, fmt.Errorf("open wallet %q: %v", wallet, err)
	}
	if handle < 0 {
		return nil, fmt.Errorf("wallet %q could not be opened (refused or locked)", wallet)
	}
	defer c.call(ctx, kw, c.timeout, iface+".close", handle, false, appID)
	var out []Password
	for _, app := range apps {
		folder, key := app.Name+" Keys", app.Name+secretLabel
		var pw string
		if err := c.call(ctx, kw, c.timeout, iface+".readPassword", handle, folder, key, appID).Store(&pw); err != nil {
			continue
		}
		if pw != "" {
			out = append(out, Password{Label: key, Secret: pw})
		}
	}
	return out, nil
}
