package discover

import (
	"os"
	"strings"
	"testing"
)

func TestHostileProfilesRefused(t *testing.T) {
	h := newHome(t)
	outside := h.write("secret/cookies.sqlite", "SQLITE:gecko:1")
	_ = outside
	h.writeAll(map[string]string{
		".mozilla/firefox/profiles.ini": `[Profile0]
Name=climb
IsRelative=1
Path=../../secret

[Profile1]
Name=sneaky
IsRelative=1
Path=a/../../../secret

[Profile2]
Name=abs-as-relative
IsRelative=1
Path=/etc

[Profile3]
Name=linked-dir
IsRelative=1
Path=linked

[Profile4]
Name=linked-db
IsRelative=1
Path=p.linkeddb

[Profile5]
Name=dir-db
IsRelative=1
Path=p.dirdb

[Profile6]
Name=good
IsRelative=1
Path=p.good

[Profile7]
Name=elsewhere
IsRelative=0
Path=` + h.path("secret") + `

[Profile8]
Name=inner-link
IsRelative=1
Path=p.innerlink

[Profile9]
Name=relative-not-absolute
IsRelative=0
Path=p.good
`,
		".mozilla/firefox/linked":                       "->" + h.path("secret"),
		".mozilla/firefox/p.linkeddb/cookies.sqlite":    "->" + outside,
		".mozilla/firefox/p.dirdb/cookies.sqlite":       "DIR",
		".mozilla/firefox/p.good/cookies.sqlite":        "SQLITE:gecko:0",
		".mozilla/firefox/p.innerlink/data/real.sqlite": "SQLITE:gecko:0",
		".mozilla/firefox/p.innerlink/cookies.sqlite":   "->data/real.sqlite",
		// Chromium: a Local State key that climbs out, a Network dir
		// symlinked away, a FIFO as the database.
		".config/chromium/Local State":           `{"profile":{"info_cache":{"../../secret":{"name":"x"},"Default":{"name":"ok"},"Profile 1":{"name":"net"},"Profile 2":{"name":"fifo"},"Profile 3":{"name":"linked"}}}}`,
		".config/chromium/Default/Cookies":       "SQLITE:chromium:0",
		".config/chromium/Profile 1/Network":     "->" + h.path("secret"),
		".config/chromium/Profile 2/Preferences": "{}",
		".config/chromium/Profile 3":             "->" + h.path("secret"),
	})
	if err := os.Symlink("../secret/cookies.sqlite", h.path("secret/Cookies")); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(h.path(".config/chromium/Profile 2/Cookies")); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}

	ps, err := Discover(h.env("linux", nil))
	warnings := WarningsOf(err)
	diff(t, summary(h, ps), `
chromium:ok|native|D|.config/chromium/Default/Cookies
firefox:elsewhere|native||secret/cookies.sqlite
firefox:good|native||.mozilla/firefox/p.good/cookies.sqlite
firefox:inner-link|native||.mozilla/firefox/p.innerlink/data/real.sqlite`)
	all := strings.Join(warnings, "\n")
	for _, want := range []string{
		`[Profile0] Path=../../secret: profile "climb" refused: a relative path leading out of`,
		`[Profile1] Path=a/../../../secret: profile "sneaky" refused`,
		`[Profile2] Path=/etc: profile "abs-as-relative" refused: a relative path that is absolute`,
		`[Profile3] Path=linked: profile "linked-dir" refused`,
		`profile "linked-db" refused`,
		`profile "dir-db" refused: ` + h.path(".mozilla/firefox/p.dirdb/cookies.sqlite") + " is a directory",
		`[Profile9] Path=p.good: profile "relative-not-absolute" refused: IsRelative=0 with a path that is not absolute`,
		`profile "../../secret" refused: not a plain folder name`,
		`profile "Profile 1" refused`,
		`is a FIFO, not a database file`,
		`profile "Profile 3" refused`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if len(warnings) != 11 {
		t.Errorf("%d warnings, want 11:\n%s", len(warnings), all)
	}
	if err != nil && !strings.Contains(err.Error(), "11 warnings") {
		t.Errorf("error text = %v", err)
	}
}

func TestMalformedConfigFiles(t *testing.T) {
	h := newHome(t)
	h.writeAll(map[string]string{
		// garbage profiles.ini: nothing recognisable, no crash
		".mozilla/firefox/profiles.ini": "\x00\x01garbage\n[Profile0\nPath\n=\n[]\n",
		// Local State not JSON: fall back to folders with Preferences
		".config/vivaldi/Local State":           "{not json",
		".config/vivaldi/Default/Preferences":   "{}",
		".config/vivaldi/Default/Cookies":       "SQLITE:chromium:0",
		".config/vivaldi/Profile 1/Preferences": "{}",
		".config/vivaldi/Snapshot/Preferences":  "{}",
		".config/vivaldi/Crashpad/settings.dat": "x",
		// profiles.ini is a directory
		".librewolf/profiles.ini": "DIR",
	})
	ps, err := Discover(h.env("linux", nil))
	diff(t, summary(h, ps), `
vivaldi:Default|native|D|.config/vivaldi/Default/Cookies
vivaldi:Profile 1|native||`)
	w := strings.Join(WarningsOf(err), "\n")
	if !strings.Contains(w, "Local State: not valid JSON") {
		t.Errorf("warnings = %s", w)
	}
}
