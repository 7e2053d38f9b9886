package snapshot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
)

// The bounds every SQLite store read is held to (docs/decisions.md, "Bounds
// on hostile input").
const (
	// MaxValue is the largest cookie name or value crumbs loads
	// (importers.MaxValue).
	MaxValue = importers.MaxValue
	// MaxCookies is the most cookies one store may hold
	// (importers.MaxCookies).
	MaxCookies = importers.MaxCookies
)

// ReadTimeout is how long one store's SQL reading may take before it is
// interrupted. A 100k-cookie store reads in well under a second; a minute
// is only ever reached by a file built to make SQLite work forever. A
// variable so that tests can shorten it.
var ReadTimeout = 60 * time.Second

// WithDeadline returns ctx bounded by ReadTimeout. The SQLite driver
// interrupts a running statement when its context ends, so a read past the
// deadline stops with context.DeadlineExceeded.
func WithDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ReadTimeout)
}

// DeadlineErr turns a read stopped by ctx's deadline into an error naming
// file (the driver reports an interrupted statement in its own words);
// other errors are returned as they are.
func DeadlineErr(ctx context.Context, file string, err error) error {
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)) {
		return importers.Errorf(file, "reading took longer than %s and was stopped (a hostile or damaged store?)", ReadTimeout)
	}
	return err
}

// RequireTable checks that name is a real table of db: sqlite_master says
// type 'table' and it is not a virtual table. A view or a virtual table of
// that name runs SQL or module code of the file's author on every read (a
// recursive view never ends), so it is refused before anything reads it.
// It returns false, nil when there is no such object at all.
func RequireTable(ctx context.Context, db *sql.DB, file, name string) (bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT type, COALESCE(sql,'') FROM sqlite_master WHERE name = ? COLLATE NOCASE", name)
	if err != nil {
		return false, importers.Errorf(file, "unreadable SQLite database: %v", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var typ, def string
		if err := rows.Scan(&typ, &def); err != nil {
			return false, importers.Errorf(file, "unreadable SQLite database: %v", err)
		}
		switch {
		case typ == "index" || typ == "trigger":
			continue // an index or trigger may share a name; it reads nothing
		case typ != "table":
			return false, importers.Errorf(file, "refused: %s is a %s, not a table (a browser's store never has one)", name, typ)
		case isVirtual(def):
			return false, importers.Errorf(file, "refused: %s is a virtual table, not a table (a browser's store never has one)", name)
		}
		found = true
	}
	if err := rows.Err(); err != nil {
		return false, importers.Errorf(file, "unreadable SQLite database: %v", err)
	}
	return found, nil
}

func isVirtual(def string) bool {
	f := strings.Fields(strings.ToUpper(def))
	return len(f) >= 2 && f[0] == "CREATE" && f[1] == "VIRTUAL"
}

// TooMany is the error for a store whose table claims more than MaxCookies rows.
func TooMany(file string, n int) error {
	return importers.Errorf(file, "refused: %d cookies, more than the %d any browser store holds (docs/decisions.md)", n, MaxCookies)
}

// TooLarge is the per-row warning for a name or value over MaxValue.
func TooLarge(what string) string {
	return fmt.Sprintf("%s larger than %d KiB, more than any browser stores; row not loaded", what, MaxValue>>10)
}
