package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// confirmDialog asks before a bulk, destructive action. Cancel has the
// focus, so a reflexive enter cancels; y (or enter on the focused action
// button) confirms.
type confirmDialog struct {
	title, body string
	action      string         // the confirm button's label
	onYes       func() tea.Cmd // runs the action (only when confirmed)
	focusYes    bool
	// onProtect, if set, is what K does: the purge dialog's offer to
	// protect the sites where the user is signed in first (ui/protect.go).
	onProtect func() tea.Cmd
	// onWriteBack, if set, is what W does: the purge dialog's second
	// choice, purge and clean the browsers (ui/writeback.go).
	onWriteBack func() tea.Cmd
}

func (d *confirmDialog) enableKeys(k *KeyMap) {
	enable(true, &k.Confirm, &k.Cancel, &k.Toggle, &k.NextField, &k.Save)
	k.Save.SetHelp("enter", "press focused button")
	if d.onProtect != nil {
		enable(true, &k.Protect)
		k.Protect.SetHelp("K", "protect the sites where you are signed in")
	}
	if d.onWriteBack != nil {
		enable(true, &k.WriteBack)
		k.WriteBack.SetHelp("W", "purge and clean the browsers")
	}
}

func (d *confirmDialog) update(c *Context, msg tea.Msg) (modal, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return d, nil
	}
	k := &c.keys
	switch {
	case key.Matches(km, k.Confirm):
		return nil, d.onYes()
	case d.onProtect != nil && key.Matches(km, k.Protect):
		return nil, d.onProtect()
	case d.onWriteBack != nil && key.Matches(km, k.WriteBack):
		return nil, d.onWriteBack()
	case key.Matches(km, k.Cancel), km.String() == "n", km.String() == "q":
		return nil, nil
	case key.Matches(km, k.Save):
		if d.focusYes {
			return nil, d.onYes()
		}
		return nil, nil
	case key.Matches(km, k.Toggle), key.Matches(km, k.NextField), km.String() == "shift+tab":
		d.focusYes = !d.focusYes
	}
	return d, nil
}

func (d *confirmDialog) view(c *Context, w, h int) string {
	btn := func(label string, focused bool) string {
		if focused {
			return c.th.cursorRow.Render("[ " + label + " ]")
		}
		return "  " + label + "  "
	}
	cancel := btn("Cancel", !d.focusYes)
	yes := btn(strings.ToUpper(d.action[:1])+d.action[1:]+" (y)", d.focusYes)
	if d.focusYes {
		yes = "▸" + yes
	} else {
		cancel = "▸" + cancel
	}
	lines := []string{c.th.danger.Render(d.title), ""}
	inner := mini(maxi(w-8, 10), 70)
	for _, l := range splitLines(d.body) {
		lines = append(lines, wordWrap(l, inner)...)
	}
	lines = append(lines, "", cancel+"   "+yes)
	return c.th.dialog.Render(joinLines(lines))
}

// purposePicker sets the user's verdict on the selected cookies.
type purposePicker struct {
	ids []int64
}

func (p *purposePicker) enableKeys(k *KeyMap) {
	enable(true, &k.Cancel, &k.OnlySession, &k.OnlyPersonal, &k.OnlyTracking, &k.OnlyUnknown, &k.AllPurposes)
	k.AllPurposes.SetHelp("0", "clear verdict")
}

func (p *purposePicker) update(c *Context, msg tea.Msg) (modal, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	k := &c.keys
	var purpose cookie.Purpose
	switch {
	case key.Matches(km, k.Cancel):
		return nil, nil
	case key.Matches(km, k.OnlySession):
		purpose = cookie.PurposeSession
	case key.Matches(km, k.OnlyPersonal):
		purpose = cookie.PurposePersonalization
	case key.Matches(km, k.OnlyTracking):
		purpose = cookie.PurposeTracking
	case key.Matches(km, k.OnlyUnknown):
		purpose = cookie.PurposeUnknown
	case key.Matches(km, k.AllPurposes):
		ids := p.ids
		return nil, c.change("clearing your verdict on "+plural(len(ids), "cookie"), func(ctx context.Context, j *jar.Jar) (string, error) {
			n, err := j.ClearVerdict(ctx, ids)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("cleared your verdict on %s — u to undo", plural(n, "cookie")), nil
		})
	default:
		return p, nil
	}
	ids := p.ids
	return nil, c.change("setting the purpose of "+plural(len(ids), "cookie"), func(ctx context.Context, j *jar.Jar) (string, error) {
		n, err := j.SetPurpose(ctx, ids, purpose)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s set to %s — u to undo", plural(n, "cookie"), purpose), nil
	})
}

func (p *purposePicker) view(c *Context, w, h int) string {
	lines := []string{c.th.title.Render(fmt.Sprintf("Purpose of %s (your verdict)", plural(len(p.ids), "cookie"))), ""}
	for i, pp := range cookie.Purposes {
		lines = append(lines, fmt.Sprintf("%d  %s", i+1, c.th.purposeStyle(pp).Render(string(pp))))
	}
	lines = append(lines, "0  clear my verdict (classify again)", "", c.th.muted.Render("esc cancel"))
	return c.th.dialog.Render(joinLines(lines))
}
