package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
)

var sqliteMagic = []byte("SQLite format 3\x00")

// Sniff tells a cookie file's format from its content: a SQLite database
// with moz_cookies is Firefox, one with cookies and meta is Chromium; "cook"
// starts a Safari binarycookies file; a first non-blank "[" or "{" is JSON;
// other text is taken for Netscape cookies.txt. An empty file, a binary file
// of another kind, or another program's database is an error naming the file.
func Sniff(ctx context.Context, path string) (string, error) {
	head, err := readHead(path, 4096)
	if err != nil {
		return "", err
	}
	switch {
	case len(head) == 0:
		return "", importers.Errorf(path, "empty file, not a cookie store")
	case bytes.HasPrefix(head, sqliteMagic):
		// The browsers' own file names settle it without a second private
		// copy of a large store (the reader copies it anyway and checks its
		// tables, so a misnamed file still gets a clear error there).
		switch filepath.Base(path) {
		case "cookies.sqlite":
			return FormatFirefox, nil
		case "Cookies":
			return FormatChromium, nil
		}
		return sniffSQLite(ctx, path)
	case bytes.HasPrefix(head, []byte("cook")):
		return FormatSafari, nil
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(text) > 0 && (text[0] == '[' || text[0] == '{') {
		return FormatJSON, nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", importers.Errorf(path, "a binary file that is not a cookie store (neither SQLite nor Safari binarycookies)")
	}
	return FormatNetscape, nil
}

// readHead reads up to n bytes of a regular file, refusing FIFOs and
// devices (opened non-blocking and checked before reading).
func readHead(path string, n int) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, &importers.FileError{Path: path, Err: unwrap(err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &importers.FileError{Path: path, Err: unwrap(err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, importers.Errorf(path, "not a regular file (%s)", fi.Mode().Type())
	}
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, &importers.FileError{Path: path, Err: unwrap(err)}
	}
	return buf[:m], nil
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sniffSQLite looks at the table names of a private snapshot.
func sniffSQLite(ctx context.Context, path string) (string, error) {
	snap, err := snapshot.Copy(ctx, path)
	if err != nil {
		return "", err
	}
	defer snap.Close()
	db, err := snap.Open()
	if err != nil {
		return "", err
	}
	defer db.Close()
	// Views count here so that a view named like a cookie table reaches its
	// reader, which refuses it by name (snapshot.RequireTable).
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
	if err != nil {
		return "", importers.Errorf(path, "unreadable SQLite database: %v", err)
	}
	defer rows.Close()
	tables := map[string]bool{}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", importers.Errorf(path, "unreadable SQLite database: %v", err)
		}
		tables[strings.ToLower(n)] = true
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return "", importers.Errorf(path, "unreadable SQLite database: %v", err)
	}
	switch {
	case tables["moz_cookies"]:
		return FormatFirefox, nil
	case tables["cookies"] && tables["meta"]:
		return FormatChromium, nil
	}
	sort.Strings(names)
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	if len(names) == 0 {
		return "", importers.Errorf(path, "a SQLite database with no tables, not a cookie store")
	}
	return "", importers.Errorf(path, "a SQLite database but not a cookie store (tables: %s)", strings.Join(names, ", "))
}
