package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
)

// importPicker lists the discovered browser profiles and imports the chosen
// ones. Reading runs in a goroutine that reports progress over a channel;
// one Cmd reads one message and re-arms itself (glow's streaming pattern),
// so keys and redraws never wait for an import. The profiles chosen go in
// as one jar.Import: one transaction and one undo step.
type importPicker struct {
	cur     int
	marks   map[int]bool
	state   importState
	queue   []Profile
	step    int
	done    int
	total   int
	results []importResult
	ch      chan tea.Msg
	cancel  context.CancelFunc
	// path is the field below the list: a cookies.txt, JSON export, store
	// or profile folder to import instead (tab completes it).
	path    textinput.Model
	onPath  bool
	pathErr string
}

func newImportPicker(c *Context) *importPicker {
	p := &importPicker{marks: map[int]bool{}, path: newField(c)}
	p.path.Width = maxi(mini(maxi(c.w-6, 20), 96)-12, 10)
	setPlaceholder(c, &p.path, "~/Downloads/cookies.txt")
	return p
}

type importState int

const (
	importPicking importState = iota
	importRunning
	importDone
)

type importResult struct {
	spec     string
	stats    jar.ImportStats
	warnings []string
	err      error
}

type importProgressMsg struct{ step, done, total int }
type importStepMsg struct {
	step int
	res  importResult
}
type importFinishedMsg struct{}

func openImport(c *Context) tea.Cmd {
	if !c.canImport() {
		return c.nav.setToast("importing is not available here; use crumbs import", true)
	}
	c.nav.open(newImportPicker(c))
	if c.data.profiles == nil && !c.data.discovering {
		return c.nav.discover()
	}
	return nil
}

// importAll opens the picker and starts importing every readable profile.
func importAll(c *Context) tea.Cmd {
	p := newImportPicker(c)
	c.nav.open(p)
	var queue []Profile
	for _, pr := range c.data.profiles {
		if pr.Err == "" {
			queue = append(queue, pr)
		}
	}
	if len(queue) == 0 {
		return nil
	}
	return p.start(c, queue)
}

func (p *importPicker) enableKeys(k *KeyMap) {
	switch p.state {
	case importPicking:
		if p.onPath {
			enable(true, &k.Up, &k.Save, &k.Cancel, &k.NextField)
			k.Up.SetHelp("↑", "back to the list")
			k.Save.SetHelp("enter", "import the path")
			k.NextField.SetHelp("tab", "complete")
			return
		}
		enable(true, &k.Up, &k.Down, &k.Mark, &k.Save, &k.Cancel, &k.Import)
		k.Save.SetHelp("enter", "import")
		k.Import.SetHelp("a", "import all")
		k.Import.SetKeys("a")
	case importRunning:
		enable(true, &k.Cancel)
		k.Cancel.SetHelp("esc", "stop")
	case importDone:
		enable(true, &k.Save, &k.Cancel)
		k.Save.SetHelp("enter", "close")
	}
}

func (p *importPicker) start(c *Context, queue []Profile) tea.Cmd {
	ctx, cancel := context.WithCancel(c.ctx)
	p.cancel = cancel
	p.state, p.queue, p.step, p.done, p.total, p.results = importRunning, queue, 0, 0, 0, nil
	ch := make(chan tea.Msg, 4)
	p.ch = ch
	read, j := c.opts.Read, c.jar
	go func() {
		defer close(ch)
		// Every profile is read first, then written as one jar.Import:
		// importing several profiles is one transaction and one undo step,
		// as crumbs import all is (internal/app.Import).
		var batches []jar.Batch
		for i, pr := range queue {
			if ctx.Err() != nil {
				return
			}
			i := i
			bs, warns, err := read(ctx, pr, func(done, total int) {
				select {
				case ch <- importProgressMsg{step: i, done: done, total: total}:
				default: // a newer report will follow; never block the reader
				}
			})
			batches = append(batches, bs...)
			ch <- importStepMsg{step: i, res: importResult{spec: pr.Spec, warnings: warns, err: err}}
		}
		if len(batches) == 0 {
			return
		}
		st, err := j.Import(ctx, batches, jar.ImportOptions{})
		ch <- importWrittenMsg{stats: st, err: err}
	}()
	return waitImport(ch)
}

// importWrittenMsg carries the one import of every profile read.
type importWrittenMsg struct {
	stats jar.ImportStats
	err   error
}

func waitImport(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return importFinishedMsg{}
		}
		return msg
	}
}

