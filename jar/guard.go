package jar

import (
	"database/sql"
	"encoding/binary"
	"fmt"
	"io/fs"
	"net/url"
	"os"
)

// Notices are what opening the jar did that the user should hear about
// once (a folder tightened to 0700). The command line prints them.
func (j *Jar) Notices() []string { return j.notices }

// checkDir keeps the jar's folder private (issue 8 item 9): an existing
// folder that group or others can write is tightened to 0700 when the user
// owns it — the returned notice says so — and refused when they do not,
// since whoever can write the folder can swap the jar.
func checkDir(path, dir string, st fs.FileInfo) (string, error) {
	if st.Mode().Perm()&0o022 == 0 {
		return "", nil
	}
	if !ownedByMe(st) {
		return "", fmt.Errorf("jar %s: the folder %s is writable by others (%v) and not yours: refused (choose a private folder with --jar)", path, dir, st.Mode().Perm())
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("jar %s: the folder %s is writable by others (%v) and cannot be made private: %w", path, dir, st.Mode().Perm(), unwrapPath(err))
	}
	return fmt.Sprintf("jar %s: the folder %s was writable by others (%v); made it private (0700)", path, dir, st.Mode().Perm()), nil
}

// checkForeign recognises a crumbs jar from a read-only look, before
// anything writes to the file or runs a PRAGMA that changes it (issue 8
// item 8): the 100-byte SQLite header's application id (offset 68) must be
// crumbs' — or, for a file SQLite has never given one, user_version
// (offset 60) must be 0 and the file must hold no table, read through an
// immutable read-only connection. Another program's database keeps every
// byte.
func checkForeign(path, abs string, head []byte) error {
	if len(head) < 100 {
		return fmt.Errorf("jar %s: a truncated SQLite file (%d bytes), not a crumbs jar", path, len(head))
	}
	appID := binary.BigEndian.Uint32(head[68:72])
	if appID == applicationID {
		return nil
	}
	foreign := fmt.Errorf("jar %s: not a crumbs jar (a SQLite database of another program); nothing was changed", path)
	if appID != 0 || binary.BigEndian.Uint32(head[60:64]) != 0 {
		return foreign
	}
	// A SQLite file is whole pages, at least one. A shorter or ragged one
	// is damaged or cut off: SQLite would read it as an empty database
	// and creating the schema in it would rewrite bytes of a file that
	// may be anyone's (found by FuzzForeignJar).
	pageSize := int64(binary.BigEndian.Uint16(head[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return foreign
	}
	if st, err := os.Stat(abs); err != nil || st.Size() < pageSize || st.Size()%pageSize != 0 {
		return fmt.Errorf("jar %s: a damaged or truncated SQLite file, not a crumbs jar; nothing was changed", path)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return foreign
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil || n > 0 {
		// The header was read before the tables were counted: another crumbs
		// process creating this jar may have checkpointed its schema (and its
		// application id, on the same page 1) into the file in between. Look
		// at the header again before calling the file foreign.
		if stampedSince(abs) {
			return nil
		}
		return foreign
	}
	return nil
}

// stampedSince reports whether the file's header now carries crumbs'
// application id.
func stampedSince(abs string) bool {
	f, err := os.Open(abs)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 100)
	if _, err := f.ReadAt(head, 0); err != nil {
		return false
	}
	return binary.BigEndian.Uint32(head[68:72]) == applicationID
}
