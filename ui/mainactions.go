package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// resultMsg carries a computed result to the main screen.
type resultMsg struct{ res *result }

// requery starts computing the result for the current filters in a Cmd.
// The generation number makes every earlier, still running query stale.
func (ms *mainScreen) requery(c *Context) tea.Cmd {
	ms.gen++
	ms.latestGen.Store(int64(ms.gen))
	q := ms.q
	q.gen = ms.gen
	q.latest = ms.latestGen
	q.now = c.jar.Now()
	ds := c.data.latest
	return func() tea.Msg { return resultMsg{compute(ds, q)} }
}

func (ms *mainScreen) togglePurpose(c *Context, p cookie.Purpose) tea.Cmd {
	if ms.purposeOnly == p {
		ms.purposeOnly = ""
	} else {
		ms.purposeOnly = p
	}
	return ms.applyFilters(c)
}

// scopeTerms are the terms of everything the main screen shows: search,
// purpose and source filters together.
func (ms *mainScreen) scopeTerms() []string {
	var terms []string
	if ms.searchText != "" {
		terms = append(terms, ms.searchText)
	}
	if ms.purposeOnly != "" {
		terms = append(terms, "purpose:"+string(ms.purposeOnly))
	}
	if ms.sourceOnly != "" {
		terms = append(terms, "source:"+quoteTerm(ms.sourceOnly))
	}
	return terms
}

// scopeFilter is the filter of the scope; has is false when nothing is set.
func (ms *mainScreen) scopeFilter() (f cookie.Filter, has bool, err error) {
	terms := ms.scopeTerms()
	if len(terms) == 0 {
		return cookie.Filter{}, false, nil
	}
	f, err = cookie.ParseFilter(terms...)
	return f, true, err
}

// scopeText describes the current filters for dialogs and the status bar.
func (ms *mainScreen) scopeText() string { return strings.Join(ms.scopeTerms(), " ") }

func quoteTerm(s string) string {
	if strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(s, `"`, ``) + `"`
	}
	return s
}

// applyFilters recomputes the result for the current filters.
func (ms *mainScreen) applyFilters(c *Context) tea.Cmd {
	f, has, err := ms.scopeFilter()
	if err != nil {
		ms.searchErr = err.Error()
		return nil
	}
	ms.searchErr = ""
	ms.q.filter, ms.q.hasFilter = f, has
	ms.q.freeWord = hasFreeWord(ms.searchText)
	return ms.requery(c)
}

// updateSearch gets every key while the search box is open: nothing else
// fires. The filter applies live; enter keeps it, esc clears it.
func (ms *mainScreen) updateSearch(c *Context, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, c.keys.SearchKeep):
		ms.searching = false
		ms.search.Blur()
		ms.remember(ms.searchText)
		return nil
	case km.Type == tea.KeyUp || km.Type == tea.KeyDown:
		// the history of recent searches
		step := 1
		if km.Type == tea.KeyDown {
			step = -1
		}
		back := clamp(ms.back+step, 0, len(ms.history))
		if back == ms.back {
			return nil
		}
		ms.back = back
		text := ""
		if back > 0 {
			text = ms.history[len(ms.history)-back]
		}
		ms.search.SetValue(text)
		ms.search.CursorEnd()
		ms.searchText = text
		ms.sites.cur, ms.rows.cur = 0, 0
		return ms.applyFilters(c)
	case key.Matches(km, c.keys.SearchClear):
		ms.searching = false
		ms.search.Blur()
		ms.search.SetValue("")
		ms.searchText = ""
		return ms.applyFilters(c)
	}
	if updateField(&ms.search, km) {
		ms.back = 0
		ms.searchText = ms.search.Value()
		ms.sites.cur, ms.rows.cur = 0, 0
		return ms.applyFilters(c)
	}
	return nil
}

// historySize is how many recent searches ↑ reaches.
const historySize = 50

// remember keeps text as the newest search (once; not an empty one).
func (ms *mainScreen) remember(text string) {
	ms.back = 0
	if strings.TrimSpace(text) == "" {
		return
	}
	ms.history = slices.DeleteFunc(ms.history, func(h string) bool { return h == text })
	ms.history = append(ms.history, text)
	if len(ms.history) > historySize {
		ms.history = ms.history[len(ms.history)-historySize:]
	}
}

// ---- actions ----

func (ms *mainScreen) deleteSelected(c *Context) tea.Cmd {
	ids := ms.selectedIDs()
	if len(ids) == 0 {
		return nil
	}
	ds := c.ds()
	sites := map[string]bool{}
	idset := map[int64]bool{}
	for _, id := range ids {
		idset[id] = true
	}
	var prot []int32
	for i := range ds.cookies {
		if idset[ds.cookies[i].ID] {
			sites[ds.site(int32(i))] = true
			if ds.cookies[i].ProtectedBy != "" {
				prot = append(prot, int32(i))
			}
		}
	}
	if len(ids) == 1 {
		if len(prot) == 1 {
			// A single protected cookie: ask first (docs/jar.md §Protections).
			ms.deleteProtectedDialog(c, &ds.cookies[prot[0]])
			return nil
		}
		return ms.deleteCmd(c, ids)
	}
	body := fmt.Sprintf("Move %s on %s to the trash?\nu undoes it.", plural(len(ids), "marked cookie"), plural(len(sites), "site"))
	if len(prot) > 0 {
		body = fmt.Sprintf("Move %s on %s to the trash?\n%d of them are protected and kept (%s).\nu undoes it.",
			plural(len(ids)-len(prot), "marked cookie"), plural(len(sites), "site"), len(prot), protectGlyph)
	}
	c.nav.open(&confirmDialog{
		title:  "Delete marked cookies",
		body:   body,
		action: "delete",
		onYes:  func() tea.Cmd { return ms.deleteCmd(c, ids) },
	})
	return nil
}

