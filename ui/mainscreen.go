package ui

import (
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

type pane int

const (
	paneSites pane = iota
	paneCookies
)

// mainScreen is the sites pane, the cookies pane (or the flat table), the
// details pane, the status bar and the search box. It owns the filters, the
// current result, the cursors and the marks; the cookies themselves are the
// loaded dataset (Context.data), which it never copies.
type mainScreen struct {
	res       *result
	q         query
	gen       int           // generation of the latest query sent
	latestGen *atomic.Int64 // the newest generation, read by running scans

	search      textinput.Model
	searching   bool
	searchText  string
	searchErr   string
	purposeOnly cookie.Purpose
	sourceOnly  string

	flat         bool
	focus        pane
	sites, rows  list
	marks        map[int64]struct{}
	purgePending bool   // P was pressed while loading
	offerSuggest bool   // the welcome screen just gave way: offer protection once loaded
	protectHint  string // that offer, in the status line until the next key
	// history are the searches kept with enter, oldest first; back is how
	// far ↑ went into it (0: the text being typed).
	history []string
	back    int
}

func newMainScreen(c *Context) *mainScreen {
	ms := &mainScreen{marks: map[int64]struct{}{}, latestGen: new(atomic.Int64)}
	ms.search = newField(c)
	ms.search.Prompt = "/"
	setPlaceholder(c, &ms.search, "domain:x name:y value:z purpose:tracking is:session -is:expired")
	ms.search.CharLimit = 1024
	ms.q = query{now: c.jar.Now()}
	ms.res = compute(c.ds(), ms.q)
	return ms
}

// ---- state ----

// filtersActive reports whether a search, purpose or source filter is set.
func (ms *mainScreen) filtersActive() bool {
	return ms.searchText != "" || ms.purposeOnly != "" || ms.sourceOnly != ""
}

// currentRows is the cookie list of the cookies pane (or the flat table).
func (ms *mainScreen) currentRows() []int32 {
	if ms.flat {
		return ms.res.rows
	}
	if s := ms.currentSite(); s != nil {
		return s.rows
	}
	return nil
}

func (ms *mainScreen) currentSite() *siteAgg {
	if ms.sites.cur >= 0 && ms.sites.cur < len(ms.res.sites) {
		return &ms.res.sites[ms.sites.cur]
	}
	return nil
}

// currentCookie is the cookie under the cursor of the cookies pane.
func (ms *mainScreen) currentCookie() *cookie.Cookie {
	rows := ms.currentRows()
	if ms.rows.cur >= 0 && ms.rows.cur < len(rows) {
		return &ms.res.ds.cookies[rows[ms.rows.cur]]
	}
	return nil
}

// cookiesFocused reports whether keys act on the cookies list.
func (ms *mainScreen) cookiesFocused() bool { return ms.flat || ms.focus == paneCookies }

// selectedIDs is what an action applies to: the marked cookies, else the
// cookie under the cursor.
func (ms *mainScreen) selectedIDs() []int64 {
	if len(ms.marks) > 0 {
		return ms.res.ds.cookiesInOrder(ms.marks)
	}
	if c := ms.currentCookie(); c != nil {
		return []int64{c.ID}
	}
	return nil
}

// selectedCookies are the marked cookies, else the one under the cursor.
func (ms *mainScreen) selectedCookies(ds *dataset) []cookie.Cookie {
	ids := ms.selectedIDs()
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	var out []cookie.Cookie
	for i := range ds.cookies {
		if set[ds.cookies[i].ID] {
			out = append(out, ds.cookies[i])
		}
	}
	return out
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

// pruneMarks drops the marks of cookies that are gone.
func (ms *mainScreen) pruneMarks(c *Context) {
	if len(ms.marks) == 0 {
		return
	}
	ds := c.ds()
	keep := make(map[int64]struct{}, len(ms.marks))
	for i := range ds.cookies {
		if _, ok := ms.marks[ds.cookies[i].ID]; ok {
			keep[ds.cookies[i].ID] = struct{}{}
		}
	}
	ms.marks = keep
}

// take shows a new result if it answers the latest query, keeping the
// selected site and cookie; it reports whether it did.
func (ms *mainScreen) take(c *Context, r *result) {
	var siteName string
	if s := ms.currentSite(); s != nil {
		siteName = s.name
	}
	var id int64
	if ck := ms.currentCookie(); ck != nil {
		id = ck.ID
	}
	ms.res = r
	if siteName != "" {
		for i := range r.sites {
			if r.sites[i].name == siteName {
				ms.sites.cur = i
				break
			}
		}
	}
	if id != 0 {
		for i, ri := range ms.currentRows() {
			if r.ds.cookies[ri].ID == id {
				ms.rows.cur = i
				break
			}
		}
	}
	ms.resize(c)
}

// layout returns the heights of the list area and the details pane; the
// flat table fills the screen (enter shows a cookie's details).
func layout(c *Context, flat bool) (listH, detailsH int) {
	avail := maxi(c.h-3, 0) // header, status, help
	if flat {
		return avail, 0
	}
	detailsH = clamp(avail/3, 4, 9)
	listH = maxi(avail-detailsH, 0)
	return
}

// visibleRows is how many rows a pane shows (title and column header take 2).
func (ms *mainScreen) visibleRows(c *Context) int {
	l, _ := layout(c, ms.flat)
	return maxi(l-2, 1)
}

// sitesWidth leaves a site name 20 cells at 80 columns (issue 13).
func sitesWidth(c *Context) int { return clamp(c.w*2/5+1, 24, 44) }

// resize fits both lists to the terminal and clamps their cursors.
func (ms *mainScreen) resize(c *Context) {
	vis := ms.visibleRows(c)
	ms.sites.resize(vis, len(ms.res.sites))
	ms.rows.resize(vis, len(ms.currentRows()))
	ms.search.Width = maxi(c.w-22, 1)
	ms.search.SetCursor(ms.search.Position()) // scroll the text to the new width
}

// ---- keys ----

func (ms *mainScreen) enableKeys(c *Context, k *KeyMap) {
	if ms.searching {
		enable(true, &k.SearchKeep, &k.SearchClear)
		return
	}
	enable(true, k.nav()...)
	enable(true, &k.Open, &k.Flat, &k.Reveal, &k.Sort, &k.SortReverse, &k.Help, &k.Quit, &k.Refresh,
		&k.Search, &k.AllPurposes, &k.OnlySession, &k.OnlyPersonal, &k.OnlyTracking, &k.OnlyUnknown,
		&k.Mark, &k.MarkAll, &k.Trash, &k.Export, &k.Report)
	enable(len(c.ds().sources) > 1 || ms.sourceOnly != "", &k.Source)
	enable(!ms.flat, &k.NextPane, &k.PrevPane)
	enable(ms.filtersActive(), &k.Back)
	has := ms.currentCookie() != nil
	enable(has, &k.Copy, &k.CopyAs)
	if !c.opts.ReadOnly {
		enable(true, &k.Undo, &k.Purge)
		enable(has || len(ms.marks) > 0, &k.Delete, &k.SetPurpose)
		enable(has, &k.Edit, &k.EditValue)
		enable(true, &k.Add)
		enable(c.canImport(), &k.Import)
		enable(c.opts.WriteBack != nil, &k.WriteBack)
		enable(has || ms.currentSite() != nil, &k.Protect)
		k.Protect.SetHelp("K", "protect/unprotect this site (keep)")
		if ms.cookiesFocused() {
			k.Protect.SetHelp("K", "protect/unprotect this cookie (keep)")
		}
	}
}

func (ms *mainScreen) shortHelp(k *KeyMap) []key.Binding {
	if ms.searching {
		return modalHelp(k)
	}
	return []key.Binding{k.Search, k.OnlyTracking, k.Mark, k.Delete, k.Purge, k.Undo, k.Edit, k.Reveal, k.Export, k.Import, k.Flat, k.Trash, k.Help, k.Quit}
}

// ---- update ----

func (ms *mainScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	if ms.searching {
		return ms.updateSearch(c, msg)
	}
	if mm, ok := msg.(tea.MouseMsg); ok {
		return ms.mouse(c, mm)
	}
	if am, ok := msg.(applyPlannedMsg); ok {
		return ms.planned(c, am)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	ms.protectHint = ""
	k := &c.keys
	if !ms.cookiesFocused() {
		before := ms.sites.cur
		if ms.sites.move(k, km, len(ms.res.sites)) {
			if ms.sites.cur != before {
				ms.rows.reset()
			}
			ms.resize(c)
			return nil
		}
	} else if ms.rows.move(k, km, len(ms.currentRows())) {
		return nil
	}
	if cmd, ok := ms.viewKey(c, km); ok {
		return cmd
	}
	return ms.actionKey(c, km)
}

// viewKey handles the keys that change what is shown (not the jar).
func (ms *mainScreen) viewKey(c *Context, km tea.KeyMsg) (tea.Cmd, bool) {
	k := &c.keys
	switch {
	case key.Matches(km, k.Quit):
		return tea.Quit, true
	case key.Matches(km, k.NextPane), key.Matches(km, k.PrevPane):
		if ms.focus == paneSites {
			ms.focus = paneCookies
		} else {
			ms.focus = paneSites
		}
	case key.Matches(km, k.Open):
		if !ms.cookiesFocused() {
			ms.focus = paneCookies
		} else if ms.currentCookie() != nil {
			c.nav.push(newDetails(ms))
		}
	case key.Matches(km, k.Back):
		ms.searchText, ms.purposeOnly, ms.sourceOnly, ms.searchErr = "", "", "", ""
		ms.search.SetValue("")
		return ms.applyFilters(c), true
	case key.Matches(km, k.Flat):
		ms.flat = !ms.flat
		ms.rows.reset()
		ms.focus = paneSites
		if ms.flat {
			ms.focus = paneCookies
		}
		ms.resize(c)
	case key.Matches(km, k.Reveal):
		c.reveal = !c.reveal
	case key.Matches(km, k.Sort), key.Matches(km, k.SortReverse):
		return ms.sort(c, key.Matches(km, k.SortReverse)), true
	case key.Matches(km, k.Help):
		c.nav.push(newHelp(ms))
	case key.Matches(km, k.Search):
		ms.searching = true
		ms.search.SetValue(ms.searchText)
		ms.search.CursorEnd()
		ms.search.Focus()
	case key.Matches(km, k.AllPurposes):
		ms.purposeOnly = ""
		return ms.applyFilters(c), true
	case key.Matches(km, k.OnlySession):
		return ms.togglePurpose(c, cookie.PurposeSession), true
	case key.Matches(km, k.OnlyPersonal):
		return ms.togglePurpose(c, cookie.PurposePersonalization), true
	case key.Matches(km, k.OnlyTracking):
		return ms.togglePurpose(c, cookie.PurposeTracking), true
	case key.Matches(km, k.OnlyUnknown):
		return ms.togglePurpose(c, cookie.PurposeUnknown), true
	case key.Matches(km, k.Source):
		ms.sourceOnly = nextSource(c.ds().sources, ms.sourceOnly)
		return ms.applyFilters(c), true
	case key.Matches(km, k.Mark):
		if ck := ms.currentCookie(); ck != nil && ms.cookiesFocused() {
			toggleMark(ms.marks, ck.ID)
			ms.rows.set(ms.rows.cur+1, len(ms.currentRows()))
		} else if s := ms.currentSite(); s != nil {
			ms.markRows(s.rows)
		}
	case key.Matches(km, k.MarkAll):
		ms.markRows(ms.currentRows())
	default:
		return nil, false
	}
	return nil, true
}

// actionKey handles the keys that act on cookies or open another screen.
func (ms *mainScreen) actionKey(c *Context, km tea.KeyMsg) tea.Cmd {
	k := &c.keys
	switch {
	case key.Matches(km, k.Delete):
		return ms.deleteSelected(c)
	case key.Matches(km, k.Purge):
		return ms.openPurge(c)
	case key.Matches(km, k.WriteBack):
		return openApply(c)
	case key.Matches(km, k.Protect):
		return ms.toggleProtect(c)
	case key.Matches(km, k.Undo):
		return undo(c)
	case key.Matches(km, k.Edit, k.EditValue):
		return editCookie(c, ms.currentCookie(), key.Matches(km, k.EditValue))
	case key.Matches(km, k.Add):
		site := ""
		if s := ms.currentSite(); s != nil {
			site = s.name
		}
		c.nav.open(newAddForm(c, site))
	case key.Matches(km, k.SetPurpose):
		if ids := ms.selectedIDs(); len(ids) > 0 {
			c.nav.open(&purposePicker{ids: ids})
		}
	case key.Matches(km, k.Trash):
		t := newTrashScreen(c)
		c.nav.push(t)
		return t.load(c)
	case key.Matches(km, k.Import):
		return openImport(c)
	case key.Matches(km, k.Report):
		return openReport(c, ms)
	case key.Matches(km, k.Export):
		c.nav.open(newExportDialog(c, ms))
	case key.Matches(km, k.Copy):
		return copyValue(c, ms.currentCookie())
	case key.Matches(km, k.CopyAs):
		return copyAs(c, ms.selectedCookies(c.ds()))
	}
	return nil
}

func (ms *mainScreen) sort(c *Context, rev bool) tea.Cmd {
	if !ms.cookiesFocused() {
		if rev {
			ms.q.siteDesc = !ms.q.siteDesc
		} else {
			ms.q.siteSort = (ms.q.siteSort + 1) % siteSortCount
		}
		var keep string
		if s := ms.currentSite(); s != nil {
			keep = s.name
		}
		ms.res.sortSites(ms.q.siteSort, ms.q.siteDesc)
		for i := range ms.res.sites { // the selected site stays selected
			if ms.res.sites[i].name == keep {
				ms.sites.cur = i
			}
		}
		ms.resize(c)
		return nil
	}
	if rev {
		ms.q.cookieDesc = !ms.q.cookieDesc
	} else {
		ms.q.cookieSort = (ms.q.cookieSort + 1) % cookieSortCount
	}
	return ms.requery(c)
}

func (ms *mainScreen) mouse(c *Context, mm tea.MouseMsg) tea.Cmd {
	switch mm.Button {
	case tea.MouseButtonWheelUp, tea.MouseButtonWheelDown:
		d := 3
		if mm.Button == tea.MouseButtonWheelUp {
			d = -3
		}
		if !ms.cookiesFocused() {
			ms.sites.set(ms.sites.cur+d, len(ms.res.sites))
			ms.rows.reset()
		} else {
			ms.rows.cur += d
		}
		ms.resize(c)
	case tea.MouseButtonLeft:
		if mm.Action != tea.MouseActionPress {
			return nil
		}
		row := mm.Y - 3 // header, pane title, column header
		if row < 0 || row >= ms.visibleRows(c) {
			return nil
		}
		if !ms.flat && mm.X < sitesWidth(c) {
			ms.focus = paneSites
			if i := ms.sites.top + row; i < len(ms.res.sites) && i != ms.sites.cur {
				ms.sites.cur = i
				ms.rows.reset()
			}
		} else {
			ms.focus = paneCookies
			ms.rows.cur = ms.rows.top + row
		}
		ms.resize(c)
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
func (ms *mainScreen) markRows(rows []int32) {
	cs := ms.res.ds.cookies
	all := len(rows) > 0
	for _, r := range rows {
		if _, ok := ms.marks[cs[r].ID]; !ok {
			all = false
			break
		}
	}
	for _, r := range rows {
		if all {
			delete(ms.marks, cs[r].ID)
		} else {
			ms.marks[cs[r].ID] = struct{}{}
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
