package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The report screen (w): who tracks you, and how widely (docs/ui.md,
// "Report"). A bar per tracker, its length the tracker's reach in sites
// and its segments the browsers' shares (colour per browser, and a pattern
// per browser without colour); the totals and what a purge would do; what
// changed since each source's last import. enter shows the tracker's
// cookies on the main screen, where P purges them.
//
// The report is computed by internal/report — the same computation as
// `crumbs report` — in a Cmd, from the loaded dataset (no read of the
// jar's cookies, the dataset's sites), and kept in Context.data until the
// jar changes. A second after the whole jar is loaded it is computed in
// the background if no one asked for it yet, so the screen opens at once
// (docs/decisions.md, "Reports"); after a change, the next full load
// computes it again.

// reportState is a computed report and what it was computed from.
type reportState struct {
	ds      *dataset
	by      report.By
	rep     *report.Report
	changes []report.SourceChanges
	err     error
	took    time.Duration
}

// reportMsg carries a computed report to the root, which keeps it.
type reportMsg struct{ st *reportState }

// newest is the newest load: the one on screen, or one whose filter result
// is still being computed.
func newest(c *Context) *dataset {
	if c.data.latest != nil {
		return c.data.latest
	}
	return c.ds()
}

// reportCmd computes the report of the newest load grouped by by.
func reportCmd(c *Context, by report.By) tea.Cmd {
	return computeReport(c, by, false)
}

// computeReport is reportCmd; in the background (no screen waits for it)
// the changes are computed after the report instead of beside it, so that
// the two passes' garbage is not live at once: the UI's peak memory at
// 100,000 cookies is budgeted (TestTmuxMemory100k, docs/budgets.md §4).
func computeReport(c *Context, by report.By, background bool) tea.Cmd {
	ctx, j, ds, now := c.ctx, c.jar, newest(c), c.jar.Now()
	c.data.reportFor, c.data.reportBy = ds, by
	return func() tea.Msg {
		start := time.Now()
		st := &reportState{ds: ds, by: by}
		// The changes since the last imports alongside the report: each
		// has parts that run on one core.
		done := make(chan struct{})
		changes := func() {
			defer close(done)
			recs, err := j.ImportRecords(ctx)
			if err != nil {
				st.err = err
				return
			}
			st.changes = report.Changes(recs, by)
			sortChangesNewest(st.changes)
		}
		if !background {
			go changes()
		}
		st.rep = report.ComputeSited(ds.cookies, func(i int) string { return ds.site(int32(i)) }, cookie.Filter{}, report.Options{By: by, Now: now})
		if background {
			changes()
		}
		<-done
		st.took = time.Since(start)
		return reportMsg{st}
	}
}

func sortChangesNewest(cs []report.SourceChanges) {
	for i := 1; i < len(cs); i++ {
		for k := i; k > 0 && cs[k].At.After(cs[k-1].At); k-- {
			cs[k], cs[k-1] = cs[k-1], cs[k]
		}
	}
}

// takeReport keeps a computed report if it is of the data now loaded.
func (m *Model) takeReport(msg reportMsg) tea.Cmd {
	if m.c.data.reportFor == msg.st.ds && m.c.data.reportBy == msg.st.by {
		m.c.data.reportFor = nil
	}
	if msg.st.ds != newest(m.c) {
		return nil // the jar changed meanwhile; the next load computes again
	}
	m.c.data.report = msg.st
	if rs, ok := m.top().(*reportScreen); ok {
		rs.list.clamp(len(msg.st.rep.Trackers))
	}
	return nil
}

// refreshReport, after a full load, computes the report for the report
// screen if it is showing; otherwise a moment later (reportSoon), so that
// it is ready when the user opens the screen.
func (m *Model) refreshReport() tea.Cmd {
	if rs, ok := m.top().(*reportScreen); ok {
		return rs.ensure(m.c)
	}
	ds := newest(m.c)
	st := m.c.data.report
	if !ds.complete || st != nil && st.ds == ds {
		return nil
	}
	if len(ds.cookies) >= reportSoonMax {
		return nil // computed when w asks for it
	}
	if m.timers.report > 0 {
		return tea.Tick(m.timers.report, func(time.Time) tea.Msg { return reportSoonMsg{ds} })
	}
	if st != nil { // no timers (tests): at once, as for a screen once opened
		return computeReport(m.c, st.by, true)
	}
	return nil
}

// reportSoonMax is the size from which the report waits for w instead of
// being computed in the background after the load: at a million cookies it
// takes seconds of both cores and a few hundred MB, just when the first
// search wants them (docs/budgets.md §5).
const reportSoonMax = 500_000

// reportSoonMsg: the whole jar was loaded a moment ago (ds) and the report
// screen is not showing.
type reportSoonMsg struct{ ds *dataset }

// reportSoon computes the report of ds in the background (grouped as the
// last one was), unless a newer load came meanwhile (it schedules its
// own), or the report of ds is kept or on its way. Waiting a moment leaves
// the cores to the list the load shows first and to the user's next key.
func (m *Model) reportSoon(msg reportSoonMsg) tea.Cmd {
	c := m.c
	st := c.data.report
	if msg.ds != newest(c) || st != nil && st.ds == msg.ds || c.data.reportFor == msg.ds {
		return nil
	}
	if c.busy != nil || c.data.loading {
		// A change or a load is on its way: its reload and this report
		// would be live at once (the peak TestTmuxMemory100k budgets), and
		// this report would be of data about to go. Ask again later.
		return tea.Tick(m.timers.report, func(time.Time) tea.Msg { return msg })
	}
	by := report.ByVendor
	if st != nil {
		by = st.by
	}
	return computeReport(c, by, true)
}

type reportScreen struct {
	main *mainScreen
	by   report.By
	list list
}

// openReport shows the report screen, computing the report unless the one
// kept is current.
func openReport(c *Context, ms *mainScreen) tea.Cmd {
	rs := &reportScreen{main: ms}
	if st := c.data.report; st != nil {
		rs.by = st.by
	}
	rs.resize(c)
	c.nav.push(rs)
	return rs.ensure(c)
}

// current is the kept report if it is of what the screen shows (or of the
// newest load, about to be shown), grouped as the screen asks. A report of
// the data on screen stays shown while the one of a newer load computes.
func (rs *reportScreen) current(c *Context) *reportState {
	st := c.data.report
	if st == nil || st.by != rs.by || st.ds != c.ds() && st.ds != newest(c) {
		return nil
	}
	return st
}

// ensure starts computing when the kept report is not of the newest load
// and that load is the whole jar.
func (rs *reportScreen) ensure(c *Context) tea.Cmd {
	st := c.data.report
	if st != nil && st.by == rs.by && st.ds == newest(c) || !newest(c).complete ||
		c.data.reportFor == newest(c) && c.data.reportBy == rs.by { // on its way
		return nil
	}
	return reportCmd(c, rs.by)
}

func (rs *reportScreen) trackers(c *Context) []report.Tracker {
	if st := rs.current(c); st != nil {
		return st.rep.Trackers
	}
	return nil
}

// reportLayout: the rows the chart gets and the height of the panels
// below it. Header, title, column header, legend, the selected tracker's
// line and the status take 6 of the h-1 lines the screen draws.
func reportLayout(c *Context) (rows, panel int) {
	avail := maxi(c.h-1-6, 2)
	panel = clamp(avail/3, 4, 9)
	return maxi(avail-panel, 1), panel
}

func (rs *reportScreen) resize(c *Context) {
	rows, _ := reportLayout(c)
	rs.list.resize(rows, len(rs.trackers(c)))
}

func (rs *reportScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, k.nav()...)
	enable(true, &k.Back, &k.Report, &k.ByOrg, &k.Help, &k.Quit, &k.Undo)
	if c.opts.ReadOnly {
		enable(false, &k.Undo)
	}
	enable(len(rs.trackers(c)) > 0, &k.Open)
	k.Open.SetHelp("enter", "its cookies")
	k.Back.SetHelp("esc", "back")
	if rs.by == report.ByOrganisation {
		k.ByOrg.SetHelp("O", "by vendor")
	}
}

