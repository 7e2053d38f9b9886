//go:build ignore

// testsum reads `go test -json` on stdin and prints what plain `go test`
// prints (each package's closing line; the output of failed tests and of
// failed packages), then the slowest packages and tests, so that every CI
// run shows where its minutes went. .ci/run pipes the test steps through
// it: go run .ci/testsum.go < events.json
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action     string
	Package    string
	ImportPath string // build-output, build-fail
	Test       string
	Output     string
	Elapsed    float64
}

type timing struct {
	name    string
	seconds float64
}

func main() {
	top := 20
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	pkgOut := map[string][]string{}  // package-level lines
	testOut := map[string][]string{} // package + "\x00" + test
	running := map[string][]string{} // package → its tests' keys, in start order
	var pkgs, tests []timing
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(out, sc.Text()) // not an event: go's own error text
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "build-output":
			fmt.Fprint(out, e.Output)
		case "output":
			if e.Test == "" {
				pkgOut[e.Package] = append(pkgOut[e.Package], e.Output)
			} else {
				if _, ok := testOut[key]; !ok {
					running[e.Package] = append(running[e.Package], key)
				}
				testOut[key] = append(testOut[key], e.Output)
			}
		case "pass", "skip":
			if e.Test != "" {
				if e.Action == "pass" && !strings.Contains(e.Test, "/") {
					tests = append(tests, timing{short(e.Package) + " " + e.Test, e.Elapsed})
				}
				delete(testOut, key)
				continue
			}
			pkgs = append(pkgs, timing{short(e.Package), e.Elapsed})
			for _, l := range pkgOut[e.Package] {
				if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "?  ") {
					fmt.Fprint(out, l)
				}
			}
			delete(pkgOut, e.Package)
			delete(running, e.Package)
		case "fail":
			if e.Test != "" {
				for _, l := range testOut[key] {
					if !strings.HasPrefix(l, "=== ") {
						fmt.Fprint(out, l)
					}
				}
				delete(testOut, key)
				continue
			}
			pkgs = append(pkgs, timing{short(e.Package) + " (FAILED)", e.Elapsed})
			// A test that never ended (a crash, a timeout) printed its last words.
			for _, k := range running[e.Package] {
				for _, l := range testOut[k] {
					if !strings.HasPrefix(l, "=== ") {
						fmt.Fprint(out, l)
					}
				}
				delete(testOut, k)
			}
			for _, l := range pkgOut[e.Package] {
				if l != "PASS\n" && !strings.HasPrefix(l, "=== ") {
					fmt.Fprint(out, l)
				}
			}
			delete(pkgOut, e.Package)
			delete(running, e.Package)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(out, "testsum:", err)
	}
	list("slowest packages", pkgs, 10, out)
	list(fmt.Sprintf("slowest %d tests", top), tests, top, out)
}

func short(pkg string) string {
	if i := strings.Index(pkg, "/crumbs/"); i >= 0 {
		return pkg[i+len("/crumbs/"):]
	}
	return pkg
}

func list(title string, ts []timing, n int, out *bufio.Writer) {
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].seconds > ts[j].seconds })
	fmt.Fprintf(out, "--- %s:\n", title)
	for i, t := range ts {
		if i == n {
			break
		}
		fmt.Fprintf(out, "%8.1fs  %s\n", t.seconds, t.name)
	}
}
