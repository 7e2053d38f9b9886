package ui

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// firstPage is how many cookies are read synchronously before the first
// frame; the rest arrive from a Cmd (docs/ui.md: first frame ≤ 200 ms).
const firstPage = 400

// Minimum terminal size; below it a "terminal too small" screen is shown.
const minWidth, minHeight = 60, 16

// Model is the root of the UI. It loads the jar, routes every message to
// the open dialog or the screen on top, and shows toasts; the screens own
// everything else.
type Model struct {
	c     *Context
	main  *mainScreen
	stack []screen // stack[0] is main or welcome; the last one is shown
	modal modal

	loadGen  int // generation of the latest full load
	toastID  int
	timers   timers
	spinning bool   // a spinner tick is on its way
	polling  bool   // a poll of the jar is on its way
	pending  *toast // the toast of a change, shown once its reload is on screen
	// foldAfterShow is a reloaded dataset whose folded text is built once
	// it is on screen and the one before it gone (loaded, result).
	foldAfterShow *dataset
}

// timers are the UI's clocks; zero turns one off (the tests run without).
type timers struct {
	toast time.Duration // how long a toast stays
	poll  time.Duration // how often the jar is asked whether another process changed it
	spin  time.Duration // the busy spinner's frame
	// report: how long after the whole jar is loaded the tracker report
	// is computed in the background if no one asked for it (report.go)
	report time.Duration
}

// defaultTimers: a toast stays 6 s; another process's change shows within
// about a second.
var defaultTimers = timers{toast: 6 * time.Second, poll: time.Second, spin: 120 * time.Millisecond, report: time.Second}

// New builds the model for j, reading the first page of cookies
// synchronously so that the first frame already shows cookies.
func New(ctx context.Context, j *jar.Jar, opts Options) (*Model, error) {
	c := &Context{ctx: ctx, jar: j, opts: opts, th: newTheme(opts.renderer(), opts.NoColor), keys: newKeyMap()}
	cs, total, err := j.Query(ctx, jar.Query{Limit: firstPage})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", j.Path(), err)
	}
	var version uint64
	if total <= firstPage {
		// all of it is here: take the jar's snapshot, whose version the
		// poll compares to see another process's change.
		if cs, version, err = j.Shared(ctx); err != nil {
			return nil, fmt.Errorf("reading %s: %w", j.Path(), err)
		}
		total = len(cs)
	}
	// No jar.Counts here: it scans the whole table (~50 ms at 100k). The
	// header's per-purpose counts come with the full load, the trash count
	// from countsCmd, both off the first frame's path.
	ds := newDataset(cs, total, version)
	c.data = &loaded{ds: ds, latest: ds, loading: !ds.complete}
	m := &Model{c: c, timers: defaultTimers}
	c.nav = m
	m.main = newMainScreen(c)
	m.stack = []screen{m.main}
	if total == 0 {
		m.stack[0] = &welcomeScreen{}
	}
	m.syncKeys()
	return m, nil
}

// Init starts loading the rest of the jar and, on the welcome screen,
// looks for browsers.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.c.data.loading {
		cmds = append(cmds, m.loadAllCmd())
	}
	cmds = append(cmds, m.countsCmd())
	if _, ok := m.stack[0].(*welcomeScreen); ok {
		cmds = append(cmds, m.discover())
	}
	cmds = append(cmds, m.pollTick())
	if !m.c.data.loading {
		cmds = append(cmds, m.refreshReport()) // all of it is loaded already
	}
	return tea.Batch(cmds...)
}

// ---- messages ----

type loadedMsg struct {
	gen int
	ds  *dataset
	err error
}

// pollMsg asks whether the jar changed; polledMsg answers, with the new
// cookies when another process changed them.
type pollMsg struct{}
type polledMsg struct{ loaded loadedMsg }

// busyTickMsg turns the busy spinner.
type busyTickMsg struct{}

// trashCountMsg carries the number of cookies in the trash.
type trashCountMsg struct{ n int }

type toastExpiredMsg struct{ id int }

type profilesMsg struct {
	profiles []Profile
	err      error
}