func (rs *reportScreen) shortHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Open, k.ByOrg, k.Undo, k.Back, k.Help, k.Quit}
}

func (rs *reportScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	if _, ok := msg.(resultMsg); ok {
		return nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return rs.ensure(c)
	}
	k := &c.keys
	ts := rs.trackers(c)
	if rs.list.move(k, km, len(ts)) {
		return nil
	}
	switch {
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Back), key.Matches(km, k.Report):
		c.nav.pop()
	case key.Matches(km, k.Help):
		c.nav.push(newHelp(rs))
	case key.Matches(km, k.ByOrg):
		rs.by = 1 - rs.by
		rs.list.reset()
		rs.resize(c)
		return rs.ensure(c)
	case key.Matches(km, k.Undo):
		return undo(c)
	case key.Matches(km, k.Open):
		if rs.list.cur < len(ts) {
			t := ts[rs.list.cur]
			c.nav.home()
			return rs.main.showTracker(c, t, rs.by)
		}
	}
	return nil
}

// showTracker filters the main screen to a tracker's cookies: the search
// box holds vendor:NAME (org:NAME by organisation), so the user sees why,
// and P purges exactly them.
func (ms *mainScreen) showTracker(c *Context, t report.Tracker, by report.By) tea.Cmd {
	term := "vendor:"
	if by == report.ByOrganisation {
		term = "org:"
	}
	ms.searchText = term + quoteTerm(t.Name)
	ms.search.SetValue(ms.searchText)
	ms.purposeOnly, ms.sourceOnly = "", ""
	ms.flat, ms.focus = false, paneSites
	ms.sites.reset()
	ms.rows.reset()
	return tea.Batch(ms.applyFilters(c),
		c.nav.setToast(fmt.Sprintf("%s: %s on %s — P purges them", safe(t.Name), plural(t.Cookies, "cookie"), plural(t.Sites, "site")), false))
}

