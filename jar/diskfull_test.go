package jar

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiskFullMidWrite: an import that meets a full disk says "no space
// left on device" and names the jar whichever statement met it — a page
// spilled mid-transaction (an insert, the import record) as well as the
// commit — and the jar keeps what it held (a 1 MiB tmpfs, mounted as root).
func TestDiskFullMidWrite(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	sizes := []int{5_000, 20_000, 60_000}
	if raceEnabled {
		sizes = sizes[:2] // 20,000 already spills mid-transaction
	}
	for _, n := range sizes {
		mnt := t.TempDir()
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
			t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
		}
		func() {
			defer exec.Command("umount", mnt).Run()
			path := filepath.Join(mnt, "jar.db")
			j, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			mustImport(t, j, ImportOptions{}, Batch{Source: "small", Cookies: makeCookies(100, 1, testNow, "small")})
			_, err = j.Import(t.Context(), []Batch{{Source: "big", Cookies: makeCookies(n, 2, testNow, "big")}}, ImportOptions{})
			if err == nil {
				t.Fatalf("%d cookies fit in 1 MiB: the test proves nothing", n)
			}
			if !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), path) {
				t.Errorf("import of %d onto a full disk: %v", n, err)
			}
			if c, err := j.Counts(t.Context()); err != nil || c.Total != 100 {
				t.Errorf("after the failed import of %d: %+v %v", n, c, err)
			}
		}()
	}
}
