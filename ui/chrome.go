package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The pieces every screen shares: the header, the toast and the help line.

// viewHeader is the first line: the jar, its counts and the trash. When
// it does not fit, the jar's path gives way first (to its file name, then
// cut), then the purpose names shorten to letters; the counts stay.
func viewHeader(c *Context) string {
	ds := c.ds()
	counts := func(short bool) string {
		parts := []string{fmt.Sprintf("%d cookies", ds.total)}
		if ds.complete {
			for _, p := range cookie.Purposes {
				name := string(p)
				if short {
					name = purposeLetter(p)
				}
				parts = append(parts, c.th.purposeStyle(p).Render(fmt.Sprintf("%s %d", name, ds.byPurpose[purposeIndex(p)])))
			}
		}
		if c.data.trashCount > 0 {
			parts = append(parts, c.th.muted.Render(fmt.Sprintf("trash %d", c.data.trashCount)))
		}
		return strings.Join(parts, "  ")
	}
	path := safe(c.jar.Path())
	tail := counts(false)
	if width("crumbs "+path+"  "+tail) > c.w {
		path = safe(filepath.Base(c.jar.Path()))
	}
	if width("crumbs "+path+"  "+tail) > c.w {
		tail = counts(true)
	}
	room := c.w - width("crumbs   "+tail)
	if room < width(path) {
		path = trunc(path, maxi(room, 1))
	}
	return fit(c.th.title.Render("crumbs")+" "+c.th.muted.Render(path)+"  "+tail, c.w)
}

// busyText is the running change with a spinner, its phase and how long
// it has run; "" when idle.
func busyText(c *Context) string {
	b := c.busy
	if b == nil {
		return ""
	}
	frames := spinner.MiniDot.Frames
	s := frames[b.frame%len(frames)] + " " + b.label + "…"
	if b.phase != "" {
		s += " " + b.phase
	}
	if d := time.Since(b.start); d >= time.Second {
		s += fmt.Sprintf(" · %.0f s", d.Seconds())
	}
	return c.th.warn.Render(s)
}

// toastText is the toast styled as a result or an error; "" when none.
func toastText(c *Context) string {
	if c.toast.text == "" {
		return ""
	}
	if c.toast.err {
		return c.th.danger.Render(c.toast.text)
	}
	return c.th.ok.Render(c.toast.text)
}

// helpLine draws bindings as "key desc" pairs, as many as fit
// (bubbles/help's short view).
func helpLine(c *Context, bs []key.Binding) string {
	return c.th.help(c.w).ShortHelpView(bs)
}

// enabledOnly keeps the bindings that are switched on.
func enabledOnly(bs []key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// modalHelp is the footer while a dialog or the search box has the keys.
func modalHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Confirm, k.Save, k.SearchKeep, k.SearchClear, k.NextField, k.Toggle, k.Cancel, k.Up, k.Down, k.Open, k.Import}
}

// fill pads lines with blank ones up to n lines.
func fill(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}
