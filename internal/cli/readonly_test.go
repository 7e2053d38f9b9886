//go:build unix

package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// reader is a user who can only read a jar: the unprivileged uid 65534
// when the tests run as root (chmod does not stop root), else the user
// running the tests, with the binary and a home of its own they can use.
type reader struct {
	t        *testing.T
	bin      string
	home     string
	env      []string
	cred     *syscall.Credential // nil: run as ourselves
	uid, gid int
}

const nobody = 65534

func newReader(t *testing.T) *reader {
	t.Helper()
	base, err := os.MkdirTemp("", "rojar-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	r := &reader{t: t, home: filepath.Join(base, "home"), uid: os.Getuid(), gid: os.Getgid()}
	if os.Geteuid() == 0 {
		r.cred = &syscall.Credential{Uid: nobody, Gid: nobody, Groups: []uint32{}}
		r.uid, r.gid = nobody, nobody
	}
	r.bin = filepath.Join(base, "crumbs")
	copyFile(t, crumbsBin, r.bin)
	os.Chmod(r.bin, 0o755)
	tmp := filepath.Join(r.home, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	r.chownAll(r.home)
	r.env = []string{
		"HOME=" + r.home,
		"XDG_DATA_HOME=" + filepath.Join(r.home, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(r.home, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(r.home, "cache"),
		"XDG_STATE_HOME=" + filepath.Join(r.home, "state"),
		"XDG_RUNTIME_DIR=" + filepath.Join(r.home, "run"),
		"PATH=" + os.Getenv("PATH"),
		"TMPDIR=" + tmp,
		"TZ=UTC",
		"LANG=C.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(r.home, "no-bus"),
	}
	if res := r.run("", "--version"); res.code != 0 {
		t.Skipf("cannot run the binary as uid %d (no setuid here?): %v", r.uid, res)
	}
	return r
}

func (r *reader) chownAll(dir string) {
	r.t.Helper()
	if r.cred == nil {
		return
	}
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, r.uid, r.gid)
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

func (r *reader) run(stdin string, args ...string) result {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Dir = r.home
	cmd.Env = r.env
	cmd.Stdin = strings.NewReader(stdin)
	if r.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		r.t.Fatalf("crumbs %s: timed out", strings.Join(args, " "))
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return result{"", err.Error(), -1}
		}
	}
	return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// fileSums hashes every file in dir, so that a test sees whether anything
// in a jar's folder changed.
func fileSums(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		io.Copy(h, f)
		f.Close()
		fi, _ := e.Info()
		fmt.Fprintf(&b, "%s %v %x\n", e.Name(), fi.Mode(), h.Sum(nil))
	}
	return b.String()
}

// TestReadOnlyJar (issue 8 item 12): a jar the user can only read — a
// read-only jar file, a jar in a read-only folder, another user's jar
// readable by all — opens for list, export, trash list, report, protect
// --list and the UI with --readonly, run as a user whom the permissions
// really stop; nothing in its folder changes, and a command that changes
// the jar fails with one error line naming it.
func TestReadOnlyJar(t *testing.T) {
	s := newSandbox(t)
	cs := genCookies(40, 81, "file:ro.json")
	in := s.write("ro.json", jsonOf(t, cs))
	r := newReader(t)
	cases := []struct {
		name  string
		setup func(dir, jarPath string)
		wal   bool // the folder is writable: SQLite may add -wal and -shm
	}{
		{"read-only file", func(dir, jarPath string) {
			r.chownAll(dir)
			os.Chmod(jarPath, 0o400)
		}, true},
		{"read-only folder", func(dir, jarPath string) {
			r.chownAll(dir)
			os.Chmod(dir, 0o500)
		}, false},
		{"another user's jar readable by all", func(dir, jarPath string) {
			os.Chmod(dir, 0o755)
			os.Chmod(jarPath, 0o644)
			if r.cred == nil {
				t.Skip("not root: cannot make a jar of another user")
			}
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(r.home, "jars", strings.ReplaceAll(c.name, " ", "-"))
			jarPath := filepath.Join(dir, "jar.db")
			s.ok("", "--jar", jarPath, "import", in)
			s.ok("", "--jar", jarPath, "purge", "--yes", "domain:"+cs[0].Domain)
			want := s.ok("", "--jar", jarPath, "list", "--json").stdout
			var live []struct{ Name, Domain string }
			if err := json.Unmarshal([]byte(want), &live); err != nil || len(live) < 2 {
				t.Fatalf("list --json: %v %.200s", err, want)
			}
			wantTrash := s.ok("", "--jar", jarPath, "trash", "list", "--json").stdout
			// As if an older crumbs had classified it: a reader cannot
			// re-classify the file, so it classifies in memory and says so.
			sqliteFile(t, jarPath, `UPDATE meta SET value = 'an older knowledge' WHERE key = 'classifier_version'`)
			os.Chmod(filepath.Dir(dir), 0o755)
			c.setup(dir, jarPath)
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			before := fileSums(t, dir)

			get := func(args ...string) result {
				t.Helper()
				res := r.run("", append([]string{"--jar", jarPath}, args...)...)
				if res.code != 0 {
					t.Fatalf("crumbs %s on a read-only jar: %v", strings.Join(args, " "), res)
				}
				return res
			}
			lj := get("list", "--json")
			if lj.stdout != want {
				t.Errorf("list --json differs from the writable jar's:\n%.500s\nwant\n%.500s", lj.stdout, want)
			}
			if !strings.Contains(lj.stderr, "read-only") || !strings.Contains(lj.stderr, "classified") {
				t.Errorf("no notice that the purposes are classified in memory: %q", lj.stderr)
			}
			if got := get("trash", "list", "--json").stdout; got != wantTrash {
				t.Errorf("trash list --json differs")
			}
			if got := get("list").stdout; !strings.Contains(got, live[0].Name) {
				t.Errorf("list: %.300s", got)
			}
			var exported []json.RawMessage
			if err := json.Unmarshal([]byte(get("export", "--format", "json").stdout), &exported); err != nil || len(exported) == 0 {
				t.Errorf("export --format json: %d cookies, %v", len(exported), err)
			}
			if got := get("export").stdout; !strings.Contains(got, live[0].Name) {
				t.Errorf("export (netscape): %.300s", got)
			}
			if got := get("report", "--json").stdout; !strings.Contains(got, "{") {
				t.Errorf("report --json: %.300s", got)
			}
			get("protect", "--list")
			get("protect", "--suggest")
			get("report", "--changes")
			r.ui(t, jarPath, fmt.Sprintf("%d cookies", len(live)))

			w := r.run("", "--jar", jarPath, "purge", "--yes", "domain:"+live[0].Domain)
			if w.code != 1 || !strings.Contains(w.stderr, jarPath) {
				t.Errorf("purge on a read-only jar: want exit 1 naming the jar, got %v", w)
			}
			checkOneErrorLine(t, w, jarPath, "can only read")
			after := fileSums(t, dir)
			if c.wal {
				// SQLite's readers may leave an index and an empty log
				// beside the jar in a writable folder; the jar is the same.
				after = dropLines(after, "jar.db-")
				before = dropLines(before, "jar.db-")
			}
			if after != before {
				t.Errorf("the jar's folder changed:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

// ui opens crumbs --readonly on jarPath in tmux as the reader, waits for
// want on the screen and quits.
func (r *reader) ui(t *testing.T, jarPath, want string) {
	t.Helper()
	cmdline := []string{r.bin, "--jar", jarPath, "--readonly"}
	if r.cred != nil {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Log("no setpriv (util-linux): the UI part is skipped")
			return
		}
		cmdline = append([]string{setpriv, fmt.Sprintf("--reuid=%d", r.uid), fmt.Sprintf("--regid=%d", r.gid), "--clear-groups"}, cmdline...)
	}
	tm := newTmuxCmd(t, r.env, cmdline)
	tm.waitFor(want)
	tm.send("q")
	tm.waitFor("EXIT=0")
}

func dropLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
