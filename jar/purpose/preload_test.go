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

// TestScanVersion: the version every command reads without parsing the
// knowledge is the one the parse finds, and a line that only looks like
// one is not taken.
func TestScanVersion(t *testing.T) {
	_, ver, err := parseRules("knowledge.toml", knowledgeTOML, true, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := KnowledgeVersion(); got == "" || got != ver {
		t.Fatalf("scanned %q, parsed %q", got, ver)
	}
	for in, want := range map[string]string{
		"# c\nversion = \"7\"\n[[rule]]\n":     "7",
		"version=\"x y\"\n":                    "x y",
		"[[rule]]\nversion = \"late\"\n":       "",
		"versions = \"no\"\n":                  "",
		"version = \"unclosed\n":               "",
		"version = \"a\" # and a comment \"\n": "",
	} {
		if got := scanVersion([]byte(in)); got != want {
			t.Errorf("scanVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
