package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar"
)

// Issue 13, item 6: the import picker takes a path, completes it, and says
// why a browser cannot be read.
func TestImportPickerTakesAPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cookies-export.txt")
	if err := os.WriteFile(file, []byte("# Netscape HTTP Cookie File\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "cookbook"), 0o700)
	why := "the keyring is locked: unlock it (or give --password) to read Chrome's encrypted values"
	var read []string
	opts := Options{
		Discover: func(context.Context) ([]Profile, error) {
			return []Profile{{Spec: "chrome:Default", Browser: "chrome", Name: "Default", Cookies: -1, Err: why}}, nil
		},
		Read: func(_ context.Context, p Profile, _ func(int, int)) ([]jar.Batch, []string, error) {
			read = append(read, p.Spec)
			return []jar.Batch{{Source: "file:cookies-export.txt", File: p.Spec, Cookies: genCookies(3)}}, nil, nil
		},
	}
	j := openJar(t, genCookies(10))
	m := sized(newModel(t, j, opts), 120, 40)
	press(m, "i")
	if v := m.View(); !strings.Contains(v, "cannot be read: the keyring is locked") || !strings.Contains(v, "--password") {
		t.Errorf("the picker does not say why the profile cannot be read:\n%s", v)
	}
	press(m, "down")
	typeTextM(m, dir+"/coo")
	press(m, "tab")
	if got := m.modal.(*importPicker).path.Value(); got != dir+"/cook" {
		t.Errorf("two matches: completed to %q, want the shared prefix", got)
	}
	typeTextM(m, "i")
	press(m, "tab")
	if got := m.modal.(*importPicker).path.Value(); got != file {
		t.Errorf("completed to %q, want %q", got, file)
	}
	press(m, "enter")
	if len(read) != 1 || read[0] != file {
		t.Fatalf("read %v, want the path", read)
	}
	if v := m.View(); !strings.Contains(v, "✓ "+dir) {
		t.Errorf("no import report:\n%s", v)
	}
}
