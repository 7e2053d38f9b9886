package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
)

// The trash screen lists deleted cookies, newest first as the jar returns
// them, and restores the marked ones (or the one under the cursor).

func (m *Model) updateTrash(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &m.keys
	if cur, ok := m.move(km, m.trashCur, len(m.trash), maxi(m.h-5, 1)); ok {
		m.trashCur = cur
		m.clampCursors()
		return nil
	}
	switch {
	case key.Matches(km, k.Back), key.Matches(km, k.Trash):
		m.screen = scrMain
		if m.ds.total == 0 {
			m.screen = scrWelcome
		}
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		m.backScreen, m.screen = scrTrash, scrHelp
	case key.Matches(km, k.Reveal):
		m.reveal = !m.reveal
	case key.Matches(km, k.Mark):
		if m.trashCur < len(m.trash) {
			toggleMark(m.trashMarks, m.trash[m.trashCur].ID)
			m.trashCur = clamp(m.trashCur+1, 0, maxi(len(m.trash)-1, 0))
			m.clampCursors()
		}
	case key.Matches(km, k.MarkAll):
		all := len(m.trashMarks) == len(m.trash)
		m.trashMarks = map[int64]struct{}{}
		if !all {
			for _, t := range m.trash {
				m.trashMarks[t.ID] = struct{}{}
			}
		}
	case key.Matches(km, k.Restore):
		ids := make([]int64, 0, len(m.trashMarks))
		for _, t := range m.trash {
			if _, ok := m.trashMarks[t.ID]; ok {
				ids = append(ids, t.ID)
			}
		}
		if len(ids) == 0 && m.trashCur < len(m.trash) {
			ids = []int64{m.trash[m.trashCur].ID}
		}
		m.trashMarks = map[int64]struct{}{}
		return m.restoreCmd(ids)
	case key.Matches(km, k.RestoreAll):
		m.trashMarks = map[int64]struct{}{}
		return m.restoreCmd(nil)
	case key.Matches(km, k.EmptyTrash):
		m.modal = &confirmDialog{
			title:  "Empty the trash",
			body:   fmt.Sprintf("Delete %s for good?\nu can still undo it right after.", plural(len(m.trash), "cookie")),
			action: "empty",
			onYes: m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
				n, err := j.EmptyTrash(ctx)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("emptied the trash: %d deleted — u to undo", n), nil
			}),
		}
	case key.Matches(km, k.Undo):
		return m.undo()
	}
	return nil
}

func (m *Model) restoreCmd(ids []int64) tea.Cmd {
	if ids != nil && len(ids) == 0 {
		return nil
	}
	return m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
		n, err := j.Restore(ctx, ids)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("restored %d — u to undo", n), nil
	})
}

func (m *Model) viewTrash() string {
	w := m.w
	lines := []string{m.viewHeader(), m.th.focusTitle.Render(fit(fmt.Sprintf("Trash · %s", plural(len(m.trash), "cookie")), w))}
	const delW, purposeW = 17, 16
	srcW := clamp(w/5, 8, 24)
	domW := clamp(w/4, 10, 30)
	nameW := maxi(w-2-domW-purposeW-srcW-delW, 4)
	lines = append(lines, m.th.header.Render(fit("  "+fit("domain", domW)+fit("name", nameW)+fit("purpose", purposeW)+fit("source", srcW)+fit("deleted", delW), w)))
	vis := maxi(m.h-5, 1)
	for i := m.trashTop; i < len(m.trash) && i < m.trashTop+vis; i++ {
		t := &m.trash[i]
		glyph, markG := " ", " "
		if i == m.trashCur {
			glyph = "▸"
		}
		if _, ok := m.trashMarks[t.ID]; ok {
			markG = m.th.marked.Render("●")
		}
		cells := fit(safe(t.Host()), domW-1) + " " + fit(safe(t.Name), nameW-1) + " " + fit(string(t.Purpose), purposeW) + fit(safe(t.Source), srcW-1) + " " + fit(fmtTime(t.DeletedAt), delW)
		if i == m.trashCur {
			cells = m.th.cursorRow.Render(cells)
		}
		lines = append(lines, glyph+markG+cells)
	}
	if len(m.trash) == 0 {
		lines = append(lines, m.th.muted.Render("  the trash is empty"))
	}
	for len(lines) < m.h-2 {
		lines = append(lines, "")
	}
	status := []string{}
	if m.toast != "" {
		st := m.th.ok
		if m.toastErr {
			st = m.th.danger
		}
		status = append(status, st.Render(m.toast))
	}
	if n := len(m.trashMarks); n > 0 {
		status = append(status, m.th.marked.Render(fmt.Sprintf("%d marked", n)))
	}
	if m.opts.ReadOnly {
		status = append(status, m.th.badge.Render(" READ-ONLY "))
	}
	status = append(status, "? help")
	lines = append(lines, strings.Join(status, " · "), m.helpLine())
	return joinLines(lines)
}
