package ui

// Write-back from the UI (docs/writeback.md): W on the main
// screen writes the jar's pending deletions and edits into the browsers'
// own stores (crumbs apply), after a dialog that lists each browser with
// what will be removed and changed, which are running (skipped, with the
// reason), and that backups are kept. The purge dialog's W purges and then
// opens the same dialog. The plans are package writeplan's, as the command
// line's are.

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// applyPlannedMsg carries the apply plans read in the background; changed,
// if set, is the purge that came first (the root reloads on it).
type applyPlannedMsg struct {
	plans   []*writeplan.Plan
	err     error
	changed *changedMsg
}

// planApply reads every store with pending changes and plans its apply.
func planApply(ctx context.Context, env writeplan.Env, j *jar.Jar) ([]*writeplan.Plan, error) {
	srcs, _, err := writeplan.PendingSources(ctx, env, j, nil)
	if err != nil || len(srcs) == 0 {
		return nil, err
	}
	return writeplan.Apply(ctx, env, j, srcs)
}

// openApply plans the apply in a Cmd; the dialog opens when it lands.
func openApply(c *Context) tea.Cmd {
	env := *c.opts.WriteBack
	ctx, j := c.ctx, c.jar
	c.busy = &busy{label: "reading the browsers' stores", start: time.Now()}
	return func() tea.Msg {
		plans, err := planApply(ctx, env, j)
		return applyPlannedMsg{plans: plans, err: err}
	}
}

// purgeAndPlan purges f in the jar, then plans the apply of what the purge
// left pending (the purge dialog's "purge and clean the browsers").
func purgeAndPlan(c *Context, f cookie.Filter, n int) tea.Cmd {
	env := *c.opts.WriteBack
	ctx, j := c.ctx, c.jar
	c.busy = &busy{label: "purging " + plural(n, "tracking cookie") + ", then reading the browsers' stores", start: time.Now()}
	return func() tea.Msg {
		r, err := j.PurgeWith(ctx, f, jar.RemoveOptions{})
		ch := &changedMsg{toast: removalToast("purged", r), err: err}
		if err != nil {
			return applyPlannedMsg{changed: ch}
		}
		plans, err := planApply(ctx, env, j)
		return applyPlannedMsg{plans: plans, err: err, changed: ch}
	}
}

// planned opens the apply dialog (or says why not).
func (ms *mainScreen) planned(c *Context, msg applyPlannedMsg) tea.Cmd {
	var cmds []tea.Cmd
	if msg.changed != nil {
		ch := *msg.changed
		cmds = append(cmds, func() tea.Msg { return ch })
	} else {
		c.busy = nil
	}
	switch {
	case msg.err != nil:
		cmds = append(cmds, c.nav.setToast("write-back: "+msg.err.Error(), true))
		return tea.Batch(cmds...)
	case len(msg.plans) == 0:
		if msg.changed == nil {
			cmds = append(cmds, c.nav.setToast("no changes waiting to be written into the browsers", false))
		}
		return tea.Batch(cmds...)
	}
	title, body, any := applyDialogText(msg.plans)
	if !any {
		c.nav.open(&confirmDialog{title: title, body: body, action: "close", onYes: func() tea.Cmd { return nil }})
		return tea.Batch(cmds...)
	}
	env := *c.opts.WriteBack
	plans := msg.plans
	c.nav.open(&confirmDialog{title: title, body: body, action: "write back",
		onYes: func() tea.Cmd {
			return c.change("writing into "+plural(writable(plans), "browser store"), func(ctx context.Context, j *jar.Jar) (string, error) {
				warnings, err := writeplan.Run(ctx, env, writeback.MadeByApply, plans)
				if err != nil {
					return "", err
				}
				return applyToast(plans, warnings), nil
			})
		}})
	return tea.Batch(cmds...)
}

func writable(plans []*writeplan.Plan) int {
	n := 0
	for _, p := range plans {
		if p.Refused == "" && !p.Change.Empty() {
			n++
		}
	}
	return n
}

// applyDialogText lists each browser: what goes and changes, what is
// kept; the running ones and why they are skipped; that backups are kept.
func applyDialogText(plans []*writeplan.Plan) (title, body string, any bool) {
	var lines []string
	for _, p := range plans {
		src := safe(p.Store.Source)
		switch {
		case p.Refused != "":
			lines = append(lines, "✗ "+src+": skipped — "+safe(p.Refused))
		case p.Change.Empty():
			lines = append(lines, "· "+src+": "+p.Describe(true))
		default:
			any = true
			lines = append(lines, "• "+src+": "+p.Describe(true))
		}
	}
	if any {
		lines = append(lines, "", "Each browser's store is backed up first (crumbs backups restore SOURCE undoes it).",
			"A browser that is running is skipped: close it and press W again.")
	}
	return "Write the jar's changes into the browsers", strings.Join(lines, "\n"), any
}

// applyToast is the result, one part per browser.
func applyToast(plans []*writeplan.Plan, warnings []string) string {
	var parts []string
	for _, p := range plans {
		src := p.Store.Source
		switch {
		case p.Refused != "":
			parts = append(parts, src+": not written ("+p.Refused+")")
		case p.Backup != "":
			parts = append(parts, fmt.Sprintf("%s: %s; backup %s", src, p.Describe(false), p.Backup))
		}
	}
	parts = append(parts, warnings...)
	if len(parts) == 0 {
		return "nothing written"
	}
	return strings.Join(parts, " · ")
}
