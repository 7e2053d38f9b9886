package editor

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// A blank $VISUAL or $EDITOR is a clear message naming the variable, never
// a panic (issue 8 item 7); an empty one counts as unset, as in git.
func TestBlankEditor(t *testing.T) {
	for _, m := range []map[string]string{{"VISUAL": "   "}, {"VISUAL": "\t"}, {"EDITOR": " "}} {
		_, err := Command(env(m), "/tmp/x")
		if err == nil || !strings.Contains(err.Error(), "is blank") {
			t.Errorf("%q: %v", m, err)
		}
	}
	if ed, from, err := Name(env(map[string]string{"VISUAL": "", "EDITOR": "nano"})); err != nil || ed != "nano" || from != "EDITOR" {
		t.Errorf("empty VISUAL: %q %q %v", ed, from, err)
	}
	if ed, _, err := Name(env(nil)); err != nil || ed != Fallback {
		t.Errorf("nothing set: %q %v", ed, err)
	}
}

// The editor runs through the shell like git's: an editor at a path with
// spaces, given with arguments, edits a file whose path has spaces too.
func TestEditorLikeGit(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shell")
	}
	dir := filepath.Join(t.TempDir(), "my editors")
	os.MkdirAll(dir, 0o700)
	script := filepath.Join(dir, "fake ed")
	// The "editor" appends its first argument to the file named last.
	os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" >> \"$2\"\n"), 0o700)
	file := filepath.Join(t.TempDir(), "a value $(x).txt")
	os.WriteFile(file, []byte("v="), 0o600)
	visual := `"` + script + `" --flag`
	cmd, err := Command(env(map[string]string{"VISUAL": visual}), file)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b, _ := os.ReadFile(file); string(b) != "v=--flag" {
		t.Fatalf("file holds %q", b)
	}
}
