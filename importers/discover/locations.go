package discover

// This file is the one table of where browsers keep their profiles
// (docs/browsers.md §Where crumbs looks). Code elsewhere in the package never names a browser: to
// support a new browser or a new install location, add a row here and a line
// to docs/browsers.md.
//
// Path templates use "/" on every OS and these placeholders:
//
//	{home}          the user's home directory
//	{config}        $XDG_CONFIG_HOME, default {home}/.config
//	{chromeconfig}  $CHROME_CONFIG_HOME, default {config} (Google Chrome only)
//	{appsupport}    {home}/Library/Application Support (macOS)
//	{appdata}       %APPDATA%, default {home}/AppData/Roaming (Windows)
//	{localappdata}  %LOCALAPPDATA%, default {home}/AppData/Local (Windows)
//	{env:NAME}      the variable NAME; the row is skipped when NAME is unset
//	{snaprev}       a Snap revision: "current" if present, else the highest number
//
// A path element may also hold a "*" wildcard (MS Store package names carry a
// publisher hash); it matches within that one element only.

// Family is the store format family of a browser.
type Family string

const (
	Gecko    Family = "gecko"
	Chromium Family = "chromium"
	Safari   Family = "safari"
)

// Layout says what a location's path points at.
type Layout uint8

const (
	// LayoutGeckoRoot: a directory holding profiles.ini.
	LayoutGeckoRoot Layout = iota
	// LayoutUserData: a Chromium user-data dir (Local State, profile
	// subdirs; or, in Opera's flat layout, the profile itself).
	LayoutUserData
	// LayoutSafariFile: the default Safari Cookies.binarycookies file.
	LayoutSafariFile
	// LayoutSafariProfiles: Safari 17+ WebsiteDataStore dir holding one
	// <uuid>/Cookies/Cookies.binarycookies per named profile.
	LayoutSafariProfiles
)

// Variants of an install.
const (
	VariantNative  = "native"
	VariantXDG     = "xdg"
	VariantSnap    = "snap"
	VariantFlatpak = "flatpak"
	VariantMSStore = "msstore"
	VariantESR     = "esr"
	VariantLegacy  = "legacy"
)

// Location is one place a browser may keep its data on one OS.
type Location struct {
	OS      string // "linux", "darwin" or "windows"
	Variant string // VariantNative, VariantSnap, …
	Path    string // template, see the file comment
	Layout  Layout
	// AppID is the Flatpak/Snap/Store application id, when there is one
	// (Chromium's Flatpak key provider is keyed by it).
	AppID string
	// Unverified marks a path found in no reference implementation.
	Unverified bool
}

// Browser is one row of the table.
type Browser struct {
	ID     string // stable id used in SOURCE arguments and source ids
	Name   string // display name
	Family Family
	// Keyring is the <App> of "<App> Safe Storage" in the Linux Secret
	// Service / KWallet (docs/stores-chromium.md §Decryption); empty if unknown.
	Keyring string
	// Keychain is the macOS Keychain account; the service is
	// Keychain + " Safe Storage". Empty if unknown.
	Keychain string
	// Unverified marks a browser whose paths no reference confirms.
	Unverified bool
	Locations  []Location
}

// KeychainService is the macOS Keychain service name ("Chrome Safe Storage").
func (b Browser) KeychainService() string {
	if b.Keychain == "" {
		return ""
	}
	return b.Keychain + " Safe Storage"
}

// Shorthands that keep the table one row per location.
func onLinux(variant, path string) Location {
	return Location{OS: "linux", Variant: variant, Path: path}
}
func onDarwin(path string) Location {
	return Location{OS: "darwin", Variant: VariantNative, Path: path}
}
func onWindows(path string) Location {
	return Location{OS: "windows", Variant: VariantNative, Path: path}
}
func flatpak(appID, path string) Location {
	return Location{OS: "linux", Variant: VariantFlatpak, Path: "{home}/.var/app/" + appID + "/" + path, AppID: appID}
}
func snap(name, path string) Location {
	return Location{OS: "linux", Variant: VariantSnap, Path: "{home}/snap/" + name + "/" + path, AppID: name}
}
func unverified(l Location) Location { l.Unverified = true; return l }
func variant(v string, l Location) Location {
	l.Variant = v
	return l
}

