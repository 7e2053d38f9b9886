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
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
	"github.com/crumbs-dev/crumbs/internal/sqlraw"
)

const sqliteHeader = "SQLite format 3\x00"

func open(ctx context.Context, path string, o options) (*Jar, error) {
	if path == "" {
		return nil, errors.New("jar: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("jar %s: %w", path, err)
	}
	notice, err := prepareDir(path, abs)
	if err != nil {
		return nil, err
	}
	// Files a killed crumbs was building this jar in (aside.go).
	cleanup.RemoveStaleBeside(abs)
	if o.aside {
		if j, ok, err := openAside(ctx, path, abs, notice, o); ok {
			return j, err
		}
	}
	if err := prepareFile(path, abs); err != nil {
		return nil, err
	}
	return openFile(ctx, path, abs, notice, o, nil)
}

// openFile opens the jar at path, kept in file (abs, or the file a new
// jar is built in: a).
func openFile(ctx context.Context, path, file, notice string, o options, a *aside) (*Jar, error) {
	// page_size only takes effect when the file is created: 16 KiB pages
	// quarter the WAL frames (and write syscalls) of a 100k-cookie import.
	// A small page cache and no memory map: reads go through the OS page
	// cache anyway, and a 64 MiB cache or a map per connection counted up to
	// ~100 MB of the UI's resident memory on a 100k jar while making neither
	// import nor export faster (measured: docs/jar.md).
	dsn := "file:" + (&url.URL{Path: file}).EscapedPath() +
		"?_pragma=page_size(16384)&_pragma=busy_timeout(10000)&_pragma=wal_autocheckpoint(0)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-2048)&_pragma=mmap_size(0)&_txlock=immediate"
	if a != nil {
		dsn += asideDSN
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("jar %s: %w", path, err)
	}
	db.SetMaxIdleConns(idleConns)
	j := &Jar{path: path, db: db, now: o.now, classifier: o.classifier, fileProtections: o.fileProtections,
		rawURI: dsn, rawMode: sqlraw.ReadWrite, aside: a}
	if notice != "" {
		j.notices = append(j.notices, notice)
	}
	if err := j.initialize(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// SQLite gives -wal and -shm the database's mode; make sure anyway.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Chmod(file+suffix, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			db.Close()
			return nil, fmt.Errorf("jar %s: %w", path, err)
		}
	}
	if err := j.resiteIfNeeded(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if j.classifier != nil {
		if err := j.reclassifyIfNeeded(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return j, nil
}

// initialize switches the file to WAL (persistent: later connections
// inherit it) and migrates the schema. Switching the journal mode does not
// wait on the busy handler, so when several processes open a new jar at
// the same moment the losers retry here, for as long as the busy timeout.
func (j *Jar) initialize(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := j.initializeOnce(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

const busyTimeout = 10 * time.Second

// idleConns is how many idle connections the pool keeps: one, as each
// keeps its own page cache.
const idleConns = 1

func (j *Jar) initializeOnce(ctx context.Context) error {
	if j.aside != nil { // built aside: WAL once it is in place
		return j.migrate(ctx)
	}
	var mode string
	if err := j.db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		return j.fileError(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("jar %s: cannot switch to WAL mode (journal mode is %s)", j.path, mode)
	}
	return j.migrate(ctx)
}

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// prepareFile creates an empty jar file (0600) if it is missing, and
// refuses a file that is not SQLite before SQLite sees it. The directory
// is prepareDir's.
func prepareFile(path, abs string) error {
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		f.Close()
		if err := os.Chmod(abs, 0o600); err != nil {
			return fmt.Errorf("jar %s: %w", path, err)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		// A read-only folder or file system may refuse the create before
		// it looks whether the file is there.
		if _, serr := os.Lstat(abs); serr != nil || !isNotWritable(err) {
			return fmt.Errorf("jar %s: cannot create: %w", path, unwrapPath(err))
		}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("jar %s: %w", path, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("jar %s: not a regular file", path)
	}
	f, err = os.OpenFile(abs, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("jar %s: cannot open: %w", path, unwrapPath(err))
	}
	defer f.Close()
	head := make([]byte, 100)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == nil || errors.Is(err, io.EOF)) {
		return nil // empty: becomes a new jar
	}
	if n < len(sqliteHeader) || string(head[:len(sqliteHeader)]) != sqliteHeader {
		return fmt.Errorf("jar %s: not a SQLite database (not a crumbs jar)", path)
	}
	if err := checkForeign(path, abs, head[:n]); err != nil {
		return err
	}
	if ro, werr := os.OpenFile(abs, os.O_RDWR, 0); werr != nil {
		err := fmt.Errorf("jar %s: cannot open for writing: %w", path, unwrapPath(werr))
		if isNotWritable(werr) {
			err = &notWritable{err}
		}
		return err
	} else {
		ro.Close()
	}
	return nil
}

// prepareDir creates the jar's directory (0700) if it is missing, and
// keeps an existing one private (checkDir).
func prepareDir(path, abs string) (notice string, err error) {
	dir := filepath.Dir(abs)
	if st, err := os.Stat(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("jar %s: directory: %w", path, unwrapPath(err))
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("jar %s: cannot create directory %s: %w", path, dir, unwrapPath(err))
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", fmt.Errorf("jar %s: %w", path, err)
		}
	} else if !st.IsDir() {
		return "", fmt.Errorf("jar %s: %s is not a directory", path, dir)
	} else if notice, err = checkDir(path, dir, st); err != nil {
		return "", err
	}
	return notice, nil
}

// unwrapPath drops the *PathError wrapper: our messages name the path already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileError turns SQLite's errors about the file itself into messages that
// name the jar.
func (j *Jar) fileError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database") || strings.Contains(msg, "SQLITE_NOTADB"):
		return fmt.Errorf("jar %s: not a SQLite database (not a crumbs jar)", j.path)
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") || strings.Contains(msg, "CANTOPEN") || strings.Contains(msg, "unable to open"):
		return &notWritable{fmt.Errorf("jar %s: cannot write the jar or its directory: %w", j.path, err)}
	case isDiskFull(msg):
		return fmt.Errorf("jar %s: no space left on device (the change was not made; free some space and retry)", j.path)
	case strings.Contains(msg, "malformed") || strings.Contains(msg, "CORRUPT"):
		return fmt.Errorf("jar %s: damaged database: %w", j.path, err)
	}
	return fmt.Errorf("jar %s: %w", j.path, err)
}

func isDiskFull(msg string) bool {
	return strings.Contains(msg, "disk is full") || strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "no space left")
}

// write runs fn in one write transaction (BEGIN IMMEDIATE, so two writers
// queue on the busy timeout instead of failing to upgrade a read lock).
// Each one raises the jar's generation (importdigest.go) before it commits.
func (j *Jar) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return j.writeTx(ctx, true, fn)
}

