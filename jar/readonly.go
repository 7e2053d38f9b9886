package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
)

// minReadSchema is the oldest schema the read path reads as it is, without
// a migration: every migration after it changes rows only, never a table
// or a column, so the queries of this build run unchanged on it.
// TestReadOnlySchemaFloor keeps this true: a migration that adds a table or
// a column must raise it (schema 7 added changes.knowledge, schema 8 the
// import digests, schema 9 the trash's entries in place and the views).
const minReadSchema = 9

// ErrNotWritable is matched (errors.Is) by Open's error when the jar, its
// folder or its file system cannot be written by this user: a command that
// only reads can then use OpenReadOnly.
var ErrNotWritable = errors.New("the jar cannot be written")

// notWritable marks err as ErrNotWritable, keeping its message.
type notWritable struct{ err error }

func (e *notWritable) Error() string        { return e.err.Error() }
func (e *notWritable) Unwrap() error        { return e.err }
func (e *notWritable) Is(target error) bool { return target == ErrNotWritable }

// ReadOnly says whether the jar was opened with OpenReadOnly.
func (j *Jar) ReadOnly() bool { return j.readOnly }

// readOnlyError is what every change of a read-only jar returns.
func (j *Jar) readOnlyError() error {
	return fmt.Errorf("jar %s: opened read-only (this user cannot write the jar or its folder): nothing was changed", j.path)
}

// OpenReadOnly opens an existing jar for reading only, for a user who can
// read the jar but not write it, its folder or its file system (issue 8
// item 12: list, export and the UI with --readonly). It changes nothing:
// no journal switch, no migration, no re-classification, no chmod of the
// jar, no file created beside it where the folder is not writable; every
// change through the returned Jar fails with an error naming the jar.
//
// SQLite reads a WAL jar read-only through its -shm index (docs/jar.md
// §Read-only jars): where the folder is writable, or -shm and -wal are
// there (another process has the jar open, or one was killed), SQLite's
// mode=ro reads the jar and its log as any reader does. Where neither is
// possible — a read-only folder after the last writer closed, which folds
// the log into the file and removes it — the file is the whole jar, and it
// is opened immutable. A log that holds changes but cannot be read is an
// error: reading the file alone would show an older jar.
//
// A jar older than minReadSchema needs a migration, which needs a writable
// open; the error says so. A newer one is refused as by Open.
func OpenReadOnly(path string, opts ...Option) (*Jar, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return openReadOnly(context.Background(), path, o)
}

func openReadOnly(ctx context.Context, path string, o options) (*Jar, error) {
	if path == "" {
		return nil, errors.New("jar: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("jar %s: %w", path, err)
	}
	if err := checkReadOnlyFile(path, abs); err != nil {
		return nil, err
	}
	j := &Jar{path: path, now: o.now, classifier: o.classifier, fileProtections: o.fileProtections, readOnly: true}
	base := "file:" + (&url.URL{Path: abs}).EscapedPath() +
		"?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=cache_size(-2048)&_pragma=mmap_size(0)&_txlock=deferred"
	version, err := j.openRO(ctx, base)
	if err != nil && cannotOpenRO(err) {
		if st, serr := os.Stat(abs + "-wal"); serr == nil && st.Size() > 0 {
			return nil, fmt.Errorf("jar %s: its write-ahead log %s-wal holds changes not yet in the jar file, and this user cannot read it through SQLite's index (%v): open the jar once with write permission", path, filepath.Base(abs), err)
		}
		version, err = j.openRO(ctx, base+"&immutable=1")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case version > schemaVersion:
		err = fmt.Errorf("jar %s: written by a newer crumbs (schema %d, this build knows %d)", path, version, schemaVersion)
	case version == 0:
		err = fmt.Errorf("jar %s: an empty jar that was never written: a writable open creates it", path)
	case version < minReadSchema:
		err = fmt.Errorf("jar %s: schema %d must be upgraded to schema %d before this crumbs can read it, and upgrading writes the jar: open it once with write permission", path, version, schemaVersion)
	}
	if err != nil {
		j.db.Close()
		return nil, err
	}
	if j.classifier != nil {
		if err := j.noteStalePurposes(ctx); err != nil {
			j.db.Close()
			return nil, err
		}
	}
	return j, nil
}

// checkReadOnlyFile is prepareFile for a read-only open: the jar must
// exist, be a regular file in a private folder and be a crumbs jar by a
// read-only look (guard.go). Nothing is created.
func checkReadOnlyFile(path, abs string) error {
	dir := filepath.Dir(abs)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("jar %s: directory: %w", path, unwrapPath(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("jar %s: %s is not a directory", path, dir)
	}
	if _, err := checkDir(path, dir, st); err != nil {
		return err
	}
	fst, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("jar %s: %w", path, unwrapPath(err))
	}
	if !fst.Mode().IsRegular() {
		return fmt.Errorf("jar %s: not a regular file", path)
	}
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("jar %s: cannot open: %w", path, unwrapPath(err))
	}
	defer f.Close()
	head := make([]byte, 100)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == nil || errors.Is(err, io.EOF)) {
		return fmt.Errorf("jar %s: an empty file, not a jar yet: a writable open creates it", path)
	}
	if n < len(sqliteHeader) || string(head[:len(sqliteHeader)]) != sqliteHeader {
		return fmt.Errorf("jar %s: not a SQLite database (not a crumbs jar)", path)
	}
	return checkForeign(path, abs, head[:n])
}

// openRO opens j.db with dsn and reads the schema version through it, so
// that a connection SQLite cannot open shows here rather than at the first
// query.
func (j *Jar) openRO(ctx context.Context, dsn string) (int, error) {
	if j.db != nil {
		j.db.Close()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return 0, fmt.Errorf("jar %s: %w", j.path, err)
	}
	db.SetMaxIdleConns(1)
	j.db = db
	j.rawURI, j.rawMode = dsn, sqlraw.ReadOnly
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		db.Close()
		j.db = nil
		if cannotOpenRO(err) {
			return 0, err
		}
		return 0, j.fileError(err)
	}
	return version, nil
}

// cannotOpenRO: SQLite could neither use nor create the -shm index
// (SQLITE_CANTOPEN, SQLITE_READONLY_DIRECTORY, SQLITE_READONLY_CANTINIT).
func cannotOpenRO(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	switch coded.Code() & 0xff {
	case 14: // SQLITE_CANTOPEN
		return true
	case 8: // SQLITE_READONLY: only its directory and cantinit forms
		return coded.Code() == 8|6<<8 || coded.Code() == 8|5<<8
	}
	return false
}

// noteStalePurposes: the jar's purposes were computed by another version
// of the knowledge than this build's, and a read-only jar cannot be
// re-classified; the notice says so once.
func (j *Jar) noteStalePurposes(ctx context.Context) error {
	have, err := j.metaValue(ctx, j.db, classifierVersionKey)
	if err != nil {
		return j.fileError(err)
	}
	if have != j.classifier.Version() {
		j.stalePurposes = true
		j.notices = append(j.notices, fmt.Sprintf("jar %s: read-only: its purposes were classified by another version of crumbs' knowledge and cannot be updated in the file", j.path))
	}
	return nil
}

// StalePurposes says that the jar is read-only and its purposes were not
// classified by this build's knowledge (a caller may classify in memory).
func (j *Jar) StalePurposes() bool { return j.stalePurposes }

// isNotWritable reports whether err from opening the file for writing is
// about permission or a read-only file system.
func isNotWritable(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}