func (p *importPicker) update(c *Context, msg tea.Msg) (modal, tea.Cmd) {
	switch msg := msg.(type) {
	case profilesMsg:
		return p, nil
	case importProgressMsg:
		p.step, p.done, p.total = msg.step, msg.done, msg.total
		return p, waitImport(p.ch)
	case importStepMsg:
		p.results = append(p.results, msg.res)
		p.step, p.done, p.total = msg.step+1, 0, 0
		return p, waitImport(p.ch)
	case importWrittenMsg:
		for i := range p.results {
			r := &p.results[i]
			if r.err == nil {
				r.stats, r.err = msg.stats.BySource[r.spec], msg.err
			}
		}
		return p, waitImport(p.ch)
	case importFinishedMsg:
		p.state = importDone
		if p.cancel != nil {
			p.cancel()
		}
		added, failed := 0, 0
		for _, r := range p.results {
			added += r.stats.Added
			if r.err != nil {
				failed++
			}
		}
		toast := fmt.Sprintf("imported %s: %d new cookies — u undoes it", plural(len(p.results)-failed, "profile"), added)
		return p, func() tea.Msg { return changedMsg{toast: toast} }
	case tea.KeyMsg:
		return p.key(c, msg)
	}
	return p, nil
}

func (p *importPicker) key(c *Context, km tea.KeyMsg) (modal, tea.Cmd) {
	k := &c.keys
	profiles := c.data.profiles
	switch p.state {
	case importRunning:
		if key.Matches(km, k.Cancel) && p.cancel != nil {
			p.cancel()
		}
		return p, nil
	case importDone:
		if key.Matches(km, k.Save) || key.Matches(km, k.Cancel) {
			return nil, nil
		}
		return p, nil
	}
	n := len(profiles)
	if p.onPath {
		return p.pathKey(c, km)
	}
	switch {
	case key.Matches(km, k.Cancel):
		return nil, nil
	case key.Matches(km, k.Up):
		p.cur = clamp(p.cur-1, 0, maxi(n-1, 0))
	case key.Matches(km, k.Down):
		if p.cur >= n-1 {
			p.onPath = true // below the last profile: the path field
			p.path.Focus()
			return p, nil
		}
		p.cur = clamp(p.cur+1, 0, maxi(n-1, 0))
	case key.Matches(km, k.Mark):
		if p.cur < n {
			p.marks[p.cur] = !p.marks[p.cur]
		}
	case key.Matches(km, k.Import): // a: all
		var q []Profile
		for _, pr := range profiles {
			if pr.Err == "" {
				q = append(q, pr)
			}
		}
		if len(q) > 0 {
			return p, p.start(c, q)
		}
	case key.Matches(km, k.Save):
		var q []Profile
		for i, pr := range profiles {
			if p.marks[i] && pr.Err == "" {
				q = append(q, pr)
			}
		}
		if len(q) == 0 && p.cur < n && profiles[p.cur].Err == "" {
			q = []Profile{profiles[p.cur]}
		}
		if len(q) > 0 {
			return p, p.start(c, q)
		}
	}
	return p, nil
}

func (p *importPicker) view(c *Context, w, h int) string {
	d := c.data
	inner := mini(maxi(w-6, 20), 96)
	lines := []string{c.th.title.Render("Import from browsers"), ""}
	switch p.state {
	case importPicking:
		switch {
		case d.discovering:
			lines = append(lines, "looking for browsers…")
		case d.profilesErr != nil:
			lines = append(lines, c.th.danger.Render("discovery failed: "+safe(d.profilesErr.Error())))
		case len(d.profiles) == 0:
			lines = append(lines, "no browser profiles found on this machine", "import a file instead: crumbs import PATH")
		}
		cur := p.cur
		if p.onPath {
			cur = -1
		}
		lines = append(lines, profileLines(c, d.profiles, cur, p.marks, inner, maxi(h-14, 3))...)
		if !p.onPath && p.cur < len(d.profiles) && d.profiles[p.cur].Err != "" {
			// why this one cannot be read, in full
			for _, l := range wordWrap("cannot be read: "+safe(d.profiles[p.cur].Err), inner-2) {
				lines = append(lines, "  "+c.th.danger.Render(l))
			}
		}
		g := "  "
		if p.onPath {
			g = "▸ "
		}
		lines = append(lines, g+fit("or a path", 10)+p.path.View())
		if p.pathErr != "" {
			lines = append(lines, "  "+c.th.danger.Render(trunc(safe(p.pathErr), inner-2)))
		}
		hint := "enter import · space mark · a all · ↓ a path · esc close"
		if p.onPath {
			hint = "a cookies.txt, JSON export, cookie store or profile folder · tab completes · enter import · esc close"
		}
		lines = append(lines, "", c.th.muted.Render(hint))
	default:
		for _, r := range p.results {
			lines = append(lines, resultLines(c, r, inner)...)
		}
		if p.state == importRunning && p.step < len(p.queue) {
			pr := p.queue[p.step]
			lines = append(lines, fmt.Sprintf("reading %s (%d of %d)", safe(pr.Spec), p.step+1, len(p.queue)))
			lines = append(lines, progressBar(c, p.done, p.total, mini(inner, 60)))
			lines = append(lines, "", c.th.muted.Render("esc stop"))
		}
		if p.state == importDone {
			lines = append(lines, "", c.th.muted.Render("enter or esc closes"))
		}
	}
	for i, l := range lines {
		lines[i] = trunc(l, inner)
	}
	return c.th.dialog.Render(joinLines(lines))
}

