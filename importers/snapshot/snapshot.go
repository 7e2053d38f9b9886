// Package snapshot makes safe private copies of SQLite databases that a
// browser may have open right now.
//
// A browser keeps its cookie store open while it runs, with recent writes in
// the write-ahead log (X-wal) rather than the main file. Opening the live file
// in place would take read locks the browser does not expect, and opening it
// with immutable=1 would silently ignore the WAL. Copy therefore copies the
// database and its side files (-journal, -shm, -wal; the WAL last) into a
// private 0700 temporary directory, checks that nothing changed while it
// copied (retrying if something did), and Open opens that copy normally so
// that SQLite replays the WAL into it. The source files are only ever read.
package snapshot

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/cleanup"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// sqliteMagic is the first 16 bytes of every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// sideSuffixes are the files SQLite keeps next to a database, in copy order:
// the WAL comes last so that it is at least as new as the pages it refers to.
var sideSuffixes = []string{"-journal", "-shm", "-wal"}

// attempts is how many times Copy tries to get a copy during which no source
// file changed.
const attempts = 5

// Snapshot is a private copy of one SQLite database and its side files.
type Snapshot struct {
	// Source is the path of the original database, as given to Copy.
	Source string
	// Path is the copy of the main database file inside the private dir.
	Path string
	// Unstable is set when the source kept changing during every copy
	// attempt; the last copy is kept and may miss the newest writes.
	Unstable bool

	dir string
}

// testHookAfterCopy, when set by a test, runs between copying and the
// re-check, where a live browser's write would land.
var testHookAfterCopy func()

// fileState is what Copy compares before and after copying a file.
type fileState struct {
	exists bool
	size   int64
	mtime  time.Time
}

// Copy makes a private snapshot of the SQLite database at dbPath. It refuses
// anything that is not a regular file (symbolic links are not followed) and
// files that are not SQLite databases. Errors name dbPath. The caller must
// Close the snapshot.
func Copy(ctx context.Context, dbPath string) (*Snapshot, error) {
	info, err := os.Lstat(dbPath)
	if err != nil {
		return nil, &importers.FileError{Path: dbPath, Err: unwrapPathError(err)}
	}
	if err := checkRegular(info); err != nil {
		return nil, &importers.FileError{Path: dbPath, Err: err}
	}

	// A private 0700 folder, registered so that a signal or an exit while
	// the copy is open still removes it (internal/cleanup).
	dir, err := cleanup.MkdirTemp("snapshot")
	if err != nil {
		return nil, importers.Errorf(dbPath, "cannot create a private copy: %v", err)
	}
	s := &Snapshot{Source: dbPath, Path: filepath.Join(dir, "db"), dir: dir}

	for try := 1; ; try++ {
		stable, err := s.copyOnce(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		if stable {
			break
		}
		if try == attempts {
			s.Unstable = true
			break
		}
		select {
		case <-ctx.Done():
			s.Close()
			return nil, ctx.Err()
		case <-time.After(time.Duration(try) * 20 * time.Millisecond):
		}
	}

	if err := checkHeader(s.Path, nonEmpty(s.Path+"-wal")); err != nil {
		s.Close()
		return nil, &importers.FileError{Path: dbPath, Err: err}
	}
	return s, nil
}

// copyOnce copies the database and its side files and reports whether none
// of them changed (size, mtime, presence) while it did so.
func (s *Snapshot) copyOnce(ctx context.Context) (bool, error) {
	names := append([]string{""}, sideSuffixes...)
	before := make([]fileState, len(names))
	for i, suffix := range names {
		st, err := stat(s.Source + suffix)
		if err != nil {
			return false, err
		}
		if i == 0 && !st.exists {
			return false, importers.Errorf(s.Source, "file disappeared while copying")
		}
		before[i] = st
	}
	for i, suffix := range names {
		dst := s.Path + suffix
		os.Remove(dst) // left from a previous attempt
		if !before[i].exists {
			continue
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if err := copyFile(s.Source+suffix, dst); err != nil {
			if i > 0 && errors.Is(err, fs.ErrNotExist) {
				continue // a side file vanished (checkpoint): the re-stat below notices
			}
			return false, err
		}
	}
	if testHookAfterCopy != nil {
		testHookAfterCopy()
	}
	for i, suffix := range names {
		st, err := stat(s.Source + suffix)
		if err != nil {
			return false, err
		}
		if !st.same(before[i]) {
			return false, nil
		}
	}
	return true, nil
}

func (a fileState) same(b fileState) bool {
	return a.exists == b.exists && a.size == b.size && a.mtime.Equal(b.mtime)
}

// stat returns a file's state; a missing file is not an error, anything
// other than a regular file is.
func stat(path string) (fileState, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileState{}, nil
	}
	if err != nil {
		return fileState{}, &importers.FileError{Path: path, Err: unwrapPathError(err)}
	}
	if err := checkRegular(info); err != nil {
		return fileState{}, &importers.FileError{Path: path, Err: err}
	}
	return fileState{exists: true, size: info.Size(), mtime: info.ModTime()}, nil
}

// checkRegular refuses symbolic links, directories, FIFOs, devices and
// sockets: reading a FIFO blocks forever and a device never ends.
func checkRegular(info fs.FileInfo) error {
	m := info.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return errors.New("is a symbolic link; give the path of the file it points to")
	case m.IsDir():
		return errors.New("is a directory, not an SQLite database file")
	case m&fs.ModeNamedPipe != 0:
		return errors.New("is a FIFO (named pipe), not a database file")
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return errors.New("is a device, not a database file")
	case !m.IsRegular():
		return errors.New("is not a regular file")
	}
	return nil
}

