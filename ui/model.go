package ui

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// firstPage is how many cookies are read synchronously before the first
// frame; the rest arrive from a Cmd (PRODUCT §10: first frame ≤ 200 ms).
const firstPage = 400

// Minimum terminal size; below it a "terminal too small" screen is shown.
const minWidth, minHeight = 60, 16

type screen int

const (
	scrMain screen = iota
	scrWelcome
	scrTrash
	scrDetails
	scrHelp
)

type pane int

const (
	paneSites pane = iota
	paneCookies
)

// modal is a dialog or form drawn over a screen. It gets every message
// while open; returning a nil modal closes it. It tells the root what
// happened through the Cmds it returns (semantic messages), never by
// reaching into the root's state.
type modal interface {
	update(m *Model, msg tea.Msg) (modal, tea.Cmd)
	view(m *Model, w, h int) string
	// enableKeys switches on the bindings the modal answers to.
	enableKeys(k *KeyMap)
}

// Model is the root of the UI. It owns the data and routes messages to the
// screen or modal that is active.
type Model struct {
	ctx  context.Context
	j    *jar.Jar
	opts Options
	th   *theme
	keys KeyMap
	w, h int

	screen     screen
	backScreen screen // where help and details return to
	modal      modal

	ds        *dataset
	res       *result
	gen       int // generation of the latest query sent
	latestGen atomic.Int64
	q         query
	loading   bool
	loadGen   int
	loadErr   error

	search      lineInput
	searching   bool
	searchText  string
	searchErr   string
	purposeOnly cookie.Purpose
	sourceOnly  string

	flat               bool
	focus              pane
	siteCur, siteTop   int
	rowCur, rowTop     int
	marks              map[int64]struct{}
	reveal             bool
	detailsScroll      int
	trash              []jar.Trashed
	trashCur, trashTop int
	trashMarks         map[int64]struct{}
	profiles           []Profile
	profilesErr        error
	discovering        bool
	toast              string
	toastErr           bool
	toastID            int
	toastTTL           time.Duration
	lastDeleted        int
	trashCount         int
	purgePending       bool // P was pressed while loading
}

// New builds the model for j, reading the first page of cookies
// synchronously so that the first frame already shows cookies.
func New(ctx context.Context, j *jar.Jar, opts Options) (*Model, error) {
	r := opts.renderer()
	m := &Model{
		ctx: ctx, j: j, opts: opts, th: newTheme(r), keys: newKeyMap(),
		marks: map[int64]struct{}{}, trashMarks: map[int64]struct{}{},
		toastTTL: 6 * time.Second,
	}
	m.search = m.newInput()
	m.search.Prompt = "/"
	m.search.Placeholder = "domain:x name:y value:z purpose:tracking is:session -is:expired"
	m.search.CharLimit = 1024
	m.q = query{now: j.Now()}

	cs, total, err := j.Query(ctx, jar.Query{Limit: firstPage})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", j.Path(), err)
	}
	// No jar.Counts here: it scans the whole table (~50 ms at 100k). The
	// header's per-purpose counts come with the full load, the trash count
	// from countsCmd, both off the first frame's path.
	m.ds = newDataset(cs, total)
	m.res = compute(m.ds, m.q)
	m.loading = !m.ds.complete
	if total == 0 {
		m.screen = scrWelcome
	}
	m.focus = paneSites
	m.syncKeys()
	return m, nil
}

// Init starts loading the rest of the jar and, on the welcome screen,
// looks for browsers.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.loading {
		cmds = append(cmds, m.loadAllCmd())
	}
	cmds = append(cmds, m.countsCmd())
	if m.screen == scrWelcome {
		cmds = append(cmds, m.discoverCmd())
	}
	return tea.Batch(cmds...)
}

// ---- messages ----

type loadedMsg struct {
	gen int
	ds  *dataset
	err error
}

type resultMsg struct{ res *result }

// trashCountMsg carries the number of cookies in the trash.
type trashCountMsg struct{ n int }

// changedMsg reports a committed change to the jar; the root reloads.
type changedMsg struct {
	toast string
	err   error
}

type toastExpiredMsg struct{ id int }

type trashMsg struct {
	items []jar.Trashed
	err   error
}

type profilesMsg struct {
	profiles []Profile
	err      error
}

// closeModalMsg closes the open modal (sent by modals that finish in a Cmd).
type closeModalMsg struct{}

// ---- commands ----

