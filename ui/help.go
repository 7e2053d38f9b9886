package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The help screen shows the bindings of the screen it was opened from —
// computed from the same KeyMap with that screen's bindings enabled, so it
// never lists a key that does nothing there.

func (m *Model) updateHelp(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, m.keys.Back), key.Matches(km, m.keys.Help):
		m.screen = m.backScreen
	case key.Matches(km, m.keys.Quit):
		return tea.Quit
	}
	return nil
}

func (m *Model) viewHelp() string {
	// Enable the bindings of the screen behind the help to list them.
	saved := m.keys
	m.screen, m.backScreen = m.backScreen, m.screen
	m.syncKeys()
	groups := m.keys.groups()
	m.screen, m.backScreen = m.backScreen, m.screen
	m.keys = saved

	var cols []string
	colW := 0
	for _, g := range groups {
		var lines []string
		lines = append(lines, m.th.title.Render(g.title))
		for _, b := range g.keys {
			h := b.Help()
			lines = append(lines, m.th.key.Render(fit(h.Key, 12))+h.Desc)
		}
		for _, l := range lines {
			colW = maxi(colW, width(l))
		}
		cols = append(cols, joinLines(lines))
	}
	colW += 3
	perRow := maxi(m.w/maxi(colW, 1), 1)
	var out []string
	out = append(out, m.th.focusTitle.Render("crumbs help")+m.th.muted.Render("  — keys that work on this screen; esc or ? closes"), "")
	for i := 0; i < len(cols); i += perRow {
		end := mini(i+perRow, len(cols))
		blocks := make([][]string, 0, end-i)
		height := 0
		for _, c := range cols[i:end] {
			ls := splitLines(c)
			blocks = append(blocks, ls)
			height = maxi(height, len(ls))
		}
		for y := 0; y < height; y++ {
			var b strings.Builder
			for _, bl := range blocks {
				l := ""
				if y < len(bl) {
					l = bl[y]
				}
				b.WriteString(fit(l, colW))
			}
			out = append(out, b.String())
		}
		out = append(out, "")
	}
	out = append(out, m.th.muted.Render("Filters: free words match domain, name and value; domain: name: value: purpose: source:"),
		m.th.muted.Render("is:session is:expired is:partitioned is:secure is:httponly; a leading - negates a term."))
	if m.opts.ReadOnly {
		out = append(out, "", m.th.badge.Render(" READ-ONLY ")+" changes are off: delete, purge, edit, import and undo are hidden.")
	}
	return joinLines(out)
}
