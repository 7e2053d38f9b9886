// Package writeback changes a browser's own cookie store, the one place in
// crumbs that does (docs/writeback.md). Every writer (firefox.Write,
// chromium.Reader.Write, safari.Write) runs only inside Run, which goes
// through the same safety sequence for every store:
//
//  1. no live process holds the profile (running.go), else refuse;
//  2. every file of the store — database, -wal, -shm, -journal, Firefox's
//     session-store files, Safari's file — is copied into a backup with the
//     SHA-256 of each and the list of files that did not exist, before
//     anything is opened for writing (backup.go);
//  3. the writer makes the change in one transaction by the store's own
//     unique key;
//  4. SQLite's integrity check, the writer's own checks, and crumbs'
//     re-read of the whole store (which decrypts every Chromium value and
//     checks its SHA-256 host prefix) must show exactly the intended store:
//     the cookies it had, minus the removed ones, with the edited ones
//     edited, every other field and value unchanged;
//  5. on any failure the backup is put back and Run fails.
//
// Backups live in ROOT/SOURCE/ID/ ($XDG_DATA_HOME/crumbs/backups); the
// newest Keep per source are kept. docs/writeback.md tells the whole story.
package writeback

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium"
	"github.com/crumbs-dev/crumbs/importers/firefox"
	"github.com/crumbs-dev/crumbs/importers/safari"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Store is one store to change.
type Store struct {
	Source   string // source id ("firefox:default-release", "file:abc.default")
	Format   string // source.FormatFirefox, FormatChromium, FormatSafari
	Path     string // what the reader gets: profile dir or file
	Browser  string // discovered browser id, for keyring names; may be empty
	Password string // Chromium Safe Storage password given by hand
}

// FromTarget makes the Store of a resolved SOURCE.
func FromTarget(t source.Target, password string) (Store, error) {
	s := Store{Source: t.SourceID, Format: t.Format, Path: t.Path, Browser: t.Options.Browser, Password: password}
	if !Writable(t.Format) {
		return s, fmt.Errorf("%s: a %s file is not a browser store; crumbs writes back only to Firefox, Chromium and Safari stores", t.SourceID, formatName(t.Format))
	}
	return s, nil
}

// Writable reports whether crumbs can write stores of this format.
func Writable(format string) bool {
	switch format {
	case source.FormatFirefox, source.FormatChromium, source.FormatSafari:
		return true
	}
	return false
}

func formatName(f string) string {
	switch f {
	case source.FormatNetscape:
		return "cookies.txt"
	case source.FormatJSON:
		return "JSON"
	}
	return f
}

func (s Store) options() importers.Options {
	return importers.Options{Source: s.Source, Browser: s.Browser, Password: s.Password}
}

// Read reads the store as import does (from a private snapshot).
// A Firefox profile is read with the session cookies of every session-store
// file, since the write removes them from each.
func (s Store) Read(ctx context.Context, now time.Time) (*importers.Result, error) {
	if s.Format == source.FormatFirefox {
		opts := s.options()
		opts.Now = now
		return firefox.ReadAllSessions(ctx, s.Path, opts)
	}
	t := source.Target{SourceID: s.Source, Path: s.Path, Format: s.Format, Options: s.options()}
	opts := s.options()
	opts.Now = now
	return t.Read(ctx, opts)
}

// files lists every file of the store and the folder they are relative to.
func (s Store) files() (base string, files []string, err error) {
	switch s.Format {
	case source.FormatFirefox:
		_, base, err = firefox.Locate(s.Path)
		if err != nil {
			return "", nil, err
		}
		files, err = firefox.StoreFiles(s.Path)
	case source.FormatChromium:
		var loc chromium.Location
		if loc, err = chromium.Locate(s.Path); err != nil {
			return "", nil, err
		}
		base = loc.Profile
		files, err = chromium.StoreFiles(s.Path)
	case source.FormatSafari:
		base, files = filepath.Dir(s.Path), []string{s.Path}
	default:
		err = fmt.Errorf("%s: crumbs cannot write %s stores", s.Source, s.Format)
	}
	return base, files, err
}

// holderDirs are the folders a running browser holds files in.
func (s Store) holderDirs() []string {
	switch s.Format {
	case source.FormatFirefox:
		if _, dir, err := firefox.Locate(s.Path); err == nil {
			return []string{dir}
		}
	case source.FormatChromium:
		if loc, err := chromium.Locate(s.Path); err == nil {
			// The profile, and the user-data dir around it (Local State,
			// SingletonLock): a browser started on either holds files there.
			dirs := []string{loc.Profile}
			if ud := filepath.Dir(loc.Profile); loc.LocalState == filepath.Join(ud, "Local State") {
				dirs = append(dirs, ud)
			}
			return dirs
		}
	case source.FormatSafari:
		return []string{filepath.Dir(s.Path)}
	}
	return []string{s.Path}
}