func (m *Model) loadAllCmd() tea.Cmd {
	ctx, j := m.ctx, m.j
	m.loadGen++
	gen := m.loadGen
	return func() tea.Msg {
		// The jar's own cached slice, not a copy: 100k cookies exist once
		// in memory (PRODUCT §10). The UI only reads it.
		cs, _, err := j.Shared(ctx)
		if err != nil {
			return loadedMsg{gen: gen, err: err}
		}
		return loadedMsg{gen: gen, ds: newDataset(cs, len(cs))}
	}
}

// countsCmd asks the jar how many cookies the trash holds (for the header).
func (m *Model) countsCmd() tea.Cmd {
	ctx, j := m.ctx, m.j
	return func() tea.Msg {
		c, err := j.Counts(ctx)
		if err != nil {
			return nil // the header just shows no trash count
		}
		return trashCountMsg{c.Trash}
	}
}

// releaseMemoryCmd hands the heap the load no longer needs (the jar's read
// buffers, the previous snapshot) back to the system. Without it the Go
// runtime keeps the load's peak resident until the heap grows again, which
// an idle UI never does. It runs off the UI goroutine.
func releaseMemoryCmd() tea.Msg {
	debug.FreeOSMemory()
	return nil
}

// requery starts computing the result for the current filters in a Cmd.
// The generation number makes every earlier, still running query stale.
func (m *Model) requery() tea.Cmd {
	m.gen++
	m.latestGen.Store(int64(m.gen))
	q := m.q
	q.gen = m.gen
	q.latest = &m.latestGen
	q.now = m.j.Now()
	ds := m.ds
	return func() tea.Msg { return resultMsg{compute(ds, q)} }
}

// change runs fn (a jar call) in a Cmd and reports it as a changedMsg.
func (m *Model) change(fn func(ctx context.Context, j *jar.Jar) (string, error)) tea.Cmd {
	ctx, j := m.ctx, m.j
	return func() tea.Msg {
		s, err := fn(ctx, j)
		return changedMsg{toast: s, err: err}
	}
}

func (m *Model) loadTrashCmd() tea.Cmd {
	ctx, j := m.ctx, m.j
	return func() tea.Msg {
		items, err := j.Trash(ctx)
		return trashMsg{items: items, err: err}
	}
}

func (m *Model) discoverCmd() tea.Cmd {
	if m.opts.Discover == nil {
		return nil
	}
	m.discovering = true
	ctx, d := m.ctx, m.opts.Discover
	return func() tea.Msg {
		ps, err := d(ctx)
		return profilesMsg{profiles: ps, err: err}
	}
}

func (m *Model) setToast(s string, isErr bool) tea.Cmd {
	m.toast, m.toastErr = s, isErr
	m.toastID++
	id := m.toastID
	if m.toastTTL <= 0 {
		return nil // toasts stay until replaced
	}
	return tea.Tick(m.toastTTL, func(time.Time) tea.Msg { return toastExpiredMsg{id} })
}

// ---- update ----