// ---- view ----

// browserStyles are the browsers' colours, by their order in the report.
var browserColours = []string{colBlue, colGreen, colYellow, colMagenta, colCyan, colRed}

// browserPatterns draw the browsers' segments without colour.
var browserPatterns = []string{"█", "▓", "▒", "░", "▚", "▞", "▤", "▥"}

// segment is how browser bi's part of a bar is drawn.
func segment(th *theme, bi, n int) string {
	if n <= 0 {
		return ""
	}
	if th.noColor {
		return strings.Repeat(browserPatterns[bi%len(browserPatterns)], n)
	}
	return th.plain.Foreground(lipgloss.Color(browserColours[bi%len(browserColours)])).Render(strings.Repeat("█", n))
}

func (rs *reportScreen) view(c *Context) string {
	w, th := c.w, c.th
	lines := []string{viewHeader(c)}
	st := rs.current(c)
	what := "vendor"
	if rs.by == report.ByOrganisation {
		what = "organisation"
	}
	if st == nil {
		lines = append(lines, th.focusTitle.Render(fit("Trackers by reach", w)), "")
		if newest(c).complete {
			lines = append(lines, th.muted.Render(fmt.Sprintf("  computing the report of %s…", plural(newest(c).total, "cookie"))))
		} else {
			lines = append(lines, th.muted.Render("  loading the jar — the report follows"))
		}
		return joinLines(fill(lines, c.h-1))
	}
	rep := st.rep
	lines = append(lines, th.focusTitle.Render(fit(fmt.Sprintf("Trackers by reach · %s hold ids on %s of %s · by %s",
		plural(len(rep.Trackers), what), report.Num(rep.TrackerSites), plural(rep.Sites, "site"), what), w)))
	rows, panelH := reportLayout(c)
	lines = append(lines, rs.chart(c, rep, rows)...)
	lines = append(lines, rs.legend(c, rep), rs.selected(c, rep))
	left := totalsPanel(c, rep, w/2, panelH)
	right := changesPanel(c, st, w-w/2, panelH)
	for i := 0; i < panelH; i++ {
		lines = append(lines, fit(left[i], w/2)+right[i])
	}
	status := []string{}
	if s := toastText(c); s != "" {
		status = append(status, s)
	}
	if st.err != nil {
		status = append(status, th.danger.Render("import records: "+safe(st.err.Error())))
	}
	status = append(status, "? help")
	lines = append(lines, strings.Join(status, " · "))
	return joinLines(lines)
}