// closeModalMsg closes the open modal (sent by modals that finish in a Cmd).
type closeModalMsg struct{}

// ---- commands ----

func (m *Model) loadAllCmd() tea.Cmd {
	ctx, j := m.c.ctx, m.c.jar
	m.loadGen++
	gen := m.loadGen
	// A reload of a big jar: hand back what the change left behind before
	// the new snapshot is built beside the old one, which is when the
	// session's memory peaks.
	reload := m.c.data.ds != nil && len(m.c.data.ds.cookies) >= foldEagerly
	return func() tea.Msg {
		if reload {
			debug.FreeOSMemory()
		}
		// The jar's own cached slice, not a copy: 100k cookies exist once
		// in memory (docs/ui.md, Memory). The UI only reads it.
		cs, version, err := j.Shared(ctx)
		if err != nil {
			return loadedMsg{gen: gen, err: err}
		}
		return loadedMsg{gen: gen, ds: newDataset(cs, len(cs), version)}
	}
}

func (m *Model) pollTick() tea.Cmd {
	if m.timers.poll <= 0 || m.polling {
		return nil
	}
	m.polling = true
	return tea.Tick(m.timers.poll, func(time.Time) tea.Msg { return pollMsg{} })
}

// poll asks the jar for its snapshot: the same version costs one PRAGMA;
// a change by another process reads the new cookies (off the UI
// goroutine) and shows them like any load.
func (m *Model) poll() tea.Cmd {
	c := m.c
	if c.busy != nil || c.data.loading || m.modal != nil {
		// our own change or load is on its way (the import picker's
		// included): it reloads anyway, and its commit is not another
		// process's; an open dialog keeps the data it counted on.
		m.polling = false
		return m.pollTick()
	}
	ctx, j, gen, have := c.ctx, c.jar, m.loadGen, c.data.latest.version
	return func() tea.Msg {
		cs, version, err := j.Shared(ctx)
		if err != nil || version == have {
			return polledMsg{}
		}
		return polledMsg{loadedMsg{gen: gen, ds: newDataset(cs, len(cs), version)}}
	}
}

// refresh reloads everything (ctrl+r, or a change seen by the poll).
func (m *Model) refresh(toastText string) tea.Cmd {
	m.dropFold()
	m.c.data.loading = true
	m.pending = &toast{text: toastText}
	cmds := []tea.Cmd{m.loadAllCmd(), m.countsCmd()}
	for _, s := range m.stack {
		if t, ok := s.(*trashScreen); ok {
			cmds = append(cmds, t.load(m.c))
		}
	}
	return tea.Batch(cmds...)
}