// withLayout sets the layout of one location (the family default is set
// by Browsers' init).
func withLayout(ly Layout, l Location) Location {
	l.Layout = ly
	return l
}

// Browsers is the location table. Order is display order.
var Browsers = []Browser{
	// ---- Gecko ----
	{ID: "firefox", Name: "Firefox", Family: Gecko, Locations: []Location{
		onLinux(VariantXDG, "{config}/mozilla/firefox"), // Firefox 147+ new installs
		onLinux(VariantNative, "{home}/.mozilla/firefox"),
		onLinux(VariantESR, "{home}/.mozilla/firefox-esr"),
		snap("firefox", "common/.mozilla/firefox"),
		flatpak("org.mozilla.firefox", ".mozilla/firefox"),
		flatpak("org.mozilla.firefox", "config/mozilla/firefox"), // 147+
		onDarwin("{appsupport}/Firefox"),
		onWindows("{appdata}/Mozilla/Firefox"),
		{OS: "windows", Variant: VariantMSStore, AppID: "Mozilla.Firefox",
			Path: "{localappdata}/Packages/Mozilla.Firefox_*/LocalCache/Roaming/Mozilla/Firefox"},
	}},
	{ID: "librewolf", Name: "LibreWolf", Family: Gecko, Locations: []Location{
		onLinux(VariantNative, "{home}/.librewolf"),
		snap("librewolf", "common/.librewolf"),
		unverified(flatpak("io.gitlab.librewolf-community", ".librewolf")),
		onDarwin("{appsupport}/librewolf"),
		onWindows("{appdata}/librewolf"),
	}},
	{ID: "zen", Name: "Zen", Family: Gecko, Locations: []Location{
		onLinux(VariantNative, "{home}/.zen"),
		onDarwin("{appsupport}/zen"),
		onWindows("{appdata}/zen"),
	}},
	{ID: "waterfox", Name: "Waterfox", Family: Gecko, Unverified: true, Locations: []Location{
		onLinux(VariantNative, "{home}/.waterfox"),
		onDarwin("{appsupport}/Waterfox"),
		onWindows("{appdata}/Waterfox"),
	}},
	{ID: "floorp", Name: "Floorp", Family: Gecko, Unverified: true, Locations: []Location{
		onLinux(VariantNative, "{home}/.floorp"),
		onDarwin("{appsupport}/Floorp"),
		onWindows("{appdata}/Floorp"),
	}},

	// ---- Chromium ----
	{ID: "chrome", Name: "Google Chrome", Family: Chromium, Keyring: "Chrome", Keychain: "Chrome", Locations: []Location{
		{OS: "linux", Variant: VariantNative, Path: "{env:CHROME_USER_DATA_DIR}"},
		onLinux(VariantNative, "{chromeconfig}/google-chrome"),
		flatpak("com.google.Chrome", "config/google-chrome"),
		onDarwin("{appsupport}/Google/Chrome"),
		onWindows("{localappdata}/Google/Chrome/User Data"),
	}},
	{ID: "chrome-beta", Name: "Google Chrome Beta", Family: Chromium, Keyring: "Chrome", Keychain: "Chrome", Locations: []Location{
		onLinux(VariantNative, "{chromeconfig}/google-chrome-beta"),
		onDarwin("{appsupport}/Google/Chrome Beta"),
		onWindows("{localappdata}/Google/Chrome Beta/User Data"),
	}},
	{ID: "chrome-dev", Name: "Google Chrome Dev", Family: Chromium, Keyring: "Chrome", Keychain: "Chrome", Locations: []Location{
		onLinux(VariantNative, "{chromeconfig}/google-chrome-unstable"),
		unverified(onDarwin("{appsupport}/Google/Chrome Dev")),
		unverified(onWindows("{localappdata}/Google/Chrome Dev/User Data")),
	}},
	{ID: "chrome-canary", Name: "Google Chrome Canary", Family: Chromium, Keyring: "Chrome", Keychain: "Chrome", Locations: []Location{
		onDarwin("{appsupport}/Google/Chrome Canary"),
		onWindows("{localappdata}/Google/Chrome SxS/User Data"),
	}},
	{ID: "chromium", Name: "Chromium", Family: Chromium, Keyring: "Chromium", Keychain: "Chromium", Locations: []Location{
		onLinux(VariantNative, "{config}/chromium"),
		snap("chromium", "common/chromium"),
		flatpak("org.chromium.Chromium", "config/chromium"),
		onDarwin("{appsupport}/Chromium"),
		onWindows("{localappdata}/Chromium/User Data"),
	}},
	{ID: "brave", Name: "Brave", Family: Chromium, Keyring: "Brave", Keychain: "Brave", Locations: []Location{
		onLinux(VariantNative, "{config}/BraveSoftware/Brave-Browser"),
		snap("brave", "{snaprev}/.config/BraveSoftware/Brave-Browser"),
		flatpak("com.brave.Browser", "config/BraveSoftware/Brave-Browser"),
		onDarwin("{appsupport}/BraveSoftware/Brave-Browser"),
		onWindows("{localappdata}/BraveSoftware/Brave-Browser/User Data"),
	}},
	{ID: "brave-beta", Name: "Brave Beta", Family: Chromium, Keyring: "Brave", Keychain: "Brave", Locations: []Location{
		onLinux(VariantNative, "{config}/BraveSoftware/Brave-Browser-Beta"),
		unverified(onDarwin("{appsupport}/BraveSoftware/Brave-Browser-Beta")),
		unverified(onWindows("{localappdata}/BraveSoftware/Brave-Browser-Beta/User Data")),
	}},
	{ID: "brave-nightly", Name: "Brave Nightly", Family: Chromium, Keyring: "Brave", Keychain: "Brave", Locations: []Location{
		onLinux(VariantNative, "{config}/BraveSoftware/Brave-Browser-Nightly"),
		unverified(onDarwin("{appsupport}/BraveSoftware/Brave-Browser-Nightly")),
		unverified(onWindows("{localappdata}/BraveSoftware/Brave-Browser-Nightly/User Data")),
	}},
	{ID: "edge", Name: "Microsoft Edge", Family: Chromium, Keyring: "Chromium", Keychain: "Microsoft Edge", Locations: []Location{
		onLinux(VariantNative, "{config}/microsoft-edge"),
		flatpak("com.microsoft.Edge", "config/microsoft-edge"),
		onDarwin("{appsupport}/Microsoft Edge"),
		onWindows("{localappdata}/Microsoft/Edge/User Data"),
	}},
	{ID: "edge-beta", Name: "Microsoft Edge Beta", Family: Chromium, Keyring: "Chromium", Keychain: "Microsoft Edge", Locations: []Location{
		onLinux(VariantNative, "{config}/microsoft-edge-beta"),
		onDarwin("{appsupport}/Microsoft Edge Beta"),
		unverified(onWindows("{localappdata}/Microsoft/Edge Beta/User Data")),
	}},
	{ID: "edge-dev", Name: "Microsoft Edge Dev", Family: Chromium, Keyring: "Chromium", Keychain: "Microsoft Edge", Locations: []Location{
		onLinux(VariantNative, "{config}/microsoft-edge-dev"),
		onDarwin("{appsupport}/Microsoft Edge Dev"),
		unverified(onWindows("{localappdata}/Microsoft/Edge Dev/User Data")),
	}},
	{ID: "edge-canary", Name: "Microsoft Edge Canary", Family: Chromium, Keyring: "Chromium", Keychain: "Microsoft Edge", Locations: []Location{
		onDarwin("{appsupport}/Microsoft Edge Canary"),
		unverified(onWindows("{localappdata}/Microsoft/Edge SxS/User Data")),
	}},
	{ID: "opera", Name: "Opera", Family: Chromium, Keyring: "Chromium", Keychain: "Opera", Locations: []Location{
		onLinux(VariantNative, "{config}/opera"),
		snap("opera", "{snaprev}/.config/opera"),
		onDarwin("{appsupport}/com.operasoftware.Opera"),
		onWindows("{appdata}/Opera Software/Opera Stable"),
	}},
	{ID: "opera-beta", Name: "Opera Beta", Family: Chromium, Keyring: "Chromium", Keychain: "Opera", Locations: []Location{
		onLinux(VariantNative, "{config}/opera-beta"),
		onDarwin("{appsupport}/com.operasoftware.OperaNext"),
		unverified(onWindows("{appdata}/Opera Software/Opera Next")),
	}},
	{ID: "opera-developer", Name: "Opera Developer", Family: Chromium, Keyring: "Chromium", Keychain: "Opera", Locations: []Location{
		onLinux(VariantNative, "{config}/opera-developer"),
		onDarwin("{appsupport}/com.operasoftware.OperaDeveloper"),
		unverified(onWindows("{appdata}/Opera Software/Opera Developer")),
	}},
	{ID: "opera-gx", Name: "Opera GX", Family: Chromium, Keyring: "Chromium", Keychain: "Opera", Locations: []Location{
		onDarwin("{appsupport}/com.operasoftware.OperaGX"),
		onWindows("{appdata}/Opera Software/Opera GX Stable"),
	}},
	{ID: "vivaldi", Name: "Vivaldi", Family: Chromium, Keyring: "Chrome", Keychain: "Vivaldi", Locations: []Location{
		onLinux(VariantNative, "{config}/vivaldi"),
		flatpak("com.vivaldi.Vivaldi", "config/vivaldi"),
		onDarwin("{appsupport}/Vivaldi"),
		onWindows("{localappdata}/Vivaldi/User Data"),
	}},
	{ID: "vivaldi-snapshot", Name: "Vivaldi Snapshot", Family: Chromium, Keyring: "Chrome", Keychain: "Vivaldi", Locations: []Location{
		onLinux(VariantNative, "{config}/vivaldi-snapshot"),
	}},
	{ID: "arc", Name: "Arc", Family: Chromium, Keychain: "Arc", Locations: []Location{
		onDarwin("{appsupport}/Arc/User Data"),
		{OS: "windows", Variant: VariantMSStore, AppID: "TheBrowserCompany.Arc",
			Path: "{localappdata}/Packages/TheBrowserCompany.Arc_*/LocalCache/Local/Arc/User Data"},
	}},
	{ID: "whale", Name: "Naver Whale", Family: Chromium, Keyring: "Whale", Locations: []Location{
		onLinux(VariantNative, "{config}/naver-whale"),
		onDarwin("{appsupport}/Naver/Whale"),
		onWindows("{localappdata}/Naver/Naver Whale/User Data"),
	}},
	{ID: "yandex", Name: "Yandex Browser", Family: Chromium, Keyring: "Yandex", Keychain: "Yandex", Locations: []Location{
		onDarwin("{appsupport}/Yandex/YandexBrowser"),
		onWindows("{localappdata}/Yandex/YandexBrowser/User Data"),
	}},

	// ---- Safari ----
	{ID: "safari", Name: "Safari", Family: Safari, Locations: []Location{
		withLayout(LayoutSafariFile, onDarwin("{home}/Library/Containers/com.apple.Safari/Data/Library/Cookies/Cookies.binarycookies")),
		withLayout(LayoutSafariProfiles, onDarwin("{home}/Library/Containers/com.apple.Safari/Data/Library/WebKit/WebsiteDataStore")),
		withLayout(LayoutSafariFile, variant(VariantLegacy, onDarwin("{home}/Library/Cookies/Cookies.binarycookies"))),
		withLayout(LayoutSafariFile, variant(VariantLegacy, onWindows("{appdata}/Apple Computer/Safari/Cookies/Cookies.binarycookies"))),
	}},
}

func init() {
	// Chromium rows default to LayoutUserData; Gecko rows are already
	// LayoutGeckoRoot (the zero value); Safari rows set theirs explicitly.
	for i := range Browsers {
		if Browsers[i].Family != Chromium {
			continue
		}
		for j := range Browsers[i].Locations {
			Browsers[i].Locations[j].Layout = LayoutUserData
		}
	}
}

// Lookup returns the table row of a browser id.
func Lookup(id string) (Browser, bool) {
	for _, b := range Browsers {
		if b.ID == id {
			return b, true
		}
	}
	return Browser{}, false
}

// IDs lists every browser id in table order.
func IDs() []string {
	ids := make([]string, len(Browsers))
	for i, b := range Browsers {
		ids[i] = b.ID
	}
	return ids
}
