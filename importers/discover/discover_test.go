package discover

import (
	"context"
	"strings"
	"testing"
)

const twoProfilesINI = `[Install4F96D1932A9F858E]
Default=Profiles/b2.work
Locked=1

[Profile1]
Name=work
IsRelative=1
Path=Profiles/b2.work

[Profile0]
Name=default-release
IsRelative=1
Path=Profiles/a1.default-release
Default=1

[General]
StartWithLastProfile=1
Version=2
`

func TestLinuxLayouts(t *testing.T) {
	h := newHome(t)
	h.writeAll(map[string]string{
		// classic ~/.mozilla/firefox, two profiles, Install section names the default
		".mozilla/firefox/profiles.ini":                               twoProfilesINI,
		".mozilla/firefox/Profiles/a1.default-release/cookies.sqlite": "SQLITE:gecko:3",
		".mozilla/firefox/Profiles/b2.work/cookies.sqlite":            "SQLITE:gecko:1",
		// Firefox 147+ XDG location under a custom $XDG_CONFIG_HOME
		"xdgconf/mozilla/firefox/profiles.ini":                      "[Profile0]\nName=default-release\nIsRelative=1\nPath=x9.default-release\nDefault=1\n",
		"xdgconf/mozilla/firefox/x9.default-release/cookies.sqlite": "SQLITE:gecko:0",
		// Snap
		"snap/firefox/common/.mozilla/firefox/profiles.ini":            "[Profile0]\nName=snappy\nIsRelative=1\nPath=s.snappy\n",
		"snap/firefox/common/.mozilla/firefox/s.snappy/cookies.sqlite": "SQLITE:gecko:0",
		// Flatpak, 147+ layout, profile without a cookie store yet
		".var/app/org.mozilla.firefox/config/mozilla/firefox/profiles.ini": "[Profile0]\nName=flat\nIsRelative=1\nPath=f.flat\n",
		".var/app/org.mozilla.firefox/config/mozilla/firefox/f.flat":       "DIR",
		// LibreWolf
		".librewolf/profiles.ini":              "[Profile0]\nName=default\nIsRelative=1\nPath=lw.default\nDefault=1\n",
		".librewolf/lw.default/cookies.sqlite": "SQLITE:gecko:0",
		// Chrome with $CHROME_CONFIG_HOME, two named profiles (Local State)
		"chromeconf/google-chrome/Local State":             `{"profile":{"info_cache":{"Default":{"name":"Person 1"},"Profile 2":{"name":"Work"},"Profile 9":{"name":"Deleted"}}}}`,
		"chromeconf/google-chrome/Default/Network/Cookies": "SQLITE:chromium:2",
		"chromeconf/google-chrome/Profile 2/Cookies":       "SQLITE:chromium:1",
		// Chrome Flatpak: also "Person 1" in Default → qualified by variant
		".var/app/com.google.Chrome/config/google-chrome/Local State":             `{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}`,
		".var/app/com.google.Chrome/config/google-chrome/Default/Network/Cookies": "SQLITE:chromium:0",
		// Chromium Snap, no Local State: profile folders with Preferences
		"snap/chromium/common/chromium/Default/Preferences":        "{}",
		"snap/chromium/common/chromium/Default/Cookies":            "SQLITE:chromium:0",
		"snap/chromium/common/chromium/System Profile/Preferences": "{}",
		"snap/chromium/common/chromium/Guest Profile/Preferences":  "{}",
		// Brave Snap: revisions 10 and 12, "current" → 12
		"snap/brave/10/.config/BraveSoftware/Brave-Browser/Local State":     `{"profile":{"info_cache":{"Default":{"name":"Old"}}}}`,
		"snap/brave/10/.config/BraveSoftware/Brave-Browser/Default/Cookies": "SQLITE:chromium:0",
		"snap/brave/12/.config/BraveSoftware/Brave-Browser/Local State":     `{"profile":{"info_cache":{"Default":{"name":"Brave me"}}}}`,
		"snap/brave/12/.config/BraveSoftware/Brave-Browser/Default/Cookies": "SQLITE:chromium:0",
		"snap/brave/current": "->12",
		// Opera (flat layout on Linux too)
		"xdgconf/opera/Preferences": "{}",
		"xdgconf/opera/Cookies":     "SQLITE:chromium:0",
	})
	env := h.env("linux", map[string]string{
		"XDG_CONFIG_HOME":    h.path("xdgconf"),
		"CHROME_CONFIG_HOME": h.path("chromeconf"),
	})
	ps := mustDiscover(t, env)
	diff(t, summary(h, ps), `
brave:Brave me|snap|D|snap/brave/12/.config/BraveSoftware/Brave-Browser/Default/Cookies
chrome:Person 1 (flatpak)|flatpak|D|.var/app/com.google.Chrome/config/google-chrome/Default/Network/Cookies
chrome:Person 1|native|D|chromeconf/google-chrome/Default/Network/Cookies
chrome:Work|native||chromeconf/google-chrome/Profile 2/Cookies
chromium:Default|snap|D|snap/chromium/common/chromium/Default/Cookies
firefox:default-release (xdg)|xdg|D|xdgconf/mozilla/firefox/x9.default-release/cookies.sqlite
firefox:default-release|native||.mozilla/firefox/Profiles/a1.default-release/cookies.sqlite
firefox:flat|flatpak||
firefox:snappy|snap||snap/firefox/common/.mozilla/firefox/s.snappy/cookies.sqlite
firefox:work|native|D|.mozilla/firefox/Profiles/b2.work/cookies.sqlite
librewolf:default|native|D|.librewolf/lw.default/cookies.sqlite
opera:Default|native|D|xdgconf/opera/Cookies`)

	// The default profile comes first within its install; Chrome profiles
	// in folder order.
	var order []string
	for _, p := range ps {
		if p.Variant == VariantNative && (p.Browser == "firefox" || p.Browser == "chrome") {
			order = append(order, p.SourceID())
		}
	}
	if got := strings.Join(order, ","); got != "firefox:work,firefox:default-release,chrome:Person 1,chrome:Work" {
		t.Errorf("order = %s", got)
	}
	for _, p := range ps {
		if p.Browser == "chrome" && p.UserDataDir == "" {
			t.Errorf("%s: no UserDataDir", p.SourceID())
		}
		if p.Family == Gecko && p.Root == "" {
			t.Errorf("%s: no Root", p.SourceID())
		}
		if p.Variant == VariantFlatpak && p.Browser == "chrome" && p.AppID != "com.google.Chrome" {
			t.Errorf("flatpak AppID = %q", p.AppID)
		}
	}

	// Counts through real snapshots.
	counts := map[string]int{"firefox:default-release": 3, "firefox:work": 1, "chrome:Person 1": 2, "chrome:Work": 1, "firefox:flat": 0}
	for _, p := range ps {
		want, ok := counts[p.SourceID()]
		if !ok {
			continue
		}
		n, err := CountCookies(context.Background(), p)
		if err != nil || n != want {
			t.Errorf("CountCookies(%s) = %d, %v; want %d", p.SourceID(), n, err, want)
		}
	}
}

