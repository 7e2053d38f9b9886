package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// ---- state helpers ----

// filtersActive reports whether a search, purpose or source filter is set.
func (m *Model) filtersActive() bool {
	return m.searchText != "" || m.purposeOnly != "" || m.sourceOnly != ""
}

// currentRows is the cookie list of the cookies pane (or the flat table).
func (m *Model) currentRows() []int32 {
	if m.flat {
		return m.res.rows
	}
	if m.siteCur >= 0 && m.siteCur < len(m.res.sites) {
		return m.res.sites[m.siteCur].rows
	}
	return nil
}

func (m *Model) currentSite() *siteAgg {
	if m.siteCur >= 0 && m.siteCur < len(m.res.sites) {
		return &m.res.sites[m.siteCur]
	}
	return nil
}

// currentCookie is the cookie under the cursor of the cookies pane.
func (m *Model) currentCookie() *cookie.Cookie {
	if m.screen == scrTrash {
		return nil
	}
	rows := m.currentRows()
	if m.rowCur >= 0 && m.rowCur < len(rows) {
		return &m.res.ds.cookies[rows[m.rowCur]]
	}
	return nil
}

// selectedIDs is what an action applies to: the marked cookies, else the
// cookie under the cursor.
func (m *Model) selectedIDs() []int64 {
	if len(m.marks) > 0 {
		ids := make([]int64, 0, len(m.marks))
		for _, i := range m.res.ds.cookiesInOrder(m.marks) {
			ids = append(ids, i)
		}
		return ids
	}
	if c := m.currentCookie(); c != nil {
		return []int64{c.ID}
	}
	return nil
}

// cookiesInOrder returns the ids of marks that are still in the dataset, in
// dataset order.
func (ds *dataset) cookiesInOrder(marks map[int64]struct{}) []int64 {
	var out []int64
	for i := range ds.cookies {
		if _, ok := marks[ds.cookies[i].ID]; ok {
			out = append(out, ds.cookies[i].ID)
		}
	}
	return out
}

func (m *Model) pruneMarks() {
	if len(m.marks) == 0 {
		return
	}
	keep := make(map[int64]struct{}, len(m.marks))
	for i := range m.ds.cookies {
		if _, ok := m.marks[m.ds.cookies[i].ID]; ok {
			keep[m.ds.cookies[i].ID] = struct{}{}
		}
	}
	m.marks = keep
}

// applyResult shows a new result, keeping the selected site and cookie.
func (m *Model) applyResult(r *result) {
	var siteName string
	if s := m.currentSite(); s != nil {
		siteName = s.name
	}
	var id int64
	if c := m.currentCookie(); c != nil {
		id = c.ID
	}
	m.res = r
	if siteName != "" {
		for i := range r.sites {
			if r.sites[i].name == siteName {
				m.siteCur = i
				break
			}
		}
	}
	if id != 0 {
		rows := m.currentRows()
		for i, ri := range rows {
			if r.ds.cookies[ri].ID == id {
				m.rowCur = i
				break
			}
		}
	}
	m.clampCursors()
}

// layout returns the heights of the list area and the details pane.
func (m *Model) layout() (listH, detailsH int) {
	avail := maxi(m.h-3, 0) // header, status, help
	detailsH = clamp(avail/3, 4, 9)
	listH = maxi(avail-detailsH, 0)
	return
}

// visibleRows is how many rows a pane shows (title and column header take 2).
func (m *Model) visibleRows() int {
	l, _ := m.layout()
	return maxi(l-2, 1)
}

func (m *Model) sitesWidth() int {
	return clamp(m.w/3, 20, 40)
}

func (m *Model) clampCursors() {
	if m.res == nil {
		return
	}
	vis := m.visibleRows()
	m.siteCur = clamp(m.siteCur, 0, maxi(len(m.res.sites)-1, 0))
	m.siteTop = scrollTop(m.siteTop, m.siteCur, vis, len(m.res.sites))
	rows := m.currentRows()
	m.rowCur = clamp(m.rowCur, 0, maxi(len(rows)-1, 0))
	m.rowTop = scrollTop(m.rowTop, m.rowCur, vis, len(rows))
	m.trashCur = clamp(m.trashCur, 0, maxi(len(m.trash)-1, 0))
	m.trashTop = scrollTop(m.trashTop, m.trashCur, maxi(m.h-5, 1), len(m.trash))
}

