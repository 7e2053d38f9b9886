package jar

// interner hands out one copy of each distinct string a read meets: the
// sources, domains, sites and purposes of a read repeat across many rows,
// and one copy each is what keeps a large read small. It stops adding after
// maxInterned strings, so a jar of all-distinct values cannot grow it
// without end (those are then copied as they come).
type interner map[string]string

const maxInterned = 1 << 16

// of returns b as a string, shared with every earlier equal one.
func (in interner) of(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) < maxInterned {
		in[s] = s
	}
	return s
}
