package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// exportDialog writes cookies to a file: format (netscape, json, header),
// scope (marked, filtered, all) and path; it then reports what was written
// and what was left out and why. Files are created 0600.
type exportDialog struct {
	format, scope int
	field         int // 0 format, 1 scope, 2 path, 3 url
	path, url     textinput.Model
	pathEdited    bool
	counts        [3]int // marked, filtered, all
	// collect returns the cookies of a scope (marked, filtered, all).
	collect func(scope string) []cookie.Cookie
	running bool
	report  []string
	failed  bool
}

var exportFormats = []string{"netscape", "json", "header"}
var exportScopes = []string{"marked", "filtered", "all"}

func defaultExportName(format int) string {
	return [...]string{"cookies.txt", "cookies.json", "cookie-header.txt"}[format]
}

func newExportDialog(c *Context, ms *mainScreen) *exportDialog {
	d := &exportDialog{path: newField(c), url: newField(c)}
	d.path.Width = exportFieldWidth(c.w)
	d.url.Width = d.path.Width
	ds, res, marks := c.ds(), ms.res, ms.marks
	d.counts = [3]int{len(marks), len(res.rows), len(ds.cookies)}
	d.collect = func(scope string) []cookie.Cookie {
		switch scope {
		case "marked":
			var cs []cookie.Cookie
			for i := range ds.cookies {
				if _, ok := marks[ds.cookies[i].ID]; ok {
					cs = append(cs, ds.cookies[i])
				}
			}
			return cs
		case "filtered":
			cs := make([]cookie.Cookie, 0, len(res.rows))
			for _, r := range res.rows {
				cs = append(cs, res.ds.cookies[r])
			}
			return cs
		}
		return ds.cookies
	}
	switch {
	case len(marks) > 0:
		d.scope = 0
	case ms.filtersActive():
		d.scope = 1
	default:
		d.scope = 2
	}
	d.path.SetValue(filepath.Join(exportDir(c), defaultExportName(0)))
	d.path.CharLimit = 4096
	setPlaceholder(c, &d.url, "https://example.com/")
	d.setField(0)
	return d
}

