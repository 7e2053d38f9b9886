package ui

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Protections in the UI (docs/jar.md §Protections, docs/keys.md): K protects the site
// (sites pane) or the cookie (cookies pane) under the cursor and again
// unprotects; protected rows carry protectGlyph; purge and bulk delete keep
// protected cookies and say how many; a single delete of one asks first.

// protectGlyph marks a protected row (before its name) in every table.
const protectGlyph = "◆"

// protectPrefix is the mark and a space for a protected row, "" for
// another: unprotected rows keep their layout exactly. It is plain text,
// readable without colour and safe inside the cursor row's reverse video.
func protectPrefix(protected bool) string {
	if !protected {
		return ""
	}
	return protectGlyph + " "
}

// toggleProtect protects or unprotects what the cursor is on.
func (ms *mainScreen) toggleProtect(c *Context) tea.Cmd {
	if ms.cookiesFocused() {
		ck := ms.currentCookie()
		if ck == nil {
			return nil
		}
		own, err := app.CookieFilter(ck)
		if err != nil {
			return c.nav.setToast(err.Error(), true)
		}
		covering := ck.ProtectedBy
		what := safe(ck.Name) + " on " + safe(ck.Host())
		return c.change("protecting "+what, func(ctx context.Context, j *jar.Jar) (string, error) {
			return toggleProtection(ctx, j, own, covering, what)
		})
	}
	s := ms.currentSite()
	if s == nil {
		return nil
	}
	f, err := app.SiteFilter(s.name)
	if err != nil {
		return c.nav.setToast(err.Error(), true)
	}
	what := safe(s.name)
	return c.change("protecting "+what, func(ctx context.Context, j *jar.Jar) (string, error) {
		return toggleProtection(ctx, j, f, "", what)
	})
}

// toggleProtection removes the protection equal to own if there is one,
// else the one named covering (the protection that covers a cookie, when
// it is not the cookie's own), else adds own.
func toggleProtection(ctx context.Context, j *jar.Jar, own cookie.Filter, covering, what string) (string, error) {
	ps, err := j.Protections(ctx)
	if err != nil {
		return "", err
	}
	target, found := jar.Protection{}, false
	for _, p := range ps {
		if p.Filter.Equal(own) {
			target, found = p, true
			break
		}
	}
	if !found && covering != "" {
		for _, p := range ps {
			if p.Text == covering {
				target, found = p, true
				break
			}
		}
	}
	if !found {
		p, _, err := j.Protect(ctx, own)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("protected %s (%s) — no purge takes it; K again unprotects, u undoes", what, safe(p.Text)), nil
	}
	if target.FromFile() {
		return "", fmt.Errorf("%s is protected by the rules file (%s at %s): edit the file to remove it", what, safe(target.Text), safe(target.Origin()))
	}
	if _, err := j.Unprotect(ctx, target.Filter); err != nil {
		return "", err
	}
	return fmt.Sprintf("unprotected %s (%s) — u undoes", safe(target.Text), what), nil
}

// protectedCount counts the protected cookies among rows.
func protectedCount(ds *dataset, rows []int32) int {
	n := 0
	for _, r := range rows {
		if ds.cookies[r].ProtectedBy != "" {
			n++
		}
	}
	return n
}

// anyProtected reports whether any loaded cookie is protected.
func anyProtected(ds *dataset) bool {
	for i := range ds.cookies {
		if ds.cookies[i].ProtectedBy != "" {
			return true
		}
	}
	return false
}

// suggestOffer is the purge dialog's and the welcome screen's offer when
// nothing is protected: the sites where the user is signed in (app.Suggest),
// "" when there are none.
func suggestOffer(c *Context) (text string, sugs []app.Suggestion) {
	ds := c.ds()
	if ds == nil || !ds.complete || anyProtected(ds) {
		return "", nil
	}
	for _, s := range app.Suggest(ds.cookies, c.jar.Now()) {
		if !s.Protected {
			sugs = append(sugs, s)
		}
	}
	if len(sugs) == 0 {
		return "", nil
	}
	names := make([]string, 0, 3)
	for i, s := range sugs {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, safe(s.Site))
	}
	return fmt.Sprintf("Nothing is protected yet. You are signed in on %s (%s): press K to protect them first (crumbs protect --suggest).",
		plural(len(sugs), "site"), strings.Join(names, ", ")), sugs
}

// offerProtection sets the first-run offer (after the welcome screen's
// import or demo): the status line names the sites where the user is
// signed in, when nothing is protected yet, until the next key.
func (ms *mainScreen) offerProtection(c *Context) {
	text, sugs := suggestOffer(c)
	if text == "" {
		return
	}
	more := ""
	if len(sugs) > 1 {
		more = ", …"
	}
	ms.protectHint = fmt.Sprintf("signed in on %s (%s%s): P offers to protect them", plural(len(sugs), "site"), safe(sugs[0].Site), more)
}

// protectSuggested protects every suggested site, one undo step each.
func protectSuggested(c *Context, sugs []app.Suggestion) tea.Cmd {
	return c.change("protecting "+plural(len(sugs), "site"), func(ctx context.Context, j *jar.Jar) (string, error) {
		n := 0
		for _, s := range sugs {
			f, err := cookie.ParseFilter(s.Filter)
			if err != nil {
				return "", err
			}
			_, added, err := j.Protect(ctx, f)
			if err != nil {
				return "", err
			}
			if added {
				n++
			}
		}
		return fmt.Sprintf("protected %s where you are signed in — P purges the rest", plural(n, "site")), nil
	})
}

// deleteProtectedDialog asks before a single delete of a protected cookie.
func (ms *mainScreen) deleteProtectedDialog(c *Context, ck *cookie.Cookie) {
	id := ck.ID
	c.nav.open(&confirmDialog{
		title:  "Delete a protected cookie",
		body:   fmt.Sprintf("%s on %s is protected by %s.\nDelete it anyway? u undoes it.", safe(ck.Name), safe(ck.Host()), safe(ck.ProtectedBy)),
		action: "delete",
		onYes: func() tea.Cmd {
			ms.marks = map[int64]struct{}{}
			return c.change("deleting a protected cookie", func(ctx context.Context, j *jar.Jar) (string, error) {
				r, err := j.DeleteWith(ctx, []int64{id}, jar.RemoveOptions{IncludeProtected: true})
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("deleted %d protected — u to undo", r.Moved), nil
			})
		},
	})
}

// removalToast is the status line after a bulk removal: "purged 12
// tracking cookies, kept 3 protected — u to undo".
func removalToast(verb string, r jar.Removal) string {
	s := verb + " " + fmt.Sprint(r.Moved)
	if verb == "purged" {
		s = fmt.Sprintf("purged %d tracking cookies", r.Moved)
	}
	if r.Kept > 0 {
		s += fmt.Sprintf(", kept %d protected", r.Kept)
	}
	return s + " — u to undo"
}
