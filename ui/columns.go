package ui

import (
	"fmt"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The sites and cookies tables: which columns fit, and how wide, at a
// given width. Columns give way by priority — the purpose word shortens to
// a letter, the source, path and domain shrink and then go, the mix bar
// shrinks — before the name does; a wide terminal gives its room to the
// name and the value rather than to padding.

// cookieCols are the widths of the cookies table's columns, each with its
// trailing space; 0 leaves a column out.
type cookieCols struct {
	domain, name, path, purpose, source, expires, flags, value int
}

// purposeShort reports whether the purpose shows as a letter.
func (cc cookieCols) purposeShort() bool { return cc.purpose < 10 }

func layoutCookieCols(w int, reveal bool) cookieCols {
	avail := maxi(w-2, 0) // cursor and mark glyphs
	cc := cookieCols{domain: 22, name: 14, path: 9, purpose: 16, source: 15, expires: 11, flags: 6}
	if reveal {
		cc.value = 18
	}
	sum := func() int {
		return cc.domain + cc.name + cc.path + cc.purpose + cc.source + cc.expires + cc.flags + cc.value
	}
	// give way, one step at a time, until the row fits
	steps := []func(){
		func() { cc.purpose = 3 },
		func() { cc.source = 9 },
		func() { cc.domain = 16 },
		func() { cc.path = 6 },
		func() {
			if cc.value > 0 {
				cc.value = 11
			}
		},
		func() { cc.source = 0 },
		func() { cc.domain = 12 },
		func() { cc.expires = 0 },
		func() { cc.path = 0 },
	}
	for _, step := range steps {
		if sum() <= avail {
			break
		}
		step()
	}
	extra := avail - sum()
	if extra > 0 {
		// room: the name first, then the value (when shown), then the domain
		grow := mini(extra, 26)
		if cc.value == 0 {
			grow = mini(extra, 30)
		}
		cc.name += grow
		extra -= grow
		if cc.value > 0 {
			cc.value += extra
		} else {
			g := mini(extra, 18)
			cc.domain += g
			cc.name += extra - g
		}
	} else {
		cc.name = maxi(cc.name+extra, 4)
	}
	return cc
}

// header is the column header line.
func (cc cookieCols) header() string {
	var b strings.Builder
	b.WriteString("  ")
	col := func(w int, s string) {
		if w > 0 {
			b.WriteString(fit(s, w))
		}
	}
	col(cc.domain, "domain")
	col(cc.name, "name")
	col(cc.path, "path")
	p := "purpose"
	if cc.purposeShort() {
		p = "p"
	}
	col(cc.purpose, p)
	col(cc.source, "source")
	col(cc.expires, "expires")
	col(cc.flags, "flags")
	col(cc.value, "value")
	return b.String()
}

// cell is s cut to w-1 cells and a space (empty when the column is out).
func cell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return fit(s, w-1) + " "
}

// purposeCell is the purpose word, or its letter when short, and * for the
// user's own verdict.
func purposeCell(ck *cookie.Cookie, cc cookieCols) string {
	p := string(ck.Purpose)
	if cc.purposeShort() {
		p = purposeLetter(ck.Purpose)
	}
	if cc.purpose <= 0 {
		return ""
	}
	return fit(p+verdictMark(ck), cc.purpose)
}

func purposeLetter(p cookie.Purpose) string {
	return [...]string{"s", "p", "t", "·"}[purposeIndex(p)]
}

// siteCols are the sites table's widths: name, count, mix bar.
func siteCols(w int) (nameW, countW, mixW int) {
	countW = 6
	mixW = clamp(w-2-countW-1-20, 4, 8)
	nameW = maxi(w-2-countW-1-mixW, 1)
	return
}

// mixCells splits w cells among a site's purposes in proportion: each
// share rounded, the remainder given to the largest class, so the cells
// add up to w exactly.
func mixCells(by [4]int, count, w int) [4]int {
	var out [4]int
	if count <= 0 || w <= 0 {
		return out
	}
	sum, largest := 0, 0
	for i := range by {
		out[i] = (by[i]*w*2 + count) / (count * 2) // rounded
		sum += out[i]
		if by[i] > by[largest] {
			largest = i
		}
	}
	out[largest] += w - sum
	if out[largest] < 0 { // rounding overshot more than the largest holds
		out[largest] = 0
	}
	return out
}

// sortArrow is ↑ for an ascending order, ↓ for a descending one.
func sortArrow(ascending bool) string {
	if ascending {
		return "↑"
	}
	return "↓"
}

// siteSortAscending: by name is A→Z, by count and share largest first,
// unless reversed.
func siteSortAscending(by siteSort, desc bool) bool {
	return (by == siteByName) != desc
}

func (ms *mainScreen) viewSites(c *Context, w, h int) string {
	lines := make([]string, 0, h)
	title := fmt.Sprintf("Sites %d · by %s %s", len(ms.res.sites), ms.res.siteSort, sortArrow(siteSortAscending(ms.res.siteSort, ms.res.siteDesc)))
	lines = append(lines, paneTitle(c, title, w, ms.focus == paneSites))
	nameW, countW, mixW := siteCols(w)
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

// mixBar draws a site's purpose mix as w letters (s p t ·), proportional,
// readable without colour.
func mixBar(c *Context, s *siteAgg, w int) string {
	if s.count == 0 {
		return spaces(w)
	}
	cells := mixCells(s.by, s.count, w)
	var b strings.Builder
	for i, n := range cells {
		if n > 0 {
			b.WriteString(c.th.purposeStyle(cookie.Purposes[i]).Render(strings.Repeat(purposeLetter(cookie.Purposes[i]), n)))
		}
	}
	return b.String()
}

func (ms *mainScreen) viewCookies(c *Context, w, h int) string {
	rows := ms.currentRows()
	lines := make([]string, 0, h)
	lines = append(lines, paneTitle(c, ms.cookiesTitle(), w, ms.cookiesFocused()))
	cc := layoutCookieCols(w, c.reveal)
	lines = append(lines, c.th.header.Render(fit(cc.header(), w)))
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
		lead := cell(safe(ck.Host()), cc.domain) + cell(protectPrefix(ck.ProtectedBy != "")+safe(ck.Name), cc.name) + cell(safe(ck.Path), cc.path)
		ptext := purposeCell(ck, cc)
		src := cell(safe(ck.Source), cc.source)
		tail := cell(expiryShort(ck, now), cc.expires) + cell(cookie.FlagLetters(ck)[:4], cc.flags) + cell(valueCell(ck), cc.value)
		var line string
		if cur && ms.cookiesFocused() {
			line = glyph + markG + c.th.cursorRow.Render(lead+ptext+src+tail)
		} else {
			line = glyph + markG + lead + c.th.purposeStyle(ck.Purpose).Render(ptext) + c.th.muted.Render(src) + tail
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

// valueCell is the value for the value column (shown only when revealed).
func valueCell(ck *cookie.Cookie) string {
	if ck.ValueUnreadable {
		return "(unreadable)"
	}
	return safe(ck.Value)
}
