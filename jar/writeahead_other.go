//go:build !linux

package jar

// startWriteback is Linux's sync_file_range (writeahead_linux.go); other
// systems write the WAL back at the checkpoint's fsync, as before.
func startWriteback(string) {}
