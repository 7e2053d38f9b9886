// Package source turns a SOURCE argument of `crumbs import` and
// `crumbs export --from` into targets: which file to read, with which
// reader, under which source id.
//
// A SOURCE is a browser id with an optional ":PROFILE" ("firefox",
// "chrome:Profile 1", "brave:work"), "all" (every discovered profile), or a
// path: a profile dir, a Firefox profiles folder or Chromium user-data dir
// (all their profiles), a cookie database (SQLite, told apart by its tables),
// a Safari .binarycookies file, a Netscape cookies.txt or a JSON file. Files
// are recognised by their content, never by their name.
package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/discover"
)

// Formats a target can have; each names the reader package that reads it.
const (
	FormatFirefox  = "firefox"
	FormatChromium = "chromium"
	FormatSafari   = "safari"
	FormatNetscape = "netscape"
	FormatJSON     = "json"
)

// Target is one store to read.
type Target struct {
	// SourceID is the id every cookie read from it carries
	// ("firefox:default-release", "file:cookies.txt").
	SourceID string
	// Path is what the reader is given: a profile dir for Firefox and
	// Chromium profiles, else the file.
	Path   string
	Format string
	// Profile is the discovered profile, nil for a bare file.
	Profile *discover.Profile
	// Options has Source and Browser set.
	Options importers.Options
}

// Read reads the target with the reader for its format. Source and Browser
// come from the target unless opts sets them; Password, Now and Progress
// come from opts.
func (t Target) Read(ctx context.Context, opts importers.Options) (*importers.Result, error) {
	if opts.Source == "" {
		opts.Source = t.Options.Source
	}
	if opts.Browser == "" {
		opts.Browser = t.Options.Browser
	}
	read, ok := readers[t.Format]
	if !ok || read == nil {
		return nil, importers.Errorf(t.Path, "no reader for format %q", t.Format)
	}
	return read(ctx, t.Path, opts)
}

// Resolve turns one SOURCE argument into targets. The error is nil, a
// *discover.Warnings (some profiles were refused or unreadable: print it
// and use the targets, which are valid), or a failure with no targets.
func Resolve(ctx context.Context, spec string, env discover.Env) ([]Target, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("empty SOURCE: give a browser (firefox, chrome, …), all, or a path")
	}
	if strings.EqualFold(spec, "all") {
		return resolveAll(env)
	}
	name, profile, hasProfile := strings.Cut(spec, ":")
	if _, ok := discover.Lookup(strings.ToLower(name)); ok {
		return resolveBrowser(strings.ToLower(name), profile, hasProfile, env)
	}
	if looksLikePath(spec) || exists(spec) {
		return resolvePath(ctx, expandHome(spec, env), env)
	}
	return nil, fmt.Errorf("unknown browser %q: known browsers are %s; or give all, or a path to a profile or cookie file",
		name, strings.Join(discover.IDs(), ", "))
}

func looksLikePath(s string) bool {
	return strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") || filepath.IsAbs(s)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func expandHome(p string, env discover.Env) string {
	if env.Home != "" && (p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`)) {
		return filepath.Join(env.Home, p[1:])
	}
	return p
}

func resolveAll(env discover.Env) ([]Target, error) {
	ps, err := discover.Discover(env)
	if err != nil && discover.WarningsOf(err) == nil {
		return nil, err
	}
	var ts []Target
	for i := range ps {
		if ps[i].Store != "" {
			ts = append(ts, profileTarget(ps[i]))
		}
	}
	if len(ts) == 0 {
		msg := "no browser profile with cookies found"
		if ws := discover.WarningsOf(err); ws != nil {
			msg += " (" + strings.Join(ws, "; ") + ")"
		}
		return nil, errors.New(msg)
	}
	return ts, err
}

func resolveBrowser(id, want string, hasProfile bool, env discover.Env) ([]Target, error) {
	b, _ := discover.Lookup(id)
	ps, err := discover.DiscoverBrowser(env, id)
	warnings := discover.WarningsOf(err)
	if err != nil && warnings == nil {
		return nil, err
	}
	if len(ps) == 0 {
		msg := fmt.Sprintf("no %s profile found; looked in: %s", b.Name, strings.Join(discover.Searched(env, id), ", "))
		if len(discover.Searched(env, id)) == 0 {
			msg = fmt.Sprintf("no %s profile found: crumbs knows no %s location on %s", b.Name, b.Name, env.OS)
		}
		if warnings != nil {
			msg += " (" + strings.Join(warnings, "; ") + ")"
		}
		return nil, errors.New(msg)
	}
	if !hasProfile {
		var ts []Target
		for i := range ps {
			if ps[i].Store != "" {
				ts = append(ts, profileTarget(ps[i]))
			}
		}
		if len(ts) == 0 {
			return nil, fmt.Errorf("%s has no cookie store yet in any profile (%s)", b.Name, listProfiles(ps))
		}
		return ts, err
	}
	match := matchProfile(ps, id, want)
	switch {
	case len(match) == 0:
		return nil, fmt.Errorf("no %s profile %q; %s profiles: %s", b.Name, want, b.Name, listProfiles(ps))
	case len(match) > 1:
		var ids []string
		for _, p := range match {
			ids = append(ids, p.SourceID())
		}
		return nil, fmt.Errorf("%s profile %q is ambiguous: use one of %s", b.Name, want, quoteAll(ids))
	}
	p := match[0]
	if p.Store == "" {
		return nil, fmt.Errorf("%s: %s has no cookie store yet (%s)", p.SourceID(), p.Dir, storeNames(p.Family))
	}
	return []Target{profileTarget(p)}, err
}

// matchProfile finds the profiles a ":PROFILE" names, case-insensitively,
// trying in turn the source id ("Work (Profile 2)"), the display name and
// the folder name.
func matchProfile(ps []discover.Profile, id, want string) []discover.Profile {
	tiers := []func(p discover.Profile) bool{
		func(p discover.Profile) bool { return strings.EqualFold(p.SourceID(), id+":"+want) },
		func(p discover.Profile) bool { return strings.EqualFold(p.Name, want) },
		func(p discover.Profile) bool { return strings.EqualFold(p.DirName(), want) },
	}
	for _, match := range tiers {
		var out []discover.Profile
		for _, p := range ps {
			if match(p) {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func listProfiles(ps []discover.Profile) string {
	var parts []string
	for _, p := range ps {
		s := p.SourceID()
		if p.DirName() != p.Name {
			s += " (folder " + p.DirName() + ")"
		}
		if p.Store == "" {
			s += " [no cookies yet]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func storeNames(f discover.Family) string {
	switch f {
	case discover.Gecko:
		return "no cookies.sqlite"
	case discover.Chromium:
		return "no Network/Cookies or Cookies"
	}
	return "no Cookies.binarycookies"
}

// profileTarget makes the target of a discovered profile. Firefox and
// Chromium readers get the profile dir (Firefox finds session cookies and
// containers.json there, Chromium its Local State next to it); Safari gets
// the file.
func profileTarget(p discover.Profile) Target {
	t := Target{SourceID: p.SourceID(), Profile: &p,
		Options: importers.Options{Source: p.SourceID(), Browser: p.Browser}}
	switch p.Family {
	case discover.Gecko:
		t.Format, t.Path = FormatFirefox, p.Dir
	case discover.Chromium:
		t.Format, t.Path = FormatChromium, p.Dir
	default:
		t.Format, t.Path = FormatSafari, p.Store
	}
	return t
}