// scrollTop keeps cur inside the window [top, top+vis).
func scrollTop(top, cur, vis, n int) int {
	if cur < top {
		top = cur
	}
	if cur >= top+vis {
		top = cur - vis + 1
	}
	return clamp(top, 0, maxi(n-vis, 0))
}

// move applies a navigation key to cursor cur over n items; ok is false
// when msg is not a navigation key.
func (m *Model) move(msg tea.KeyMsg, cur, n, page int) (int, bool) {
	k := &m.keys
	switch {
	case key.Matches(msg, k.Up):
		cur--
	case key.Matches(msg, k.Down):
		cur++
	case key.Matches(msg, k.Top):
		cur = 0
	case key.Matches(msg, k.Bottom):
		cur = n - 1
	case key.Matches(msg, k.PageUp):
		cur -= page
	case key.Matches(msg, k.PageDown):
		cur += page
	case key.Matches(msg, k.HalfUp):
		cur -= maxi(page/2, 1)
	case key.Matches(msg, k.HalfDown):
		cur += maxi(page/2, 1)
	default:
		return cur, false
	}
	return clamp(cur, 0, maxi(n-1, 0)), true
}

// ---- update ----

func (m *Model) updateMain(msg tea.Msg) tea.Cmd {
	if mm, ok := msg.(tea.MouseMsg); ok {
		return m.mouseMain(mm)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &m.keys
	vis := m.visibleRows()
	if m.focus == paneSites && !m.flat {
		if cur, ok := m.move(km, m.siteCur, len(m.res.sites), vis); ok {
			if cur != m.siteCur {
				m.siteCur, m.rowCur, m.rowTop = cur, 0, 0
			}
			m.clampCursors()
			return nil
		}
	} else if cur, ok := m.move(km, m.rowCur, len(m.currentRows()), vis); ok {
		m.rowCur = cur
		m.clampCursors()
		return nil
	}
	switch {
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.NextPane), key.Matches(km, k.PrevPane):
		if m.focus == paneSites {
			m.focus = paneCookies
		} else {
			m.focus = paneSites
		}
	case key.Matches(km, k.Open):
		if m.focus == paneSites && !m.flat {
			m.focus = paneCookies
		} else if m.currentCookie() != nil {
			m.backScreen, m.screen, m.detailsScroll = scrMain, scrDetails, 0
		}
	case key.Matches(km, k.Back):
		m.searchText, m.purposeOnly, m.sourceOnly, m.searchErr = "", "", "", ""
		m.search.SetValue("")
		return m.applyFilters()
	case key.Matches(km, k.Flat):
		m.flat = !m.flat
		m.rowCur, m.rowTop = 0, 0
		m.focus = paneSites
		if m.flat {
			m.focus = paneCookies
		}
		m.clampCursors()
	case key.Matches(km, k.Reveal):
		m.reveal = !m.reveal
	case key.Matches(km, k.Sort), key.Matches(km, k.SortReverse):
		rev := key.Matches(km, k.SortReverse)
		if m.focus == paneSites && !m.flat {
			if rev {
				m.q.siteDesc = !m.q.siteDesc
			} else {
				m.q.siteSort = (m.q.siteSort + 1) % siteSortCount
			}
			m.res.sortSites(m.q.siteSort, m.q.siteDesc)
			m.clampCursors()
			return nil
		}
		if rev {
			m.q.cookieDesc = !m.q.cookieDesc
		} else {
			m.q.cookieSort = (m.q.cookieSort + 1) % cookieSortCount
		}
		return m.requery()
	case key.Matches(km, k.Help):
		m.backScreen, m.screen = scrMain, scrHelp
	case key.Matches(km, k.Search):
		m.searching = true
		m.search.SetValue(m.searchText)
		m.search.CursorEnd()
		m.search.Focus()
		return nil
	case key.Matches(km, k.AllPurposes):
		m.purposeOnly = ""
		return m.applyFilters()
	case key.Matches(km, k.OnlySession):
		return m.togglePurpose(cookie.PurposeSession)
	case key.Matches(km, k.OnlyPersonal):
		return m.togglePurpose(cookie.PurposePersonalization)
	case key.Matches(km, k.OnlyTracking):
		return m.togglePurpose(cookie.PurposeTracking)
	case key.Matches(km, k.OnlyUnknown):
		return m.togglePurpose(cookie.PurposeUnknown)
	case key.Matches(km, k.Source):
		m.sourceOnly = nextSource(m.ds.sources, m.sourceOnly)
		return m.applyFilters()
	case key.Matches(km, k.Mark):
		if c := m.currentCookie(); c != nil && (m.focus == paneCookies || m.flat) {
			toggleMark(m.marks, c.ID)
			m.rowCur = clamp(m.rowCur+1, 0, maxi(len(m.currentRows())-1, 0))
			m.clampCursors()
		} else if s := m.currentSite(); s != nil {
			m.markRows(s.rows)
		}
	case key.Matches(km, k.MarkAll):
		m.markRows(m.currentRows())
	case key.Matches(km, k.Delete):
		return m.deleteSelected()
	case key.Matches(km, k.Purge):
		return m.openPurge()
	case key.Matches(km, k.Undo):
		return m.undo()
	case key.Matches(km, k.Edit, k.EditValue):
		return m.editCurrent(key.Matches(km, k.EditValue))
	case key.Matches(km, k.SetPurpose):
		if ids := m.selectedIDs(); len(ids) > 0 {
			m.modal = &purposePicker{ids: ids}
		}
	case key.Matches(km, k.Trash):
		m.screen, m.trashCur, m.trashTop = scrTrash, 0, 0
		m.trashMarks = map[int64]struct{}{}
		return m.loadTrashCmd()
	case key.Matches(km, k.Import):
		return m.openImport()
	case key.Matches(km, k.Export):
		m.modal = newExportDialog(m)
	case key.Matches(km, k.Copy):
		return m.copyValue()
	case key.Matches(km, k.CopyAs):
		return m.copyAs()
	}
	return nil
}

