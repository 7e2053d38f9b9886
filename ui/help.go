package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// helpScreen shows the bindings of the screen it was opened over —
// computed from a fresh KeyMap with that screen's bindings enabled, so it
// never lists a key that does nothing there. Each group is a titled
// column drawn by bubbles/help; the page scrolls in a bubbles/viewport
// when it is taller than the terminal.
type helpScreen struct {
	under screen
	vp    viewport.Model
}

func newHelp(under screen) *helpScreen {
	return &helpScreen{under: under, vp: viewport.New(0, 0)}
}

func (hs *helpScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, &k.Back, &k.Help, &k.Quit, &k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown)
}

func (hs *helpScreen) shortHelp(k *KeyMap) []key.Binding {
	k.Quit.SetHelp("q", "close help")
	return []key.Binding{k.Up, k.Down, k.Back, k.Quit}
}

func (hs *helpScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, c.keys.Back), key.Matches(km, c.keys.Help), key.Matches(km, c.keys.Quit):
		c.nav.pop() // q closes the help, as in less and man
	default:
		hs.vp = scrolled(c, hs.vp, hs.content(c), c.h-1, km)
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

// content is the whole help page.
func (hs *helpScreen) content(c *Context) string {
	th := c.th
	h := th.help(0)
	var cols []string
	colW := 0
	for _, g := range hs.groups(c) {
		col := th.title.Render(g.title) + "\n" + h.FullHelpView([][]key.Binding{g.keys})
		for _, l := range splitLines(col) {
			colW = maxi(colW, width(l))
		}
		cols = append(cols, col)
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

func (hs *helpScreen) view(c *Context) string {
	return fitViewport(c, hs.vp, hs.content(c), c.h-1).View()
}

// fitViewport is vp (a copy) showing content in the terminal's width and height
// rows, its offset kept inside the content.
func fitViewport(c *Context, vp viewport.Model, content string, height int) viewport.Model {
	vp.Width, vp.Height = c.w, maxi(height, 1)
	// Lines are cut to the width here: the viewport's own style would
	// wrap them, and then its rows would not be the content's lines.
	lines := splitLines(content)
	for i, l := range lines {
		lines[i] = trunc(l, c.w)
	}
	vp.SetContent(joinLines(lines))
	return vp
}

// scrolled applies a scrolling key to vp over content (bubbles/viewport,
// driven by the UI's own moving keys).
func scrolled(c *Context, vp viewport.Model, content string, height int, km tea.KeyMsg) viewport.Model {
	vp = fitViewport(c, vp, content, height)
	k := &c.keys
	vp.KeyMap = viewport.KeyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, HalfPageUp: k.HalfUp, HalfPageDown: k.HalfDown}
	switch {
	case key.Matches(km, k.Top):
		vp.GotoTop()
	case key.Matches(km, k.Bottom):
		vp.GotoBottom()
	default:
		vp, _ = vp.Update(km)
	}
	return vp
}
