package netscape

import (
	"hash/maphash"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Write's duplicate check keys a map by a hash of the line's key. With every
// key forced onto one hash (the overflow path for keys that merely share a
// hash), the file and the report must not change.
func TestWriteDedupSurvivesHashCollisions(t *testing.T) {
	cs := gen.Cookies(3000, 7, now, "a")
	// Second source: every third cookie again, some of them partitioned, so
	// that real duplicates and preferred replacements happen.
	for i := 0; i < len(cs); i += 3 {
		c := cs[i]
		c.Source = "b"
		if i%2 == 0 {
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://t.com"})
		}
		cs = append(cs, c)
	}
	want, wantRep := writeString(t, cs, WriteOptions{})
	if wantRep.LeftOut[LeftDuplicate] < 500 {
		t.Fatalf("the test set has too few duplicates: %+v", wantRep.LeftOut)
	}
	defer func(h func(key, maphash.Seed) uint64) { keyHash = h }(keyHash)
	keyHash = func(key, maphash.Seed) uint64 { return 42 }
	got, gotRep := writeString(t, cs, WriteOptions{})
	if got != want {
		t.Fatal("output changed when every key shares one hash")
	}
	if gotRep.Written != wantRep.Written || gotRep.LeftOut[LeftDuplicate] != wantRep.LeftOut[LeftDuplicate] {
		t.Fatalf("report changed: %+v, want %+v", gotRep, wantRep)
	}
}