// Update routes: window size and data messages are the root's own; keys go
// to the open modal, else to the search box while typing, else to the
// current screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// Keys typed faster than the terminal is read arrive as one message
	// with several runes ("jjG"); they are separate keystrokes. A paste
	// stays whole.
	if km, ok := msg.(tea.KeyMsg); ok && km.Type == tea.KeyRunes && len(km.Runes) > 1 && !km.Paste {
		cmds := make([]tea.Cmd, 0, len(km.Runes))
		for _, r := range km.Runes {
			cmds = append(cmds, m.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt}))
			m.syncKeys()
		}
		return m, tea.Batch(cmds...)
	}
	cmd := m.update(msg)
	m.syncKeys()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = maxi(msg.Width, 0), maxi(msg.Height, 0)
		m.search.Width = maxi(m.w-20, 1)
		m.clampCursors()
		return nil
	case loadedMsg:
		if msg.gen != m.loadGen {
			return nil // a later load is on its way
		}
		m.loading = false
		if msg.err != nil {
			m.loadErr = msg.err
			return m.setToast("loading the jar failed: "+msg.err.Error(), true)
		}
		m.ds = msg.ds
		m.pruneMarks()
		if m.ds.total > 0 && m.screen == scrWelcome {
			m.screen = scrMain
		}
		return tea.Batch(m.requery(), releaseMemoryCmd)
	case trashCountMsg:
		m.trashCount = msg.n
		return nil
	case resultMsg:
		if msg.res.gen == m.gen && msg.res.ds == m.ds {
			m.applyResult(msg.res)
			if m.purgePending && m.ds.complete {
				m.purgePending = false
				if m.screen == scrMain && m.modal == nil && !m.searching && !m.opts.ReadOnly {
					return m.openPurge()
				}
			}
		}
		return nil
	case changedMsg:
		var cmds []tea.Cmd
		if msg.err != nil {
			cmds = append(cmds, m.setToast(errText(msg.err), true))
		} else if msg.toast != "" {
			cmds = append(cmds, m.setToast(msg.toast, false))
		}
		m.loading = true
		cmds = append(cmds, m.loadAllCmd(), m.countsCmd())
		if m.screen == scrTrash {
			cmds = append(cmds, m.loadTrashCmd())
		}
		return tea.Batch(cmds...)
	case toastExpiredMsg:
		if msg.id == m.toastID {
			m.toast = ""
		}
		return nil
	case trashMsg:
		if msg.err != nil {
			return m.setToast(errText(msg.err), true)
		}
		m.trash = msg.items
		m.trashCur = clamp(m.trashCur, 0, maxi(len(m.trash)-1, 0))
		return nil
	case profilesMsg:
		m.discovering = false
		m.profiles, m.profilesErr = msg.profiles, msg.err
		if m.modal != nil {
			var cmd tea.Cmd
			m.modal, cmd = m.modal.update(m, msg)
			return cmd
		}
		return nil
	case changedToast:
		return m.setToast(msg.text, msg.err)
	case editorDoneMsg:
		return m.finishEditor(msg)
	case closeModalMsg:
		m.modal = nil
		return nil
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.ForceQuit) {
			return tea.Quit
		}
	}

	if m.modal != nil {
		var cmd tea.Cmd
		m.modal, cmd = m.modal.update(m, msg)
		return cmd
	}
	if m.searching {
		return m.updateSearch(msg)
	}
	if km, ok := msg.(tea.KeyMsg); ok && m.tooSmall() {
		if key.Matches(km, m.keys.Quit) {
			return tea.Quit
		}
		return nil
	}
	switch m.screen {
	case scrWelcome:
		return m.updateWelcome(msg)
	case scrTrash:
		return m.updateTrash(msg)
	case scrDetails:
		return m.updateDetails(msg)
	case scrHelp:
		return m.updateHelp(msg)
	}
	return m.updateMain(msg)
}

func (m *Model) tooSmall() bool { return m.w < minWidth || m.h < minHeight }

// errText renders an error for the status bar; InvalidError reads as
// "field: reason".
func errText(err error) string {
	var inv *cookie.InvalidError
	if errors.As(err, &inv) {
		return inv.Field + ": " + inv.Reason
	}
	return err.Error()
}

// ---- view ----

// View draws the current screen. Every line is cut to the terminal width
// (clampLines), whatever the data holds.
func (m *Model) View() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("terminal too small: %d×%d, need %d×%d", m.w, m.h, minWidth, minHeight)
		return clampLines(msg+"\n\nq quit", m.w, m.h)
	}
	var body string
	switch m.screen {
	case scrWelcome:
		body = m.viewWelcome()
	case scrTrash:
		body = m.viewTrash()
	case scrDetails:
		body = m.viewDetailsScreen()
	case scrHelp:
		body = m.viewHelp()
	default:
		body = m.viewMain()
	}
	if m.modal != nil {
		reset := "\x1b[0m"
		if m.th.noColor {
			reset = ""
		}
		body = overlay(body, m.modal.view(m, m.w, m.h), m.w, m.h, reset)
	}
	return clampLines(body, m.w, m.h)
}

// overlay centres box over base; both are blocks of lines.
func overlay(base, box string, w, h int, reset string) string {
	baseLines := splitLines(clampLines(base, w, h))
	boxLines := splitLines(box)
	bw := 0
	for _, l := range boxLines {
		bw = maxi(bw, width(l))
	}
	bw = mini(bw, w)
	top := maxi((h-len(boxLines))/2, 0)
	left := maxi((w-bw)/2, 0)
	for i, l := range boxLines {
		y := top + i
		if y >= len(baseLines) {
			break
		}
		b := baseLines[y]
		baseLines[y] = fit(ansi.Truncate(b, left, "")+reset+fit(l, bw)+reset+ansi.TruncateLeft(b, left+bw, ""), w)
	}
	return joinLines(baseLines)
}

// ---- keys ----

