package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// helpScreen shows the bindings of the screen it was opened over —
// computed from a fresh KeyMap with that screen's bindings enabled, so it
// never lists a key that does nothing there.
type helpScreen struct {
	under screen
}

func (hs *helpScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, &k.Back, &k.Help, &k.Quit)
}

func (hs *helpScreen) shortHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Back, k.Help, k.Quit}
}

func (hs *helpScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, c.keys.Back), key.Matches(km, c.keys.Help):
		c.nav.pop()
	case key.Matches(km, c.keys.Quit):
		return tea.Quit
	}
	return nil
}

// groups are the enabled bindings of the screen under the help.
func (hs *helpScreen) groups(c *Context) []helpGroup {
	k := newKeyMap()
	enable(false, k.all()...)
	enable(true, &k.ForceQuit)
	hs.under.enableKeys(c, &k)
	return k.groups()
}

func (hs *helpScreen) view(c *Context) string {
	th := c.th
	var cols []string
	colW := 0
	for _, g := range hs.groups(c) {
		var lines []string
		lines = append(lines, th.title.Render(g.title))
		for _, b := range g.keys {
			h := b.Help()
			lines = append(lines, th.key.Render(fit(h.Key, 12))+h.Desc)
		}
		for _, l := range lines {
			colW = maxi(colW, width(l))
		}
		cols = append(cols, joinLines(lines))
	}
	colW += 3
	perRow := maxi(c.w/maxi(colW, 1), 1)
	var out []string
	out = append(out, th.focusTitle.Render("crumbs help")+th.muted.Render("  — keys that work on this screen; esc or ? closes"), "")
	for i := 0; i < len(cols); i += perRow {
		end := mini(i+perRow, len(cols))
		blocks := make([][]string, 0, end-i)
		height := 0
		for _, col := range cols[i:end] {
			ls := splitLines(col)
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
	out = append(out, th.muted.Render("Filters: free words match domain, name and value; domain: name: value: purpose: source:"),
		th.muted.Render("is:session is:expired is:partitioned is:secure is:httponly; a leading - negates a term."))
	if c.opts.ReadOnly {
		out = append(out, "", th.badge.Render(" READ-ONLY ")+" changes are off: delete, purge, edit, import and undo are hidden.")
	}
	return joinLines(out)
}