func TestSnapWithoutCurrentPicksHighestRevision(t *testing.T) {
	h := newHome(t)
	h.writeAll(map[string]string{
		"snap/opera/7/.config/opera/Cookies":      "SQLITE:chromium:0",
		"snap/opera/7/.config/opera/Preferences":  "{}",
		"snap/opera/31/.config/opera/Cookies":     "SQLITE:chromium:0",
		"snap/opera/31/.config/opera/Preferences": "{}",
	})
	diff(t, summary(h, mustDiscover(t, h.env("linux", nil))), `opera:Default|snap|D|snap/opera/31/.config/opera/Cookies`)
}

func TestChromeUserDataDirVariable(t *testing.T) {
	h := newHome(t)
	h.writeAll(map[string]string{
		"elsewhere/Local State":                 `{"profile":{"info_cache":{"Default":{"name":"Mine"}}}}`,
		"elsewhere/Default/Cookies":             "SQLITE:chromium:0",
		".config/google-chrome/Local State":     `{"profile":{"info_cache":{"Default":{"name":"Mine"}}}}`,
		".config/google-chrome/Default/Cookies": "SQLITE:chromium:0",
	})
	got := summary(h, mustDiscover(t, h.env("linux", map[string]string{"CHROME_USER_DATA_DIR": h.path("elsewhere")})))
	// Two native installs with the same name and folder: a counter.
	diff(t, got, `
chrome:Mine #2|native|D|.config/google-chrome/Default/Cookies
chrome:Mine|native|D|elsewhere/Default/Cookies`)
}

