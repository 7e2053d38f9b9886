package ui

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
)

// lineInput is a one-line text field. crumbs carries its own instead of
// bubbles/textinput because that one pulls in a system-clipboard module
// the project does not depend on; this one is all the UI needs: insert,
// delete, move, word and line kills, paste, and a masked mode for values.
type lineInput struct {
	Prompt      string
	Placeholder string
	CharLimit   int
	Width       int
	Masked      bool
	value       []rune
	pos         int
	focused     bool
	cursorStyle func(string) string
}

func newLineInput() lineInput { return lineInput{CharLimit: 4096} }

func (l *lineInput) Value() string { return string(l.value) }

func (l *lineInput) SetValue(s string) {
	l.value = []rune(s)
	if l.CharLimit > 0 && len(l.value) > l.CharLimit {
		l.value = l.value[:l.CharLimit]
	}
	l.pos = len(l.value)
}

func (l *lineInput) CursorEnd()    { l.pos = len(l.value) }
func (l *lineInput) Focus()        { l.focused = true }
func (l *lineInput) Blur()         { l.focused = false }
func (l *lineInput) Focused() bool { return l.focused }

// Update applies one key; it reports whether the value changed.
func (l *lineInput) Update(msg tea.KeyMsg) bool {
	old := string(l.value)
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		rs := msg.Runes
		if msg.Type == tea.KeySpace {
			rs = []rune{' '}
		}
		var clean []rune
		for _, r := range rs {
			if r == '\n' || r == '\r' || r == '\t' {
				r = ' '
			}
			if unicode.IsControl(r) {
				continue
			}
			clean = append(clean, r)
		}
		if l.CharLimit > 0 && len(l.value)+len(clean) > l.CharLimit {
			clean = clean[:maxi(l.CharLimit-len(l.value), 0)]
		}
		l.value = append(l.value[:l.pos], append(clean, l.value[l.pos:]...)...)
		l.pos += len(clean)
	case tea.KeyBackspace:
		if l.pos > 0 {
			l.value = append(l.value[:l.pos-1], l.value[l.pos:]...)
			l.pos--
		}
	case tea.KeyDelete, tea.KeyCtrlD:
		if l.pos < len(l.value) {
			l.value = append(l.value[:l.pos], l.value[l.pos+1:]...)
		}
	case tea.KeyLeft, tea.KeyCtrlB:
		l.pos = maxi(l.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		l.pos = mini(l.pos+1, len(l.value))
	case tea.KeyHome, tea.KeyCtrlA:
		l.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		l.pos = len(l.value)
	case tea.KeyCtrlU:
		l.value = l.value[l.pos:]
		l.pos = 0
	case tea.KeyCtrlK:
		l.value = l.value[:l.pos]
	case tea.KeyCtrlW:
		i := l.pos
		for i > 0 && l.value[i-1] == ' ' {
			i--
		}
		for i > 0 && l.value[i-1] != ' ' {
			i--
		}
		l.value = append(l.value[:i], l.value[l.pos:]...)
		l.pos = i
	}
	return string(l.value) != old
}

// View draws prompt, text (sanitised; masked if Masked) and a block cursor
// when focused, scrolled so the cursor stays visible within Width cells.
func (l *lineInput) View() string {
	text := l.value
	if l.Masked {
		text = []rune(strings.Repeat("•", len(l.value)))
	}
	if len(text) == 0 && !l.focused && l.Placeholder != "" {
		return l.Prompt + l.Placeholder
	}
	before := safe(string(text[:l.pos]))
	after := safe(string(text[l.pos:]))
	cur := " "
	if l.pos < len(text) {
		r := []rune(after)
		cur, after = string(r[0]), string(r[1:])
	}
	if !l.focused {
		return l.Prompt + trunc(before+cur+after, maxi(l.Width, 1))
	}
	w := l.Width
	if w > 0 {
		// keep the cursor in view: drop text from the left
		for width(before)+1 > w && before != "" {
			_, size := firstRune(before)
			before = before[size:]
		}
		after = trunc(after, maxi(w-width(before)-width(cur), 0))
	}
	c := "\x1b[7m" + cur + "\x1b[27m"
	if l.cursorStyle != nil {
		c = l.cursorStyle(cur)
	}
	if len(text) == 0 && l.Placeholder != "" {
		return l.Prompt + c + trunc(l.Placeholder, maxi(w-1, 0))
	}
	return l.Prompt + before + c + after
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
		_ = r
	}
	return 0, len(s)
}

// newInput makes a line input whose cursor stays visible without colour.
func newInput(c *Context) lineInput {
	l := newLineInput()
	th := c.th
	l.cursorStyle = func(s string) string {
		if th.noColor {
			return "▏" + s
		}
		return th.cursorRow.Render(s)
	}
	return l
}
