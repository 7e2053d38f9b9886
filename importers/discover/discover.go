// Package discover finds every profile of every browser on this machine:
// Firefox and its forks (profiles.ini), the Chromium family (Local State),
// and Safari, in native, XDG, Snap, Flatpak and MS Store locations on Linux,
// macOS and Windows.
//
// Where browsers live is one data table (Browsers, in locations.go); the
// code only knows the three families' layouts. Discovery reads small
// configuration files and lock files; it never opens a cookie database
// except in CountCookies, and then through a private snapshot. Paths found in
// browser files are untrusted: profiles whose folder or database leads
// elsewhere, or whose database is not a regular file, are refused and
// reported as warnings (docs/security.md §5).
package discover

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Profile is one browser profile found on disk.
type Profile struct {
	Browser     string // browser id from the table ("firefox", "chrome", …)
	BrowserName string // "Firefox", "Google Chrome", …
	Family      Family
	// Name is the display name: profiles.ini Name=, Local State's
	// info_cache name, the Safari profile title; "Default" for Safari's
	// default and Opera's flat profile.
	Name string
	// Dir is the profile folder (symlinks resolved).
	Dir string
	// UserDataDir is the Chromium user-data dir holding Local State.
	UserDataDir string
	// Root is the Gecko folder holding profiles.ini (Safari: the folder the
	// profile was found in).
	Root string
	// Store is the cookie database (cookies.sqlite, Cookies,
	// Cookies.binarycookies); "" when the profile has none yet.
	Store string
	// Running is set when the browser holds the profile's lock right now.
	Running bool
	// Default marks the profile the browser opens by default.
	Default bool
	// Variant is how the browser is installed: native, xdg, snap, flatpak,
	// msstore, esr, legacy.
	Variant string
	// AppID is the Snap/Flatpak/Store application id, if any.
	AppID string

	dirName  string // profile folder name as the browser knows it
	sourceID string // set by Discover: unique among the profiles found
}

// DirName is the profile's folder name ("Default", "Profile 1",
// "abcd1234.default-release", a Safari profile uuid).
func (p Profile) DirName() string {
	if p.dirName != "" {
		return p.dirName
	}
	return filepath.Base(p.Dir)
}

// SourceID is the stable id of the profile's cookies in the jar:
// "<browser>:<display name>" ("firefox:default-release", "chrome:Person 1").
// When several profiles found by one Discover call would share an id, they
// are told apart by a qualifier in parentheses, tried in this order until all
// differ: the install variant (the native install keeps the plain id:
// "chrome:Default (flatpak)"), the folder name ("chrome:Work (Profile 2)"),
// both ("(snap, Default)"), and finally a counter ("#2").
func (p Profile) SourceID() string {
	if p.sourceID != "" {
		return p.sourceID
	}
	return p.Browser + ":" + p.Name
}

// Warnings is the error Discover returns when something was refused or could
// not be read. The profiles Discover returns alongside it are complete and
// usable: callers print the warnings and carry on.
type Warnings struct{ List []string }

func (w *Warnings) Error() string {
	if len(w.List) == 1 {
		return w.List[0]
	}
	return fmt.Sprintf("%d warnings: %s", len(w.List), strings.Join(w.List, "; "))
}

// WarningsOf returns the warnings carried by an error of Discover, or nil.
func WarningsOf(err error) []string {
	var w *Warnings
	if errors.As(err, &w) {
		return w.List
	}
	return nil
}

type discovery struct {
	env      Env
	warnings []string
}

func (d *discovery) warnf(format string, args ...any) {
	d.warnings = append(d.warnings, fmt.Sprintf(format, args...))
}

// Discover lists every profile of every browser in the table for env's OS,
// in table order (Default profile first within an install). The error is nil
// or a *Warnings: refused and unreadable profiles are left out and described
// there, and the returned profiles are valid either way.
func Discover(env Env) ([]Profile, error) {
	d := &discovery{env: env}
	var all []Profile
	for _, b := range Browsers {
		all = append(all, d.browser(b)...)
	}
	assignSourceIDs(all)
	if len(d.warnings) > 0 {
		return all, &Warnings{List: d.warnings}
	}
	return all, nil
}

// DiscoverBrowser is Discover for one browser id.
func DiscoverBrowser(env Env, id string) ([]Profile, error) {
	b, ok := Lookup(id)
	if !ok {
		return nil, fmt.Errorf("unknown browser %q", id)
	}
	d := &discovery{env: env}
	ps := d.browser(b)
	assignSourceIDs(ps)
	if len(d.warnings) > 0 {
		return ps, &Warnings{List: d.warnings}
	}
	return ps, nil
}