func (m *Model) mouseMain(mm tea.MouseMsg) tea.Cmd {
	switch mm.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		d := 3
		if mm.Button == tea.MouseButtonWheelUp {
			d = -3
		}
		if m.focus == paneSites && !m.flat {
			m.siteCur += d
			m.rowCur, m.rowTop = 0, 0
		} else {
			m.rowCur += d
		}
		m.clampCursors()
	case tea.MouseButtonLeft:
		if mm.Action != tea.MouseActionPress {
			return nil
		}
		row := mm.Y - 3 // header, pane title, column header
		if row < 0 || row >= m.visibleRows() {
			return nil
		}
		if !m.flat && mm.X < m.sitesWidth() {
			m.focus = paneSites
			if i := m.siteTop + row; i < len(m.res.sites) && i != m.siteCur {
				m.siteCur, m.rowCur, m.rowTop = i, 0, 0
			}
		} else {
			m.focus = paneCookies
			m.rowCur = m.rowTop + row
		}
		m.clampCursors()
	}
	return nil
}

func toggleMark(marks map[int64]struct{}, id int64) {
	if _, ok := marks[id]; ok {
		delete(marks, id)
	} else {
		marks[id] = struct{}{}
	}
}

// markRows marks every row in rows, or unmarks them when all are marked.
func (m *Model) markRows(rows []int32) {
	all := len(rows) > 0
	for _, r := range rows {
		if _, ok := m.marks[m.res.ds.cookies[r].ID]; !ok {
			all = false
			break
		}
	}
	for _, r := range rows {
		id := m.res.ds.cookies[r].ID
		if all {
			delete(m.marks, id)
		} else {
			m.marks[id] = struct{}{}
		}
	}
}

func nextSource(sources []string, cur string) string {
	if cur == "" {
		if len(sources) > 0 {
			return sources[0]
		}
		return ""
	}
	for i, s := range sources {
		if s == cur && i+1 < len(sources) {
			return sources[i+1]
		}
	}
	return ""
}

func (m *Model) togglePurpose(p cookie.Purpose) tea.Cmd {
	if m.purposeOnly == p {
		m.purposeOnly = ""
	} else {
		m.purposeOnly = p
	}
	return m.applyFilters()
}

// scopeFilter is the filter of everything the main screen shows: search,
// purpose and source filters together.
func (m *Model) scopeFilter() (cookie.Filter, bool, error) {
	var terms []string
	if m.searchText != "" {
		terms = append(terms, m.searchText)
	}
	if m.purposeOnly != "" {
		terms = append(terms, "purpose:"+string(m.purposeOnly))
	}
	if m.sourceOnly != "" {
		terms = append(terms, "source:"+quoteTerm(m.sourceOnly))
	}
	if len(terms) == 0 {
		return cookie.Filter{}, false, nil
	}
	f, err := cookie.ParseFilter(terms...)
	return f, true, err
}