func TestDarwinLayouts(t *testing.T) {
	h := newHome(t)
	as := "Library/Application Support/"
	h.writeAll(map[string]string{
		as + "Firefox/profiles.ini":                                                      "[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/q.default-release\r\nDefault=1\r\n",
		as + "Firefox/Profiles/q.default-release/cookies.sqlite":                         "SQLITE:gecko:0",
		as + "Google/Chrome/Local State":                                                 `{"profile":{"info_cache":{"Default":{"name":"Me"},"Profile 1":{"name":"Me"}}}}`,
		as + "Google/Chrome/Default/Cookies":                                             "SQLITE:chromium:0",
		as + "Google/Chrome/Profile 1/Cookies":                                           "SQLITE:chromium:0",
		as + "Microsoft Edge Beta/Local State":                                           `{"profile":{"info_cache":{"Default":{"name":"Edgy"}}}}`,
		as + "Microsoft Edge Beta/Default/Network/Cookies":                               "SQLITE:chromium:0",
		as + "com.operasoftware.OperaGX/Cookies":                                         "SQLITE:chromium:0",
		as + "com.operasoftware.OperaGX/Local State":                                     `{"profile":{"info_cache":{"Default":{"name":"GX"}}}}`,
		as + "Arc/User Data/Local State":                                                 `{"profile":{"info_cache":{"Default":{"name":"Arc 1"}}}}`,
		as + "Arc/User Data/Default/Cookies":                                             "SQLITE:chromium:0",
		"Library/Containers/com.apple.Safari/Data/Library/Cookies/Cookies.binarycookies": binaryCookies(2, 1),
		"Library/Cookies/Cookies.binarycookies":                                          binaryCookies(1),
		"Library/Containers/com.apple.Safari/Data/Library/WebKit/WebsiteDataStore/5a1f0c1e-0000-4000-8000-000000000001/Cookies/Cookies.binarycookies": binaryCookies(4),
		"Library/Containers/com.apple.Safari/Data/Library/WebKit/WebsiteDataStore/5a1f0c1e-0000-4000-8000-000000000002/Cookies/Cookies.binarycookies": binaryCookies(),
	})
	makeSafariTabs(t, h.path("Library/Containers/com.apple.Safari/Data/Library/Safari/SafariTabs.db"),
		map[string]string{"5A1F0C1E-0000-4000-8000-000000000001": "Work"})
	ps := mustDiscover(t, h.env("darwin", nil))
	diff(t, summary(h, ps), `
arc:Arc 1|native|D|Library/Application Support/Arc/User Data/Default/Cookies
chrome:Me (Default)|native|D|Library/Application Support/Google/Chrome/Default/Cookies
chrome:Me (Profile 1)|native||Library/Application Support/Google/Chrome/Profile 1/Cookies
edge-beta:Edgy|native|D|Library/Application Support/Microsoft Edge Beta/Default/Network/Cookies
firefox:default-release|native|D|Library/Application Support/Firefox/Profiles/q.default-release/cookies.sqlite
opera-gx:GX|native|D|Library/Application Support/com.operasoftware.OperaGX/Cookies
safari:5a1f0c1e-0000-4000-8000-000000000002|native||Library/Containers/com.apple.Safari/Data/Library/WebKit/WebsiteDataStore/5a1f0c1e-0000-4000-8000-000000000002/Cookies/Cookies.binarycookies
safari:Default (legacy)|legacy|D|Library/Cookies/Cookies.binarycookies
safari:Default|native|D|Library/Containers/com.apple.Safari/Data/Library/Cookies/Cookies.binarycookies
safari:Work|native||Library/Containers/com.apple.Safari/Data/Library/WebKit/WebsiteDataStore/5a1f0c1e-0000-4000-8000-000000000001/Cookies/Cookies.binarycookies`)
	want := map[string]int{"safari:Default": 3, "safari:Default (legacy)": 1, "safari:Work": 4}
	for _, p := range ps {
		if w, ok := want[p.SourceID()]; ok {
			if n, err := CountCookies(context.Background(), p); err != nil || n != w {
				t.Errorf("CountCookies(%s) = %d, %v; want %d", p.SourceID(), n, err, w)
			}
		}
	}
}

