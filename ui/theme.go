package ui

import (
	"os"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// theme holds every style of the UI, derived in one place from semantic
// colour roles on ANSI palette indices (0–15), so the user's terminal theme
// decides the actual colours and both light and dark terminals work. There
// are no package-level styles: a theme belongs to one program and its
// renderer (which knows the colour profile and NO_COLOR).
type theme struct {
	noColor bool

	plain, title, muted, accent, danger, warn, ok lipgloss.Style
	cursorRow, marked, header, badge              lipgloss.Style
	focusTitle, blurTitle, dialog, key            lipgloss.Style
	purpose                                       map[cookie.Purpose]lipgloss.Style
}

// ANSI palette roles. Indices, not RGB: the terminal's theme maps them.
const (
	colRed     = "1"
	colGreen   = "2"
	colYellow  = "3"
	colBlue    = "4"
	colMagenta = "5"
	colCyan    = "6"
	colGray    = "8"
)

// newTheme builds the styles for renderer r. noColor (--no-color) or
// NO_COLOR (any value) turns every colour and attribute off; selection then
// shows through the cursor and mark glyphs, never through colour alone.
func newTheme(r *lipgloss.Renderer, noColor bool) *theme {
	if noColor || os.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	s := func() lipgloss.Style { return r.NewStyle() }
	t := &theme{noColor: r.ColorProfile() == termenv.Ascii}
	t.plain = s()
	t.title = s().Bold(true)
	t.muted = s().Foreground(lipgloss.Color(colGray))
	t.accent = s().Foreground(lipgloss.Color(colCyan))
	t.danger = s().Foreground(lipgloss.Color(colRed)).Bold(true)
	t.warn = s().Foreground(lipgloss.Color(colYellow))
	t.ok = s().Foreground(lipgloss.Color(colGreen))
	t.cursorRow = s().Reverse(true)
	t.marked = s().Foreground(lipgloss.Color(colMagenta)).Bold(true)
	t.header = s().Bold(true).Underline(true)
	t.badge = s().Reverse(true).Bold(true)
	t.focusTitle = s().Bold(true).Foreground(lipgloss.Color(colBlue))
	t.blurTitle = s().Foreground(lipgloss.Color(colGray))
	t.dialog = s().Border(lipgloss.RoundedBorder()).BorderForeground(lipgloss.Color(colBlue)).Padding(0, 1)
	t.key = s().Bold(true)
	t.purpose = map[cookie.Purpose]lipgloss.Style{
		cookie.PurposeSession:         s().Foreground(lipgloss.Color(colGreen)),
		cookie.PurposePersonalization: s().Foreground(lipgloss.Color(colBlue)),
		cookie.PurposeTracking:        s().Foreground(lipgloss.Color(colRed)),
		cookie.PurposeUnknown:         s().Foreground(lipgloss.Color(colGray)),
	}
	return t
}

func (t *theme) purposeStyle(p cookie.Purpose) lipgloss.Style {
	if st, ok := t.purpose[p]; ok {
		return st
	}
	return t.purpose[cookie.PurposeUnknown]
}

// help is a bubbles/help model in the theme's styles, w cells wide (0: no
// limit).
func (t *theme) help(w int) help.Model {
	h := help.New()
	h.Width = w
	h.ShortSeparator = "   "
	h.FullSeparator = "  "
	h.Styles = help.Styles{
		ShortKey: t.key, ShortDesc: t.muted, ShortSeparator: t.plain, Ellipsis: t.muted,
		FullKey: t.key, FullDesc: t.plain, FullSeparator: t.plain,
	}
	return h
}
