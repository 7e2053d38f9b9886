package cookie

import "sort"

// FilterKeys are the keys of the filter language ("domain", "is", …),
// sorted: what the command line completes and recognises in a negated term
// such as -is:expired.
func FilterKeys() []string {
	out := make([]string, 0, len(termKeys))
	for k := range termKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsValues are the words is: takes ("expired", "session", …), sorted.
func IsValues() []string {
	out := make([]string, 0, len(isFlags))
	for k := range isFlags {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
