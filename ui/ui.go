// Package ui is crumbs' terminal user interface: a Bubble Tea program over
// one jar. The root model only routes messages to the screen that owns them;
// every change to the jar runs in a tea.Cmd and is committed at once.
package ui

import (
	"context"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
)

// Options configure Run. The zero value is usable.
type Options struct {
	// ReadOnly hides and disables every action that changes the jar.
	ReadOnly bool
	// Mouse turns on mouse support (off by default: capturing the mouse
	// stops people selecting text in their terminal).
	Mouse bool
	// Input and Output default to the terminal (stdin, stdout).
	Input  io.Reader
	Output io.Writer
}

// Run shows the UI on j until the user quits or ctx is cancelled.
func Run(ctx context.Context, j *jar.Jar, opts Options) error {
	m := minimal{j: j}
	counts, err := j.Counts(ctx)
	if err != nil {
		return err
	}
	m.total = counts.Total
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen()}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	_, err = tea.NewProgram(m, popts...).Run()
	return err
}

type minimal struct {
	j     *jar.Jar
	total int
}

func (m minimal) Init() tea.Cmd { return nil }

func (m minimal) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && (k.String() == "q" || k.String() == "ctrl+c") {
		return m, tea.Quit
	}
	return m, nil
}

func (m minimal) View() string {
	return fmt.Sprintf("crumbs  %s\n%d cookies\n\nq quit\n", m.j.Path(), m.total)
}