func exportDir(c *Context) string {
	if c.opts.ExportDir != "" {
		return c.opts.ExportDir
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return "."
}

func (d *exportDialog) fields() int {
	if exportFormats[d.format] == "header" {
		return 4
	}
	return 3
}

func (d *exportDialog) setField(i int) {
	d.field = (i + d.fields()) % d.fields()
	d.path.Blur()
	d.url.Blur()
	switch d.field {
	case 2:
		d.path.Focus()
	case 3:
		d.url.Focus()
	}
}

func (d *exportDialog) enableKeys(k *KeyMap) {
	if d.report != nil {
		enable(true, &k.Cancel, &k.Save)
		k.Save.SetHelp("enter", "close")
		return
	}
	enable(true, &k.Cancel, &k.NextField, &k.PrevField, &k.Save)
	k.Save.SetHelp("enter", "export")
	enable(d.field < 2, &k.Toggle)
}

type exportDoneMsg struct {
	report []string
	err    error
}

func (d *exportDialog) update(c *Context, msg tea.Msg) (modal, tea.Cmd) {
	if done, ok := msg.(exportDoneMsg); ok {
		d.running = false
		if done.err != nil {
			d.failed = true
			d.report = []string{"export failed: " + safe(done.err.Error())}
		} else {
			d.report = done.report
		}
		return d, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || d.running {
		return d, nil
	}
	k := &c.keys
	if d.report != nil {
		if key.Matches(km, k.Cancel) || key.Matches(km, k.Save) {
			return nil, nil
		}
		return d, nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return nil, nil
	case key.Matches(km, k.NextField):
		d.setField(d.field + 1)
	case key.Matches(km, k.PrevField):
		d.setField(d.field - 1)
	case key.Matches(km, k.Save):
		return d, d.start(c)
	case d.field < 2 && key.Matches(km, k.Toggle):
		step := 1
		if km.String() == "left" {
			step = -1
		}
		if d.field == 0 {
			d.format = (d.format + step + len(exportFormats)) % len(exportFormats)
			if !d.pathEdited {
				d.path.SetValue(filepath.Join(exportDir(c), defaultExportName(d.format)))
			}
		} else {
			d.scope = (d.scope + step + len(exportScopes)) % len(exportScopes)
		}
	case d.field == 2:
		if updateField(&d.path, km) {
			d.pathEdited = true
		}
	case d.field == 3:
		updateField(&d.url, km)
	}
	return d, nil
}

// start collects the cookies in scope and writes them in a Cmd.
func (d *exportDialog) start(c *Context) tea.Cmd {
	scope := exportScopes[d.scope]
	if scope == "marked" && d.counts[0] == 0 {
		d.report, d.failed = []string{"nothing is marked: mark cookies with space, or pick another scope"}, true
		return nil
	}
	cs := d.collect(scope)
	path := strings.TrimSpace(d.path.Value())
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if path == "" || path == "-" {
		d.report, d.failed = []string{"give a file name"}, true
		return nil
	}
	opts := app.ExportOptions{Format: app.Formats[d.format], URL: strings.TrimSpace(d.url.Value()), Now: c.jar.Now()}
	if err := opts.Check(); err != nil {
		d.report, d.failed = []string{safe(err.Error())}, true
		return nil
	}
	ctx := c.ctx
	d.running = true
	return func() tea.Msg {
		rep, err := app.Export(ctx, path, nil, cs, opts)
		if err != nil {
			return exportDoneMsg{err: err}
		}
		// The CLI's report, line for line: what was written, then what
		// was left out and lost, and why.
		lines := append([]string{rep.Summary() + " (mode 0600)"}, rep.Warnings()...)
		if len(lines) == 1 {
			lines = append(lines, "nothing was left out")
		}
		for i := range lines {
			lines[i] = safe(lines[i])
		}
		return exportDoneMsg{report: lines}
	}
}

func (d *exportDialog) view(c *Context, w, h int) string {
	inner := mini(maxi(w-6, 20), 80)
	lines := []string{c.th.title.Render("Export cookies"), ""}
	if d.report != nil {
		st := c.th.ok
		if d.failed {
			st = c.th.danger
		}
		for i, l := range d.report {
			for _, p := range wordWrap(l, inner) {
				if i == 0 {
					p = st.Render(p)
				}
				lines = append(lines, p)
			}
		}
		lines = append(lines, "", c.th.muted.Render("enter or esc closes"))
		return c.th.dialog.Render(joinLines(lines))
	}
	cur := func(i int) string {
		if d.field == i {
			return "▸ "
		}
		return "  "
	}
	choice := func(opts []string, sel int, extra func(int) string) string {
		var ps []string
		for i, o := range opts {
			t := o + extra(i)
			if i == sel {
				ps = append(ps, c.th.cursorRow.Render("["+t+"]"))
			} else {
				ps = append(ps, " "+t+" ")
			}
		}
		return strings.Join(ps, " ")
	}
	none := func(int) string { return "" }
	lines = append(lines, cur(0)+fit("format", 8)+choice(exportFormats, d.format, none))
	lines = append(lines, cur(1)+fit("scope", 8)+choice(exportScopes, d.scope, func(i int) string { return fmt.Sprintf(" %d", d.counts[i]) }))
	lines = append(lines, cur(2)+fit("file", 8)+d.path.View())
	if exportFormats[d.format] == "header" {
		lines = append(lines, cur(3)+fit("url", 8)+d.url.View())
	}
	lines = append(lines, "")
	switch exportFormats[d.format] {
	case "netscape":
		lines = append(lines, c.th.muted.Render("cookies.txt for curl, wget, yt-dlp, Python; expired and unsafe cookies are left out"))
	case "json":
		lines = append(lines, c.th.muted.Render("lossless JSON (chrome.cookies shape + crumbs fields); every cookie in scope"))
	case "header":
		lines = append(lines, c.th.muted.Render("the Cookie: header a browser would send to the URL"))
	}
	if d.running {
		lines = append(lines, c.th.warn.Render("exporting…"))
	} else {
		lines = append(lines, c.th.muted.Render("enter export · tab field · space/←→ choice · esc cancel"))
	}
	for i, l := range lines {
		lines[i] = trunc(l, inner)
	}
	return c.th.dialog.Render(joinLines(lines))
}

// exportFieldWidth is the width of the file and URL fields on a terminal w
// cells wide.
func exportFieldWidth(w int) int { return mini(maxi(w-6, 20), 80) - 10 }
