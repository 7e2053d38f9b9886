package jar

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"time"
)

// A write that adds far more than the jar holds (the first import into a
// new jar above all) goes through a rollback journal instead of the WAL.
// Through the WAL every new page is written twice, into the WAL and then by
// the checkpoint into the jar, and synced twice; through a rollback
// journal it is written once, straight into the jar, and the journal holds
// only the few pages the jar had. The transaction is as atomic either way:
// a crash mid-write leaves a hot journal that SQLite rolls back on the next
// open (TestCrashSafety kills imports that take this path). See
// docs/decisions.md, "A first import writes through a rollback journal".

// directRowBytes is about what one added cookie costs the jar file: its
// row, its identity-index entry and its share of the import record
// (36.9 MB for 84,931 generated Firefox cookies).
const directRowBytes = 400

// directShare: the write takes the rollback journal when the jar's pages
// in use are at most 1/directShare of what it adds. The journal copies each
// page the write changes once, the WAL copies everything added once more.
const directShare = 2

// enterDirect switches the jar to a rollback journal on conn (journal_mode
// DELETE, with synchronous FULL, which is what makes that mode safe from
// power loss) when the write about to begin on it adds adding cookies to a
// jar that small, and says whether it did. It never fails the write: the
// switch needs SQLite's exclusive lock, so while any other connection,
// in this process or another, has the jar open it does not happen, and the
// write goes through the WAL as every other write does.
func (j *Jar) enterDirect(ctx context.Context, conn *sql.Conn, adding int) bool {
	if j.tracking.Load() {
		return false // a snapshot's reading connection keeps the jar open
	}
	var used, pageSize int64
	if err := conn.QueryRowContext(ctx, `SELECT
		(SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count),
		(SELECT page_size FROM pragma_page_size)`).Scan(&used, &pageSize); err != nil {
		return false
	}
	if used*pageSize*directShare > int64(adding)*directRowBytes {
		return false
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return false
	}
	if !j.switchJournal(ctx, conn, "delete", directSwitchFor) {
		j.leaveDirect(conn)
		return false
	}
	return true
}

// directSwitchFor bounds how long enterDirect waits for this process's
// other connection, the background checkpoint of Open's own writes
// (checkpointSoon), to be done with the jar.
const directSwitchFor = 200 * time.Millisecond

// switchJournal sets conn's journal mode to mode, retrying while another
// connection holds the jar (SQLite does not wait on the busy handler for
// it) for at most wait, and says whether it did. Idle connections of the
// pool are closed for it: each one holds the jar open.
func (j *Jar) switchJournal(ctx context.Context, conn *sql.Conn, mode string, wait time.Duration) bool {
	j.db.SetMaxIdleConns(0)
	defer j.db.SetMaxIdleConns(idleConns)
	deadline := time.Now().Add(wait)
	for {
		var got string
		err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = `+mode).Scan(&got)
		if err == nil && strings.EqualFold(got, mode) {
			return true
		}
		if (err != nil && !isBusy(err)) || time.Now().After(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Millisecond):
		}
	}
}

// leaveDirectFor bounds how long leaveDirect retries the switch back.
const leaveDirectFor = time.Second

// leaveDirect puts conn's jar back as Open leaves it: WAL, synchronous
// NORMAL. That needs the exclusive lock again, and a process that opened
// the jar meanwhile may hold a read lock for a moment, so it is retried for
// a while. Should it still fail, the jar stays in rollback mode, as safe,
// until the next Open switches it (initialize).
func (j *Jar) leaveDirect(conn *sql.Conn) {
	ctx := context.Background() // the write's own context may have ended
	// In rollback mode a COMMIT waits for readers' locks and can fail with
	// SQLITE_BUSY (WAL commits never wait on readers); the driver then
	// rolls the transaction back, so conn is out of it here
	// (TestDirectCommitBusy).
	j.switchJournal(ctx, conn, "wal", leaveDirectFor)
	conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`)
}

// directWaitMax bounds how long Open waits for a write underway through the
// rollback journal: a first import of millions takes seconds, not minutes.
const directWaitMax = 10 * time.Minute

// directWriteUnderway says whether a write is going through the jar's
// rollback journal now: SQLite keeps path-journal only while one does (or
// after a crash in one, until the next open rolls it back).
func directWriteUnderway(path string) bool {
	_, err := os.Lstat(path + "-journal")
	return err == nil
}

// journalFile is the file a write on tx puts its new pages in: the WAL, or
// the jar itself while the write takes the rollback journal.
func (j *Jar) journalFile(ctx context.Context, tx *sql.Tx) string {
	var mode string
	if err := tx.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err == nil && !strings.EqualFold(mode, "wal") {
		return j.path
	}
	return j.path + "-wal"
}
