package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmuxProtect drives the real binary on the Firefox fixture: K on the
// first site (doubleclick.net, all trackers) protects it, the purge keeps
// its cookies and says so, the mark shows, and the protection is in the
// jar for the command line to list.
func TestTmuxProtect(t *testing.T) {
	bin, dir := tmuxBinary(t)
	profile := firefoxFixture(t, dir)
	jarPath := filepath.Join(dir, "jar.db")
	crumbs := cliOn(t, bin, dir, jarPath)
	crumbs("import", profile)
	countOf := crumbs.count
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
	s.waitExit()
	if list := crumbs("protect", "--list"); !strings.Contains(list, "domain:doubleclick.net") {
		t.Errorf("protect --list after the UI:\n%s", list)
	}
}
