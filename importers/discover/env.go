package discover

import (
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Env is the part of the machine discovery looks at. Tests build fake homes
// for every OS layout by filling it in by hand.
type Env struct {
	// OS is "linux", "darwin" or "windows" (other Unix systems use the
	// linux rows).
	OS string
	// Home is the user's home directory.
	Home string
	// Getenv reads an environment variable; nil means none is set.
	Getenv func(string) string
	// Hostname is this machine's name, compared with the host in Chromium's
	// SingletonLock; empty means os.Hostname().
	Hostname string
}

// DefaultEnv describes the real machine.
func DefaultEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{OS: runtime.GOOS, Home: home, Getenv: os.Getenv}
}

func (e Env) getenv(name string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(name)
}

func (e Env) os() string {
	switch e.OS {
	case "darwin", "windows":
		return e.OS
	}
	return "linux"
}

func (e Env) hostname() string {
	if e.Hostname != "" {
		return e.Hostname
	}
	h, _ := os.Hostname()
	return h
}

// absEnv returns the variable when it holds an absolute path (the XDG spec
// says relative values are to be ignored), else def.
func (e Env) absEnv(name, def string) string {
	if v := e.getenv(name); v != "" && (filepath.IsAbs(v) || strings.HasPrefix(v, "/")) {
		return v
	}
	return def
}

// placeholder returns the value of one {…} placeholder and whether it is set.
func (e Env) placeholder(name string) (string, bool) {
	join := func(parts ...string) string { return filepath.Join(append([]string{e.Home}, parts...)...) }
	switch name {
	case "home":
		return e.Home, e.Home != ""
	case "config":
		return e.absEnv("XDG_CONFIG_HOME", join(".config")), true
	case "chromeconfig":
		v, _ := e.placeholder("config")
		return e.absEnv("CHROME_CONFIG_HOME", v), true
	case "appsupport":
		return join("Library", "Application Support"), true
	case "appdata":
		return e.absEnv("APPDATA", join("AppData", "Roaming")), true
	case "localappdata":
		return e.absEnv("LOCALAPPDATA", join("AppData", "Local")), true
	}
	if v, ok := strings.CutPrefix(name, "env:"); ok {
		val := e.getenv(v)
		return val, val != ""
	}
	return "", false
}

// Expand turns a location template into the paths that exist on disk (zero,
// one, or several when it holds a wildcard). A template whose placeholder is
// unset expands to nothing.
func (e Env) Expand(template string) []string {
	pattern, ok := e.substitute(template)
	if !ok {
		return nil
	}
	return expandWildcards(pattern)
}

// Pattern is the template with its placeholders filled in, for messages
// ("looked in …"); ok is false when a placeholder is unset.
func (e Env) Pattern(template string) (string, bool) {
	p, ok := e.substitute(template)
	if !ok {
		return "", false
	}
	return filepath.Join(p...), true
}

// substitute fills placeholders and returns the path as elements, the first
// of which is an absolute base.
func (e Env) substitute(template string) ([]string, bool) {
	var out []string
	for i, el := range strings.Split(template, "/") {
		if strings.HasPrefix(el, "{") && strings.HasSuffix(el, "}") && el != "{snaprev}" {
			v, ok := e.placeholder(el[1 : len(el)-1])
			if !ok || v == "" || !filepath.IsAbs(v) {
				return nil, false
			}
			if i != 0 {
				return nil, false // placeholders are only allowed first
			}
			out = append(out, v)
			continue
		}
		if el == "" {
			continue
		}
		out = append(out, el)
	}
	return out, len(out) > 0
}

// expandWildcards walks the elements, listing directories only where an
// element holds "*" or is {snaprev}. Metacharacters in the base (the user's
// home) are never interpreted.
func expandWildcards(elems []string) []string {
	paths := []string{elems[0]}
	for _, el := range elems[1:] {
		var next []string
		for _, p := range paths {
			switch {
			case el == "{snaprev}":
				if r := snapRevision(p); r != "" {
					next = append(next, filepath.Join(p, r))
				}
			case strings.Contains(el, "*"):
				entries, err := os.ReadDir(p)
				if err != nil {
					continue
				}
				for _, ent := range entries {
					if ok, _ := filepath.Match(el, ent.Name()); ok {
						next = append(next, filepath.Join(p, ent.Name()))
					}
				}
			default:
				next = append(next, filepath.Join(p, el))
			}
		}
		paths = next
	}
	var found []string
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			found = append(found, p)
		}
	}
	return found
}

// snapRevision picks the Snap revision dir under p: "current" (a symlink
// snapd keeps to the active revision) when present, else the highest
// numbered one. Older revisions hold stale copies made at refresh time.
func snapRevision(p string) string {
	if fi, err := os.Stat(filepath.Join(p, "current")); err == nil && fi.IsDir() {
		return "current"
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return ""
	}
	var revs []int
	for _, ent := range entries {
		if n, err := strconv.Atoi(ent.Name()); err == nil && ent.IsDir() {
			revs = append(revs, n)
		}
	}
	if len(revs) == 0 {
		return ""
	}
	sort.Ints(revs)
	return strconv.Itoa(revs[len(revs)-1])
}
