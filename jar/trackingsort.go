package jar

import "cmp"

// An import's tracking list is sorted while the import writes. The writer
// (the import's critical path) appends the tracking cookies it places to a
// run; every full run goes to a goroutine that sorts it and merges it into
// what came before, so that when the last row is written only the last run
// and a last merge are left. Sorting the whole list at the end took 40 ms
// of a 100k Firefox import's 1.1 s (docs/decisions.md, "The tracking list
// sorted while the import writes").

// trackingRun is how many tracking cookies the writer collects before it
// hands them over.
const trackingRun = 4096

// trackingSorter sorts one source's tracking list in the background.
type trackingSorter struct {
	run  []TrackingSeen      // being filled by the writer
	in   chan []TrackingSeen // full runs, to the sorting goroutine
	out  chan []TrackingSeen // the distinct, sorted list, once in is closed
	done bool                // in is closed
}

func newTrackingSorter() *trackingSorter {
	s := &trackingSorter{in: make(chan []TrackingSeen, 4), out: make(chan []TrackingSeen, 1)}
	go s.sort()
	return s
}

// add notes one tracking cookie.
func (s *trackingSorter) add(t TrackingSeen) {
	if s.run == nil {
		s.run = make([]TrackingSeen, 0, trackingRun)
	}
	s.run = append(s.run, t)
	if len(s.run) == trackingRun {
		s.in <- s.run
		s.run = nil
	}
}

// list hands over the last run and returns the distinct tracking cookies,
// sorted as distinctTracking sorts them (nil for none).
func (s *trackingSorter) list() []TrackingSeen {
	if len(s.run) > 0 {
		s.in <- s.run
		s.run = nil
	}
	s.stop()
	return <-s.out
}

// stop ends the sorting goroutine (safe to call more than once, and on an
// import that failed: its list is dropped).
func (s *trackingSorter) stop() {
	if !s.done {
		s.done = true
		close(s.in)
	}
}

// sort runs on its own goroutine. It keeps the sorted runs on a stack
// whose sizes at least double from top to bottom, merging the top two
// whenever the newer is as large as the one below, so that each cookie
// takes part in about log2(runs) merges.
func (s *trackingSorter) sort() {
	var stack [][]TrackingSeen
	for run := range s.in {
		stack = append(stack, distinctTracking(run))
		for k := len(stack); k >= 2 && len(stack[k-1]) >= len(stack[k-2]); k = len(stack) {
			stack[k-2] = mergeTracking(stack[k-2], stack[k-1])
			stack = stack[:k-1]
		}
	}
	var all []TrackingSeen
	for k := len(stack) - 1; k >= 0; k-- {
		all = mergeTracking(stack[k], all)
	}
	if len(all) == 0 {
		all = nil
	}
	s.out <- all
}

// compareTracking is the order of a tracking list: domain, name, site.
func compareTracking(a, b TrackingSeen) int {
	return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Site, b.Site))
}

// mergeTracking merges two distinct sorted lists into a new one, each
// triple once.
func mergeTracking(a, b []TrackingSeen) []TrackingSeen {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	out := make([]TrackingSeen, 0, len(a)+len(b))
	i, k := 0, 0
	for i < len(a) && k < len(b) {
		switch c := compareTracking(a[i], b[k]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[k])
			k++
		default:
			out = append(out, a[i])
			i, k = i+1, k+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[k:]...)
}
