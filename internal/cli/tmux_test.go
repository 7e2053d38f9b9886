package cli_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmux drives the binary on a real terminal: the UI, and purge's y/N
// question, which only appears when stdin is a terminal.
type tmux struct {
	t    *testing.T
	name string
}

func newTmux(t *testing.T, s *sandbox, args ...string) *tmux {
	t.Helper()
	return newTmuxCmd(t, s.env, append([]string{crumbsBin}, args...))
}

// newTmuxCmd runs cmdline in a new 120×40 tmux session with environment
// envs.
func newTmuxCmd(t *testing.T, envs []string, cmdline []string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	name := "crumbs-test-" + itoa(int(time.Now().UnixNano()%1e9))
	env := []string{}
	for _, e := range envs {
		env = append(env, "-e", e)
	}
	full := append(append([]string{"new-session", "-d", "-s", name, "-x", "120", "-y", "40"}, env...),
		strings.Join(quoteAll(cmdline), " ")+"; echo EXIT=$?; sleep 30")
	if out, err := exec.Command("tmux", full...).CombinedOutput(); err != nil {
		t.Skipf("tmux new-session: %v %s", err, out)
	}
	tm := &tmux{t: t, name: name}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", name).Run() })
	return tm
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

func (tm *tmux) send(keys ...string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"send-keys", "-t", tm.name}, keys...)...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys: %v %s", err, out)
	}
}

// waitFor polls the screen until it contains want.
func (tm *tmux) waitFor(want string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", tm.name).Output()
		screen = string(out)
		if strings.Contains(screen, want) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("screen never showed %q:\n%s", want, screen)
	return ""
}

func TestPurgeAsksOnATerminal(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(200, 61, "file:a.json"))))
	before := liveCount(t, s)
	tracking := len(strings.Split(strings.TrimSpace(s.ok("", "list", "purpose:tracking").stdout), "\n")) - 1

	tm := newTmux(t, s, "purge", "--purpose", "tracking")
	tm.waitFor("to the trash? [y/N]")
	tm.send("n", "Enter")
	tm.waitFor("EXIT=1")
	if liveCount(t, s) != before {
		t.Fatal("declined purge changed the jar")
	}

	tm2 := newTmux(t, s, "purge", "--purpose", "tracking")
	tm2.waitFor("[y/N]")
	tm2.send("y", "Enter")
	screen := tm2.waitFor("EXIT=0")
	if !strings.Contains(screen, "crumbs undo reverts it") {
		t.Errorf("no purge message:\n%s", screen)
	}
	if got := liveCount(t, s); got != before-tracking {
		t.Fatalf("after purge %d cookies, want %d - %d", got, before, tracking)
	}
}

func TestUIOpensAndQuits(t *testing.T) {
	s := newSandbox(t)
	s.ok("", "import", s.write("a.json", jsonOf(t, genCookies(120, 62, "file:a.json"))))
	tm := newTmux(t, s, "--readonly")
	tm.waitFor("120 cookies")
	tm.send("q")
	tm.waitFor("EXIT=0")
}
