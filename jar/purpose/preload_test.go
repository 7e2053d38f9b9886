package purpose

import (
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestPreload runs in a fresh process (this package's other tests load the
// knowledge first): Preload, then classifiers built on other goroutines at
// once, as crumbs import does while Preload may still be parsing. Each must
// classify with the whole knowledge, and CI runs it under -race.
func TestPreload(t *testing.T) {
	if os.Getenv("CRUMBS_TEST_PRELOAD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPreload$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CRUMBS_TEST_PRELOAD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	Preload()
	Preload()
	var wg sync.WaitGroup
	got := make([]cookie.Purpose, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c *Classifier
			if i%2 == 0 {
				c = Default()
			} else {
				var err error
				if c, err = New(Options{}); err != nil {
					t.Error(err)
					return
				}
			}
			ck := cookie.Cookie{Domain: ".example.com", Name: "_ga"}
			c.Classify(&ck)
			got[i] = ck.Purpose
		}()
	}
	wg.Wait()
	for i, p := range got {
		if p != cookie.PurposeTracking {
			t.Errorf("classifier %d: _ga is %q", i, p)
		}
	}
}
