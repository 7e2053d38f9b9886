package jar

// A new jar built aside (docs/jar.md, "A new jar's first import"): when
// the jar does not exist yet, `crumbs import` writes it in a private file
// beside its path, with no WAL, and links the finished file into place.
// Every page of a first import is new, so the WAL would only be written,
// synced, copied into the jar and synced again; here each page is written
// once and the file is synced once. Nobody else can see the file while it
// is built, so no other process meets a jar changing journal mode under it
// (the race that took the rollback-journal first import out again,
// docs/decisions.md), and the link never replaces a jar that appeared
// meanwhile: the import then goes into that jar, the usual way.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
)

// BuildNewAside is an Option for the one who is about to import: if the
// jar does not exist, Open makes it in a private file beside its path
// (<path>.crumbs-new-<pid>-<random>, 0600) and the first Import writes it
// there and then links it into place. Any other write links it first;
// Close without a write removes it, so a dry run or a failed first import
// leaves no jar behind.
func BuildNewAside() Option { return func(o *options) { o.aside = true } }

// aside is the file a new jar is built in.
type aside struct {
	file string  // the private file beside the jar's path
	abs  string  // the jar's absolute path, where the file goes
	opts options // to open the jar in its place
	// building: writes stay in the file (while opening, and during the
	// first import); otherwise a write links the file into place first.
	building bool
}

// asideDSN is how the file is opened while it is built: a rollback
// journal in memory (a failed import still rolls back; a crash leaves a
// file that is never linked and is removed later) and no syncs, since
// publish syncs the file once before it links it.
const asideDSN = "&_pragma=journal_mode(MEMORY)&_pragma=synchronous(OFF)"

// openAside opens the new jar at path in a file beside it, in a folder
// prepareDir has made ready (notice: what it said). ok false: the jar
// exists (or the file beside it cannot be made), open it the usual way,
// which says what is wrong if anything is.
func openAside(ctx context.Context, path, abs, notice string, o options) (j *Jar, ok bool, err error) {
	if _, err := os.Lstat(abs); !errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	file, err := cleanup.CreateBeside(abs, "new")
	if err != nil {
		return nil, false, nil
	}
	o.aside = false // once in place, the jar opens the usual way
	a := &aside{file: file, abs: abs, opts: o, building: true}
	j, err = openFile(ctx, path, file, notice, o, a)
	if err != nil {
		cleanup.Remove(file)
		return nil, true, err
	}
	a.building = false
	return j, true, nil
}

// importAside is the first Import of a jar built aside: into the file,
// then linked into place. If a jar appeared there meanwhile (another
// process made it), the import goes into that jar instead. A dry run
// writes nothing and links nothing.
func (j *Jar) importAside(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	j.aside.building = true
	st, err := j.importHere(ctx, batches, opt)
	j.aside.building = false
	if err != nil || opt.DryRun {
		return st, err
	}
	published, err := j.publish(ctx)
	if err != nil || published {
		return st, err
	}
	return j.importHere(ctx, batches, opt)
}

// publishFirst links a jar built aside into place before a write that is
// not its first import.
func (j *Jar) publishFirst(ctx context.Context) error {
	if j.aside == nil || j.aside.building {
		return nil
	}
	_, err := j.publish(ctx)
	return err
}

// publish syncs the file built aside, links it to the jar's path unless
// something is there already, and reopens j at the path: either the file
// just linked (published) or the jar that appeared meanwhile. The file's
// own name goes either way.
func (j *Jar) publish(ctx context.Context) (published bool, err error) {
	a := j.aside
	j.aside = nil
	defer cleanup.Remove(a.file)
	if err := j.closeDB(); err != nil {
		return false, err
	}
	if err := syncFile(a.file); err != nil {
		return false, j.fileError(err)
	}
	// A link, not a rename: it fails rather than replace a jar another
	// process made since Open looked. A file system without hard links
	// fails it too; the jar is then made at its path as usual.
	if os.Link(a.file, a.abs) == nil {
		published = true
		syncDir(filepath.Dir(a.abs))
	}
	nj, err := open(ctx, j.path, a.opts)
	if err != nil {
		return published, err
	}
	j.cacheMu.Lock()
	j.db, j.rawURI, j.rawMode = nj.db, nj.rawURI, nj.rawMode
	j.cache, j.directDone = nil, false
	j.cacheMu.Unlock()
	return published, nil
}

// writtenFile is the file an import's pages go to before the commit: the
// WAL, or the file a new jar is built in.
func (j *Jar) writtenFile() string {
	if j.aside != nil {
		return j.aside.file
	}
	return j.path + "-wal"
}

// syncFile makes the file's content durable.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return f.Close()
}

// syncDir makes a new name in dir durable, where the system can (best
// effort: a folder cannot be opened for syncing everywhere).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
