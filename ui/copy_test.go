package ui

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Issue 13, item 7: copy works where people are.

// y writes a plain OSC 52 sequence (inside tmux too: tmux passes it with its
// default settings, a passthrough-wrapped one only with allow-passthrough);
// inside GNU screen it is DCS-wrapped. The toast says where the value went,
// not that it arrived.
func TestCopySendsPlainOSC52(t *testing.T) {
	t.Setenv("TMUX", "/tmp/tmux-0/default,1,0")
	t.Setenv("STY", "")
	cs := []cookie.Cookie{{Source: "file:t", Domain: "example.com", HostOnly: true, Path: "/", Name: "sid", Value: "s3cr3t-value", Session: true}}
	j := openJar(t, cs)
	var out bytes.Buffer
	m := sized(newModel(t, j, Options{Output: &out}), 120, 40)
	press(m, "tab", "y")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("s3cr3t-value")) + "\x07"
	if got := out.String(); got != want {
		t.Errorf("OSC 52 written: %q, want %q", got, want)
	}
	if v := m.View(); !strings.Contains(v, "sent the value of sid (12 bytes) to the terminal's clipboard") || strings.Contains(v, "s3cr3t") {
		t.Errorf("toast:\n%s", v)
	}
	screen := osc52For("x", func(k string) string {
		if k == "STY" {
			return "1234.pts-0.host"
		}
		return ""
	}).String()
	if !strings.HasPrefix(screen, "\x1bP\x1b]52;") {
		t.Errorf("inside screen the sequence is not DCS-wrapped: %q", screen)
	}
}

// The real binary in tmux: y puts the cookie's value into tmux's paste
// buffer (set-clipboard on: tmux keeps what applications send; with the
// default, external, it forwards the same sequence to the outer terminal).
func TestTmuxOSC52ReachesBuffer(t *testing.T) {
	bin, dir := tmuxBinary(t)
	jarPath := filepath.Join(dir, "jar.db")
	openJarAt(t, jarPath, []cookie.Cookie{{Source: "file:t", Domain: "example.com", HostOnly: true, Path: "/", Name: "copyme", Value: "VALUE-from-crumbs-42", Session: true}}).Close()
	s := startTmuxPrivate(t, dir, [][]string{{"set", "-s", "set-clipboard", "on"}}, bin, "--jar", jarPath)
	s.waitFor("1 of 1", "copyme")
	s.send("Tab")
	s.send("y")
	s.waitFor("to the terminal's clipboard")
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf, _ := s.tmux("show-buffer").Output()
		if string(buf) == "VALUE-from-crumbs-42" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux buffer holds %q", buf)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.send("q")
}
