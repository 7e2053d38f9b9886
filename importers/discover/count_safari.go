package discover

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/crumbs-dev/crumbs/importers"
)

// countSafari counts the cookies of a Cookies.binarycookies file from its
// page headers alone (docs/stores-firefox-safari.md §Safari), without decoding records: importers/safari
// does the real reading. Offsets are checked, never trusted.
func countSafari(_ context.Context, path string) (int, error) {
	data, err := readSmallFile(path, 256<<20)
	if err != nil {
		return 0, &importers.FileError{Path: path, Err: err}
	}
	n, err := CountBinaryCookies(data)
	if err != nil {
		return 0, importers.Errorf(path, "%v", err)
	}
	return n, nil
}

// CountBinaryCookies sums the cookie counts of the pages of a binarycookies
// file.
func CountBinaryCookies(data []byte) (int, error) {
	if len(data) < 8 || string(data[:4]) != "cook" {
		return 0, fmt.Errorf("not a Safari binarycookies file (no \"cook\" magic)")
	}
	pages := binary.BigEndian.Uint32(data[4:8])
	if uint64(pages)*4 > uint64(len(data)-8) {
		return 0, fmt.Errorf("page count %d does not fit in %d bytes", pages, len(data))
	}
	off := uint64(8 + 4*pages)
	total := 0
	for i := uint32(0); i < pages; i++ {
		size := uint64(binary.BigEndian.Uint32(data[8+4*i:]))
		if size < 8 || off+size > uint64(len(data)) {
			return 0, fmt.Errorf("page %d (%d bytes at offset %d) runs past the end of the file", i, size, off)
		}
		page := data[off : off+size]
		if binary.BigEndian.Uint32(page[:4]) != 0x00000100 {
			return 0, fmt.Errorf("page %d has a bad tag", i)
		}
		count := binary.LittleEndian.Uint32(page[4:8])
		if uint64(count)*4 > size-8 {
			return 0, fmt.Errorf("page %d claims %d cookies, more than fit", i, count)
		}
		total += int(count)
		off += size
	}
	return total, nil
}
