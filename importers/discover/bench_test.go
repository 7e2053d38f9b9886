package discover

import (
	"context"
	"testing"
)

// benchHome: Firefox with 3 profiles, Chrome with 4, Brave Snap, Chromium
// Flatpak, LibreWolf — a busy Linux desktop.
func benchHome(b *testing.B) (*fakeHome, Env) {
	h := &fakeHome{t: b, root: b.TempDir()}
	h.writeAll(map[string]string{
		".mozilla/firefox/profiles.ini":                                        twoProfilesINI,
		".mozilla/firefox/Profiles/a1.default-release/cookies.sqlite":          "SQLITE:gecko:10",
		".mozilla/firefox/Profiles/b2.work/cookies.sqlite":                     "SQLITE:gecko:10",
		".config/google-chrome/Local State":                                    `{"profile":{"info_cache":{"Default":{"name":"A"},"Profile 1":{"name":"B"},"Profile 2":{"name":"C"},"Profile 3":{"name":"D"}}}}`,
		".config/google-chrome/Default/Network/Cookies":                        "SQLITE:chromium:10",
		".config/google-chrome/Profile 1/Network/Cookies":                      "SQLITE:chromium:10",
		".config/google-chrome/Profile 2/Network/Cookies":                      "SQLITE:chromium:10",
		".config/google-chrome/Profile 3/Network/Cookies":                      "SQLITE:chromium:10",
		"snap/brave/5/.config/BraveSoftware/Brave-Browser/Default/Cookies":     "SQLITE:chromium:1",
		"snap/brave/5/.config/BraveSoftware/Brave-Browser/Default/Preferences": "{}",
		".var/app/org.chromium.Chromium/config/chromium/Default/Cookies":       "SQLITE:chromium:1",
		".var/app/org.chromium.Chromium/config/chromium/Default/Preferences":   "{}",
		".librewolf/profiles.ini":                                              "[Profile0]\nName=default\nIsRelative=1\nPath=lw\n",
		".librewolf/lw/cookies.sqlite":                                         "SQLITE:gecko:1",
	})
	return h, h.env("linux", nil)
}

func BenchmarkDiscover(b *testing.B) {
	_, env := benchHome(b)
	for b.Loop() {
		ps, err := Discover(env)
		if err != nil || len(ps) != 9 {
			b.Fatalf("%d profiles, %v", len(ps), err)
		}
	}
}

func BenchmarkCountCookies100k(b *testing.B) {
	h := &fakeHome{t: b, root: b.TempDir()}
	p := Profile{Family: Chromium, Store: h.write("Cookies", "SQLITE:chromium:0")}
	fillChromium(b, p.Store, 100000)
	ctx := context.Background()
	for b.Loop() {
		if n, err := CountCookies(ctx, p); err != nil || n != 100000 {
			b.Fatalf("%d, %v", n, err)
		}
	}
}
