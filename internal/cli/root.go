// Package cli is crumbs' command line (docs/cli.md): one cobra command per
// file, all sharing an app value that carries the streams, the environment
// and the global flags, so that tests can run commands in-process.
//
// Conventions every command follows:
//   - stdout carries only the data the user asked for; messages, summaries
//     and warnings go to stderr, progress only when stderr is a terminal;
//   - an error is one line on stderr, "crumbs: <thing>: <problem>", and the
//     exit code is 0 on success, 1 on failure and 2 on a usage error;
//   - every string read from a store or file passes through termsafe before
//     it reaches a terminal or a table;
//   - input (filters, files, flags) is checked before the jar is opened, so
//     bad input leaves the jar as it was.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/internal/termsafe"
)

// Version is what `crumbs --version` prints; main sets it from the release
// build's ldflags.
var Version = "dev"

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Env is what a run of crumbs sees of its process.
type Env struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Execute runs crumbs with the process's own arguments, streams and
// environment and returns the exit code.
func Execute(ctx context.Context) int {
	return Run(ctx, Env{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	})
}

// Run runs one command line and returns its exit code.
func Run(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	a := &app{env: env}
	root := a.rootCommand()
	root.SetArgs(filterArgs(root, env.Args))
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitFailure
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		// The command already said everything it had to say.
		return ee.code
	case errors.As(err, &ue) || !a.started:
		// Anything cobra refuses before a command starts running (unknown
		// command or flag, wrong number of arguments) is a usage error.
		code = ExitUsage
	}
	msg := oneLine(err.Error())
	if code == ExitUsage {
		path := "crumbs"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		msg += " (see '" + path + " --help')"
	}
	fmt.Fprintln(env.Stderr, "crumbs: "+msg)
	return code
}

// app is the state shared by every command of one run.
type app struct {
	env Env

	// Global flags.
	jarPath string
	rules   string
	noColor bool

	// started is set when a command's own code begins to run: errors before
	// that point are cobra's parse errors, i.e. usage errors.
	started bool
}

// usageError marks an error as the user's mistake on the command line
// (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitError ends the run with a code and no further message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// oneLine makes an error message safe for the terminal and one line long.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "; ")
	s = strings.ReplaceAll(s, "\n", "; ")
	return termsafe.String(s)
}

// run wraps a command's body: it marks the run as started (so later errors
// are failures, not usage errors).
func (a *app) run(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		return fn(cmd, args)
	}
}

// filterCommands take FILTER terms as their arguments (filterArgs).
var filterCommands = map[string]bool{
	"crumbs list": true, "crumbs export": true, "crumbs purge": true, "crumbs set-purpose": true,
	"crumbs trash": true, "crumbs trash list": true, "crumbs trash restore": true,
	"crumbs edit": true, "crumbs report": true, "crumbs protect": true, "crumbs unprotect": true, "crumbs clean": true,
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "crumbs",
		Short: "A terminal cookie-jar manager: import, explain, purge and export browser cookies",
		Long: `crumbs reads the cookie stores of every browser on this machine into one jar,
says for every cookie what it is for (session, personalization, tracking or
unknown) and why, and lets you browse, purge and export them.

Run without a command, crumbs opens the terminal UI on the jar.
crumbs never opens a network connection.`,
		Example: `  crumbs                                   # open the UI
  crumbs import firefox chrome             # read two browsers into the jar
  crumbs purge --purpose tracking --yes    # move every tracking cookie to the trash
  crumbs undo                              # ...and bring them back
  crumbs export --from firefox -o cookies.txt`,
		Version:       Version,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.jarPath, "jar", "", "the jar file (default $CRUMBS_JAR, else <XDG data dir>/crumbs/jar.db)")
	pf.StringVar(&a.rules, "rules", "", "extra purpose rules: a TOML rules file, or a list (Open Cookie Database .csv, hosts file, domain list)")
	pf.BoolVar(&a.noColor, "no-color", false, "no colour in output (also when NO_COLOR is set)")

	a.setupUI(root) // crumbs with no command opens the UI
	root.AddCommand(
		a.browsersCommand(),
		a.importCommand(),
		a.listCommand(),
		a.classifyCommand(),
		a.purgeCommand(),
		a.protectCommand(),
		a.unprotectCommand(),
		a.undoCommand(),
		a.trashCommand(),
		a.exportCommand(),
		a.setPurposeCommand(),
		a.cleanCommand(),
		a.backupsCommand(),
		a.reportCommand(),
		a.applyCommand(),
		a.editCommand(),
	)
	// crumbs' own completion command: an unknown shell is a usage error.
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(a.completionCommand())
	var filterCmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if filterCommands[c.CommandPath()] {
			filterCmds = append(filterCmds, c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	markFilterCommands(filterCmds...)
	return root
}
