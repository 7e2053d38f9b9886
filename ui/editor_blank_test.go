package ui

import (
	"os"
	"strings"
	"testing"
)

// A blank $VISUAL is a clear message, never a panic, and leaves no temp
// folder with the value behind (issue 8 item 7).
func TestBlankVisualIsAMessage(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("VISUAL", "   ")
	_, _, err := prepareEditor("secret-value")
	if err == nil || !strings.Contains(err.Error(), "$VISUAL is blank") {
		t.Fatalf("blank $VISUAL: %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left behind in $TMPDIR: %v", left)
	}
}
