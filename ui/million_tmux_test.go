package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// TestTmuxMemoryMillion measures the real binary on a jar of a million
// generated cookies (docs/budgets.md §5): the first frame shows rows, all
// of them load, a free word typed into the search shows its rows, and the
// peak resident memory of all that stays under 1 GB. It then purges the
// tracking cookies and undoes it, and the peak of the whole session must
// stay under 1 GB too: the snapshot after each change is built from the
// last one (jar/snapshotdelta.go), not read again beside it. Building the
// jar takes about a minute, so it runs on request:
//
//	CRUMBS_TEST_MILLION=1 go test -run TestTmuxMemoryMillion -v ./ui
func TestTmuxMemoryMillion(t *testing.T) {
	if os.Getenv("CRUMBS_TEST_MILLION") == "" {
		t.Skip("the million-cookie UI test takes minutes: set CRUMBS_TEST_MILLION=1 to run it")
	}
	bin, dir := tmuxBinary(t)
	jarPath := filepath.Join(dir, "jar.db")
	j, err := jar.Open(jarPath, jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	cs := gen.Cookies(millionN, 1, time.Now(), "chrome:Default")
	if _, err := j.Import(context.Background(), []jar.Batch{{Source: "chrome:Default", Cookies: cs}}, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cs = nil
	tracking := count(t, j, "purpose:tracking")
	j.Close()
	all := fmt.Sprintf("%d of %d", millionN, millionN)
	t.Logf("1M jar: the first open with this build's suffix list (once per list): %v", firstOpen(t, bin, jarPath))

	start := time.Now()
	s := startTmux(t, dir, bin, "--jar", jarPath)
	s.waitForLong(30*time.Second, "Sites", "Details")
	firstFrame := time.Since(start)
	s.waitForLong(3*time.Minute, all)
	loaded := time.Since(start)
	s.send("j", "j", "f", "G", "/")
	s.send("-l", "goo")
	searchStart := time.Now()
	var shown string
	for deadline := time.Now().Add(time.Minute); ; {
		shown = s.capture()
		if strings.Contains(shown, "/goo") && !strings.Contains(shown, all) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search never showed its rows:\n%s", shown)
		}
		time.Sleep(10 * time.Millisecond)
	}
	searched := time.Since(searchStart)
	s.send("Escape")
	s.waitForLong(time.Minute, all, "P purge tracking")
	time.Sleep(2 * time.Second) // the report computed in the background after the load
	browsePeak, _ := memOf(t, s.panePID())
	t.Logf("1M jar: first frame after %v (process start included), all loaded after %v, a search for goo shown %v after it was typed; peak RSS %d MB",
		firstFrame.Round(time.Millisecond), loaded.Round(time.Millisecond), searched.Round(time.Millisecond), mb(browsePeak))
	if browsePeak*1024 > 1_000_000_000 {
		t.Errorf("peak RSS %d MB > 1 GB, loaded and searched", mb(browsePeak))
	}

	s.send("P")
	s.waitForLong(time.Minute, fmt.Sprintf("Move %s on", plural(tracking, "tracking cookie")))
	purgeStart := time.Now()
	s.send("y")
	left := millionN - tracking
	s.waitForLong(5*time.Minute, fmt.Sprintf("purged %d tracking cookies", tracking), fmt.Sprintf("%d of %d", left, left))
	purged := time.Since(purgeStart)
	undoStart := time.Now()
	s.send("u")
	s.waitForLong(5*time.Minute, "undid", all)
	undone := time.Since(undoStart)
	peak, now := memOf(t, s.panePID())
	t.Logf("purge of %d tracking cookies until the list shows it: %v; undo: %v; peak RSS with them %d MB, RSS at the end %d MB",
		tracking, purged.Round(time.Millisecond), undone.Round(time.Millisecond), mb(peak), mb(now))
	if peak*1024 > 1_000_000_000 {
		t.Errorf("peak RSS %d MB > 1 GB across load, search, purge and undo", mb(peak))
	}
	s.send("Escape", "q")
}

// mb is KiB in (decimal) megabytes.
func mb(kb int) int { return kb * 1024 / 1_000_000 }
