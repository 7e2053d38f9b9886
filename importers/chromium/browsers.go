package chromium

import (
	"context"
	"runtime"
	"strings"

	"github.com/crumbs-dev/crumbs/importers/chromium/keyring"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
)

// browserKeys are the names a browser's Safe Storage secret goes by
// (REFERENCE §2 "Keyring and Keychain names").
type browserKeys struct {
	ID      string // importers.Options.Browser
	Display string // in messages
	// Linux keyring identities; nil when the browser has no Linux build.
	Keyring []keyring.App
	// macOS Keychain item; zero when unknown.
	Keychain oscrypt.KeychainItem
}

var browserTable = []browserKeys{
	{"chrome", "Chrome", []keyring.App{{Name: "Chrome", Application: "chrome"}}, oscrypt.KeychainItem{Service: "Chrome Safe Storage", Account: "Chrome"}},
	{"chromium", "Chromium", []keyring.App{{Name: "Chromium", Application: "chromium"}}, oscrypt.KeychainItem{Service: "Chromium Safe Storage", Account: "Chromium"}},
	{"brave", "Brave", []keyring.App{{Name: "Brave", Application: "brave"}}, oscrypt.KeychainItem{Service: "Brave Safe Storage", Account: "Brave"}},
	// Edge and Opera use Chromium's keyring entry on Linux, Vivaldi Chrome's.
	{"edge", "Microsoft Edge", []keyring.App{{Name: "Chromium", Application: "chromium"}}, oscrypt.KeychainItem{Service: "Microsoft Edge Safe Storage", Account: "Microsoft Edge"}},
	{"opera", "Opera", []keyring.App{{Name: "Chromium", Application: "chromium"}}, oscrypt.KeychainItem{Service: "Opera Safe Storage", Account: "Opera"}},
	{"vivaldi", "Vivaldi", []keyring.App{{Name: "Chrome", Application: "chrome"}}, oscrypt.KeychainItem{Service: "Vivaldi Safe Storage", Account: "Vivaldi"}},
	{"arc", "Arc", nil, oscrypt.KeychainItem{Service: "Arc Safe Storage", Account: "Arc"}},
	{"whale", "Whale", []keyring.App{{Name: "Whale", Application: "whale"}}, oscrypt.KeychainItem{}},
	// Yandex is not in REFERENCE's table: these names follow the others'
	// pattern and are unverified (see docs/stores-chromium.md).
	{"yandex", "Yandex", []keyring.App{{Name: "Yandex", Application: "yandex"}}, oscrypt.KeychainItem{Service: "Yandex Safe Storage", Account: "Yandex"}},
}

// keysFor returns the table rows for a browser id; an empty or unknown id
// gives every row (try all names).
func keysFor(browser string) []browserKeys {
	id := strings.ToLower(strings.TrimSpace(browser))
	if i := strings.IndexByte(id, ':'); i >= 0 { // tolerate "chrome:Default"
		id = id[:i]
	}
	for _, b := range browserTable {
		if b.ID == id {
			return []browserKeys{b}
		}
	}
	return browserTable
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
		for _, b := range ks {
			if b.Keychain.Service != "" {
				items = append(items, b.Keychain)
			}
		}
		return oscrypt.System{Passwords: oscrypt.Keychain{Items: items}}
	default:
		var apps []keyring.App
		seen := map[keyring.App]bool{}
		for _, b := range ks {
			for _, a := range b.Keyring {
				if !seen[a] {
					seen[a] = true
					apps = append(apps, a)
				}
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
