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
	listH, detailsH := layout(c)
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
	b.WriteString(viewDetailsPane(c, ms.currentCookie(), c.w, detailsH))
	b.WriteByte('\n')
	b.WriteString(ms.viewStatus(c))
	return b.String()
}

func paneTitle(c *Context, s string, focused bool) string {
	if focused {
		return c.th.focusTitle.Render(s)
	}
	return c.th.blurTitle.Render(s)
}

func (ms *mainScreen) viewSites(c *Context, w, h int) string {
	lines := make([]string, 0, h)
	title := fmt.Sprintf("Sites %d · by %s", len(ms.res.sites), ms.res.siteSort)
	if ms.res.siteDesc {
		title += " ↑"
	}
	lines = append(lines, paneTitle(c, fit(title, w), ms.focus == paneSites))
	countW, mixW := 6, 8
	nameW := maxi(w-2-countW-1-mixW, 1)
	lines = append(lines, c.th.header.Render(fit("  "+fit("site", nameW)+fmt.Sprintf("%*s", countW, "count")+" "+"mix", w)))
	from, to := ms.sites.window(len(ms.res.sites))
	for i := from; i < to && len(lines) < h; i++ {
		s := &ms.res.sites[i]
		cur := i == ms.sites.cur
		glyph := " "
		if cur {
			glyph = "▸"
		}
		markG := " "
		if n := ms.markedIn(s.rows); n > 0 {
			markG = c.th.marked.Render("●")
		}
		name := fit(protectPrefix(s.prot > 0)+safe(s.name), nameW)
		count := fmt.Sprintf("%*d", countW, s.count)
		line := glyph + markG + name + count + " " + mixBar(c, s, mixW)
		if cur && ms.focus == paneSites {
			line = glyph + markG + c.th.cursorRow.Render(name+count) + " " + mixBar(c, s, mixW)
		}
		lines = append(lines, line)
	}
	if len(ms.res.sites) == 0 {
		lines = append(lines, c.th.muted.Render(fit("  no cookies match", w)))
	}
	return joinLines(lines)
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

// mixBar draws a site's purpose mix as w letters (s p t ·), proportional,
// readable without colour.
func mixBar(c *Context, s *siteAgg, w int) string {
	if s.count == 0 {
		return spaces(w)
	}
	glyphs := [4]string{"s", "p", "t", "·"}
	var b strings.Builder
	used := 0
	for i := 0; i < 4; i++ {
		n := s.by[i] * w / s.count
		if s.by[i] > 0 && n == 0 {
			n = 1
		}
		n = mini(n, w-used)
		if n > 0 {
			b.WriteString(c.th.purposeStyle(cookie.Purposes[i]).Render(strings.Repeat(glyphs[i], n)))
			used += n
		}
	}
	return b.String() + spaces(w-used)
}

func (ms *mainScreen) cookiesTitle() string {
	var title string
	if ms.flat {
		title = fmt.Sprintf("All cookies %d · by %s", len(ms.res.rows), ms.q.cookieSort)
	} else if s := ms.currentSite(); s != nil {
		title = fmt.Sprintf("%s · %s · by %s", safe(s.name), plural(s.count, "cookie"), ms.q.cookieSort)
	} else {
		title = "Cookies"
	}
	if ms.q.cookieDesc {
		title += " ↑"
	}
	return title
}

func (ms *mainScreen) viewCookies(c *Context, w, h int) string {
	rows := ms.currentRows()
	lines := make([]string, 0, h)
	lines = append(lines, paneTitle(c, fit(ms.cookiesTitle(), w), ms.cookiesFocused()))

	const purposeW, expW, flagW = 16, 11, 5
	srcW := clamp(w/5, 8, 24)
	domW := 0
	if ms.flat {
		domW = clamp(w/4, 10, 30)
	}
	nameW := maxi(w-2-domW-purposeW-srcW-expW-flagW, 4)
	hdr := "  "
	if ms.flat {
		hdr += fit("domain", domW)
	}
	hdr += fit("name", nameW) + fit("purpose", purposeW) + fit("source", srcW) + fit("expires", expW) + fit("flags", flagW)
	lines = append(lines, c.th.header.Render(fit(hdr, w)))
	now := ms.q.now
	from, to := ms.rows.window(len(rows))
	for i := from; i < to && len(lines) < h; i++ {
		ck := &ms.res.ds.cookies[rows[i]]
		cur := i == ms.rows.cur
		glyph := " "
		if cur {
			glyph = "▸"
		}
		markG := " "
		if _, ok := ms.marks[ck.ID]; ok {
			markG = c.th.marked.Render("●")
		}
		var cells strings.Builder
		prot := protectPrefix(ck.ProtectedBy != "")
		if ms.flat {
			cells.WriteString(fit(prot+safe(ck.Host()), domW-1) + " ")
			prot = ""
		}
		cells.WriteString(fit(prot+safe(ck.Name), nameW-1) + " ")
		ptext := fit(string(ck.Purpose)+verdictMark(ck), purposeW)
		src := fit(safe(ck.Source), srcW-1) + " "
		exp := fit(expiryShort(ck, now), expW)
		flags := fit(flagString(ck), flagW)
		var line string
		if cur && ms.cookiesFocused() {
			line = glyph + markG + c.th.cursorRow.Render(cells.String()+ptext+src+exp+flags)
		} else {
			line = glyph + markG + cells.String() + c.th.purposeStyle(ck.Purpose).Render(ptext) + c.th.muted.Render(src) + exp + flags
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		msg := "  no cookies"
		if ms.filtersActive() {
			msg = "  no cookies match the filter (esc clears it)"
		}
		lines = append(lines, c.th.muted.Render(fit(msg, w)))
	}
	return joinLines(lines)
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
	return c.Expires.Format("2006-01-02")
}

// flagString: S secure, H HttpOnly, P partitioned, C container; "-" when off.
func flagString(c *cookie.Cookie) string {
	f := []byte("----")
	if c.Secure {
		f[0] = 'S'
	}
	if c.HTTPOnly {
		f[1] = 'H'
	}
	if !c.Partition.IsZero() {
		f[2] = 'P'
	}
	if c.Container.Key != "" {
		f[3] = 'C'
	}
	return string(f)
}

func (ms *mainScreen) viewStatus(c *Context) string {
	ds := c.ds()
	if ms.searching {
		tail := fmt.Sprintf("  %d of %d", len(ms.res.rows), ds.total)
		if ms.searchErr != "" {
			tail = "  " + c.th.danger.Render(safe(ms.searchErr))
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
	if ms.searchErr != "" {
		parts = append(parts, c.th.danger.Render(safe(ms.searchErr)))
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
