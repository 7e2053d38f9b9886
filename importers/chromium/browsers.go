package chromium

import (
	"context"
	"runtime"
	"strings"

	"github.com/crumbs-dev/crumbs/importers/chromium/keyring"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/discover"
)

// browserKeys are the names a browser's Safe Storage secret goes by. They
// come from discovery's browser table (importers/discover), the one place
// crumbs keeps per-browser facts (docs/stores-chromium.md §Decryption, "Names per browser").
type browserKeys struct {
	Display string // in messages
	// Linux keyring identity; zero when the browser has no Linux build.
	Keyring keyring.App
	// macOS Keychain item; zero when unknown.
	Keychain oscrypt.KeychainItem
}

func keysOf(b discover.Browser) browserKeys {
	k := browserKeys{Display: b.Name}
	if b.Keyring != "" {
		k.Keyring = keyring.App{Name: b.Keyring, Application: strings.ToLower(b.Keyring)}
	}
	if b.Keychain != "" {
		k.Keychain = oscrypt.KeychainItem{Service: b.KeychainService(), Account: b.Keychain}
	}
	return k
}

// keysFor returns the key names for a browser id ("chrome",
// "chrome-beta"); an empty or unknown id gives every Chromium-family
// browser's names (try all).
func keysFor(browser string) []browserKeys {
	id := strings.ToLower(strings.TrimSpace(browser))
	if i := strings.IndexByte(id, ':'); i >= 0 { // tolerate "chrome:Default"
		id = id[:i]
	}
	if b, ok := discover.Lookup(id); ok && b.Family == discover.Chromium {
		return []browserKeys{keysOf(b)}
	}
	var all []browserKeys
	for _, b := range discover.Browsers {
		if b.Family == discover.Chromium {
			all = append(all, keysOf(b))
		}
	}
	return all
}

// displayName names the browser in messages.
func displayName(browser string) string {
	ks := keysFor(browser)
	if len(ks) == 1 {
		return ks[0].Display
	}
	return "the browser"
}

// systemKeys is the KeySource of this OS for browser.
func systemKeys(browser string) oscrypt.KeySource {
	ks := keysFor(browser)
	switch runtime.GOOS {
	case "windows":
		return oscrypt.System{}
	case "darwin":
		var items []oscrypt.KeychainItem
		seen := map[oscrypt.KeychainItem]bool{}
		for _, b := range ks {
			if b.Keychain.Service != "" && !seen[b.Keychain] {
				seen[b.Keychain] = true
				items = append(items, b.Keychain)
			}
		}
		return oscrypt.System{Passwords: oscrypt.Keychain{Items: items}}
	default:
		var apps []keyring.App
		seen := map[keyring.App]bool{}
		for _, b := range ks {
			if a := b.Keyring; a.Name != "" && !seen[a] {
				seen[a] = true
				apps = append(apps, a)
			}
		}
		return oscrypt.System{Passwords: keyringPasswords{keyring.Lookup{Apps: apps}}}
	}
}

// keyringPasswords adapts keyring.Lookup to oscrypt.PasswordSource.
type keyringPasswords struct{ l keyring.Lookup }

func (k keyringPasswords) SafeStoragePasswords(ctx context.Context) ([]oscrypt.Password, error) {
	pws, err := k.l.SafeStoragePasswords(ctx)
	out := make([]oscrypt.Password, len(pws))
	for i, p := range pws {
		out[i] = oscrypt.Password{Label: p.Label, Secret: p.Secret}
	}
	return out, err
}
