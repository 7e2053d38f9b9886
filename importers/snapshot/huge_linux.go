package snapshot

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// adviseHuge marks the 2 MiB-aligned interior of [p, p+size) for huge
// pages. It must run before the memory is first touched; a fresh large
// allocation is. Failure (an old kernel, THP off) only means small pages.
func adviseHuge(p unsafe.Pointer, size int) {
	const huge = 2 << 20
	start := (uintptr(p) + huge - 1) &^ (huge - 1)
	end := (uintptr(p) + uintptr(size)) &^ (huge - 1)
	if end <= start {
		return
	}
	mem := unsafe.Slice((*byte)(p), size)
	lo := int(start - uintptr(p))
	_ = unix.Madvise(mem[lo:lo+int(end-start)], unix.MADV_HUGEPAGE)
}
