//go:build unix

package ui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExportOutputsNotTheirs (issue 8 item 5, the UI's export): an export
// onto a symlink writes its target and keeps the link; onto a FIFO it
// streams into it and leaves it a FIFO; no hidden partial file is left.
func TestExportOutputsNotTheirs(t *testing.T) {
	j := openJar(t, genCookies(40))
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "dotfiles-cookies.txt")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "cookies.txt")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	m := sized(newModel(t, j, Options{ExportDir: dir}), 120, 40)
	press(m, "x", "enter")
	if v := m.View(); !strings.Contains(v, "wrote") {
		t.Fatalf("no export report:\n%s", v)
	}
	press(m, "enter")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if data, _ := os.ReadFile(target); !strings.HasPrefix(string(data), "# Netscape HTTP Cookie File") {
		t.Errorf("the link's target holds %.60q", data)
	}

	// A FIFO where the export goes: a reader gets the stream.
	os.Remove(link)
	if err := syscall.Mkfifo(link, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		data, _ := os.ReadFile(link)
		got <- string(data)
	}()
	press(m, "x", "enter")
	select {
	case d := <-got:
		if !strings.HasPrefix(d, "# Netscape HTTP Cookie File") {
			t.Errorf("the FIFO's reader got %.60q", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.Contains(e.Name(), ".crumbs-") {
			t.Errorf("partial export left: %s", e.Name())
		}
	}
}
