package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// takesFilter marks a command whose positional arguments are FILTER terms
// (cobra.Command.Annotations).
const takesFilter = "crumbs/filter"

// filterAnnotation is the Annotations value of a FILTER command.
var filterAnnotation = map[string]string{takesFilter: "yes"}

// filterArgs lets negated filter terms stand anywhere on a FILTER
// command's line (crumbs list -is:expired): pflag would take any word that
// starts with '-' for a flag, so every such term is moved behind a "--",
// where it is a positional argument. A word is such a term when it is a
// known key after the '-' (-is:expired, -purpose:session) or a single-dash
// word that is not a cluster of the command's one-letter switches (-ny);
// double-dash words stay flags, so an unknown one is still a usage error
// naming it. The words keep their order (a FILTER may hold an OR, A | B).
// See docs/cli.md, "Filters on the command line".
func filterArgs(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd.Annotations[takesFilter] == "" {
		return args
	}
	lookup := func(name string, short bool) *pflag.Flag {
		for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.InheritedFlags()} {
			var f *pflag.Flag
			if short {
				f = fs.ShorthandLookup(name)
			} else {
				f = fs.Lookup(name)
			}
			if f != nil {
				return f
			}
		}
		return nil
	}
	takesValue := func(f *pflag.Flag) bool { return f != nil && f.NoOptDefVal == "" }
	var keep, terms []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			out := append(keep, "--")
			out = append(out, terms...)
			return append(out, args[i+1:]...)
		case strings.HasPrefix(a, "--"):
			keep = append(keep, a)
			if !strings.Contains(a, "=") && takesValue(lookup(a[2:], false)) && i+1 < len(args) {
				i++
				keep = append(keep, args[i])
			}
		case len(a) == 2 && a[0] == '-' && a[1] != '-':
			keep = append(keep, a)
			if takesValue(lookup(a[1:], true)) && i+1 < len(args) {
				i++
				keep = append(keep, args[i])
			}
		case len(a) > 2 && a[0] == '-' && isNegatedTerm(a, lookup):
			terms = append(terms, a)
		case len(terms) > 0:
			// After the first moved term every word goes behind the "--"
			// too, so the terms keep their order: A | B (OR) depends on it.
			terms = append(terms, a)
		default:
			keep = append(keep, a)
		}
	}
	if len(terms) == 0 {
		return args
	}
	return append(append(keep, "--"), terms...)
}

// isNegatedTerm reports whether a (which starts with '-' and is longer
// than two) is a filter term rather than a cluster of switches.
func isNegatedTerm(a string, lookup func(string, bool) *pflag.Flag) bool {
	if key, _, ok := strings.Cut(a[1:], ":"); ok {
		for _, k := range cookie.FilterKeys() {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	for _, r := range a[1:] {
		f := lookup(string(r), true)
		if f == nil || f.NoOptDefVal == "" {
			return true // not a cluster of boolean switches
		}
	}
	return false
}

// completeFilter offers the filter language's keys, the words of is: and
// the purposes, for the FILTER commands' arguments.
func completeFilter(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	neg := ""
	if strings.HasPrefix(toComplete, "-") {
		neg, toComplete = "-", toComplete[1:]
	}
	var out []string
	switch {
	case strings.HasPrefix(toComplete, "is:"):
		for _, v := range cookie.IsValues() {
			out = append(out, neg+"is:"+v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	case strings.HasPrefix(toComplete, "purpose:"):
		for _, p := range cookie.Purposes {
			out = append(out, neg+"purpose:"+string(p))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	for _, k := range cookie.FilterKeys() {
		out = append(out, neg+k+":")
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// markFilterCommands annotates the FILTER commands and gives them the
// filter completion.
func markFilterCommands(cmds ...*cobra.Command) {
	for _, c := range cmds {
		c.Annotations = filterAnnotation
		if c.ValidArgsFunction == nil {
			c.ValidArgsFunction = completeFilter
		}
	}
}
