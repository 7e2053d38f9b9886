package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// view draws the header, the panes, the details pane and the status bar.
func (ms *mainScreen) view(c *Context) string {
	listH, detailsH := layout(c, ms.flat)
	// a filter error gets a line of its own above the status bar, so the
	// query stays whole
	errLine := ms.searchErr != ""
	if errLine {
		if detailsH > 0 {
			detailsH--
		} else {
			listH--
		}
	}
	var b strings.Builder
	b.WriteString(viewHeader(c))
	b.WriteByte('\n')
	var body string
	if ms.flat {
		body = ms.viewCookies(c, c.w, listH)
	} else {
		sw := sitesWidth(c)
		left := splitLines(ms.viewSites(c, sw, listH))
		right := splitLines(ms.viewCookies(c, maxi(c.w-sw-1, 0), listH))
		sep := c.th.muted.Render("│")
		lines := make([]string, listH)
		for i := range lines {
			var l, r string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			lines[i] = fit(l, sw) + sep + r
		}
		body = joinLines(lines)
	}
	b.WriteString(body)
	b.WriteByte('\n')
	if detailsH > 0 {
		b.WriteString(viewDetailsPane(c, ms.currentCookie(), c.w, detailsH))
		b.WriteByte('\n')
	}
	if errLine {
		b.WriteString(fit(c.th.danger.Render("✗ "+safe(ms.searchErr)), c.w))
		b.WriteByte('\n')
	}
	b.WriteString(ms.viewStatus(c))
	return b.String()
}

// paneTitle is a pane's title cut to w; the focused pane's is drawn in
// the accent colour and, without colour, marked with ▌ so that it is still
// told apart.
func paneTitle(c *Context, s string, w int, focused bool) string {
	if focused {
		if c.th.noColor {
			s = "▌" + s
		}
		return c.th.focusTitle.Render(fit(s, w))
	}
	if c.th.noColor {
		s = " " + s
	}
	return c.th.blurTitle.Render(fit(s, w))
}

func (ms *mainScreen) cookiesTitle() string {
	var title string
	if ms.flat {
		title = fmt.Sprintf("All cookies %d · by %s", len(ms.res.rows), ms.q.cookieSort)
	} else if s := ms.currentSite(); s != nil {
		title = fmt.Sprintf("%s · %s · by %s", safe(s.name), plural(s.count, "cookie"), ms.q.cookieSort)
	} else {
		return "Cookies"
	}
	return title + " " + sortArrow(!ms.q.cookieDesc)
}

func (ms *mainScreen) markedIn(rows []int32) int {
	if len(ms.marks) == 0 {
		return 0
	}
	n := 0
	for _, r := range rows {
		if _, ok := ms.marks[ms.res.ds.cookies[r].ID]; ok {
			n++
		}
	}
	return n
}

func verdictMark(c *cookie.Cookie) string {
	if c.VerdictBy == cookie.EvidenceUser {
		return "*"
	}
	return ""
}

func expiryShort(c *cookie.Cookie, now time.Time) string {
	switch {
	case c.Session:
		return "session"
	case c.Expires.IsZero():
		return "-"
	case c.Expired(now):
		return "expired"
	}
	return c.Expires.Time().Format("2006-01-02")
}

func (ms *mainScreen) viewStatus(c *Context) string {
	ds := c.ds()
	if ms.searching {
		tail := fmt.Sprintf("  %d of %d", len(ms.res.rows), ds.total)
		if ms.searchErr != "" {
			tail = "  " + c.th.danger.Render("error below")
		}
		return fit(trunc(ms.search.View(), maxi(c.w-width(tail), 1))+tail, c.w)
	}
	var parts []string
	if t := toastText(c); t != "" {
		parts = append(parts, t)
	}
	parts = append(parts, "jar "+safe(filepath.Base(c.jar.Path())))
	if ms.filtersActive() {
		parts = append(parts, "filter "+c.th.accent.Render(safe(ms.scopeText())))
	}
	parts = append(parts, fmt.Sprintf("%d of %d", len(ms.res.rows), ds.total))
	if b := busyText(c); b != "" {
		parts = append(parts, b)
	} else if c.data.loading {
		parts = append(parts, c.th.warn.Render(fmt.Sprintf("loading %d…", ds.total)))
	}
	if n := len(ms.marks); n > 0 {
		parts = append(parts, c.th.marked.Render(fmt.Sprintf("%d marked", n)))
	}
	if c.reveal {
		parts = append(parts, c.th.warn.Render("values shown"))
	}
	if ms.protectHint != "" {
		parts = append(parts, c.th.accent.Render(ms.protectHint))
	}
	if c.opts.ReadOnly {
		parts = append(parts, c.th.badge.Render(" READ-ONLY "))
	}
	parts = append(parts, "? help")
	return fit(strings.Join(parts, c.th.muted.Render(" · ")), c.w)
}