func quoteTerm(s string) string {
	if strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(s, `"`, ``) + `"`
	}
	return s
}

// applyFilters recomputes the result for the current filters.
func (m *Model) applyFilters() tea.Cmd {
	f, has, err := m.scopeFilter()
	if err != nil {
		m.searchErr = err.Error()
		return nil
	}
	m.searchErr = ""
	m.q.filter, m.q.hasFilter = f, has
	m.q.freeWord = hasFreeWord(m.searchText)
	return m.requery()
}

// updateSearch gets every key while the search box is open: nothing else
// fires. The filter applies live; enter keeps it, esc clears it.
func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, m.keys.SearchKeep):
		m.searching = false
		m.search.Blur()
		return nil
	case key.Matches(km, m.keys.SearchClear):
		m.searching = false
		m.search.Blur()
		m.search.SetValue("")
		m.searchText = ""
		return m.applyFilters()
	}
	if m.search.Update(km) {
		m.searchText = m.search.Value()
		m.siteCur, m.rowCur = 0, 0
		return m.applyFilters()
	}
	return nil
}

// ---- actions ----

func (m *Model) deleteSelected() tea.Cmd {
	ids := m.selectedIDs()
	if len(ids) == 0 {
		return nil
	}
	if len(ids) == 1 {
		return m.deleteCmd(ids)
	}
	sites := map[string]bool{}
	idset := map[int64]bool{}
	for _, id := range ids {
		idset[id] = true
	}
	for i := range m.ds.cookies {
		if idset[m.ds.cookies[i].ID] {
			sites[m.ds.site(int32(i))] = true
		}
	}
	m.modal = &confirmDialog{
		title:  "Delete marked cookies",
		body:   fmt.Sprintf("Move %s on %s to the trash?\nu undoes it.", plural(len(ids), "marked cookie"), plural(len(sites), "site")),
		action: "delete",
		onYes:  m.deleteCmd(ids),
	}
	return nil
}

func (m *Model) deleteCmd(ids []int64) tea.Cmd {
	m.marks = map[int64]struct{}{}
	return m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
		n, err := j.Delete(ctx, ids)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("deleted %d — u to undo", n), nil
	})
}

// openPurge asks to move every tracking cookie in the current scope (all
// sites the current filters show) to the trash.
func (m *Model) openPurge() tea.Cmd {
	if !m.ds.complete {
		// The count must cover the whole jar: open the dialog as soon as
		// the load lands (resultMsg), unless the user has moved on.
		m.purgePending = true
		return m.setToast("loading the jar — the purge dialog opens when it is loaded", false)
	}
	scope, has, err := m.scopeFilter()
	if err != nil {
		return m.setToast(err.Error(), true)
	}
	tracking, _ := cookie.ParseFilter("purpose:tracking")
	f := tracking
	if has {
		f = scope.And(tracking)
	}
	n, sites := 0, map[string]bool{}
	for _, r := range m.res.rows {
		if m.ds.cookies[r].Purpose == cookie.PurposeTracking {
			n++
			sites[m.ds.site(r)] = true
		}
	}
	scopeText := "in the whole jar"
	if has {
		scopeText = "matching " + safe(m.scopeText())
	}
	if n == 0 {
		return m.setToast("no tracking cookies "+scopeText, false)
	}
	m.modal = &confirmDialog{
		title:  "Purge tracking cookies",
		body:   fmt.Sprintf("Move %s on %s %s to the trash?\nLogins and preferences are kept. u undoes it.", plural(n, "tracking cookie"), plural(len(sites), "site"), scopeText),
		action: "purge",
		onYes: m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
			n, err := j.Purge(ctx, f)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("purged %d tracking cookies — u to undo", n), nil
		}),
	}
	return nil
}

func (m *Model) undo() tea.Cmd {
	return m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
		ch, err := j.Undo(ctx)
		if err != nil {
			if err == jar.ErrNothingToUndo {
				return "nothing to undo", nil
			}
			return "", err
		}
		return "undid: " + safe(ch.Summary), nil
	})
}

