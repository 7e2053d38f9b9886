package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/jar"
)

// Context is what every screen and dialog receives instead of the root
// model: the jar and options, the theme and key map, the terminal size, the
// reveal state, what is loaded, and a way to run a change and to move
// between screens. The root owns it and keeps it current; screens read it
// and change only reveal (the `v` key) through it.
type Context struct {
	ctx  context.Context
	jar  *jar.Jar
	opts Options
	th   *theme
	keys KeyMap
	w, h int
	// reveal shows cookie values instead of bullets (v).
	reveal bool
	// data is what is loaded from the jar; the root replaces it on a load.
	data *loaded
	// toast is the last result shown in the status bar.
	toast toast
	// busy is the change running in the background, nil when idle.
	busy *busy
	nav  navigator
}

// busy is a change on its way: what it does and how far it got. The
// status bar shows it until the change is committed and the jar reloaded
// and filtered, so that the toast and every count appear together.
type busy struct {
	label string // "purging 42,012 tracking cookies"
	phase string // "", then "reading the jar", "filtering"
	start time.Time
	frame int // of the spinner
}

// loaded is the jar's state as the UI last read it.
type loaded struct {
	// ds is what the screens show; latest is the newest load, shown (as ds)
	// once its filter result is computed, so that counts and rows change
	// together.
	ds, latest *dataset
	loading    bool // a full load is on its way
	trashCount int
	// profiles are the browser profiles found (nil until discovery ran).
	profiles    []Profile
	profilesErr error
	discovering bool
	// report is the last report computed (report.go), kept until the jar
	// changes; reportFor and reportBy are the load and grouping of the one
	// being computed (nil when none is).
	report    *reportState
	reportFor *dataset
	reportBy  report.By
}

// toast is the status bar's message.
type toast struct {
	text string
	err  bool
}

// navigator is how a screen or dialog moves the UI: the root implements it.
type navigator interface {
	// push shows s over the current screen; pop returns to the one below.
	push(s screen)
	pop()
	// replace swaps the current screen for s.
	replace(s screen)
	// home goes back to the base screen (main, or welcome on an empty jar).
	home()
	// open shows a dialog over the screen.
	open(d modal)
	// setToast shows a message in the status bar.
	setToast(text string, isErr bool) tea.Cmd
	// discover looks for browser profiles (for the import picker).
	discover() tea.Cmd
}

// screen is one full-terminal view (main, details, trash, help, welcome).
// It owns its state and its key bindings; View draws and changes nothing.
type screen interface {
	update(c *Context, msg tea.Msg) tea.Cmd
	view(c *Context) string
	// enableKeys switches on the bindings that work on the screen now.
	enableKeys(c *Context, k *KeyMap)
	// shortHelp is the footer: the most useful of the screen's bindings.
	shortHelp(k *KeyMap) []key.Binding
}

// modal is a dialog or form drawn over a screen. It gets every message
// while open; returning a nil modal closes it. It tells the rest of the UI
// what happened through the Cmds it returns (changedMsg) and the Context.
type modal interface {
	update(c *Context, msg tea.Msg) (modal, tea.Cmd)
	view(c *Context, w, h int) string
	// enableKeys switches on the bindings the modal answers to.
	enableKeys(k *KeyMap)
}

// changedMsg reports a committed change to the jar; the root reloads.
type changedMsg struct {
	toast string
	err   error
}

// change runs fn (one jar call) in a Cmd and reports it as a changedMsg,
// whose toast is fn's text. label says what it does while it runs
// ("purging 42,012 tracking cookies").
func (c *Context) change(label string, fn func(ctx context.Context, j *jar.Jar) (string, error)) tea.Cmd {
	c.busy = &busy{label: label, start: time.Now()}
	ctx, j := c.ctx, c.jar
	return func() tea.Msg {
		s, err := fn(ctx, j)
		return changedMsg{toast: s, err: err}
	}
}

// canImport reports whether the command line wired browser import in.
func (c *Context) canImport() bool { return c.opts.Discover != nil && c.opts.Read != nil }

// ds is the loaded dataset.
func (c *Context) ds() *dataset { return c.data.ds }