func TestWindowsLayouts(t *testing.T) {
	h := newHome(t)
	h.writeAll(map[string]string{
		"AppData/Roaming/Mozilla/Firefox/profiles.ini":                                                                             "[Profile0]\nName=default-release\nIsRelative=1\nPath=Profiles/w.default-release\nDefault=1\n",
		"AppData/Roaming/Mozilla/Firefox/Profiles/w.default-release/cookies.sqlite":                                                "SQLITE:gecko:0",
		"AppData/Local/Packages/Mozilla.Firefox_n80bbvh6b1yt2/LocalCache/Roaming/Mozilla/Firefox/profiles.ini":                     "[Profile0]\nName=store\nIsRelative=1\nPath=Profiles/st.store\n",
		"AppData/Local/Packages/Mozilla.Firefox_n80bbvh6b1yt2/LocalCache/Roaming/Mozilla/Firefox/Profiles/st.store/cookies.sqlite": "SQLITE:gecko:0",
		"AppData/Local/Microsoft/Edge/User Data/Local State":                                                                       `{"profile":{"info_cache":{"Default":{"name":"Profile 1"},"Profile 1":{"name":"Work"}}}}`,
		"AppData/Local/Microsoft/Edge/User Data/Default/Network/Cookies":                                                           "SQLITE:chromium:0",
		"AppData/Local/Microsoft/Edge/User Data/Profile 1/Network/Cookies":                                                         "SQLITE:chromium:0",
		// Opera: Roaming, flat layout
		"AppData/Roaming/Opera Software/Opera Stable/Local State":                                         `{"os_crypt":{}}`,
		"AppData/Roaming/Opera Software/Opera Stable/Network/Cookies":                                     "SQLITE:chromium:0",
		"AppData/Roaming/Opera Software/Opera Stable/Preferences":                                         "{}",
		"AppData/Local/Packages/TheBrowserCompany.Arc_ttt/LocalCache/Local/Arc/User Data/Local State":     `{"profile":{"info_cache":{"Default":{"name":"Arc"}}}}`,
		"AppData/Local/Packages/TheBrowserCompany.Arc_ttt/LocalCache/Local/Arc/User Data/Default/Cookies": "SQLITE:chromium:0",
	})
	// APPDATA and LOCALAPPDATA unset: defaults under the home.
	diff(t, summary(h, mustDiscover(t, h.env("windows", nil))), `
arc:Arc|msstore|D|AppData/Local/Packages/TheBrowserCompany.Arc_ttt/LocalCache/Local/Arc/User Data/Default/Cookies
edge:Profile 1|native|D|AppData/Local/Microsoft/Edge/User Data/Default/Network/Cookies
edge:Work|native||AppData/Local/Microsoft/Edge/User Data/Profile 1/Network/Cookies
firefox:default-release|native|D|AppData/Roaming/Mozilla/Firefox/Profiles/w.default-release/cookies.sqlite
firefox:store|msstore||AppData/Local/Packages/Mozilla.Firefox_n80bbvh6b1yt2/LocalCache/Roaming/Mozilla/Firefox/Profiles/st.store/cookies.sqlite
opera:Default|native|D|AppData/Roaming/Opera Software/Opera Stable/Network/Cookies`)

	// %APPDATA% elsewhere wins over the default.
	h2 := newHome(t)
	h2.writeAll(map[string]string{
		"roam/zen/profiles.ini":                "[Profile0]\nName=zen1\nIsRelative=1\nPath=z\n",
		"roam/zen/z/cookies.sqlite":            "SQLITE:gecko:0",
		"AppData/Roaming/zen/profiles.ini":     "[Profile0]\nName=ignored\nIsRelative=1\nPath=z\n",
		"AppData/Roaming/zen/z/cookies.sqlite": "SQLITE:gecko:0",
	})
	diff(t, summary(h2, mustDiscover(t, h2.env("windows", map[string]string{"APPDATA": h2.path("roam")}))),
		`zen:zen1|native||roam/zen/z/cookies.sqlite`)
}