// CheckRunning refuses with a *RunningError when a live process holds the
// store's profile.
func (s Store) CheckRunning() error {
	if pid, how := holder(s.holderDirs()); how != "" {
		return &RunningError{Source: s.Source, PID: pid, How: how}
	}
	return nil
}

func (s Store) write(ctx context.Context, ch importers.Change, now time.Time) error {
	switch s.Format {
	case source.FormatFirefox:
		return firefox.Write(ctx, s.Path, ch, now)
	case source.FormatChromium:
		return chromium.Reader{}.Write(ctx, s.Path, ch, s.options(), now)
	case source.FormatSafari:
		return safari.Write(s.Path, ch)
	}
	return fmt.Errorf("%s: crumbs cannot write %s stores", s.Source, s.Format)
}

func (s Store) check(ctx context.Context, ch importers.Change) error {
	switch s.Format {
	case source.FormatFirefox:
		return firefox.Check(ctx, s.Path, ch)
	case source.FormatChromium:
		return chromium.Check(ctx, s.Path)
	case source.FormatSafari:
		return safari.Check(s.Path)
	}
	return nil
}

// Options configure Run.
type Options struct {
	// Root is the backups folder ($XDG_DATA_HOME/crumbs/backups).
	Root string
	// MadeBy is MadeByClean or MadeByApply.
	MadeBy string
	// Summary is recorded in the backup ("removed 12 tracking cookies").
	Summary string
	// Now is the clock; zero means time.Now.
	Now time.Time
	// AfterBackup, if set, is called once the backup is complete and
	// before the store is opened for writing (tests use it).
	AfterBackup func(*Backup)
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// Run changes the store through the safety sequence (package comment).
// before is the store as read for the plan (Store.Read); ch's cookies are
// taken from it. It returns the backup made; on failure after the backup
// the store has been put back, and the error says so.
func Run(ctx context.Context, s Store, before []cookie.Cookie, ch importers.Change, o Options) (*Backup, error) {
	if err := s.CheckRunning(); err != nil {
		return nil, err
	}
	base, files, err := s.files()
	if err != nil {
		return nil, err
	}
	now := o.now()
	b, err := takeBackup(o.Root, Backup{Source: s.Source, MadeBy: o.MadeBy, Format: s.Format, Path: s.Path,
		Browser: s.Browser, Base: base, Summary: o.Summary}, files, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (the store was not touched)", s.Source, err)
	}
	if o.AfterBackup != nil {
		o.AfterBackup(b)
	}
	fail := func(err error) (*Backup, error) {
		if rerr := b.putBack(); rerr != nil {
			return b, fmt.Errorf("%s: %v; putting the backup back failed too: %v — restore it with: crumbs backups restore %s %s", s.Source, err, rerr, s.Source, b.ID)
		}
		return b, fmt.Errorf("%s: %v; the store was put back as it was (backup %s)", s.Source, err, b.ID)
	}
	// A browser started since the first check must not see our writes.
	if err := s.CheckRunning(); err != nil {
		return b, err
	}
	if err := s.write(ctx, ch, now); err != nil {
		return fail(err)
	}
	if err := s.check(ctx, ch); err != nil {
		return fail(err)
	}
	res, err := s.Read(context.WithoutCancel(ctx), now)
	if err != nil {
		return fail(fmt.Errorf("re-reading after the write: %w", err))
	}
	if err := compare(s.Format, Expected(before, ch), res.Cookies); err != nil {
		return fail(fmt.Errorf("re-reading after the write: %w", err))
	}
	_ = prune(o.Root, s.Source, Keep, now)
	return b, nil
}

// Expected is the store Run must find afterwards: before without the
// removed cookies, with the edited ones edited.
func Expected(before []cookie.Cookie, ch importers.Change) []cookie.Cookie {
	drop := make(map[string]bool, len(ch.Delete))
	for i := range ch.Delete {
		drop[ch.Delete[i].OriginalKey] = true
	}
	edit := make(map[string]*cookie.Cookie, len(ch.Update))
	for i := range ch.Update {
		edit[ch.Update[i].Old.OriginalKey] = &ch.Update[i].New
	}
	out := make([]cookie.Cookie, 0, len(before)-len(drop))
	for i := range before {
		c := before[i]
		if drop[c.OriginalKey] {
			continue
		}
		if n := edit[c.OriginalKey]; n != nil {
			c.Value, c.ValueUnreadable = n.Value, false
			c.Expires, c.Session = n.Expires, n.Session
			c.Secure, c.HTTPOnly, c.SameSite = n.Secure, n.HTTPOnly, n.SameSite
		}
		out = append(out, c)
	}
	return out
}

// compare checks that got holds exactly the cookies of want, field for
// field (times to the second: Firefox keeps expiry in seconds or ms).
func compare(format string, want, got []cookie.Cookie) error {
	index := make(map[string]*cookie.Cookie, len(want))
	for i := range want {
		index[want[i].OriginalKey] = &want[i]
	}
	var problems []string
	seen := 0
	for i := range got {
		g := &got[i]
		w := index[g.OriginalKey]
		if w == nil {
			problems = append(problems, fmt.Sprintf("%q on %s is still there", g.Name, g.Domain))
			continue
		}
		seen++
		if why := differs(format, w, g); why != "" {
			problems = append(problems, fmt.Sprintf("%q on %s: %s", g.Name, g.Domain, why))
		}
	}
	if seen != len(want) {
		problems = append(problems, fmt.Sprintf("%d cookies that should be there are missing", len(want)-seen))
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	if len(problems) > 3 {
		problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
	}
	return errors.New("the store is not as intended: " + strings.Join(problems, "; "))
}

func differs(format string, w, g *cookie.Cookie) string {
	switch {
	case w.Domain != g.Domain || w.HostOnly != g.HostOnly || w.Path != g.Path || w.Name != g.Name:
		return "identity differs"
	case w.ValueUnreadable != g.ValueUnreadable:
		if g.ValueUnreadable {
			return "value no longer decrypts (" + g.UnreadableReason + ")"
		}
		return "readability of the value changed"
	case w.Value != g.Value:
		return "value differs"
	case w.Secure != g.Secure || w.HTTPOnly != g.HTTPOnly:
		return "flags differ"
	case format != source.FormatSafari && w.SameSite != g.SameSite:
		return "SameSite differs"
	case w.Session != g.Session || w.Expires.Unix() != g.Expires.Unix():
		return "expiry differs"
	case w.Partition != g.Partition || w.Container.Key() != g.Container.Key():
		return "partition or container differs"
	}
	return ""
}

// Restore puts backup b back (exactly its files; the files absent when it
// was taken are removed), after checking that the browser is closed and
// taking one more backup of the current state, marked as made by a
// restore. It returns that new backup.
func Restore(ctx context.Context, root string, b *Backup, now time.Time) (*Backup, error) {
	s := Store{Source: b.Source, Format: b.Format, Path: b.Path, Browser: b.Browser}
	if err := s.CheckRunning(); err != nil {
		return nil, err
	}
	if err := b.verify(); err != nil {
		return nil, err
	}
	files := make([]string, 0, len(b.Files)+len(b.Absent))
	for _, rel := range append(paths(b.Files), b.Absent...) {
		files = append(files, filepath.Join(b.Base, filepath.FromSlash(rel)))
	}
	// The current state may have more files (a new session backup, a -wal
	// now present): back up those too, so the restore can itself be undone.
	if _, cur, err := s.files(); err == nil {
		have := map[string]bool{}
		for _, f := range files {
			have[f] = true
		}
		for _, f := range cur {
			if !have[f] {
				files = append(files, f)
			}
		}
	}
	nb, err := takeBackup(root, Backup{Source: b.Source, MadeBy: MadeByRestore, Format: b.Format, Path: b.Path,
		Browser: b.Browser, Base: b.Base, Summary: "state before restoring " + b.ID}, files, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (nothing restored)", b.Source, err)
	}
	// Files the new state has that the old backup did not know are stale
	// too (a session backup written since): they go with the absent ones.
	known := map[string]bool{}
	for _, rel := range append(paths(b.Files), b.Absent...) {
		known[rel] = true
	}
	restore := *b
	for _, f := range nb.Files {
		if !known[f.Path] {
			restore.Absent = append(restore.Absent, f.Path)
		}
	}
	if err := restore.putBack(); err != nil {
		return nb, err
	}
	_ = prune(root, b.Source, Keep, now)
	return nb, nil
}

// Find returns the backup of source named id, or with id empty the newest
// backup made by a clean or an apply (so that restoring twice does not
// undo the first restore).
func Find(root, source, id string) (*Backup, error) {
	bs, err := List(root, source)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if id != "" && b.ID == id {
			return b, nil
		}
		if id == "" && (b.MadeBy == MadeByClean || b.MadeBy == MadeByApply) {
			return b, nil
		}
	}
	if id != "" {
		return nil, fmt.Errorf("%s has no backup %s (crumbs backups list %s shows them)", source, id, source)
	}
	if len(bs) > 0 {
		return nil, fmt.Errorf("%s has no backup made by a clean or apply (give an id: crumbs backups list %s)", source, source)
	}
	return nil, fmt.Errorf("%s has no backups", source)
}
