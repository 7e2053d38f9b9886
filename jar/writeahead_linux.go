package jar

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks Linux to begin writing a file's dirty pages to disk
// now and returns at once (sync_file_range(2), SYNC_FILE_RANGE_WRITE: no
// wait, no durability promise). An import calls it on the WAL when its
// last row is written: the disk works while the import record is built
// and the transaction commits, and the checkpoint's fsync of the WAL then
// finds most of it written (docs/decisions.md, "The WAL written back
// early"). A file that is not there, or cannot be opened, is left alone.
func startWriteback(path string) {
	f, err := os.Open(path) // read-only, never created: it writes nothing
	if err != nil {
		return
	}
	defer f.Close()
	unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
