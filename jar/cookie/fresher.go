package cookie

// Fresher reports whether a is a more recent copy than b of the same cookie
// (same domain, host-only, path, name, partition and container, from two
// sources): the copy a single browser jar would hold, and so the one the
// cookies.txt and the Cookie header take (docs/formats.md, "One cookie, one
// answer"). The store's own last-update time counts, else its creation
// time; an edit in the jar sets the last-update time. On a tie the cookie
// imported later wins: the higher row id; between cookies with the same id
// (not in a jar) a, the later one of a scan, wins.
func Fresher(a, b *Cookie) bool {
	ta, tb := a.LastUpdated, b.LastUpdated
	if ta.IsZero() {
		ta = a.Created
	}
	if tb.IsZero() {
		tb = b.Created
	}
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.ID >= b.ID
}
