package discover

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
)

// INISection is one [section] of profiles.ini or installs.ini.
type INISection struct {
	Name string
	Keys map[string]string
}

// ParseINI reads the small INI dialect Firefox writes: [sections],
// key=value lines, ';' and '#' comments, CRLF or LF, an optional BOM. Keys
// keep their case; later duplicates win. It never fails: lines it does not
// understand are skipped.
func ParseINI(data []byte) []INISection {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []INISection
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == ';' || line[0] == '#':
		case line[0] == '[' && strings.HasSuffix(line, "]"):
			out = append(out, INISection{Name: strings.TrimSpace(line[1 : len(line)-1]), Keys: map[string]string{}})
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || len(out) == 0 {
				continue
			}
			out[len(out)-1].Keys[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// geckoEntry is one [ProfileN] section.
type geckoEntry struct {
	section  string
	name     string
	path     string // as written, forward slashes
	relative bool
	dflt     bool // Default=1
}

// parseProfilesINI returns the profile entries and the set of paths named
// by [Install*] Default= (which win over Default=1).
func parseProfilesINI(data []byte) (entries []geckoEntry, installDefaults map[string]bool) {
	installDefaults = map[string]bool{}
	for _, s := range ParseINI(data) {
		switch {
		case strings.HasPrefix(strings.ToLower(s.Name), "profile"):
			p, ok := s.Keys["Path"]
			if !ok || p == "" {
				continue
			}
			entries = append(entries, geckoEntry{
				section:  s.Name,
				name:     s.Keys["Name"],
				path:     p,
				relative: s.Keys["IsRelative"] != "0",
				dflt:     s.Keys["Default"] == "1",
			})
		case strings.HasPrefix(strings.ToLower(s.Name), "install"):
			if d := s.Keys["Default"]; d != "" {
				installDefaults[d] = true
			}
		}
	}
	return entries, installDefaults
}

// scanGecko lists the profiles of a Gecko root (a folder with profiles.ini).
func scanGecko(root string, d *discovery) []Profile {
	iniPath := filepath.Join(root, "profiles.ini")
	data, err := readSmallFile(iniPath, importers.MaxINI)
	if err != nil {
		d.warnf("%s: %v", iniPath, err)
		return nil
	}
	realRoot, err := realDir(root)
	if err != nil {
		d.warnf("%s: %v", root, err)
		return nil
	}
	entries, installDefaults := parseProfilesINI(data)
	if len(installDefaults) == 0 {
		// installs.ini repeats the Install sections; older builds wrote
		// only that file.
		if more, err := readSmallFile(filepath.Join(root, "installs.ini"), importers.MaxINI); err == nil {
			_, installDefaults = parseProfilesINI(more)
		} else if !errors.Is(err, fs.ErrNotExist) {
			d.warnf("%v (the default profile comes from profiles.ini)", err)
		}
	}
	var out []Profile
	seen := map[string]bool{}
	for _, e := range entries {
		dir, err := geckoProfileDir(root, realRoot, e)
		if err != nil {
			d.warnf("%s [%s] Path=%s: profile %q refused: %v", iniPath, e.section, e.path, e.name, err)
			continue
		}
		if dir == "" || seen[dir] {
			continue // listed but not on disk (deleted profile), or twice
		}
		seen[dir] = true
		store, err := checkStore(dir, filepath.Join(dir, "cookies.sqlite"))
		if err != nil {
			d.warnf("%s [%s]: profile %q refused: %v", iniPath, e.section, e.name, err)
			continue
		}
		name := e.name
		if name == "" {
			name = filepath.Base(dir)
		}
		dflt := e.dflt
		if len(installDefaults) > 0 {
			dflt = installDefaults[e.path]
		}
		out = append(out, Profile{
			Name:    name,
			Dir:     dir,
			Root:    root,
			Store:   store,
			Default: dflt,
			Running: geckoRunning(dir),
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Default && !out[j].Default })
	return out
}

// geckoProfileDir resolves a profiles.ini entry to a real directory, "" when
// it does not exist. A relative Path must stay inside the root (lexically and
// after symlinks); an absolute Path (IsRelative=0) may be anywhere — Firefox's
// profile manager writes those for profiles the user put elsewhere.
func geckoProfileDir(root, realRoot string, e geckoEntry) (string, error) {
	p := filepath.FromSlash(e.path)
	if e.relative {
		if filepath.IsAbs(p) || strings.HasPrefix(e.path, "/") || filepath.VolumeName(p) != "" {
			return "", refusef("a relative path that is absolute")
		}
		if escapes(e.path) {
			return "", refusef("a relative path leading out of %s", root)
		}
		dir := filepath.Join(root, p)
		if !exists(dir) {
			return "", nil
		}
		return containedDir(realRoot, dir)
	}
	if !filepath.IsAbs(p) {
		return "", refusef("IsRelative=0 with a path that is not absolute")
	}
	if !exists(p) {
		return "", nil
	}
	return realDir(p)
}