// copyFile copies src to a new 0600 file dst. It opens src without following
// symbolic links and without blocking, and checks that what it opened is
// still a regular file, so that a file swapped after Lstat cannot hang it.
func copyFile(src, dst string) error {
	in, err := os.OpenFile(src, os.O_RDONLY|openFlags, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return &importers.FileError{Path: src, Err: unwrapPathError(err)}
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return &importers.FileError{Path: src, Err: unwrapPathError(err)}
	}
	if err := checkRegular(info); err != nil {
		return &importers.FileError{Path: src, Err: err}
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return &importers.FileError{Path: src, Err: fmt.Errorf("cannot write private copy: %v", unwrapPathError(err))}
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return &importers.FileError{Path: src, Err: fmt.Errorf("copying: %v", unwrapPathError(err))}
	}
	if err := out.Close(); err != nil {
		return &importers.FileError{Path: src, Err: fmt.Errorf("copying: %v", unwrapPathError(err))}
	}
	return nil
}

// checkHeader tells "not SQLite" and "truncated" apart before SQLite sees
// the file, so that the user gets a message about their file rather than a
// driver error code.
func checkHeader(path string, hasWAL bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		return errors.New("empty file, not an SQLite database")
	}
	var hdr [100]byte
	n, _ := io.ReadFull(f, hdr[:])
	if n < len(sqliteMagic) || string(hdr[:len(sqliteMagic)]) != sqliteMagic {
		return errors.New("not an SQLite database (no \"SQLite format 3\" header)")
	}
	if n < len(hdr) {
		return fmt.Errorf("truncated SQLite database (%d bytes, shorter than its 100-byte header)", n)
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("corrupt SQLite header (page size %d)", pageSize)
	}
	// The in-header page count is valid only when the "version valid for"
	// number matches the change counter; with a WAL the newest pages may
	// live only there, so the main file may legitimately be shorter.
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	valid := binary.BigEndian.Uint32(hdr[92:96]) == binary.BigEndian.Uint32(hdr[24:28])
	if !hasWAL && valid && pages > 0 && info.Size() < pages*pageSize {
		return fmt.Errorf("truncated SQLite database (%d bytes, header says %d pages of %d bytes)",
			info.Size(), pages, pageSize)
	}
	if info.Size() < pageSize && !hasWAL {
		return fmt.Errorf("truncated SQLite database (%d bytes, shorter than one %d-byte page)", info.Size(), pageSize)
	}
	return nil
}

// Open opens the private copy. It is opened read-write so that SQLite can
// replay the WAL (or roll back a hot journal) into the copy; query_only then
// keeps every statement from writing. The file is inert: trusted_schema=OFF
// keeps functions with side effects out of its views, triggers and
// defaults, and extension loading stays off (the driver never enables
// sqlite3_enable_load_extension, so load_extension() is "not authorized").
// The *sql.DB uses a single connection.
func (s *Snapshot) Open() (*sql.DB, error) {
	db, err := sql.Open("sqlite", fileURI(s.Path)+"?_pragma=query_only(1)&_pragma=temp_store(memory)&_pragma=trusted_schema(0)")
	if err != nil {
		return nil, importers.Errorf(s.Source, "opening private copy: %v", err)
	}
	db.SetMaxOpenConns(1)
	// Touch the schema now so that a corrupt file fails here, with a clear
	// message, rather than in the caller's first query.
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, importers.Errorf(s.Source, "unreadable SQLite database (corrupt or truncated): %v", err)
	}
	return db, nil
}

// Close removes the private copy. It is safe to call more than once.
func (s *Snapshot) Close() error {
	if s == nil || s.dir == "" {
		return nil
	}
	err := cleanup.Remove(s.dir)
	s.dir = ""
	return err
}

// Dir returns the private directory holding the copy ("" once closed).
func (s *Snapshot) Dir() string { return s.dir }

// fileURI turns a path into an SQLite "file:" URI, escaping the characters
// ('?', '#', '%') that would otherwise be read as URI syntax.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive paths: file:///C:/…
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath()
}

func nonEmpty(path string) bool {
	info, err := os.Lstat(path)
	return err == nil && info.Mode().IsRegular() && info.Size() > 0
}

// unwrapPathError drops *fs.PathError's own copy of the path: FileError
// already names the file.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// EachRow runs query on the driver connection under conn directly and calls
// fn with each row's values (int64, float64, string, []byte or nil); the
// slice is reused between rows. Readers of 100k-row stores use it because
// database/sql's Scan converts every value through reflection, which costs
// about a third of the read time.
//
// A database in a file is read on a connection of its own through SQLite's
// C API (rawRows), which costs about half as much per row; one in memory
// through the driver.
func EachRow(ctx context.Context, conn *sql.Conn, query string, args []driver.NamedValue, fn func([]driver.Value) error) error {
	file, mmap, err := mainFile(ctx, conn)
	if err != nil {
		return err
	}
	if file != "" {
		return rawRows(ctx, file, mmap, query, args, fn)
	}
	return driverRows(ctx, conn, query, args, fn)
}

// driverRows is EachRow through the database/sql driver's connection.
func driverRows(ctx context.Context, conn *sql.Conn, query string, args []driver.NamedValue, fn func([]driver.Value) error) error {
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("sqlite driver cannot query directly")
		}
		rows, err := q.QueryContext(ctx, query, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(vals); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if err := fn(vals); err != nil {
				return err
			}
		}
	})
}
