package ui

// Reloading after a change or a load: what the root does with a new
// dataset, and how it keeps a reload's memory down (docs/ui.md, Memory).

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// dropFold lets go of the folded search text of a big dataset on screen
// before a reload builds the next one beside it: the screen keeps the same
// cookies, sites and rows in a dataset without it (a search typed meanwhile
// matches the fields, as while foldCmd runs). The dataset itself is not
// changed: a filter running on it keeps what it reads.
func (m *Model) dropFold() {
	c := m.c
	ds := c.data.ds
	if ds == nil || ds != c.data.latest || len(ds.cookies) < foldEagerly || !ds.foldDone.Load() {
		return
	}
	lite := ds.withoutFold()
	c.data.ds, c.data.latest = lite, lite
	if ms := m.main; ms.res != nil && ms.res.ds == ds {
		r := *ms.res
		r.ds = lite
		ms.res = &r
	}
}

// loaded takes a full load of the jar.
func (m *Model) loaded(msg loadedMsg) tea.Cmd {
	c := m.c
	if msg.gen != m.loadGen {
		return nil // a later load is on its way
	}
	c.data.loading = false
	if msg.err != nil {
		c.busy, m.pending = nil, nil
		return m.setToast("loading the jar failed: "+msg.err.Error(), true)
	}
	fold := foldCmd(msg.ds)
	if old := c.data.ds; old != nil && old.complete && old != msg.ds && fold != nil {
		// A reload: the folded text of the new load waits until the old
		// dataset is off screen (result), so that the two folded texts are
		// never live at once with two snapshots (docs/decisions.md).
		m.foldAfterShow, fold = msg.ds, nil
	}
	c.data.latest = msg.ds
	if c.busy != nil {
		c.busy.phase = "filtering"
	}
	return tea.Batch(m.main.requery(c), releaseMemoryCmd, m.refreshReport(), fold)
}

// changed takes a committed change: it reloads, and keeps the change's
// toast until the reload is on screen.
func (m *Model) changed(msg changedMsg) tea.Cmd {
	c := m.c
	if msg.err != nil {
		c.busy, m.pending = nil, nil
		return tea.Batch(m.setToast(errText(msg.err), true), m.refresh(""))
	}
	if c.busy == nil {
		c.busy = &busy{label: "reloading the jar", start: time.Now()}
	}
	c.busy.phase = "reading the jar"
	cmd := m.refresh(msg.toast)
	return cmd
}

func (m *Model) reloadTrash() tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.stack {
		if t, ok := s.(*trashScreen); ok {
			cmds = append(cmds, t.load(m.c))
		}
	}
	return tea.Batch(cmds...)
}

// show puts the newest load on screen with its filter result.
func (m *Model) show(ds *dataset) {
	c := m.c
	c.data.ds = ds
	m.main.pruneMarks(c)
	if _, ok := m.stack[0].(*welcomeScreen); ok && ds.total > 0 {
		m.stack[0] = m.main
		m.main.offerSuggest = true // the first cookies: offer protection (ui/protect.go)
	}
}
