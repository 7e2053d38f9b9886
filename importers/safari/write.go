package safari

// Write-back into Cookies.binarycookies (docs/writeback.md, docs/stores-firefox-safari.md §Safari, docs/model.md §4):
// the file has no transactions, so it is rewritten whole — every record
// that stays is copied byte for byte, edited records are encoded afresh,
// pages are rebuilt, the checksum recomputed, and whatever follows the
// checksum (footer, NSHTTPCookieAcceptPolicy plist) kept — into a
// temporary file that is renamed over the old one.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// rawPage is one page's records as stored.
type rawPage struct{ records [][]byte }

// split parses data into its pages' raw records and the bytes after the
// checksum. Any inconsistency is an error: a file crumbs cannot read whole
// is not rewritten.
func split(data []byte, name string) ([]rawPage, []byte, error) {
	if len(data) < 8 || string(data[:4]) != Magic {
		return nil, nil, importers.Errorf(name, "not a Safari Cookies.binarycookies file")
	}
	n := uint64(binary.BigEndian.Uint32(data[4:8]))
	off := 8 + 4*n
	if off > uint64(len(data)) {
		return nil, nil, importers.Errorf(name, "damaged page table: not written")
	}
	var pages []rawPage
	var sum uint32
	for i := uint64(0); i < n; i++ {
		size := uint64(binary.BigEndian.Uint32(data[8+4*i:]))
		if off+size > uint64(len(data)) {
			return nil, nil, importers.Errorf(name, "page %d runs past the end: not written", i+1)
		}
		page := data[off : off+size]
		for j := 0; j < len(page); j += 4 {
			sum += uint32(page[j])
		}
		if len(page) < 8 || string(page[:4]) != string(PageTag) {
			return nil, nil, importers.Errorf(name, "page %d has a bad tag: not written", i+1)
		}
		count := uint64(binary.LittleEndian.Uint32(page[4:8]))
		if 8+4*count > uint64(len(page)) {
			return nil, nil, importers.Errorf(name, "page %d is damaged: not written", i+1)
		}
		var p rawPage
		for k := uint64(0); k < count; k++ {
			ro := uint64(binary.LittleEndian.Uint32(page[8+4*k:]))
			if ro+recHeaderSize > uint64(len(page)) {
				return nil, nil, importers.Errorf(name, "page %d, cookie %d is damaged: not written", i+1, k+1)
			}
			rs := uint64(binary.LittleEndian.Uint32(page[ro:]))
			if rs < recHeaderSize || ro+rs > uint64(len(page)) {
				return nil, nil, importers.Errorf(name, "page %d, cookie %d is damaged: not written", i+1, k+1)
			}
			p.records = append(p.records, page[ro:ro+rs])
		}
		pages = append(pages, p)
		off += size
	}
	rest := data[off:]
	if len(rest) < 4 {
		return nil, nil, importers.Errorf(name, "no checksum: not written")
	}
	if binary.BigEndian.Uint32(rest) != sum {
		return nil, nil, importers.Errorf(name, "checksum mismatch (damaged file): not written")
	}
	return pages, rest[4:], nil
}

// recordKey is the OriginalKey of a raw record, or "" if unreadable.
func recordKey(rec []byte) (string, bool) {
	var f [3]string
	for i, at := range []int{recDomainOff, recNameOff, recPathOff} {
		s, ok := cString(rec, binary.LittleEndian.Uint32(rec[at:]))
		if !ok {
			return "", false
		}
		f[i] = s
	}
	return EncodeKey(f[0], f[1], f[2]), true
}

