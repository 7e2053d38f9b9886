package snapshot

import (
	"unsafe"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// hugeMin is the size from which MakeCookies asks for huge pages: below a
// few 2 MiB pages there is nothing to gain.
const hugeMin = 8 << 20

// MakeCookies returns a zeroed slice of n cookies for a store reader to
// fill. A big one is backed by transparent huge pages where the OS offers
// them on request (Linux with THP in "madvise" mode, the common default):
// filling 100k cookies (44 MB) then costs a few dozen page faults instead
// of ~10,000, which, with two readers faulting at once, was a third of the
// wall time of "crumbs export --from". Elsewhere it is a plain make.
func MakeCookies(n int) []cookie.Cookie {
	cs := make([]cookie.Cookie, n)
	if size := n * int(unsafe.Sizeof(cookie.Cookie{})); size >= hugeMin {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(cs)), size)
	}
	return cs
}