// countsCmd asks the jar how many cookies the trash holds (for the header).
func (m *Model) countsCmd() tea.Cmd {
	ctx, j := m.c.ctx, m.c.jar
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

// ---- navigator (the screens' way to move the UI) ----

func (m *Model) top() screen { return m.stack[len(m.stack)-1] }

func (m *Model) push(s screen) { m.stack = append(m.stack, s) }

func (m *Model) pop() {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
}

func (m *Model) replace(s screen) { m.stack[len(m.stack)-1] = s }

// home goes back to the base screen: main, or welcome when the jar is empty.
func (m *Model) home() {
	m.stack = m.stack[:1]
	if m.c.ds().total == 0 {
		m.stack[0] = &welcomeScreen{}
	} else {
		m.stack[0] = m.main
	}
}

func (m *Model) open(d modal) { m.modal = d }

func (m *Model) setToast(s string, isErr bool) tea.Cmd {
	m.c.toast = toast{text: s, err: isErr}
	m.toastID++
	id := m.toastID
	if m.timers.toast <= 0 {
		return nil // toasts stay until replaced
	}
	return tea.Tick(m.timers.toast, func(time.Time) tea.Msg { return toastExpiredMsg{id} })
}

func (m *Model) discover() tea.Cmd {
	if m.c.opts.Discover == nil {
		return nil
	}
	m.c.data.discovering = true
	ctx, d := m.c.ctx, m.c.opts.Discover
	return func() tea.Msg {
		ps, err := d(ctx)
		return profilesMsg{profiles: ps, err: err}
	}
}

// ---- update ----

// Update routes: window size and data messages are the root's own; keys go
// to the open modal, else to the screen on top.
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
	if m.c.busy != nil && !m.spinning && m.timers.spin > 0 {
		m.spinning = true
		cmd = tea.Batch(cmd, tea.Tick(m.timers.spin, func(time.Time) tea.Msg { return busyTickMsg{} }))
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	c := m.c
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.w, c.h = maxi(msg.Width, 0), maxi(msg.Height, 0)
		m.main.resize(c)
		for _, s := range m.stack {
			if t, ok := s.(*trashScreen); ok {
				t.resize(c)
			}
			if r, ok := s.(*reportScreen); ok {
				r.resize(c)
			}
		}
		return nil
	case loadedMsg:
		return m.loaded(msg)
	case reportMsg:
		return m.takeReport(msg)
	case reportSoonMsg:
		return m.reportSoon(msg)
	case trashCountMsg:
		c.data.trashCount = msg.n
		return nil
	case resultMsg:
		return m.result(msg)
	case changedMsg:
		return m.changed(msg)
	case pollMsg:
		return m.poll()
	case polledMsg:
		m.polling = false
		if msg.loaded.ds == nil || msg.loaded.gen != m.loadGen || c.busy != nil || c.data.loading {
			return m.pollTick()
		}
		m.loadGen++ // a load of our own started now would be older
		msg.loaded.gen = m.loadGen
		c.data.loading = true
		m.pending = &toast{text: "the jar was changed by another program: reloaded"}
		c.busy = &busy{label: "reloading the jar", phase: "filtering", start: time.Now()}
		return tea.Batch(m.loaded(msg.loaded), m.countsCmd(), m.reloadTrash(), m.pollTick())
	case busyTickMsg:
		m.spinning = false
		if c.busy != nil {
			c.busy.frame++
		}
		return nil
	case toastExpiredMsg:
		if msg.id == m.toastID {
			c.toast = toast{}
		}
		return nil
	case trashMsg:
		for _, s := range m.stack {
			if t, ok := s.(*trashScreen); ok {
				return t.update(c, msg)
			}
		}
		return nil
	case profilesMsg:
		c.data.discovering = false
		c.data.profiles, c.data.profilesErr = msg.profiles, msg.err
		return m.toModal(msg)
	case changedToast:
		return m.setToast(msg.text, msg.err)
	case editorDoneMsg:
		return finishEditor(c, msg)
	case closeModalMsg:
		m.modal = nil
		return nil
	case tea.KeyMsg:
		if key.Matches(msg, c.keys.ForceQuit) {
			return tea.Quit
		}
		if key.Matches(msg, c.keys.Refresh) {
			c.busy = &busy{label: "reloading the jar", start: time.Now()}
			return m.refresh("reloaded the jar")
		}
	}
	if m.modal != nil {
		return m.toModal(msg)
	}
	if km, ok := msg.(tea.KeyMsg); ok && c.opts.ReadOnly {
		if b, off := readOnlyKey(&c.keys, km); off {
			return m.setToast("read-only: "+b.Help().Key+" ("+b.Help().Desc+") is off — crumbs was started with --readonly", true)
		}
	}
	if km, ok := msg.(tea.KeyMsg); ok && m.tooSmall() {
		if key.Matches(km, c.keys.Quit) {
			return tea.Quit
		}
		return nil
	}
	return m.top().update(c, msg)
}

func (m *Model) toModal(msg tea.Msg) tea.Cmd {
	if m.modal == nil {
		return nil
	}
	var cmd tea.Cmd
	m.modal, cmd = m.modal.update(m.c, msg)
	return cmd
}

