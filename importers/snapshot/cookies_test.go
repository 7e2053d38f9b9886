package snapshot

import (
	"testing"
	"unsafe"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// MakeCookies hands out ordinary zeroed slices, small or huge-page backed.
func TestMakeCookies(t *testing.T) {
	big := hugeMin/int(unsafe.Sizeof(cookie.Cookie{})) + 12345
	for _, n := range []int{0, 1, 1000, big} {
		cs := MakeCookies(n)
		if len(cs) != n || cap(cs) != n {
			t.Fatalf("MakeCookies(%d): len %d cap %d", n, len(cs), cap(cs))
		}
		for i := range cs {
			if cs[i].Name != "" || !cs[i].Expires.IsZero() {
				t.Fatalf("MakeCookies(%d): cookie %d not zero", n, i)
			}
			cs[i].Name = "x"
		}
	}
}