// chart is the column header and one bar per tracker in the window.
func (rs *reportScreen) chart(c *Context, rep *report.Report, rows int) []string {
	w, th := c.w, c.th
	nameW := clamp(w/5, 14, 26)
	const rankW, sitesW = 4, 7
	barW := maxi(w-2-rankW-nameW-sitesW-2, 4)
	out := []string{th.header.Render(fit("  "+fit("#", rankW)+fit("tracker", nameW)+fmt.Sprintf("%*s", sitesW, "sites")+"  "+"reach, by browser", w))}
	ts := rep.Trackers
	if len(ts) == 0 {
		out = append(out, th.muted.Render("  no tracking cookies: nobody follows you here"))
		return fill(out, rows+1)
	}
	browserIdx := map[string]int{}
	for i, b := range rep.Browsers {
		browserIdx[b.Name] = i
	}
	top := float64(ts[0].Sites)
	from, to := rs.list.window(len(ts))
	for i := from; i < to; i++ {
		t := &ts[i]
		glyph := " "
		if i == rs.list.cur {
			glyph = "▸"
		}
		name := safe(t.Name)
		if !t.Known {
			name = th.muted.Render(name)
		}
		cells := fit(fmt.Sprintf("%d", i+1), rankW) + fit(name, nameW-1) + " " + fmt.Sprintf("%*s", sitesW, report.Num(t.Sites))
		if i == rs.list.cur {
			cells = th.cursorRow.Render(cells)
		}
		out = append(out, glyph+" "+cells+"  "+bar(th, t, top, barW, browserIdx))
	}
	return fill(out, rows+1)
}

// bar draws t's reach, width ∝ sites, split into its browsers' shares.
// Segment ends are rounded from the running total, so the parts add up to
// the whole bar.
func bar(th *theme, t *report.Tracker, top float64, barW int, browserIdx map[string]int) string {
	total := int(math.Round(float64(t.Sites) / top * float64(barW)))
	if total == 0 && t.Sites > 0 {
		total = 1
	}
	var b strings.Builder
	done, cum := 0, 0.0
	for _, s := range t.Shares {
		cum += s.Sites
		end := int(math.Round(cum / float64(t.Sites) * float64(total)))
		b.WriteString(segment(th, browserIdx[s.Browser], end-done))
		done = end
	}
	return b.String()
}

// legend names the browsers' colours (patterns without colour).
func (rs *reportScreen) legend(c *Context, rep *report.Report) string {
	parts := []string{c.th.muted.Render("browsers:")}
	for i, b := range rep.Browsers {
		parts = append(parts, segment(c.th, i, 2)+" "+safe(b.Name))
	}
	return fit("  "+strings.Join(parts, "  "), c.w)
}

