package ui

import (
	"strings"
	"testing"
)

// TestTrashEmptySaysForGood (issue 8 item 10): X in the trash asks first,
// and the question says the forgetting cannot be undone; n keeps the trash.
func TestTrashEmptySaysForGood(t *testing.T) {
	j := openJar(t, genCookies(20))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab", "d", "t", "X")
	if v := m.View(); !strings.Contains(v, "for good") || !strings.Contains(v, "cannot be undone") {
		t.Fatalf("X in the trash does not say it cannot be undone:\n%s", v)
	}
	press(m, "n")
	if v := m.View(); !strings.Contains(v, "Trash · 1 cookie") {
		t.Errorf("declining emptied the trash:\n%s", v)
	}
}
