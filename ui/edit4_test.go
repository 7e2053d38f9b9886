package ui

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Issue 13, item 4: editing like Cookie-Editor.

// The edit form shows the value it edits; masking follows v.
func TestEditFormShowsValue(t *testing.T) {
	cs := []cookie.Cookie{{Source: "file:t", Domain: "example.com", HostOnly: true, Path: "/", Name: "sid", Value: "visible-value-123", Session: true}}
	j := openJar(t, cs)
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab", "e")
	if v := m.View(); strings.Contains(v, "visible-value-123") || !strings.Contains(v, "•••••") {
		t.Errorf("masked form shows the value:\n%s", v)
	}
	press(m, "esc", "v", "e")
	if v := m.View(); !strings.Contains(v, "visible-value-123") {
		t.Errorf("with v the form does not show the value:\n%s", v)
	}
}

// a adds a cookie, validated like an edit; it is one undo step.
func TestAddCookie(t *testing.T) {
	j := openJar(t, genCookies(20))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "a")
	if v := m.View(); !strings.Contains(v, "Add a cookie") {
		t.Fatalf("a opened no form:\n%s", m.View())
	}
	typeTextM(m, "bad;name")
	press(m, "enter")
	if m.modal == nil || !strings.Contains(m.View(), "must not contain") {
		t.Fatalf("an invalid name was accepted:\n%s", m.View())
	}
	press(m, "ctrl+u")
	typeTextM(m, "added_by_hand")
	press(m, "tab")
	typeTextM(m, "v1")
	press(m, "enter")
	if n := count(t, j, "name:added_by_hand", "source:manual"); n != 1 {
		t.Fatalf("added %d cookies:\n%s", n, m.View())
	}
	if v := m.View(); !strings.Contains(v, "added added_by_hand") {
		t.Errorf("toast:\n%s", v)
	}
	press(m, "u")
	if n := count(t, j, "name:added_by_hand"); n != 0 {
		t.Errorf("undo left the added cookie")
	}
}

// The details screen shows a value decoded: URL encoding, base64, and a
// JWT's header and claims.
func TestDecodedValues(t *testing.T) {
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"user-77","exp":1767225600}`))
	for _, tc := range []struct{ value, kind, want string }{
		{head + "." + claims + ".c2lnbmF0dXJl", "jwt claims", `{"sub":"user-77","exp":1767225600}`},
		{"hello%20world%3Bagain", "url-dec", "hello world;again"},
		{base64.StdEncoding.EncodeToString([]byte("remember me: yes")), "base64", "remember me: yes"},
	} {
		got := decodeValue(tc.value)
		found := false
		for _, d := range got {
			if d.kind == tc.kind && d.text == tc.want {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: decoded %v, want %s %q", tc.value, got, tc.kind, tc.want)
		}
	}
	if got := decodeValue("a1b2c3d4e5f6"); len(got) != 0 {
		t.Errorf("a hex id decoded as %v", got)
	}
	cs := []cookie.Cookie{{Source: "file:t", Domain: "example.com", HostOnly: true, Path: "/", Name: "jwt", Value: head + "." + claims + ".c2lnbmF0dXJl", Session: true}}
	j := openJar(t, cs)
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab", "enter")
	if strings.Contains(m.View(), "user-77") {
		t.Errorf("the decoded value shows while values are masked")
	}
	press(m, "v")
	if v := m.View(); !strings.Contains(v, "jwt claims") || !strings.Contains(v, `"sub":"user-77"`) {
		t.Errorf("details screen lacks the JWT claims:\n%s", v)
	}
}

// An $EDITOR save the jar refuses opens the editor again on what was
// written, the reason on its first line, instead of losing the edit.
func TestEditorErrorReopens(t *testing.T) {
	j := openJar(t, genCookies(10))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "tab")
	c := *m.main.currentCookie()
	_, dir, err := prepareEditor(c.Value)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "value.txt")
	os.WriteFile(file, []byte("bad;value\n"), 0o600) // what the user wrote
	_, cmd := m.Update(editorDoneMsg{c: c, dir: dir})
	if cmd == nil {
		t.Fatal("a refused value did not open the editor again")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the edit is gone: %v", err)
	}
	if !strings.HasPrefix(string(b), editorNote) || !strings.Contains(string(b), "must not contain") || !strings.Contains(string(b), "\nbad;value") {
		t.Errorf("reopened file:\n%s", b)
	}
	// the user fixes it, keeping the note line
	os.WriteFile(file, []byte(strings.Replace(string(b), "bad;value", "good-value", 1)), 0o600)
	_, cmd = m.Update(editorDoneMsg{c: c, dir: dir})
	drain(m, cmd)
	got, _ := j.Get(context.Background(), c.ID)
	if got.Value != "good-value" {
		t.Errorf("value after the second round: %q", got.Value)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind", dir)
	}
}
