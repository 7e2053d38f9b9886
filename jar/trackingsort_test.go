package jar

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestTrackingSorterAsDistinctTracking: the list sorted run by run in the
// background is the one sorting all of it at the end gives, duplicates
// across runs and all, for lists shorter than a run, exactly a run and
// many runs long.
func TestTrackingSorterAsDistinctTracking(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 2, trackingRun - 1, trackingRun, trackingRun + 1, 5*trackingRun + 17, 40_000} {
		var all []TrackingSeen
		for range n {
			d := fmt.Sprintf("s%d.example", r.IntN(max(1, n/3)))
			all = append(all, TrackingSeen{Domain: d, Name: fmt.Sprintf("_ga%d", r.IntN(4)), Site: d})
		}
		s := newTrackingSorter()
		for _, t := range all {
			s.add(t)
		}
		got := s.list()
		want := distinctTracking(slices.Clone(all))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d cookies: %d sorted in the background, %d at the end", n, len(got), len(want))
		}
		if n >= 100 && len(want) == n {
			t.Fatalf("%d cookies and no duplicate: the case is not tested", n)
		}
		s.stop() // again, as the import's deferred stop does
	}
}

// TestTrackingSorterStops: an import that fails before its records stops
// the sorting goroutines and leaves none behind.
func TestTrackingSorterStops(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 50 {
		s := newTrackingSorter()
		for i := range 3*trackingRun + 5 {
			s.add(TrackingSeen{Domain: fmt.Sprint(i), Name: "x", Site: "y"})
		}
		s.stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after", before, runtime.NumGoroutine())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