func resultLines(c *Context, r importResult, w int) []string {
	if r.err != nil {
		out := []string{c.th.danger.Render("✗ " + safe(r.spec))}
		for _, l := range wordWrap(safe(errText(r.err)), w-2) {
			out = append(out, "  "+c.th.danger.Render(l))
		}
		return out
	}
	s := r.stats
	out := []string{c.th.ok.Render("✓ "+safe(r.spec)) + fmt.Sprintf(": %d added, %d updated, %d unchanged", s.Added, s.Updated, s.Unchanged)}
	for i, wl := range r.warnings {
		if i == 3 {
			out = append(out, c.th.warn.Render(fmt.Sprintf("  … and %d more warnings", len(r.warnings)-3)))
			break
		}
		out = append(out, c.th.warn.Render("  ! "+trunc(safe(wl), w-4)))
	}
	return out
}

// profileLines renders profiles as a table (browser, profile, running,
// cookies), at most max rows around the cursor.
func profileLines(c *Context, ps []Profile, cur int, marks map[int]bool, w, max int) []string {
	var out []string
	if len(ps) == 0 {
		return nil
	}
	out = append(out, c.th.header.Render(fit("  "+fit("browser", 12)+fit("profile", 28)+fit("state", 10)+"cookies", w)))
	top := scrollTop(0, cur, max, len(ps))
	for i := top; i < len(ps) && i < top+max; i++ {
		pr := ps[i]
		g := " "
		if i == cur && cur >= 0 {
			g = "▸"
		}
		mk := " "
		if marks[i] {
			mk = c.th.marked.Render("●")
		}
		state := ""
		if pr.Running {
			state = c.th.warn.Render("running")
		}
		count := "?"
		if pr.Cookies >= 0 {
			count = fmt.Sprint(pr.Cookies)
		}
		if pr.Err != "" {
			count = c.th.danger.Render(safe(pr.Err))
		}
		out = append(out, g+mk+fit(safe(pr.Browser), 12)+fit(safe(pr.Name), 28)+fit(state, 10)+count)
	}
	return out
}

// progressBar draws done/total as a bar; an unknown total shows a count.
func progressBar(c *Context, done, total, w int) string {
	if total <= 0 {
		return fmt.Sprintf("%d rows read…", done)
	}
	label := fmt.Sprintf(" %3d%%  %d/%d", done*100/total, done, total)
	bw := maxi(w-width(label), 4)
	filled := clamp(done*bw/total, 0, bw)
	return c.th.accent.Render(strings.Repeat("█", filled)) + c.th.muted.Render(strings.Repeat("░", bw-filled)) + label
}

// pathKey is a key while the path field has the focus.
func (p *importPicker) pathKey(c *Context, km tea.KeyMsg) (modal, tea.Cmd) {
	k := &c.keys
	switch {
	case key.Matches(km, k.Cancel):
		return nil, nil
	case km.Type == tea.KeyUp: // (k is text here)
		p.onPath = false
		p.path.Blur()
	case km.Type == tea.KeyTab: // completes
		p.path.SetValue(completePath(p.path.Value()))
		p.path.CursorEnd()
	case key.Matches(km, k.Save):
		path := expandHome(strings.TrimSpace(p.path.Value()))
		if path == "" {
			p.pathErr = "type the path of a cookies.txt, a JSON export, a cookie store or a profile folder"
			return p, nil
		}
		if _, err := os.Stat(path); err != nil {
			p.pathErr = err.Error()
			return p, nil
		}
		p.pathErr = ""
		return p, p.start(c, []Profile{{Spec: path, Browser: "file", Name: filepath.Base(path), Path: path, Cookies: -1}})
	default:
		updateField(&p.path, km)
		p.pathErr = ""
	}
	return p, nil
}

// expandHome turns a leading ~/ into the home folder.
func expandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, path[2:])
		}
	}
	return path
}

// completePath completes s from the file system: the one entry that
// starts so (a folder gets its /), else the longest prefix the entries
// share; s itself when nothing matches.
func completePath(s string) string {
	full := expandHome(s)
	dir, base := filepath.Split(full)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return s
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), base) {
			name := e.Name()
			if e.IsDir() {
				name += string(filepath.Separator)
			}
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return s
	}
	common := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, common) {
			common = common[:len(common)-1]
		}
	}
	return s[:len(s)-len(base)] + common
}