// selected is the line about the tracker under the cursor.
func (rs *reportScreen) selected(c *Context, rep *report.Report) string {
	ts := rep.Trackers
	if rs.list.cur >= len(ts) {
		return ""
	}
	t := &ts[rs.list.cur]
	parts := []string{c.th.title.Render(safe(t.Name))}
	switch {
	case !t.Known:
		parts = append(parts, "vendor unknown: grouped by its domain")
	case rs.by == report.ByOrganisation:
		parts = append(parts, safe(strings.Join(t.Vendors, ", ")))
	default:
		parts = append(parts, safe(t.Organisation))
	}
	parts = append(parts, plural(t.Sites, "site"), plural(t.Cookies, "cookie"),
		safe(strings.Join(t.Browsers, ", ")), plural(len(t.Profiles), "profile"),
		"oldest "+report.Span(t.OldestAge(rep.At)), "longest "+report.Span(t.LongestLeft(rep.At)))
	return fit("  "+strings.Join(parts, " · "), c.w)
}

// totalsPanel: cookies by purpose and by browser, and what P would do.
func totalsPanel(c *Context, rep *report.Report, w, h int) []string {
	th := c.th
	out := []string{th.focusTitle.Render(fit(" Totals", w-1))}
	var purposes []string
	for _, p := range rep.ByPurpose {
		purposes = append(purposes, th.purposeStyle(cookie.Purpose(p.Name)).Render(p.Name+" "+report.Num(p.Cookies)))
	}
	var browsers []string
	for _, b := range rep.Browsers {
		browsers = append(browsers, safe(b.Name)+" "+report.Num(b.Cookies))
	}
	p := rep.Purge
	keep := []string{}
	for _, k := range p.KeepByPurpose {
		keep = append(keep, report.Num(k.Cookies)+" "+k.Name)
	}
	body := []string{
		fmt.Sprintf("%s on %s", plural(rep.Cookies, "cookie"), plural(rep.Sites, "site")),
		strings.Join(purposes[:2], " · "),
		strings.Join(purposes[2:], " · "),
		"browsers: " + strings.Join(browsers, " · "),
		fmt.Sprintf("a tracking purge removes %s on %s", report.Num(p.Remove), plural(p.RemoveSites, "site")),
		fmt.Sprintf("and keeps %s: %s protected, %s", report.Num(p.Keep), report.Num(p.Protected), strings.Join(keep, ", ")),
	}
	for _, l := range body {
		out = append(out, " "+trunc(l, w-2))
	}
	return fill(out, h)[:h]
}

// changesPanel: per source, newest import first, what came and went.
func changesPanel(c *Context, st *reportState, w, h int) []string {
	th := c.th
	out := []string{th.focusTitle.Render(fit("Since the previous import", w))}
	if len(st.changes) == 0 {
		out = append(out, th.muted.Render(trunc("no import on record yet (i imports)", w)))
	}
	names := func(ts []report.TrackerChange) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = fmt.Sprintf("%s (%s)", safe(t.Name), plural(t.Sites, "site"))
		}
		return strings.Join(parts, ", ")
	}
	for _, sc := range st.changes {
		when := sc.At.UTC().Format("Jan 2 15:04")
		if sc.First {
			out = append(out, trunc(fmt.Sprintf("%s · %s: first import, %s", safe(sc.Source), when, plural(sc.Cookies, "cookie")), w))
			continue
		}
		out = append(out, trunc(fmt.Sprintf("%s · %s: +%s −%s cookies", safe(sc.Source), when, report.Num(sc.Added), report.Num(sc.Gone)), w))
		if len(sc.NewTrackers) > 0 {
			out = append(out, "  "+th.danger.Render(trunc("new: "+names(sc.NewTrackers), w-2)))
		}
		if len(sc.GoneTrackers) > 0 {
			out = append(out, "  "+th.ok.Render(trunc("gone: "+names(sc.GoneTrackers), w-2)))
		}
	}
	if len(out) > h {
		out = append(out[:h-1], th.muted.Render(trunc("… crumbs report --changes has all", w)))
	}
	return fill(out, h)
}
