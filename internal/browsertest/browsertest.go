// Package browsertest drives the real browsers for write-back's round-trip
// tests (docs/writeback.md §Tested by the browsers themselves): Chromium through the
// DevTools protocol (CDP) and Firefox through WebDriver BiDi, both headless
// on 127.0.0.1, each on a profile folder of the test's own. A test that
// finds no browser binary skips, saying so.
package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Cookie is a cookie as a browser reports it, in the fields both
// protocols share.
type Cookie struct {
	Name, Value, Domain, Path string
	Secure, HTTPOnly          bool
	SameSite                  string // "none", "lax", "strict", "" (unspecified)
	Session                   bool
	Expires                   int64 // unix seconds, 0 for session cookies
	// Partition is the top-level site of a partitioned cookie ("" if none).
	Partition string
}

// Key is the cookie's identity in a browser: domain, path, name, partition.
func (c Cookie) Key() string {
	return c.Domain + "|" + c.Path + "|" + c.Name + "|" + c.Partition
}

func (c Cookie) String() string {
	s := fmt.Sprintf("%s%s %s=%s", c.Domain, c.Path, c.Name, c.Value)
	if c.Partition != "" {
		s += " [" + c.Partition + "]"
	}
	if c.Session {
		s += " (session)"
	}
	return s
}

// rpc is a JSON command channel over a websocket (CDP and BiDi share the
// {id, method, params} → {id, result|error} shape).
type rpc struct {
	conn *websocket.Conn
	mu   sync.Mutex
	next int
	wait map[int]chan json.RawMessage
	errs map[int]chan string
	done chan struct{}
}

func dial(ctx context.Context, url string) (*rpc, error) {
	conn, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(64 << 20)
	r := &rpc{conn: conn, wait: map[int]chan json.RawMessage{}, errs: map[int]chan string{}, done: make(chan struct{})}
	go r.read()
	return r, nil
}

func (r *rpc) read() {
	defer close(r.done)
	for {
		_, data, err := r.conn.Read(context.Background())
		if err != nil {
			return
		}
		var msg struct {
			ID     *int            `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
			Msg    string          `json:"message"`
		}
		if json.Unmarshal(data, &msg) != nil || msg.ID == nil {
			continue // an event
		}
		r.mu.Lock()
		res, errc := r.wait[*msg.ID], r.errs[*msg.ID]
		delete(r.wait, *msg.ID)
		delete(r.errs, *msg.ID)
		r.mu.Unlock()
		if res == nil {
			continue
		}
		if len(msg.Error) > 0 && string(msg.Error) != "null" {
			errc <- string(msg.Error) + " " + msg.Msg
			continue
		}
		res <- msg.Result
	}
}

func (r *rpc) call(ctx context.Context, method string, params any, out any) error {
	r.mu.Lock()
	r.next++
	id := r.next
	res, errc := make(chan json.RawMessage, 1), make(chan string, 1)
	r.wait[id], r.errs[id] = res, errc
	r.mu.Unlock()
	if params == nil {
		params = map[string]any{}
	}
	data, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := r.conn.Write(ctx, websocket.MessageText, data); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case raw := <-res:
		if out != nil {
			return json.Unmarshal(raw, out)
		}
		return nil
	case e := <-errc:
		return fmt.Errorf("%s: %s", method, e)
	case <-r.done:
		return fmt.Errorf("%s: connection closed", method)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (r *rpc) close() { r.conn.Close(websocket.StatusNormalClosure, "") }

// Binary finds a browser binary: the first of names on PATH or as given.
// The test skips when none is there.
func Binary(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skipf("no %s binary installed: the real-browser round trip needs it (CI installs Debian's chromium and firefox-esr)", strings.Join(names, " or "))
	return ""
}

// proc is a started browser process.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	log    *lockedBuf
}

type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 1<<20 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the browser and waits for a line matching re on its stderr
// (the debugging endpoint), returning the submatch.
func start(t testing.TB, bin string, args []string, env []string, re *regexp.Regexp) (*proc, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{}), log: &lockedBuf{}}
	cmd.Stdout = p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.log.Write([]byte(line + "\n"))
			if !sent {
				if m := re.FindStringSubmatch(line); m != nil {
					found <- m[1]
					sent = true
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill() })
	select {
	case m := <-found:
		return p, m
	case <-p.exited:
		t.Fatalf("%s exited before it was ready:\n%s", bin, p.log.String())
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("%s did not start within 60 s:\n%s", bin, p.log.String())
	}
	return nil, ""
}

// Pid is the browser's process id.
func (p *proc) Pid() int { return p.cmd.Process.Pid }

// kill ends the whole process group (the browser's helpers too).
func (p *proc) kill() {
	select {
	case <-p.exited:
	default:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	// Helpers of the group may outlive the leader by a moment.
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

// waitExit waits for the browser (and its group) to be gone. A browser
// still there after d (Chromium on a loaded CI machine, once, after its
// Browser.close) is asked again the way a desktop session asks, SIGTERM,
// on which both browsers shut down in order and write their stores; it
// fails only when that does not end it within d either.
func (p *proc) waitExit(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(d):
		t.Logf("the browser did not exit within %s; sending SIGTERM", d)
		_ = syscall.Kill(p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(d):
			t.Fatalf("the browser did not exit within %s, nor %s after SIGTERM:\n%s", d, d, p.log.String())
		}
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(-p.cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// pause stops every process of the browser (SIGSTOP to its group): it
// still holds its files open, but writes nothing until resume, so a test
// can tell crumbs' writes from the browser's own.
func (p *proc) pause()  { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGSTOP) }
func (p *proc) resume() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGCONT) }

// Pause stops the browser's processes (they keep the profile open).
func (c *Chromium) Pause() { c.proc.pause() }

// Resume lets them run again.
func (c *Chromium) Resume() { c.proc.resume() }

// Pause stops the browser's processes (they keep the profile open).
func (f *Firefox) Pause() { f.proc.pause() }

// Resume lets them run again.
func (f *Firefox) Resume() { f.proc.resume() }