// syncKeys enables exactly the bindings that work in the current state.
func (m *Model) syncKeys() {
	m.keys = newKeyMap() // modals may relabel bindings; start clean
	k := &m.keys
	enable(false, k.all()...)
	enable(true, &k.ForceQuit)
	if m.tooSmall() && m.w > 0 {
		enable(true, &k.Quit)
		return
	}
	if m.modal != nil {
		m.modal.enableKeys(k)
		return
	}
	if m.searching {
		enable(true, &k.SearchKeep, &k.SearchClear)
		return
	}
	rw := !m.opts.ReadOnly
	nav := []*key.Binding{&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown}
	switch m.screen {
	case scrMain:
		enable(true, nav...)
		enable(true, &k.Open, &k.Flat, &k.Reveal, &k.Sort, &k.SortReverse, &k.Help, &k.Quit,
			&k.Search, &k.AllPurposes, &k.OnlySession, &k.OnlyPersonal, &k.OnlyTracking, &k.OnlyUnknown,
			&k.Mark, &k.MarkAll, &k.Trash, &k.Export)
		enable(len(m.ds.sources) > 1 || m.sourceOnly != "", &k.Source)
		enable(!m.flat, &k.NextPane, &k.PrevPane)
		enable(m.filtersActive(), &k.Back)
		has := m.currentCookie() != nil
		enable(has, &k.Copy, &k.CopyAs)
		if rw {
			enable(true, &k.Undo, &k.Purge)
			enable(has || len(m.marks) > 0, &k.Delete, &k.SetPurpose)
			enable(has, &k.Edit, &k.EditValue)
			enable(m.opts.Discover != nil && m.opts.Read != nil, &k.Import)
		}
	case scrTrash:
		enable(true, nav...)
		enable(true, &k.Back, &k.Quit, &k.Help, &k.Mark, &k.MarkAll, &k.Reveal, &k.Trash)
		if rw {
			enable(len(m.trash) > 0, &k.Restore, &k.RestoreAll, &k.EmptyTrash)
			enable(true, &k.Undo)
		}
	case scrWelcome:
		enable(true, &k.Quit, &k.Help, &k.Trash)
		if rw {
			enable(m.opts.Discover != nil && m.opts.Read != nil, &k.Import)
			enable(true, &k.Demo, &k.Undo)
		}
	case scrDetails:
		enable(true, &k.Up, &k.Down, &k.Back, &k.Reveal, &k.Quit, &k.Help, &k.Copy, &k.CopyAs)
		if rw && m.currentCookie() != nil {
			enable(true, &k.Edit, &k.EditValue, &k.SetPurpose)
		}
	case scrHelp:
		enable(true, &k.Back, &k.Help, &k.Quit)
	}
}

// shortHelp is the one-line help of the footer: the most useful enabled
// bindings of the current state.
func (m *Model) shortHelp() []key.Binding {
	k := &m.keys
	var cands []key.Binding
	switch {
	case m.modal != nil || m.searching:
		cands = []key.Binding{k.Confirm, k.Save, k.SearchKeep, k.SearchClear, k.NextField, k.Toggle, k.Cancel, k.Up, k.Down, k.Open, k.Import}
	case m.screen == scrMain:
		cands = []key.Binding{k.Search, k.OnlyTracking, k.Mark, k.Delete, k.Purge, k.Undo, k.Edit, k.Reveal, k.Export, k.Import, k.Flat, k.Trash, k.Help, k.Quit}
	case m.screen == scrTrash:
		cands = []key.Binding{k.Mark, k.Restore, k.RestoreAll, k.EmptyTrash, k.Undo, k.Back, k.Help, k.Quit}
	case m.screen == scrWelcome:
		cands = []key.Binding{k.Import, k.Demo, k.Trash, k.Help, k.Quit}
	default:
		cands = []key.Binding{k.Up, k.Down, k.Reveal, k.Copy, k.Edit, k.Back, k.Help, k.Quit}
	}
	var out []key.Binding
	for _, b := range cands {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

func (m *Model) helpLine() string {
	var parts []string
	used := 0
	for _, b := range m.shortHelp() {
		h := b.Help()
		p := m.th.key.Render(h.Key) + " " + m.th.muted.Render(h.Desc)
		pw := width(h.Key) + 1 + width(h.Desc) + 3
		if used+pw > m.w {
			break
		}
		used += pw
		parts = append(parts, p)
	}
	return joinWith(parts, "   ")
}

// newInput makes a line input whose cursor stays visible without colour.
func (m *Model) newInput() lineInput {
	l := newLineInput()
	th := m.th
	l.cursorStyle = func(c string) string {
		if th.noColor {
			return "▏" + c
		}
		return th.cursorRow.Render(c)
	}
	return l
}