// Searched lists, for messages, the places a browser is looked for on env's
// OS (placeholders filled in, wildcards left as they are).
func Searched(env Env, id string) []string {
	b, _ := Lookup(id)
	var out []string
	for _, l := range b.Locations {
		if l.OS != env.os() {
			continue
		}
		if p, ok := env.Pattern(l.Path); ok {
			out = append(out, p)
		}
	}
	return out
}

// browser scans every location of one browser, skipping a place reached
// twice (the same folder through two templates or a symlink).
func (d *discovery) browser(b Browser) []Profile {
	var out []Profile
	seenRoot := map[string]bool{}
	seenDir := map[string]bool{}
	for _, l := range b.Locations {
		if l.OS != d.env.os() {
			continue
		}
		for _, root := range d.env.Expand(l.Path) {
			key := root
			if r, err := filepath.EvalSymlinks(root); err == nil {
				key = r
			}
			if seenRoot[key] {
				continue
			}
			seenRoot[key] = true
			var ps []Profile
			switch l.Layout {
			case LayoutGeckoRoot:
				// Anything named profiles.ini makes this a Gecko root, so
				// that a FIFO, device or link there is refused by name
				// (scanGecko) instead of hiding every profile in silence.
				if present(filepath.Join(root, "profiles.ini")) {
					ps = scanGecko(root, d)
				}
			case LayoutUserData:
				ps = scanChromium(root, d)
			case LayoutSafariFile:
				ps = scanSafariFile(root, d)
			case LayoutSafariProfiles:
				ps = scanSafariProfiles(root, d)
			}
			for _, p := range ps {
				if seenDir[p.Dir] {
					continue
				}
				seenDir[p.Dir] = true
				p.Browser, p.BrowserName, p.Family = b.ID, b.Name, b.Family
				p.Variant, p.AppID = l.Variant, l.AppID
				out = append(out, p)
			}
		}
	}
	return out
}

// ScanRoot lists the profiles in one folder given by the user: a Gecko root
// (profiles.ini), a Chromium user-data dir, or a Safari WebsiteDataStore.
// browser may be "" when unknown; the profiles then carry the family name
// as browser id ("firefox" for Gecko, "chromium" for Chromium).
func ScanRoot(env Env, root, browser string) ([]Profile, error) {
	d := &discovery{env: env}
	var ps []Profile
	var fam Family
	switch {
	case present(filepath.Join(root, "profiles.ini")):
		ps, fam = scanGecko(root, d), Gecko
	case fileExists(filepath.Join(root, "Local State")) || looksLikeChromiumProfile(root):
		ps, fam = scanChromium(root, d), Chromium
	default:
		return nil, fmt.Errorf("%s: neither a Firefox profiles folder (profiles.ini) nor a Chromium user-data dir (Local State)", root)
	}
	if browser == "" {
		browser = map[Family]string{Gecko: "firefox", Chromium: "chromium"}[fam]
	}
	b, _ := Lookup(browser)
	for i := range ps {
		ps[i].Browser, ps[i].BrowserName, ps[i].Family, ps[i].Variant = browser, b.Name, fam, VariantNative
	}
	assignSourceIDs(ps)
	if len(d.warnings) > 0 {
		return ps, &Warnings{List: d.warnings}
	}
	return ps, nil
}

// assignSourceIDs makes every profile's SourceID unique (see SourceID).
func assignSourceIDs(ps []Profile) {
	groups := map[string][]int{}
	var order []string
	for i := range ps {
		ps[i].sourceID = ""
		// Ids that differ only in case collide: ":PROFILE" matches ignore case.
		id := strings.ToLower(ps[i].SourceID())
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], i)
	}
	qualifiers := []func(p Profile) string{
		func(p Profile) string {
			if p.Variant == VariantNative || p.Variant == "" {
				return ""
			}
			return p.Variant
		},
		func(p Profile) string { return p.DirName() },
		func(p Profile) string { return p.Variant + ", " + p.DirName() },
	}
	for _, key := range order {
		idx := groups[key]
		if len(idx) == 1 {
			continue
		}
		done := false
		for _, q := range qualifiers {
			ids := make([]string, len(idx))
			seen := map[string]bool{}
			unique := true
			for k, i := range idx {
				ids[k] = ps[i].SourceID()
				if s := q(ps[i]); s != "" {
					ids[k] += " (" + s + ")"
				}
				if seen[strings.ToLower(ids[k])] {
					unique = false
				}
				seen[strings.ToLower(ids[k])] = true
			}
			if unique {
				for k, i := range idx {
					ps[i].sourceID = ids[k]
				}
				done = true
				break
			}
		}
		if !done {
			for k, i := range idx {
				if k > 0 {
					ps[i].sourceID = fmt.Sprintf("%s #%d", ps[i].SourceID(), k+1)
				}
			}
		}
	}
}