// reencodeRecord builds a record for c, keeping the unknown words and the
// creation time of old (the record it replaces).
func reencodeRecord(old []byte, c *cookie.Cookie) ([]byte, error) {
	comment := ""
	if co := binary.LittleEndian.Uint32(old[32:]); co != 0 {
		comment, _ = cString(old, co)
	}
	domain, name, path, _ := fieldsOf(old)
	rec := make([]byte, recHeaderSize, recHeaderSize+len(domain)+len(name)+len(path)+len(c.Value)+len(comment)+5)
	copy(rec, old[:recHeaderSize])
	flags := binary.LittleEndian.Uint32(old[recFlags:]) &^ (FlagSecure | FlagHTTPOnly)
	if c.Secure {
		flags |= FlagSecure
	}
	if c.HTTPOnly {
		flags |= FlagHTTPOnly
	}
	binary.LittleEndian.PutUint32(rec[recFlags:], flags)
	put := func(at int, s string) {
		binary.LittleEndian.PutUint32(rec[at:], uint32(len(rec)))
		rec = append(rec, s...)
		rec = append(rec, 0)
	}
	binary.LittleEndian.PutUint32(rec[32:], 0)
	if comment != "" {
		put(32, comment)
	}
	put(recDomainOff, domain)
	put(recNameOff, name)
	put(recPathOff, path)
	put(recValueOff, c.Value)
	exp := 0.0
	if !c.Session {
		exp = float64(c.Expires.Time().Sub(MacEpoch).Seconds())
	}
	binary.LittleEndian.PutUint64(rec[recExpires:], math.Float64bits(exp))
	binary.LittleEndian.PutUint32(rec[recSize:], uint32(len(rec)))
	return rec, nil
}

func fieldsOf(rec []byte) (domain, name, path, value string) {
	var f [4]string
	for i, at := range []int{recDomainOff, recNameOff, recPathOff, recValueOff} {
		f[i], _ = cString(rec, binary.LittleEndian.Uint32(rec[at:]))
	}
	return f[0], f[1], f[2], f[3]
}

// Write applies ch to the Cookies.binarycookies at path, rewriting it
// whole. Every cookie to change must be in the file.
func Write(path string, ch importers.Change) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return importers.FileErr(path, err)
	}
	if !fi.Mode().IsRegular() {
		return importers.Errorf(path, "not a regular file: not written")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return importers.FileErr(path, err)
	}
	pages, rest, err := split(data, path)
	if err != nil {
		return err
	}
	drop := map[string]bool{}
	for i := range ch.Delete {
		drop[ch.Delete[i].OriginalKey] = true
	}
	edit := map[string]*cookie.Cookie{}
	for i := range ch.Update {
		edit[ch.Update[i].Old.OriginalKey] = &ch.Update[i].New
	}
	found := 0
	var out [][]byte // new pages
	for _, p := range pages {
		var recs [][]byte
		for _, rec := range p.records {
			k, ok := recordKey(rec)
			switch {
			case ok && drop[k]:
				found++
				continue
			case ok && edit[k] != nil:
				found++
				nr, err := reencodeRecord(rec, edit[k])
				if err != nil {
					return importers.Errorf(path, "%v", err)
				}
				rec = nr
			}
			recs = append(recs, rec)
		}
		if len(recs) > 0 {
			out = append(out, buildPage(recs))
		}
	}
	if found != len(drop)+len(edit) {
		return importers.Errorf(path, "%d of the cookies to change are not in the file: nothing written", len(drop)+len(edit)-found)
	}
	file := []byte(Magic)
	file = binary.BigEndian.AppendUint32(file, uint32(len(out)))
	for _, p := range out {
		file = binary.BigEndian.AppendUint32(file, uint32(len(p)))
	}
	var sum uint32
	for _, p := range out {
		for j := 0; j < len(p); j += 4 {
			sum += uint32(p[j])
		}
		file = append(file, p...)
	}
	file = binary.BigEndian.AppendUint32(file, sum)
	file = append(file, rest...)
	return replace(path, file, fi.Mode().Perm())
}

// buildPage lays out a page: tag, count, offsets, a zero word, records.
func buildPage(recs [][]byte) []byte {
	head := 4 + 4 + 4*len(recs) + 4
	p := make([]byte, head)
	copy(p, PageTag)
	binary.LittleEndian.PutUint32(p[4:], uint32(len(recs)))
	for i, r := range recs {
		binary.LittleEndian.PutUint32(p[8+4*i:], uint32(len(p)))
		p = append(p, r...)
	}
	return p
}

func replace(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".crumbs-*")
	if err != nil {
		return importers.FileErr(path, err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		return importers.FileErr(path, err)
	}
	return nil
}

// Check re-reads the file strictly: every page and record whole and the
// checksum right.
func Check(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return importers.FileErr(path, err)
	}
	if _, _, err := split(data, path); err != nil {
		return errors.New(err.Error() + " (after write-back)")
	}
	res, err := Parse(data, path, importers.Options{})
	if err != nil {
		return err
	}
	if len(res.Warnings) > 0 {
		return fmt.Errorf("%s (after write-back)", res.Warnings[0])
	}
	return nil
}
