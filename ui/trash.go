package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
)

// trashScreen lists deleted cookies, newest first as the jar returns them,
// and restores the marked ones (or the one under the cursor).
type trashScreen struct {
	items []jar.Trashed
	list  list
	marks map[int64]struct{}
}

type trashMsg struct {
	items []jar.Trashed
	err   error
}

func newTrashScreen(c *Context) *trashScreen {
	t := &trashScreen{marks: map[int64]struct{}{}}
	t.resize(c)
	return t
}

// load reads the trash in a Cmd.
func (t *trashScreen) load(c *Context) tea.Cmd {
	ctx, j := c.ctx, c.jar
	return func() tea.Msg {
		items, err := j.Trash(ctx)
		return trashMsg{items: items, err: err}
	}
}

// trashRows is how many trash rows fit: header, title, column header,
// status and help take 5.
func trashRows(c *Context) int { return maxi(c.h-5, 1) }

func (t *trashScreen) resize(c *Context) { t.list.resize(trashRows(c), len(t.items)) }

func (t *trashScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, k.nav()...)
	enable(true, &k.Back, &k.Quit, &k.Help, &k.Mark, &k.MarkAll, &k.Reveal, &k.Trash, &k.Refresh)
	if !c.opts.ReadOnly {
		enable(len(t.items) > 0, &k.Restore, &k.RestoreAll, &k.EmptyTrash)
		enable(true, &k.Undo)
	}
}

func (t *trashScreen) shortHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Mark, k.Restore, k.RestoreAll, k.EmptyTrash, k.Undo, k.Back, k.Help, k.Quit}
}

func (t *trashScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	if tm, ok := msg.(trashMsg); ok {
		if tm.err != nil {
			return c.nav.setToast(errText(tm.err), true)
		}
		t.items = tm.items
		t.resize(c)
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &c.keys
	if t.list.move(k, km, len(t.items)) {
		return nil
	}
	switch {
	case key.Matches(km, k.Back), key.Matches(km, k.Trash):
		c.nav.home()
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		c.nav.push(newHelp(t))
	case key.Matches(km, k.Reveal):
		c.reveal = !c.reveal
	case key.Matches(km, k.Mark):
		if t.list.cur < len(t.items) {
			toggleMark(t.marks, t.items[t.list.cur].ID)
			t.list.set(t.list.cur+1, len(t.items))
		}
	case key.Matches(km, k.MarkAll):
		all := len(t.marks) == len(t.items)
		t.marks = map[int64]struct{}{}
		if !all {
			for _, it := range t.items {
				t.marks[it.ID] = struct{}{}
			}
		}
	case key.Matches(km, k.Restore):
		ids := make([]int64, 0, len(t.marks))
		for _, it := range t.items {
			if _, ok := t.marks[it.ID]; ok {
				ids = append(ids, it.ID)
			}
		}
		if len(ids) == 0 && t.list.cur < len(t.items) {
			ids = []int64{t.items[t.list.cur].ID}
		}
		t.marks = map[int64]struct{}{}
		return restoreCmd(c, ids)
	case key.Matches(km, k.RestoreAll):
		t.marks = map[int64]struct{}{}
		return restoreCmd(c, nil)
	case key.Matches(km, k.EmptyTrash):
		c.nav.open(&confirmDialog{
			title:  "Empty the trash",
			body:   fmt.Sprintf("Forget %s for good?\nThis cannot be undone.", plural(len(t.items), "cookie")),
			action: "empty",
			onYes: func() tea.Cmd {
				return c.change("emptying the trash", func(ctx context.Context, j *jar.Jar) (string, error) {
					n, err := j.EmptyTrash(ctx)
					if err != nil {
						return "", err
					}
					return fmt.Sprintf("emptied the trash: %d forgotten for good", n), nil
				})
			},
		})
	case key.Matches(km, k.Undo):
		return undo(c)
	}
	return nil
}

// restoreCmd restores ids from the trash (nil: all of it).
func restoreCmd(c *Context, ids []int64) tea.Cmd {
	if ids != nil && len(ids) == 0 {
		return nil
	}
	what := "restoring everything"
	if ids != nil {
		what = "restoring " + plural(len(ids), "cookie")
	}
	return c.change(what, func(ctx context.Context, j *jar.Jar) (string, error) {
		n, err := j.Restore(ctx, ids)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("restored %d — u to undo", n), nil
	})
}

func (t *trashScreen) view(c *Context) string {
	w, th := c.w, c.th
	lines := []string{viewHeader(c), th.focusTitle.Render(fit(fmt.Sprintf("Trash · %s", plural(len(t.items), "cookie")), w))}
	const delW, purposeW = 17, 16
	srcW := clamp(w/5, 8, 24)
	domW := clamp(w/4, 10, 30)
	nameW := maxi(w-2-domW-purposeW-srcW-delW, 4)
	lines = append(lines, th.header.Render(fit("  "+fit("domain", domW)+fit("name", nameW)+fit("purpose", purposeW)+fit("source", srcW)+fit("deleted", delW), w)))
	from, to := t.list.window(len(t.items))
	for i := from; i < to; i++ {
		it := &t.items[i]
		glyph, markG := " ", " "
		if i == t.list.cur {
			glyph = "▸"
		}
		if _, ok := t.marks[it.ID]; ok {
			markG = th.marked.Render("●")
		}
		cells := fit(protectPrefix(it.ProtectedBy != "")+safe(it.Host()), domW-1) + " " + fit(safe(it.Name), nameW-1) + " " + fit(string(it.Purpose), purposeW) + fit(safe(it.Source), srcW-1) + " " + fit(fmtTime(it.DeletedAt), delW)
		if i == t.list.cur {
			cells = th.cursorRow.Render(cells)
		}
		lines = append(lines, glyph+markG+cells)
	}
	if len(t.items) == 0 {
		lines = append(lines, th.muted.Render("  the trash is empty"))
	}
	lines = fill(lines, c.h-2)
	status := []string{}
	if s := toastText(c); s != "" {
		status = append(status, s)
	}
	if b := busyText(c); b != "" {
		status = append(status, b)
	}
	if n := len(t.marks); n > 0 {
		status = append(status, th.marked.Render(fmt.Sprintf("%d marked", n)))
	}
	if c.opts.ReadOnly {
		status = append(status, th.badge.Render(" READ-ONLY "))
	}
	status = append(status, "? help")
	return joinLines(append(lines, strings.Join(status, " · ")))
}
