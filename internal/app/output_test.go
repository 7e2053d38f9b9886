package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// entries lists a folder's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteOutputRegularFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A failing writer leaves the old file and no temporary file.
	boom := errors.New("boom")
	err := WriteOutput(context.Background(), p, nil, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "old" {
		t.Fatalf("old file changed to %q", data)
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("temporary file left: %v", es)
	}
	// A good writer replaces it, mode 0600, through a new inode (atomic).
	before, _ := os.Stat(p)
	if err := WriteOutput(context.Background(), p, nil, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if data, _ := os.ReadFile(p); string(data) != "new" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %o", data, fi.Mode().Perm())
	}
	if os.SameFile(before, fi) {
		t.Errorf("the file was rewritten in place, not renamed into place")
	}
	// A path that does not exist is created, 0600.
	q := filepath.Join(dir, "fresh.txt")
	if err := WriteOutput(context.Background(), q, nil, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(q); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %o", fi.Mode().Perm())
	}
	// A directory is refused by name.
	if err := WriteOutput(context.Background(), dir, nil, writeString("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func TestWriteOutputStdout(t *testing.T) {
	for _, p := range []string{"", "-"} {
		var b bytes.Buffer
		if err := WriteOutput(context.Background(), p, &b, writeString("data")); err != nil || b.String() != "data" {
			t.Errorf("%q: %v %q", p, err, b.String())
		}
	}
}

// A symlink (a dotfiles link) survives: its target is written, atomically.
func TestWriteOutputSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "cookies.txt")
	os.MkdirAll(filepath.Dir(target), 0o700)
	os.WriteFile(target, []byte("old"), 0o600)
	link := filepath.Join(dir, "cookies.txt")
	if err := os.Symlink("dotfiles/cookies.txt", link); err != nil {
		t.Fatal(err)
	}
	chain := filepath.Join(dir, "chain.txt")
	os.Symlink(link, chain)
	if err := WriteOutput(context.Background(), chain, nil, writeString("new")); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link, chain} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink: %v", l, err)
		}
	}
	if data, _ := os.ReadFile(target); string(data) != "new" {
		t.Errorf("target holds %q", data)
	}
	// A dangling link creates its target, as the shell's > does.
	dangling := filepath.Join(dir, "dangling")
	os.Symlink("made-by-link.txt", dangling)
	if err := WriteOutput(context.Background(), dangling, nil, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "made-by-link.txt")); string(data) != "x" {
		t.Errorf("dangling link target holds %q", data)
	}
	// A loop is an error, not a hang.
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink(b, a)
	os.Symlink(a, b)
	if err := WriteOutput(context.Background(), a, nil, writeString("x")); err == nil {
		t.Errorf("a symlink loop was written")
	}
}

// A FIFO is opened and streamed into: it stays a FIFO.
func TestWriteOutputFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		// The writer waits for its reader, as the shell does.
		time.Sleep(200 * time.Millisecond)
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		got <- string(data)
	}()
	if err := WriteOutput(context.Background(), fifo, nil, writeString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 || fi.Mode().Perm() != 0o644 {
		t.Errorf("the FIFO was replaced or chmod'ed: %v %v", fi.Mode(), err)
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Errorf("files left: %v", es)
	}
	// No reader ever comes: cancelling ends the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := WriteOutput(ctx, fifo, nil, writeString("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FIFO without reader: %v", err)
	}
}

// A character device (a null device the test makes, never the machine's
// /dev/null) is written into and stays a device with its mode.
func TestWriteOutputDevice(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	// 1,3 is the null device on Linux.
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Skipf("mknod needs root (and a file system that allows devices): %v", err)
	}
	before, _ := os.Lstat(dev)
	if err := WriteOutput(context.Background(), dev, nil, writeString(strings.Repeat("x", 1<<20))); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(dev)
	if err != nil || fi.Mode() != before.Mode() {
		t.Errorf("the device was replaced or chmod'ed: %v %v", fi.Mode(), err)
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Errorf("files left: %v", es)
	}
	// A symlink to the device: the device is written, the link stays.
	link := filepath.Join(dir, "link")
	os.Symlink(dev, link)
	if err := WriteOutput(context.Background(), link, nil, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
	if fi, _ := os.Lstat(dev); fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("the device was replaced through the link")
	}
}

// /dev/fd/N (process substitution, /dev/stdout) names a descriptor: it is
// streamed into; a descriptor of this test's own pipe stands for it.
func TestWriteOutputDescriptor(t *testing.T) {
	if _, err := os.Stat("/dev/fd"); err != nil {
		t.Skip("no /dev/fd on this system")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := "/dev/fd/" + itoa(int(w.Fd()))
	done := make(chan string, 1)
	go func() { data, _ := io.ReadAll(r); done <- string(data) }()
	if err := WriteOutput(context.Background(), p, nil, writeString("via fd")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if s := <-done; s != "via fd" {
		t.Errorf("pipe got %q", s)
	}
	if _, stream, _ := resolveOutput("/proc/self/fd/1"); !stream {
		t.Errorf("/proc/self/fd/1 would be renamed over")
	}
	if _, stream, _ := resolveOutput("/dev/stdout"); !stream {
		t.Errorf("/dev/stdout would be renamed over")
	}
}

// A cancelled export (Ctrl-C) leaves the target as it was and no hidden
// partial file.
func TestWriteOutputCancelled(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cookies.txt")
	os.WriteFile(p, []byte("old"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	err := WriteOutput(ctx, p, nil, func(w io.Writer) error {
		for i := 0; i < 1000; i++ {
			if i == 10 {
				cancel()
			}
			if _, err := w.Write(make([]byte, 4096)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "old" {
		t.Errorf("target changed to %d bytes", len(data))
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Errorf("files left: %v", es)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
