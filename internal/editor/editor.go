// Package editor runs the user's text editor the way git does
// (git-var(1), "GIT_EDITOR"): $VISUAL, else $EDITOR, else vi, handed to the
// shell as `sh -c '<editor> "$@"' <editor> FILE`, so that an editor given
// with arguments (`code --wait`) or at a path with spaces
// (`"/opt/My Editor/bin/ed"`) works, and FILE reaches it as one argument
// whatever it holds.
package editor

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
)

// Fallback is the editor used when neither $VISUAL nor $EDITOR is set.
const Fallback = "vi"

// Name returns the editor command line to use and the variable it came
// from ("" for the fallback). A variable set to an empty string counts as
// unset, as in git; one holding only blanks is an error that says which
// variable to fix.
func Name(getenv func(string) string) (string, string, error) {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		ed := getenv(v)
		if ed == "" {
			continue
		}
		if strings.TrimSpace(ed) == "" {
			return "", v, fmt.Errorf("$%s is blank: set it to your editor (for example %s=vim), or unset it to use $EDITOR or %s", v, v, Fallback)
		}
		return ed, v, nil
	}
	return Fallback, "", nil
}

// Command returns the command that edits file with the user's editor.
func Command(getenv func(string) string, file string) (*exec.Cmd, error) {
	ed, _, err := Name(getenv)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS == "windows" {
		// No POSIX shell: the editor's words are split on blanks.
		args := strings.Fields(ed)
		if len(args) == 0 {
			return nil, errors.New("no editor set")
		}
		return exec.Command(args[0], append(args[1:], file)...), nil
	}
	return exec.Command("sh", "-c", ed+` "$@"`, ed, file), nil
}
