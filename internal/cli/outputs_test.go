package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
)

// TestExportOutputsNotTheirs (issue 8 item 5) drives the binary: export -o
// onto a symlink writes its target and keeps the link; onto a device node
// and a FIFO (made here, never the machine's /dev/null) streams into them
// and leaves them what they were; -o - is stdout.
func TestExportOutputsNotTheirs(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("in.json", jsonOf(t, gen.Cookies(30, 1, now, "file:in.json"))))
	dir := t.TempDir()

	// A dotfiles link.
	target := filepath.Join(dir, "dotfiles", "cookies.txt")
	os.MkdirAll(filepath.Dir(target), 0o700)
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "cookies.txt")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	r := s.ok("", "export", "-o", link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(target)
	if !strings.HasPrefix(string(data), "# Netscape HTTP Cookie File") {
		t.Fatalf("the link's target holds %q", data)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode %o, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(r.stderr, "wrote ") {
		t.Errorf("no wrote line: %v", r)
	}

	// -o - is stdout.
	r = s.ok("", "export", "-o", "-")
	if !strings.HasPrefix(r.stdout, "# Netscape HTTP Cookie File") || !strings.Contains(r.stderr, "to stdout") {
		t.Errorf("-o -: %v", r)
	}
	if _, err := os.Stat(filepath.Join(s.home, "-")); err == nil {
		t.Errorf("-o - created a file named -")
	}

	// A FIFO: a reader gets the stream, the FIFO stays.
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		data, err := os.ReadFile(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(data)
	}()
	s.ok("", "export", "--format", "json", "-o", fifo)
	select {
	case d := <-got:
		if !strings.HasPrefix(d, "[") {
			t.Errorf("FIFO reader got %.80q", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}

	// A character device: a null device node of the test's own.
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Logf("device part skipped: mknod needs root: %v", err)
	} else {
		before, _ := os.Lstat(dev)
		s.ok("", "export", "-o", dev)
		fi, err := os.Lstat(dev)
		if err != nil || fi.Mode() != before.Mode() {
			t.Errorf("the device is now %v (was %v): %v", fi.Mode(), before.Mode(), err)
		}
	}
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.Contains(e.Name(), ".crumbs-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestExportSignalLeavesTarget (issue 8 items 5, 6): SIGTERM or SIGINT
// during an export to a file leaves the file as it was and no hidden
// partial file beside it.
func TestExportSignalLeavesTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100k-cookie jar")
	}
	s := newSandbox(t)
	s.ok("", "import", s.write("in.json", jsonOf(t, gen.Cookies(100_000, 2, now, "file:in.json"))))
	dir := t.TempDir()
	out := filepath.Join(dir, "cookies.json")
	os.WriteFile(out, []byte("old"), 0o600)
	stopped := 0
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		for _, delay := range []time.Duration{20 * time.Millisecond, 80 * time.Millisecond, 200 * time.Millisecond} {
			cmd := s.cmd("export", "--format", "json", "-o", out)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			data, _ := os.ReadFile(out)
			if err == nil {
				// The export finished before the signal: then it is whole.
				if !strings.HasSuffix(string(data), "]\n") {
					t.Fatalf("%v after %v: exit 0 but the file is cut: %d bytes", sig, delay, len(data))
				}
				os.WriteFile(out, []byte("old"), 0o600)
				continue
			}
			stopped++
			if string(data) != "old" {
				t.Fatalf("%v after %v: the target changed to %d bytes", sig, delay, len(data))
			}
			es, _ := os.ReadDir(dir)
			if len(es) != 1 {
				t.Fatalf("%v after %v: files left beside the target: %v", sig, delay, es)
			}
		}
	}
	t.Logf("%d of 6 exports stopped by the signal", stopped)
	if stopped == 0 {
		t.Fatal("no export was stopped by a signal: the test proved nothing")
	}
}

// cmd is crumbs with args in the sandbox, not started.
func (s *sandbox) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(crumbsBin, args...)
	cmd.Dir = s.home
	cmd.Env = s.env
	return cmd
}

func mkdirAll(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}
