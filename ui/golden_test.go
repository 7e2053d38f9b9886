package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// goldenSizes are the terminal sizes the golden views are kept at.
var goldenSizes = [][2]int{{120, 40}, {80, 24}, {60, 16}}

// runGolden drives m in teatest at w×h until wait shows, quits, and
// compares the final frame with testdata/<test name>.golden (go test
// -run TestGolden -update rewrites them; review the diff).
func runGolden(t *testing.T, m *Model, w, h int, wait string, ks ...string) {
	t.Helper()
	tm := &term{TestModel: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))}
	waitFor(t, tm, wait)
	keys(tm, ks...)
	final := finish(t, tm)
	v := final.View()
	checkFrame(t, stripANSI(v), w, h)
	golden.RequireEqualEscape(t, []byte(v), true)
}

// TestGoldenMain keeps the main screen at 120×40, 80×24 and 60×16, with
// and without colour, so that a change to the look is a reviewed diff.
func TestGoldenMain(t *testing.T) {
	for _, sz := range goldenSizes {
		for _, colour := range []bool{true, false} {
			name := fmt.Sprintf("%dx%d", sz[0], sz[1])
			if colour {
				name += "-colour"
			} else {
				name += "-nocolour"
			}
			t.Run(name, func(t *testing.T) {
				t.Setenv("NO_COLOR", "")
				j := openJarAt(t, goldenDir(t), genCookies(120))
				m := newModel(t, j, Options{testColor: colour, NoColor: !colour})
				// the first site's cookies focused, one marked: cursor, mark
				// and focus all show
				runGolden(t, m, sz[0], sz[1], "120 of 120", "tab", "space")
			})
		}
	}
}

func stripANSI(s string) string { return ansi.Strip(s) }

// goldenDir moves the test into a fresh directory that holds the jar as
// "jar.db" (the header shows the jar's path: it must be the same on every
// machine) and a link to the package's testdata, where the golden files
// are; it returns the jar's path.
func goldenDir(t *testing.T) string {
	t.Helper()
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	td := filepath.Join(pkg, "testdata")
	if err := os.MkdirAll(td, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.Symlink(td, "testdata"); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	return "jar.db"
}

// TestGoldenScreens keeps the other views people see at the three sizes
// (no colour: the layout is what they are about): the flat table with
// values shown, the details screen, the purge dialog, the edit form and
// the help.
func TestGoldenScreens(t *testing.T) {
	flows := []struct {
		name string
		keys []string
	}{
		{"flat-values", []string{"f", "v"}},
		{"details", []string{"tab", "enter"}},
		{"purge", []string{"P"}},
		{"edit", []string{"tab", "e"}},
		{"help", []string{"?"}},
	}
	for _, fl := range flows {
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("%s-%dx%d", fl.name, sz[0], sz[1]), func(t *testing.T) {
				t.Setenv("NO_COLOR", "")
				j := openJarAt(t, goldenDir(t), genCookies(120))
				m := newModel(t, j, Options{NoColor: true})
				runGolden(t, m, sz[0], sz[1], "120 of 120", fl.keys...)
			})
		}
	}
}
