package jar

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, pure Go

	"github.com/crumbs-dev/crumbs/internal/cleanup"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Jar is an open cookie jar: one SQLite file holding the live cookies, the
// trash, the user's verdicts and the undo history. A Jar is safe for
// concurrent use; several processes may open the same file at once.
type Jar struct {
	path string
	db   *sql.DB
	// rawURI and rawMode open the jar as db's connections do, for the
	// reads through SQLite's C API (rawread.go).
	rawURI     string
	rawMode    int32
	now        func() time.Time
	classifier Classifier
	// fileProtections come from the rules file (WithFileProtections).
	fileProtections []Protection

	cacheMu sync.Mutex
	cache   *snapshot
	// snapshots counts the snapshots built, so that each has its own
	// Shared version.
	snapshots uint64
	// directDone: a filtered query already read the table without a
	// snapshot; the next one builds the snapshot (a process that queries
	// again is one that will keep querying).
	directDone bool
	verConn    *sql.Conn // a connection that never writes: PRAGMA data_version
	// tracking: a snapshot exists, so writes record what they touch
	// (snapshotdelta.go); deltas are those records by the generation each
	// starts from, guarded by deltaMu (not cacheMu, which a long read holds).
	tracking atomic.Bool
	deltaMu  sync.Mutex
	deltas   map[int64]delta
	// deltaBuilds counts the snapshots built from a delta (for the tests).
	deltaBuilds int

	checkpointing atomic.Bool    // a background WAL checkpoint is running
	bg            sync.WaitGroup // background work Close waits for

	notices []string // what opening did that the user should hear (guard.go)
	// readOnly: opened by OpenReadOnly; every change fails (readonly.go).
	// stalePurposes: read-only, and classified by other knowledge.
	readOnly, stalePurposes bool
	// aside: a new jar still in the file it is built in (aside.go).
	aside *aside
}

// Classifier is implemented by jar/purpose. The jar calls Classify for every
// cookie that has no user verdict, on import and whenever Version() differs
// from the version recorded in the jar.
type Classifier interface {
	Classify(c *cookie.Cookie) // sets c.Purpose, c.Reason, c.VerdictBy (never EvidenceUser)
	Version() string
}

type options struct {
	now             func() time.Time
	classifier      Classifier
	fileProtections []Protection
	aside           bool // BuildNewAside
}

// Option configures Open.
type Option func(*options)

// WithClock sets the clock the jar uses for DeletedAt, change times, import
// times and expiry checks. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithClassifier sets the classifier used on import and edit. Without one,
// cookies keep the purpose they arrive with.
func WithClassifier(c Classifier) Option {
	return func(o *options) { o.classifier = c }
}

// Path is the jar's file.
func (j *Jar) Path() string { return j.path }

// Now is the jar's clock.
func (j *Jar) Now() time.Time { return j.now().UTC() }

// Close closes the jar's database. A new jar built aside that nothing
// was written to is removed.
func (j *Jar) Close() error {
	err := j.closeDB()
	if a := j.aside; a != nil {
		j.aside = nil
		cleanup.Remove(a.file)
	}
	return err
}

// closeDB closes the database once the background work is done.
func (j *Jar) closeDB() error {
	j.bg.Wait()
	j.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	j.cacheMu.Lock()
	if j.verConn != nil {
		j.verConn.Close()
		j.verConn = nil
	}
	j.cache = nil
	j.tracking.Store(false)
	j.cacheMu.Unlock()
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("jar %s: %w", j.path, err)
	}
	return nil
}

// Open opens the jar at path, creating it (and its directory, 0700) if needed.
// The file is kept 0600. Errors name the path: a directory that cannot be
// created or written, a file that is not SQLite or not a crumbs jar, a jar
// written by a newer crumbs.
func Open(path string, opts ...Option) (*Jar, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return open(context.Background(), path, o)
}
