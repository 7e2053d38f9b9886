package ui

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

// TestTmuxProtect drives the real binary on the Firefox fixture: K on the
// first site (doubleclick.net, all trackers) protects it, the purge keeps
// its cookies and says so, the mark shows, and the protection is in the
// jar for the command line to list.
func TestTmuxProtect(t *testing.T) {
	if testing.Short() {
		t.Skip("black-box test skipped in -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	root := testshared.Root(t)
	fixture := testshared.Path(t, "fixtures", "browsers", "firefox")
	dir := t.TempDir()
	bin := buildBinary(t, root, dir)
	copyTree(t, fixture, filepath.Join(dir, "firefox"))
	jarPath := filepath.Join(dir, "jar.db")
	crumbs := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--jar", jarPath}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("crumbs %v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	crumbs("import", filepath.Join(dir, "firefox", "profiles", "fx0cookie.default-release"))
	countOf := func(terms ...string) int {
		return strings.Count(crumbs(append([]string{"list", "--json"}, terms...)...), `"name":`)
	}
	dc := countOf("domain:doubleclick.net", "purpose:tracking")
	tracking := countOf("purpose:tracking")
	if dc == 0 || tracking <= dc {
		t.Fatalf("fixture: %d doubleclick.net trackers of %d", dc, tracking)
	}

	s := startTmux(t, dir, bin, "--jar", jarPath)
	s.waitFor("Sites", "▸ doubleclick.net")
	s.send("K")
	s.waitFor("protected doubleclick.net (domain:doubleclick.net)", protectGlyph+" doubleclick.net")
	s.send("P")
	s.waitFor(fmt.Sprintf("Kept: %d protected", dc), "Cancel")
	s.send("y")
	s.waitFor(fmt.Sprintf("purged %d tracking cookies, kept %d protected", tracking-dc, dc))
	s.waitFor(protectGlyph + " doubleclick.net")
	if n := countOf("purpose:tracking"); n != dc {
		t.Errorf("after the purge %d tracking cookies, want doubleclick.net's %d", n, dc)
	}
	s.send("q")
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit:\n%s", s.capture())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if list := crumbs("protect", "--list"); !strings.Contains(list, "domain:doubleclick.net") {
		t.Errorf("protect --list after the UI:\n%s", list)
	}
}
