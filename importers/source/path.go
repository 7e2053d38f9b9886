package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/discover"
)

// resolvePath handles a SOURCE that is a path. A path inside a discovered
// browser keeps that browser's source id (`crumbs import
// ~/.config/google-chrome` is `crumbs import chrome`); anything else gets a
// file: id (see FileSourceID).
func resolvePath(ctx context.Context, path string, env discover.Env) ([]Target, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, importers.Errorf(path, "%v", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, importers.Errorf(path, "%v", err)
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		// Before resolving links: /dev/fd/N of a pipe (the shell's <(…))
		// links to a name that is not a path.
		return nil, importers.Errorf(path, "%s", notRegularHint(fi.Mode()))
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, importers.Errorf(path, "%v", err)
	}
	if ts := discovered(env, real, fi.IsDir()); len(ts) > 0 {
		return ts, nil
	}
	if fi.IsDir() {
		return resolveDir(path, real, env)
	}
	format, err := Sniff(ctx, abs)
	if err != nil {
		return nil, err
	}
	id := FileSourceID(abs)
	return []Target{{SourceID: id, Path: abs, Format: format, Options: importers.Options{Source: id}}}, nil
}

// discovered returns the targets of the discovered profiles the path names:
// a profile dir or its store, or a root/user-data dir (all its profiles).
func discovered(env discover.Env, real string, isDir bool) []Target {
	ps, _ := discover.Discover(env)
	var exact, under []Target
	for _, p := range ps {
		if p.Store == "" {
			continue
		}
		if (isDir && sameDir(p.Dir, real)) || (!isDir && sameFile(p.Store, real)) {
			exact = append(exact, profileTarget(p))
		} else if isDir && (sameDir(p.UserDataDir, real) || sameDir(p.Root, real)) {
			under = append(under, profileTarget(p))
		}
	}
	if len(exact) > 0 {
		return exact[:1]
	}
	return under
}

func sameDir(a, real string) bool {
	if a == "" {
		return false
	}
	r, err := filepath.EvalSymlinks(a)
	return err == nil && r == real
}

func sameFile(a, real string) bool { return sameDir(a, real) }

// resolveDir handles a folder no discovered browser owns: a Firefox profiles
// folder or Chromium user-data dir (all profiles), or one profile folder.
func resolveDir(given, dir string, env discover.Env) ([]Target, error) {
	if fileExists(filepath.Join(dir, "profiles.ini")) || fileExists(filepath.Join(dir, "Local State")) {
		ps, err := discover.ScanRoot(env, dir, "")
		if err != nil && discover.WarningsOf(err) == nil {
			return nil, err
		}
		var ts []Target
		for _, p := range ps {
			if p.Store == "" {
				continue
			}
			t := profileTarget(p)
			t.SourceID = FileSourceID(p.Dir) // each profile folder is its own source
			t.Options.Source, t.Options.Browser = t.SourceID, ""
			ts = append(ts, t)
		}
		if len(ts) == 0 {
			msg := fmt.Sprintf("%s: no profile with a cookie store in this folder", given)
			if ws := discover.WarningsOf(err); ws != nil {
				msg += " (" + strings.Join(ws, "; ") + ")"
			}
			return nil, errors.New(msg)
		}
		return ts, err
	}
	id := FileSourceID(dir)
	one := func(format, path string) []Target {
		return []Target{{SourceID: id, Path: path, Format: format, Options: importers.Options{Source: id}}}
	}
	switch {
	case fileExists(filepath.Join(dir, "cookies.sqlite")):
		return one(FormatFirefox, dir), nil
	case fileExists(filepath.Join(dir, "Network", "Cookies")) || fileExists(filepath.Join(dir, "Cookies")):
		return one(FormatChromium, dir), nil
	case fileExists(filepath.Join(dir, "Cookies.binarycookies")):
		return one(FormatSafari, filepath.Join(dir, "Cookies.binarycookies")), nil
	}
	return nil, importers.Errorf(given, "no cookie store in this folder (looked for profiles.ini, Local State, cookies.sqlite, Network/Cookies, Cookies, Cookies.binarycookies)")
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// FileSourceID is the source id of a cookie file or profile folder given by
// path: "file:" and its absolute, cleaned path
// ("file:/home/u/Downloads/cookies.txt"). Two different files never share
// a source, so a --prune of one never touches the other's cookies
// (docs/formats.md, "Every file is its own source"). Moving a file makes it
// a new source. The command line and the UI show it shortened
// (~/Downloads/cookies.txt).
func FileSourceID(path string) string { return importers.FileSource(path) }

// notRegularHint says what a SOURCE that is neither a file nor a folder is,
// and how to import from a pipe instead (issue 8 item 12).
func notRegularHint(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "not a regular file (a pipe or FIFO): to import from a pipe, give - and send the cookies on standard input (crumbs import - < FILE)"
	case m&fs.ModeCharDevice != 0 || m&fs.ModeDevice != 0:
		return "not a regular file (a device)"
	case m&fs.ModeSocket != 0:
		return "not a regular file (a socket)"
	}
	return fmt.Sprintf("not a regular file (%s)", m.Type())
}
