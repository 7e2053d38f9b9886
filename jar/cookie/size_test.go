package cookie

import (
	"testing"
	"unsafe"
)

// maxCookieSize is the most bytes a Cookie may take. The UI holds every
// cookie of the jar in a []Cookie (a jar snapshot), two of them while a
// write builds the next one, and must stay under 1 GB at a million
// cookies (docs/budgets.md §5, issue 15): every 8 bytes here is 8 MB there,
// 16 MB with two snapshots, before the strings the fields point to.
const maxCookieSize = 264

func TestCookieSize(t *testing.T) {
	if n := unsafe.Sizeof(Cookie{}); n > maxCookieSize {
		t.Errorf("unsafe.Sizeof(Cookie{}) = %d bytes, more than %d: the UI holds a million cookies (docs/decisions.md, \"A leaner Cookie\")", n, maxCookieSize)
	}
	// The compact types are what keeps it there.
	if n := unsafe.Sizeof(Time{}); n != 8 {
		t.Errorf("unsafe.Sizeof(Time{}) = %d, want 8", n)
	}
	if n := unsafe.Sizeof(Extras{}); n != 8 {
		t.Errorf("unsafe.Sizeof(Extras{}) = %d, want 8", n)
	}
	if n := unsafe.Sizeof(Partition{}); n != 8 {
		t.Errorf("unsafe.Sizeof(Partition{}) = %d, want 8", n)
	}
	if n := unsafe.Sizeof(Container{}); n != 8 {
		t.Errorf("unsafe.Sizeof(Container{}) = %d, want 8", n)
	}
}