// writeTx is write; bump false leaves the generation to fn (migrate, which
// writes nothing when the schema is current).
func (j *Jar) writeTx(ctx context.Context, bump bool, fn func(tx *sql.Tx) error) error {
	return j.writeConn(ctx, bump, func(_ *sql.Conn, tx *sql.Tx) error { return fn(tx) })
}

// writeConn is writeTx that also gives fn the transaction's connection, for
// statements through SQLite's C API in the same transaction (rawWriter).
func (j *Jar) writeConn(ctx context.Context, bump bool, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	if j.readOnly {
		return j.readOnlyError()
	}
	if err := j.publishFirst(ctx); err != nil {
		return err
	}
	// While a snapshot exists the write records the cookie rows it touches,
	// so the next snapshot is built from the last (snapshotdelta.go).
	conn, err := j.db.Conn(ctx)
	if err != nil {
		return j.fileError(err)
	}
	defer conn.Close()
	tx, tr, err := j.beginWrite(ctx, conn)
	if err != nil {
		return j.fileError(err)
	}
	committed, to := false, int64(0)
	defer func() { tr.done(committed, to) }()
	if err := fn(conn, tx); err != nil {
		tx.Rollback()
		// Any statement can be the one that meets a full disk (a page the
		// cache spills mid-transaction), not only the commit: say it the
		// same way whichever it was (TestDiskFullMidWrite).
		if isDiskFull(err.Error()) {
			return j.fileError(err)
		}
		return err
	}
	if bump {
		if err := bumpGeneration(ctx, tx); err != nil {
			tx.Rollback()
			return j.fileError(err)
		}
	}
	if to, err = tr.beforeCommit(ctx, tx); err != nil {
		tx.Rollback()
		return j.fileError(err)
	}
	if err := tx.Commit(); err != nil {
		return j.fileError(err)
	}
	committed = true
	j.checkpointSoon()
	return nil
}

// checkpointSoon copies the WAL back into the database in the background.
// SQLite would otherwise do it inside the commit that crosses its threshold,
// making that writer wait; here the writer returns at once. A passive
// checkpoint never blocks readers or writers; at most one runs at a time.
func (j *Jar) checkpointSoon() {
	if !j.checkpointing.CompareAndSwap(false, true) {
		return
	}
	j.bg.Add(1)
	go func() {
		defer j.bg.Done()
		defer j.checkpointing.Store(false)
		j.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`) // best effort: the next one catches up
	}()
}
