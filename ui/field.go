package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// newField makes a one-line text field (bubbles/textinput, so people get
// the editing keys they know: ←/→, home/end, ctrl+a/e, ctrl+w, alt+←/→,
// ctrl+u/k, delete, bracketed paste) styled by the theme:
//   - every piece of text it draws goes through safe, so a value from the
//     jar never reaches the terminal raw;
//   - the cursor does not blink (no timer: frames stay deterministic) and
//     stays visible without colour as a "▏" marker;
//   - ctrl+v, which would read the system clipboard through an external
//     program, is off: the terminal's own paste arrives as a bracketed
//     paste and works.
func newField(c *Context) textinput.Model {
	th := c.th
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = 4096
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.KeyMap.Paste.SetEnabled(false)
	// Suggestions are offered only where a field sets them (paths); tab
	// and ↑/↓ belong to the form otherwise.
	ti.KeyMap.AcceptSuggestion.SetEnabled(false)
	ti.KeyMap.NextSuggestion.SetEnabled(false)
	ti.KeyMap.PrevSuggestion.SetEnabled(false)
	ti.TextStyle = th.plain.Transform(safe)
	ti.PromptStyle = th.plain
	ti.PlaceholderStyle = th.muted.Transform(safe)
	ti.Cursor.TextStyle = th.plain.Transform(safe)
	ti.Cursor.Style = th.plain.Transform(safe)
	if th.noColor {
		ti.Cursor.Style = th.plain.Transform(func(s string) string { return "▏" + safe(s) })
	}
	return ti
}

// updateField applies one key to f and reports whether its value changed.
func updateField(f *textinput.Model, km tea.KeyMsg) bool {
	old := f.Value()
	*f, _ = f.Update(km)
	return f.Value() != old
}

// masked makes f show bullets instead of its text (cookie values until v).
func masked(f *textinput.Model, on bool) {
	f.EchoMode = textinput.EchoNormal
	if on {
		f.EchoMode = textinput.EchoPassword
		f.EchoCharacter = '•'
	}
}

// setPlaceholder sets f's placeholder; without colour it reads "(e.g. …)",
// so that it is told apart from typed text.
func setPlaceholder(c *Context, f *textinput.Model, text string) {
	if c.th.noColor {
		text = "(e.g. " + text + ")"
	}
	f.Placeholder = text
}