// result shows a computed filter result on the main screen, and opens the
// purge dialog that waited for the full load.
func (m *Model) result(msg resultMsg) tea.Cmd {
	c, ms := m.c, m.main
	if msg.res.gen != ms.gen || msg.res.ds != c.data.latest {
		return nil // a newer query or load is on its way
	}
	var fold tea.Cmd
	if msg.res.ds != c.data.ds {
		m.show(msg.res.ds)
		if m.foldAfterShow == msg.res.ds {
			// the old dataset is gone from the screen: fold the new one's
			// text now, after its memory was handed back
			m.foldAfterShow = nil
			fold = tea.Sequence(releaseMemoryCmd, foldCmd(msg.res.ds))
		}
	}
	ms.take(c, msg.res)
	cmd := fold
	if !c.data.loading && c.busy != nil && c.busy.phase == "filtering" {
		// the change and its reload are on screen: now its toast
		c.busy = nil
		if p := m.pending; p != nil && p.text != "" {
			cmd = tea.Batch(fold, m.setToast(p.text, p.err))
		}
		m.pending = nil
	}
	if _, ok := m.top().(*detailsScreen); ok && ms.currentCookie() == nil {
		m.pop() // the cookie on the details screen is gone
	}
	if ms.offerSuggest && c.ds().complete {
		ms.offerSuggest = false
		ms.offerProtection(c)
	}
	if ms.purgePending && c.ds().complete {
		ms.purgePending = false
		if m.top() == screen(ms) && m.modal == nil && !ms.searching && !c.opts.ReadOnly {
			c.toast = toast{} // the "opens when loaded" note is done
			return tea.Batch(cmd, ms.openPurge(c))
		}
	}
	return cmd
}

func (m *Model) tooSmall() bool { return m.c.w < minWidth || m.c.h < minHeight }

// readOnlyKey reports whether km is a key that changes the jar and is off
// only because of --readonly (it would work otherwise: its binding in k is
// disabled, the same key is bound to nothing enabled).
func readOnlyKey(k *KeyMap, km tea.KeyMsg) (key.Binding, bool) {
	for _, b := range k.all() {
		if b.Enabled() && key.Matches(km, *b) {
			return key.Binding{}, false // the key does something here
		}
	}
	fresh := newKeyMap()
	for _, b := range []key.Binding{fresh.Delete, fresh.Purge, fresh.Undo, fresh.Edit, fresh.EditValue, fresh.Add,
		fresh.SetPurpose, fresh.Protect, fresh.Import, fresh.Restore, fresh.RestoreAll, fresh.EmptyTrash, fresh.Demo} {
		if key.Matches(km, b) {
			return b, true
		}
	}
	return key.Binding{}, false
}

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

// View draws the screen on top and the open dialog. Every line is cut to
// the terminal width (clampLines), whatever the data holds. It changes
// nothing.
func (m *Model) View() string {
	c := m.c
	if c.w == 0 || c.h == 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("terminal too small: %d×%d, need %d×%d", c.w, c.h, minWidth, minHeight)
		return clampLines(msg+"\n\nq quit", c.w, c.h)
	}
	// The screen draws all but the last line; the footer is the help line
	// of whatever has the keys (the dialog, else the screen).
	body := clampLines(m.top().view(c), c.w, c.h-1) + "\n" + helpLine(c, m.footer())
	if m.modal != nil {
		reset := "\x1b[0m"
		if c.th.noColor {
			reset = ""
		}
		body = overlay(body, m.modal.view(c, c.w, c.h), c.w, c.h, reset)
	}
	return clampLines(body, c.w, c.h)
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
	c := m.c
	c.keys = newKeyMap() // modals may relabel bindings; start clean
	k := &c.keys
	enable(false, k.all()...)
	enable(true, &k.ForceQuit)
	switch {
	case m.tooSmall() && c.w > 0:
		enable(true, &k.Quit)
	case m.modal != nil:
		m.modal.enableKeys(k)
	default:
		m.top().enableKeys(c, k)
	}
}

// footer is the one-line help: the most useful enabled bindings.
func (m *Model) footer() []key.Binding {
	k := &m.c.keys
	var cands []key.Binding
	if m.modal != nil {
		cands = modalHelp(k)
	} else {
		cands = m.top().shortHelp(k)
	}
	return enabledOnly(cands)
}
