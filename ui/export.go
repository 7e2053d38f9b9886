package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// exportDialog writes cookies to a file: format (netscape, json, header),
// scope (marked, filtered, all) and path; it then reports what was written
// and what was left out and why. Files are created 0600.
type exportDialog struct {
	format, scope int
	field         int // 0 format, 1 scope, 2 path, 3 url
	path, url     lineInput
	pathEdited    bool
	counts        [3]int // marked, filtered, all
	running       bool
	report        []string
	failed        bool
}

var exportFormats = []string{"netscape", "json", "header"}
var exportScopes = []string{"marked", "filtered", "all"}

func defaultExportName(format int) string {
	return [...]string{"cookies.txt", "cookies.json", "cookie-header.txt"}[format]
}

func newExportDialog(m *Model) *exportDialog {
	d := &exportDialog{path: m.newInput(), url: m.newInput()}
	d.counts = [3]int{len(m.marks), len(m.res.rows), len(m.ds.cookies)}
	switch {
	case len(m.marks) > 0:
		d.scope = 0
	case m.filtersActive():
		d.scope = 1
	default:
		d.scope = 2
	}
	d.path.SetValue(filepath.Join(m.exportDir(), defaultExportName(0)))
	d.path.CharLimit = 4096
	d.url.Placeholder = "https://example.com/"
	d.setField(0)
	return d
}

func (m *Model) exportDir() string {
	if m.opts.ExportDir != "" {
		return m.opts.ExportDir
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

func (d *exportDialog) update(m *Model, msg tea.Msg) (modal, tea.Cmd) {
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
	k := &m.keys
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
		return d, d.start(m)
	case d.field < 2 && key.Matches(km, k.Toggle):
		step := 1
		if km.String() == "left" {
			step = -1
		}
		if d.field == 0 {
			d.format = (d.format + step + len(exportFormats)) % len(exportFormats)
			if !d.pathEdited {
				d.path.SetValue(filepath.Join(m.exportDir(), defaultExportName(d.format)))
			}
		} else {
			d.scope = (d.scope + step + len(exportScopes)) % len(exportScopes)
		}
	case d.field == 2:
		if d.path.Update(km) {
			d.pathEdited = true
		}
	case d.field == 3:
		d.url.Update(km)
	}
	return d, nil
}

// start collects the cookies in scope and writes them in a Cmd.
func (d *exportDialog) start(m *Model) tea.Cmd {
	var cs []cookie.Cookie
	switch exportScopes[d.scope] {
	case "marked":
		if len(m.marks) == 0 {
			d.report, d.failed = []string{"nothing is marked: mark cookies with space, or pick another scope"}, true
			return nil
		}
		for i := range m.ds.cookies {
			if _, ok := m.marks[m.ds.cookies[i].ID]; ok {
				cs = append(cs, m.ds.cookies[i])
			}
		}
	case "filtered":
		cs = make([]cookie.Cookie, 0, len(m.res.rows))
		for _, r := range m.res.rows {
			cs = append(cs, m.ds.cookies[r])
		}
	default:
		cs = m.ds.cookies
	}
	path := strings.TrimSpace(d.path.Value())
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if path == "" {
		d.report, d.failed = []string{"give a file name"}, true
		return nil
	}
	format := exportFormats[d.format]
	url := strings.TrimSpace(d.url.Value())
	if format == "header" && url == "" {
		d.report, d.failed = []string{"the header format needs the URL the request goes to"}, true
		return nil
	}
	now := m.j.Now()
	d.running = true
	return func() tea.Msg {
		rep, err := exportCookies(path, format, url, cs, now)
		return exportDoneMsg{report: rep, err: err}
	}
}

func (d *exportDialog) view(m *Model, w, h int) string {
	inner := mini(maxi(w-6, 20), 80)
	lines := []string{m.th.title.Render("Export cookies"), ""}
	if d.report != nil {
		st := m.th.ok
		if d.failed {
			st = m.th.danger
		}
		for i, l := range d.report {
			for _, p := range wrap(l, inner) {
				if i == 0 {
					p = st.Render(p)
				}
				lines = append(lines, p)
			}
		}
		lines = append(lines, "", m.th.muted.Render("enter or esc closes"))
		return m.th.dialog.Render(joinLines(lines))
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
				ps = append(ps, m.th.cursorRow.Render("["+t+"]"))
			} else {
				ps = append(ps, " "+t+" ")
			}
		}
		return strings.Join(ps, " ")
	}
	none := func(int) string { return "" }
	lines = append(lines, cur(0)+fit("format", 8)+choice(exportFormats, d.format, none))
	lines = append(lines, cur(1)+fit("scope", 8)+choice(exportScopes, d.scope, func(i int) string { return fmt.Sprintf(" %d", d.counts[i]) }))
	d.path.Width = inner - 10
	lines = append(lines, cur(2)+fit("file", 8)+d.path.View())
	if exportFormats[d.format] == "header" {
		d.url.Width = inner - 10
		lines = append(lines, cur(3)+fit("url", 8)+d.url.View())
	}
	lines = append(lines, "")
	switch exportFormats[d.format] {
	case "netscape":
		lines = append(lines, m.th.muted.Render("cookies.txt for curl, wget, yt-dlp, Python; expired and unsafe cookies are left out"))
	case "json":
		lines = append(lines, m.th.muted.Render("lossless JSON (chrome.cookies shape + crumbs fields); every cookie in scope"))
	case "header":
		lines = append(lines, m.th.muted.Render("the Cookie: header a browser would send to the URL"))
	}
	if d.running {
		lines = append(lines, m.th.warn.Render("exporting…"))
	} else {
		lines = append(lines, m.th.muted.Render("enter export · tab field · space/←→ choice · esc cancel"))
	}
	for i, l := range lines {
		lines[i] = trunc(l, inner)
	}
	return m.th.dialog.Render(joinLines(lines))
}

// exportCookies writes cs to path in format and returns the report lines.
func exportCookies(path, format, url string, cs []cookie.Cookie, now time.Time) ([]string, error) {
	var rep []string
	switch format {
	case "netscape":
		r, err := netscape.WriteFile(path, cs, netscape.WriteOptions{Now: now})
		if err != nil {
			return nil, err
		}
		rep = append(rep, fmt.Sprintf("wrote %s to %s (mode 0600)", plural(r.Written, "cookie"), safe(path)))
		if r.Skipped() > 0 || len(r.Lost) > 0 {
			rep = append(rep, r.Warnings()...)
		} else {
			rep = append(rep, "nothing was left out")
		}
	case "json":
		if err := writeFileAtomic(path, func(w io.Writer) error { return writeJSON(w, cs) }); err != nil {
			return nil, err
		}
		rep = append(rep, fmt.Sprintf("wrote %s to %s (mode 0600)", plural(len(cs), "cookie"), safe(path)), "JSON is lossless: nothing was left out")
	case "header":
		h, n, err := headerFor(cs, url, now)
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(path, func(w io.Writer) error {
			_, err := io.WriteString(w, "Cookie: "+h+"\n")
			return err
		}); err != nil {
			return nil, err
		}
		rep = append(rep, fmt.Sprintf("wrote the Cookie header for %s (%s) to %s (mode 0600)", safe(url), plural(n, "cookie"), safe(path)),
			fmt.Sprintf("%s in scope left out: not sent to that URL (domain, path, secure or expiry)", plural(len(cs)-n, "cookie")))
	}
	return rep, nil
}

// writeFileAtomic writes through a 0600 temp file in the same directory,
// renamed into place, so a crash never leaves half a file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".crumbs-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