// scopeText describes the current filters for dialogs and the status bar.
func (m *Model) scopeText() string {
	var parts []string
	if m.searchText != "" {
		parts = append(parts, m.searchText)
	}
	if m.purposeOnly != "" {
		parts = append(parts, "purpose:"+string(m.purposeOnly))
	}
	if m.sourceOnly != "" {
		parts = append(parts, "source:"+quoteTerm(m.sourceOnly))
	}
	return strings.Join(parts, " ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ---- view ----

func (m *Model) viewMain() string {
	listH, detailsH := m.layout()
	var b strings.Builder
	b.WriteString(m.viewHeader())
	b.WriteByte('\n')
	var body string
	if m.flat {
		body = m.viewCookies(m.w, listH)
	} else {
		sw := m.sitesWidth()
		left := splitLines(m.viewSites(sw, listH))
		right := splitLines(m.viewCookies(maxi(m.w-sw-1, 0), listH))
		sep := m.th.muted.Render("│")
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
	b.WriteString(m.viewDetailsPane(m.w, detailsH))
	b.WriteByte('\n')
	b.WriteString(m.viewStatus())
	b.WriteByte('\n')
	b.WriteString(m.helpLine())
	return b.String()
}

func (m *Model) viewHeader() string {
	parts := []string{m.th.title.Render("crumbs") + " " + m.th.muted.Render(safe(m.j.Path())),
		fmt.Sprintf("%d cookies", m.ds.total)}
	if m.ds.complete {
		for _, p := range cookie.Purposes {
			parts = append(parts, m.th.purposeStyle(p).Render(fmt.Sprintf("%s %d", p, m.ds.byPurpose[purposeIndex(p)])))
		}
	}
	if m.trashCount > 0 {
		parts = append(parts, m.th.muted.Render(fmt.Sprintf("trash %d", m.trashCount)))
	}
	return fit(strings.Join(parts, "  "), m.w)
}

func (m *Model) paneTitle(s string, focused bool) string {
	if focused {
		return m.th.focusTitle.Render(s)
	}
	return m.th.blurTitle.Render(s)
}

func (m *Model) viewSites(w, h int) string {
	lines := make([]string, 0, h)
	title := fmt.Sprintf("Sites %d · by %s", len(m.res.sites), m.res.siteSort)
	if m.res.siteDesc {
		title += " ↑"
	}
	lines = append(lines, m.paneTitle(fit(title, w), m.focus == paneSites))
	countW, mixW := 6, 8
	nameW := maxi(w-2-countW-1-mixW, 1)
	lines = append(lines, m.th.header.Render(fit("  "+fit("site", nameW)+fmt.Sprintf("%*s", countW, "count")+" "+"mix", w)))
	vis := maxi(h-2, 0)
	for i := m.siteTop; i < len(m.res.sites) && len(lines) < vis+2; i++ {
		s := &m.res.sites[i]
		cur := i == m.siteCur
		glyph := " "
		if cur {
			glyph = "▸"
		}
		markG := " "
		if n := m.markedIn(s.rows); n > 0 {
			markG = m.th.marked.Render("●")
		}
		name := fit(safe(s.name), nameW)
		count := fmt.Sprintf("%*d", countW, s.count)
		line := glyph + markG + name + count + " " + m.mixBar(s, mixW)
		if cur && m.focus == paneSites {
			line = glyph + markG + m.th.cursorRow.Render(name+count) + " " + m.mixBar(s, mixW)
		}
		lines = append(lines, line)
	}
	if len(m.res.sites) == 0 {
		lines = append(lines, m.th.muted.Render(fit("  no cookies match", w)))
	}
	return joinLines(lines)
}

func (m *Model) markedIn(rows []int32) int {
	if len(m.marks) == 0 {
		return 0
	}
	n := 0
	for _, r := range rows {
		if _, ok := m.marks[m.res.ds.cookies[r].ID]; ok {
			n++
		}
	}
	return n
}

// mixBar draws a site's purpose mix as w letters (s p t ·), proportional,
// readable without colour.
func (m *Model) mixBar(s *siteAgg, w int) string {
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
			b.WriteString(m.th.purposeStyle(cookie.Purposes[i]).Render(strings.Repeat(glyphs[i], n)))
			used += n
		}
	}
	return b.String() + spaces(w-used)
}

func (m *Model) viewCookies(w, h int) string {
	rows := m.currentRows()
	lines := make([]string, 0, h)
	var title string
	if m.flat {
		title = fmt.Sprintf("All cookies %d · by %s", len(rows), m.q.cookieSort)
	} else if s := m.currentSite(); s != nil {
		title = fmt.Sprintf("%s · %s · by %s", safe(s.name), plural(s.count, "cookie"), m.q.cookieSort)
	} else {
		title = "Cookies"
	}
	if m.q.cookieDesc {
		title += " ↑"
	}
	lines = append(lines, m.paneTitle(fit(title, w), m.focus == paneCookies || m.flat))

	const purposeW, expW, flagW = 16, 11, 5
	srcW := clamp(w/5, 8, 24)
	domW := 0
	if m.flat {
		domW = clamp(w/4, 10, 30)
	}
	nameW := maxi(w-2-domW-purposeW-srcW-expW-flagW, 4)
	hdr := "  "
	if m.flat {
		hdr += fit("domain", domW)
	}
	hdr += fit("name", nameW) + fit("purpose", purposeW) + fit("source", srcW) + fit("expires", expW) + fit("flags", flagW)
	lines = append(lines, m.th.header.Render(fit(hdr, w)))
	vis := maxi(h-2, 0)
	now := m.q.now
	for i := m.rowTop; i < len(rows) && len(lines) < vis+2; i++ {
		c := &m.res.ds.cookies[rows[i]]
		cur := i == m.rowCur
		glyph := " "
		if cur {
			glyph = "▸"
		}
		markG := " "
		if _, ok := m.marks[c.ID]; ok {
			markG = m.th.marked.Render("●")
		}
		var cells strings.Builder
		if m.flat {
			cells.WriteString(fit(safe(c.Host()), domW-1) + " ")
		}
		cells.WriteString(fit(safe(c.Name), nameW-1) + " ")
		ptext := fit(string(c.Purpose)+verdictMark(c), purposeW)
		src := fit(safe(c.Source), srcW-1) + " "
		exp := fit(expiryShort(c, now), expW)
		flags := fit(flagString(c), flagW)
		var line string
		if cur && (m.focus == paneCookies || m.flat) {
			line = glyph + markG + m.th.cursorRow.Render(cells.String()+ptext+src+exp+flags)
		} else {
			line = glyph + markG + cells.String() + m.th.purposeStyle(c.Purpose).Render(ptext) + m.th.muted.Render(src) + exp + flags
		}
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		msg := "  no cookies"
		if m.filtersActive() {
			msg = "  no cookies match the filter (esc clears it)"
		}
		lines = append(lines, m.th.muted.Render(fit(msg, w)))
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

func (m *Model) viewStatus() string {
	if m.searching {
		tail := fmt.Sprintf("  %d of %d", len(m.res.rows), m.ds.total)
		if m.searchErr != "" {
			tail = "  " + m.th.danger.Render(safe(m.searchErr))
		}
		m.search.Width = maxi(m.w-width(tail)-2, 1)
		return fit(m.search.View()+tail, m.w)
	}
	var parts []string
	if m.toast != "" {
		st := m.th.ok
		if m.toastErr {
			st = m.th.danger
		}
		parts = append(parts, st.Render(m.toast))
	}
	parts = append(parts, "jar "+safe(filepath.Base(m.j.Path())))
	if m.filtersActive() {
		parts = append(parts, "filter "+m.th.accent.Render(safe(m.scopeText())))
	}
	if m.searchErr != "" {
		parts = append(parts, m.th.danger.Render(safe(m.searchErr)))
	}
	parts = append(parts, fmt.Sprintf("%d of %d", len(m.res.rows), m.ds.total))
	if m.loading {
		parts = append(parts, m.th.warn.Render(fmt.Sprintf("loading %d…", m.ds.total)))
	}
	if n := len(m.marks); n > 0 {
		parts = append(parts, m.th.marked.Render(fmt.Sprintf("%d marked", n)))
	}
	if m.reveal {
		parts = append(parts, m.th.warn.Render("values shown"))
	}
	if m.opts.ReadOnly {
		parts = append(parts, m.th.badge.Render(" READ-ONLY "))
	}
	parts = append(parts, "? help")
	return fit(strings.Join(parts, m.th.muted.Render(" · ")), m.w)
}

// editCurrent opens the edit form on the cursor's cookie, or with inEditor
// its value in $EDITOR (the same keys on the main and details screens).
func (m *Model) editCurrent(inEditor bool) tea.Cmd {
	c := m.currentCookie()
	if c == nil {
		return nil
	}
	if inEditor {
		return m.editValueInEditor(*c)
	}
	m.modal = newEditForm(m, *c)
	return nil
}
