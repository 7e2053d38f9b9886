package discover

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
)

// localState is the part of Chromium's "Local State" discovery reads.
type localState struct {
	Profile struct {
		InfoCache map[string]struct {
			Name string `json:"name"`
		} `json:"info_cache"`
	} `json:"profile"`
}

// ParseLocalState returns profile.info_cache as dir name → display name.
func ParseLocalState(data []byte) (map[string]string, error) {
	var ls localState
	if err := json.Unmarshal(data, &ls); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ls.Profile.InfoCache))
	for dir, info := range ls.Profile.InfoCache {
		out[dir] = info.Name
	}
	return out, nil
}

// Subdirectories that look like profiles but are not the user's.
var chromiumNotProfiles = map[string]bool{"System Profile": true, "Guest Profile": true, "Snapshot": true}

// chromiumStore finds the cookie database of a profile folder:
// Network/Cookies (Chrome 96+) then Cookies.
func chromiumStore(dir string) (string, error) {
	for _, rel := range []string{filepath.Join("Network", "Cookies"), "Cookies"} {
		s, err := checkStore(dir, filepath.Join(dir, rel))
		if err != nil || s != "" {
			return s, err
		}
	}
	return "", nil
}

// looksLikeChromiumProfile: a folder with Preferences or a cookie database.
func looksLikeChromiumProfile(dir string) bool {
	for _, f := range []string{"Preferences", filepath.Join("Network", "Cookies"), "Cookies"} {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// scanChromium lists the profiles of a user-data dir. Names come from Local
// State's profile.info_cache; when it is missing or unreadable every subdir
// holding Preferences is a profile. Opera keeps a flat layout in which the
// user-data dir is itself the (only) profile, named "Default" here.
func scanChromium(ud string, d *discovery) []Profile {
	realUD, err := realDir(ud)
	if err != nil {
		d.warnf("%s: %v", ud, err)
		return nil
	}
	names := map[string]string{} // dir name → display name
	fromLocalState := false
	lsPath := filepath.Join(ud, "Local State")
	if data, err := readSmallFile(lsPath, importers.MaxLocalState); err == nil {
		if m, err := ParseLocalState(data); err == nil && len(m) > 0 {
			names, fromLocalState = m, true
		} else if err != nil {
			d.warnf("%s: not valid JSON (%v); listing profile folders instead", lsPath, err)
		}
	} else if !os.IsNotExist(err) {
		d.warnf("%s: %v", lsPath, err)
	}
	if !fromLocalState {
		entries, _ := os.ReadDir(ud)
		for _, ent := range entries {
			n := ent.Name()
			if ent.IsDir() && !chromiumNotProfiles[n] && fileExists(filepath.Join(ud, n, "Preferences")) {
				names[n] = n
			}
		}
	}

	running := chromiumRunning(ud, d.env)
	var out []Profile
	flatTaken := false
	for dirName, display := range names {
		if !safeElement(dirName) {
			d.warnf("%s: profile %q refused: not a plain folder name", lsPath, dirName)
			continue
		}
		dir := filepath.Join(ud, dirName)
		if !exists(dir) {
			if dirName == "Default" && looksLikeChromiumProfile(ud) {
				dir, flatTaken = ud, true // flat layout
			} else {
				continue // stale info_cache entry
			}
		}
		real, err := containedDir(realUD, dir)
		if err != nil {
			d.warnf("%s: profile %q refused: %v", ud, dirName, err)
			continue
		}
		store, err := chromiumStore(real)
		if err != nil {
			d.warnf("%s: profile %q refused: %v", ud, dirName, err)
			continue
		}
		if display == "" {
			display = dirName
		}
		out = append(out, Profile{Name: display, Dir: real, UserDataDir: ud, Store: store,
			Default: dirName == "Default", Running: running, dirName: dirName})
	}
	if !flatTaken && len(out) == 0 && looksLikeChromiumProfile(ud) {
		store, err := chromiumStore(realUD)
		if err != nil {
			d.warnf("%s: profile refused: %v", ud, err)
		} else {
			out = append(out, Profile{Name: "Default", Dir: realUD, UserDataDir: ud, Store: store,
				Default: true, Running: running, dirName: "Default"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return chromiumDirLess(out[i].dirName, out[j].dirName) })
	return out
}

// chromiumDirLess orders Default, Profile 1, Profile 2, …, Profile 10, then
// anything else by name.
func chromiumDirLess(a, b string) bool {
	rank := func(s string) (int, int) {
		if s == "Default" {
			return 0, 0
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(s, "Profile ")); err == nil && strings.HasPrefix(s, "Profile ") {
			return 1, n
		}
		return 2, 0
	}
	ra, na := rank(a)
	rb, nb := rank(b)
	if ra != rb {
		return ra < rb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

// safeElement: a single, plain path element (no separators, not . or ..).
func safeElement(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`) && !strings.ContainsRune(s, 0) &&
		filepath.VolumeName(s) == ""
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// present: something (of any type, a dangling link too) is at p.
func present(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
