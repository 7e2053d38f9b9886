package cli_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/gen"
)

// storeState is a digest of every cookie of a store (key and value), so
// that "as before" and "as intended" can be told apart.
func storeState(t *testing.T, s writeback.Store) (string, int) {
	t.Helper()
	res, err := s.Read(context.Background(), time.Now())
	if err != nil {
		t.Fatalf("reading %s: %v", s.Path, err)
	}
	lines := make([]string, len(res.Cookies))
	for i, c := range res.Cookies {
		lines[i] = c.OriginalKey + "\x00" + c.Value
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%x", h[:8]), len(res.Cookies)
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		copyFile(t, p, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringClean: SIGKILL at many moments of a clean of a
// 100,000-cookie store leaves the store as it was or as intended, with
// SQLite's integrity check passing, and any backup made restorable to the
// original (docs/writeback.md).
func TestKillDuringClean(t *testing.T) {
	if testing.Short() {
		t.Skip("cleans a 100,000-cookie store a dozen times; not in -short")
	}
	t.Parallel() // beside TestImportSurvivesSIGKILL (see there)
	for _, kind := range []string{"firefox", "chromium"} {
		t.Run(kind, func(t *testing.T) {
			s := newSandbox(t)
			pristine := filepath.Join(s.home, "pristine")
			cs := gen.Cookies(100000, 11, time.Now().UTC(), "gen")
			var rel string
			var err error
			if kind == "firefox" {
				rel = "prof"
				err = gen.WriteFirefoxStore(mkdir(t, filepath.Join(pristine, rel), "cookies.sqlite"), cs)
			} else {
				rel = filepath.Join("ud", "Default")
				err = gen.WriteChromiumStore(mkdir(t, filepath.Join(pristine, rel), "Cookies"), cs, gen.ChromiumStoreOptions{})
			}
			if err != nil {
				t.Fatal(err)
			}
			format := source.FormatFirefox
			if kind == "chromium" {
				format = source.FormatChromium
			}
			store := func(dir string) writeback.Store {
				return writeback.Store{Source: "k", Format: format, Path: filepath.Join(dir, rel)}
			}
			before, n := storeState(t, store(pristine))

			// One clean to the end gives the intended state and its length.
			done := filepath.Join(s.home, "done")
			copyTree(t, pristine, done)
			start := time.Now()
			s.ok("", "clean", filepath.Join(done, rel), "--yes")
			full := time.Since(start)
			intended, m := storeState(t, store(done))
			if m >= n || intended == before {
				t.Fatalf("the clean removed nothing (%d → %d)", n, m)
			}

			outcomes := map[string]int{}
			for k := 1; k <= 8; k++ {
				dir := filepath.Join(s.home, fmt.Sprintf("run%d", k))
				copyTree(t, pristine, dir)
				xdg := filepath.Join(s.home, fmt.Sprintf("xdg%d", k))
				cmd := exec.Command(crumbsBin, "clean", filepath.Join(dir, rel), "--yes")
				cmd.Env = append(append([]string(nil), s.env...), "XDG_DATA_HOME="+xdg)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				// Moments from a quarter of the way (the backup is made by
				// then) to the very end: the transaction, the checks and
				// the re-read are where a kill could hurt.
				time.Sleep(full/4 + full*3*time.Duration(k)/(4*9))
				_ = cmd.Process.Signal(syscall.SIGKILL)
				_ = cmd.Wait()

				st := store(dir)
				db := filepath.Join(dir, rel, "cookies.sqlite")
				if kind == "chromium" {
					db = filepath.Join(dir, rel, "Cookies")
				}
				// Opening the live file rolls a hot journal back, as the
				// browser would; then the integrity check must pass.
				if err := snapshot.IntegrityCheck(context.Background(), db); err != nil {
					t.Fatalf("kill at %d/9: %v", k, err)
				}
				got, _ := storeState(t, st)
				switch got {
				case before:
					outcomes["before"]++
				case intended:
					outcomes["intended"]++
				default:
					t.Fatalf("kill at %d/9 of %s: the store is neither as before nor as intended", k, full)
				}
				// Every complete backup restores the original.
				bs, err := writeback.List(filepath.Join(xdg, "crumbs", "backups"), "")
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range bs {
					if _, err := writeback.Restore(context.Background(), filepath.Join(xdg, "crumbs", "backups"), b, time.Now()); err != nil {
						t.Fatalf("kill at %d/9: restoring backup %s: %v", k, b.ID, err)
					}
					if got, _ := storeState(t, st); got != before {
						t.Fatalf("kill at %d/9: backup %s does not restore the original", k, b.ID)
					}
				}
				os.RemoveAll(dir)
				os.RemoveAll(xdg)
			}
			t.Logf("%s: %d cookies, clean took %s; after a kill: %v", kind, n, full.Round(time.Millisecond), outcomes)
		})
	}
}

func mkdir(t *testing.T, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}