func TestEmptyHomeFindsNothing(t *testing.T) {
	for _, osName := range []string{"linux", "darwin", "windows", "freebsd"} {
		h := newHome(t)
		ps, err := Discover(h.env(osName, nil))
		if err != nil || len(ps) != 0 {
			t.Errorf("%s: %d profiles, %v", osName, len(ps), err)
		}
	}
	// No home at all: nothing, no panic.
	ps, err := Discover(Env{OS: "linux"})
	if err != nil || len(ps) != 0 {
		t.Errorf("no home: %d profiles, %v", len(ps), err)
	}
}

func TestSearched(t *testing.T) {
	h := newHome(t)
	got := strings.Join(Searched(h.env("linux", nil), "chromium"), "\n")
	for _, want := range []string{h.path(".config/chromium"), h.path("snap/chromium/common/chromium"), h.path(".var/app/org.chromium.Chromium/config/chromium")} {
		if !strings.Contains(got, want) {
			t.Errorf("Searched lacks %s:\n%s", want, got)
		}
	}
}

func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range Browsers {
		if b.ID == "" || b.Name == "" || seen[b.ID] || strings.ContainsAny(b.ID, ": ") {
			t.Errorf("bad or duplicate id %q", b.ID)
		}
		seen[b.ID] = true
		if len(b.Locations) == 0 {
			t.Errorf("%s: no locations", b.ID)
		}
		for _, l := range b.Locations {
			if l.OS != "linux" && l.OS != "darwin" && l.OS != "windows" {
				t.Errorf("%s: bad OS %q", b.ID, l.OS)
			}
			if !strings.HasPrefix(l.Path, "{") {
				t.Errorf("%s: path %q does not start with a placeholder", b.ID, l.Path)
			}
			if strings.Contains(l.Path, `\`) {
				t.Errorf("%s: path %q uses a backslash", b.ID, l.Path)
			}
			want := map[Family][]Layout{Gecko: {LayoutGeckoRoot}, Chromium: {LayoutUserData}, Safari: {LayoutSafariFile, LayoutSafariProfiles}}[b.Family]
			ok := false
			for _, w := range want {
				ok = ok || l.Layout == w
			}
			if !ok {
				t.Errorf("%s: layout %d does not fit family %s", b.ID, l.Layout, b.Family)
			}
		}
	}
	if b, ok := Lookup("edge"); !ok || b.Keyring != "Chromium" || b.KeychainService() != "Microsoft Edge Safe Storage" {
		t.Errorf("edge keyring row = %+v", b)
	}
}
