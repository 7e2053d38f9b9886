// Package ui is crumbs' terminal user interface: a Bubble Tea program over
// one jar.
//
// The root Model loads the jar, routes every message to the open dialog or
// the screen on top, and shows toasts. Screens (main, details, trash, help,
// welcome) and dialogs (confirm, purpose, copy, edit, export, import) are
// types that own their state and key bindings; they get a small shared
// Context (context.go) instead of the root. Data flows one way: the UI reads the jar and changes it only through
// jar calls run in tea.Cmds, each committed at once. It never reads a browser
// store: browser discovery and reading are functions the command line passes
// in (Options.Discover, Options.Read), so the UI does not depend on any
// importer.
package ui

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"
)

// Options configure Run. The zero value is usable.
type Options struct {
	// ReadOnly hides and disables every action that changes the jar.
	ReadOnly bool
	// Mouse turns on mouse support (off by default: capturing the mouse
	// stops people selecting text in their terminal).
	Mouse bool
	// Discover lists the browser profiles on this machine for the import
	// picker and the welcome screen. Nil hides importing.
	Discover func(ctx context.Context) ([]Profile, error)
	// Read reads one profile's cookies (never touching the jar); the UI
	// writes them with jar.Import. progress may be called with rows done
	// and total (0 if unknown). Warnings are shown to the user.
	Read func(ctx context.Context, p Profile, progress func(done, total int)) (batches []jar.Batch, warnings []string, err error)
	// WriteBack, if set, is how the apply key (W) and the purge dialog's
	// "purge and clean the browsers" reach the browsers' stores
	// (docs/writeback.md). Nil hides them.
	WriteBack *writeplan.Env
	// NoColor turns colour and text attributes off (--no-color); NO_COLOR
	// in the environment does the same.
	NoColor bool
	// Classifier, if set, previews the purpose of a cookie in the edit form.
	Classifier jar.Classifier
	// Input and Output default to the terminal (stdin, stdout).
	Input  io.Reader
	Output io.Writer
	// testColor forces a colour profile whatever the output is (tests of
	// the coloured views; the terminal decides otherwise).
	testColor bool
	// ExportDir is where the export dialog proposes to write; default the
	// working directory.
	ExportDir string
}

// Profile is one browser profile the import picker offers.
type Profile struct {
	// Spec is the SOURCE that imports it ("firefox:default-release").
	Spec    string
	Browser string // "firefox", "chrome", …
	Name    string // profile display name
	Path    string
	Running bool // the browser is running (its store may be locked or behind)
	Cookies int  // cookies in the store, -1 if unknown
	// Err is set when the profile was found but cannot be read.
	Err string
}

func (o Options) output() io.Writer {
	if o.Output != nil {
		return o.Output
	}
	return os.Stdout
}

func (o Options) renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(o.output())
	if o.testColor {
		r.SetColorProfile(termenv.ANSI256)
	}
	return r
}

// memoryLimit is the Go heap's soft limit while the UI runs on a jar of n
// cookies: 140 MiB up to about 100,000 cookies, then growing with the jar
// (about twice what a loaded cookie holds) up to 823 MiB at a million.
// A fixed limit below what a big jar needs live makes the GC run without
// pause: a million cookies then took 30 s to load instead of a few. The
// resident size peaks at about the limit plus what SQLite holds outside the
// Go heap during a change's reload (~90 MB at a million): 850 bytes per
// cookie (870 MiB) put the peak of a purge and its undo at 997–1003 MB,
// over the 1 GB budget (TestTmuxMemoryMillion).
func memoryLimit(n int) int64 {
	const base, perCookie, most = 60 << 20, 800, 900 << 20
	return min(max(140<<20, base+int64(n)*perCookie), most)
}

// Run shows the UI on j until the user quits or ctx is cancelled.
func Run(ctx context.Context, j *jar.Jar, opts Options) error {
	limit := os.Getenv("GOMEMLIMIT") == "" || os.Getenv("GOMEMLIMIT") == "default"
	if limit {
		// A soft heap limit keeps the resident size of a 100k jar under the
		// 200 MB budget (docs/budgets.md §4), and of a million under 1 GB
		// (docs/budgets.md §5): the GC works harder near it instead of letting the heap
		// grow to twice the live data.
		debug.SetMemoryLimit(memoryLimit(0))
	}
	m, err := New(ctx, j, opts)
	if err != nil {
		return err
	}
	if limit {
		debug.SetMemoryLimit(memoryLimit(m.c.data.ds.total))
	}
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen()}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err = tea.NewProgram(m, popts...).Run()
	if err == tea.ErrProgramKilled && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