// deleteCmd moves the cookies ids to the trash, keeping protected ones
// (a bulk delete honours protections). The marks go only now: a cancelled
// dialog keeps them.
func (ms *mainScreen) deleteCmd(c *Context, ids []int64) tea.Cmd {
	ms.marks = map[int64]struct{}{}
	return c.change("deleting "+plural(len(ids), "cookie"), func(ctx context.Context, j *jar.Jar) (string, error) {
		r, err := j.DeleteWith(ctx, ids, jar.RemoveOptions{})
		if err != nil {
			return "", err
		}
		return removalToast("deleted", r), nil
	})
}

// purgeFilter is what P removes: the tracking cookies of the scope.
func (ms *mainScreen) purgeFilter() (f cookie.Filter, has bool, err error) {
	scope, has, err := ms.scopeFilter()
	if err != nil {
		return cookie.Filter{}, false, err
	}
	tracking, _ := cookie.ParseFilter("purpose:tracking")
	if has {
		return scope.And(tracking), true, nil
	}
	return tracking, false, nil
}

// purgeCounts counts what f moves over the whole loaded jar, with the very
// filter the jar then applies: n cookies on sites sites, kept protected.
func purgeCounts(c *Context, f cookie.Filter) (n, kept, sites int) {
	ds := c.ds()
	now := c.jar.Now()
	seen := map[int32]bool{}
	for i := range ds.cookies {
		ck := &ds.cookies[i]
		if !f.Match(ck, now) {
			continue
		}
		if ck.ProtectedBy != "" {
			kept++
			continue
		}
		n++
		seen[ds.siteOf[i]] = true
	}
	return n, kept, len(seen)
}

// openPurge asks to move every tracking cookie in the current scope (all
// sites the current filters show) to the trash. Protected cookies are
// kept and counted; when nothing is protected yet the dialog offers to
// protect the sites where the user is signed in first.
func (ms *mainScreen) openPurge(c *Context) tea.Cmd {
	if !c.ds().complete {
		// The count must cover the whole jar: open the dialog as soon as
		// the load lands (Model.result), unless the user has moved on.
		ms.purgePending = true
		return c.nav.setToast("loading the jar — the purge dialog opens when it is loaded", false)
	}
	f, has, err := ms.purgeFilter()
	if err != nil {
		return c.nav.setToast(err.Error(), true)
	}
	n, kept, sites := purgeCounts(c, f)
	scopeText := "in the whole jar"
	if has {
		scopeText = "matching " + safe(ms.scopeText())
	}
	if n == 0 {
		if kept > 0 {
			return c.nav.setToast(fmt.Sprintf("every tracking cookie %s is protected (%d kept)", scopeText, kept), false)
		}
		return c.nav.setToast("no tracking cookies "+scopeText, false)
	}
	body := fmt.Sprintf("Move %s on %s %s to the trash?", plural(n, "tracking cookie"), plural(sites, "site"), scopeText)
	if kept > 0 {
		body += fmt.Sprintf("\nKept: %d protected (%s).", kept, protectGlyph)
	}
	body += "\nLogins and preferences are kept. u undoes it."
	d := &confirmDialog{
		title:  "Purge tracking cookies",
		action: "purge",
		onYes: func() tea.Cmd {
			return c.change("purging "+plural(n, "tracking cookie"), func(ctx context.Context, j *jar.Jar) (string, error) {
				r, err := j.PurgeWith(ctx, f, jar.RemoveOptions{})
				if err != nil {
					return "", err
				}
				return removalToast("purged", r), nil
			})
		},
	}
	if offer, sugs := suggestOffer(c); offer != "" {
		body += "\n\n" + offer
		d.onProtect = func() tea.Cmd { return protectSuggested(c, sugs) }
	}
	if c.opts.WriteBack != nil {
		body += "\n\nW: purge and clean the browsers — the browsers' own stores lose these cookies too (next: a list per browser to confirm)."
		d.onWriteBack = func() tea.Cmd { return purgeAndPlan(c, f, n) }
	}
	d.body = body
	c.nav.open(d)
	return nil
}

// undo reverts the jar's last change, whoever made it.
func undo(c *Context) tea.Cmd {
	return c.change("undoing the last change", func(ctx context.Context, j *jar.Jar) (string, error) {
		ch, err := j.Undo(ctx)
		if err != nil {
			if errors.Is(err, jar.ErrNothingToUndo) {
				return "nothing to undo", nil
			}
			return "", err
		}
		return "undid: " + safe(ch.Summary), nil
	})
}

// plural is "1 cookie", "3 cookies", "42,006 cookies" (internal/app.Plural);
// with a second form, that form for many ("1 cookie is", "3 cookies are").
func plural(n int, noun string, many ...string) string {
	if len(many) > 0 {
		return app.Plural(n, noun, many[0])
	}
	return app.Plural(n, noun, noun+"s")
}
