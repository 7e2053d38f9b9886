package jar

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// childEnv switches the test binary into a helper process that imports
// generated cookies into a jar: "path|source|n|seed", and "|aside" to open
// it as crumbs import does (BuildNewAside).
const childEnv = "CRUMBS_JAR_TEST_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(childImport(spec))
	}
	os.Exit(m.Run())
}

func childImport(spec string) int {
	parts := strings.Split(spec, "|")
	n, _ := strconv.Atoi(parts[2])
	seed, _ := strconv.ParseUint(parts[3], 10, 64)
	cs := makeCookies(n, seed, testNow, parts[1])
	opts := []Option{WithClock(func() time.Time { return testNow })}
	if len(parts) > 4 && parts[4] == "aside" {
		opts = append(opts, BuildNewAside())
	}
	j, err := Open(parts[0], opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer j.Close()
	fmt.Println("importing") // the parent times its kill from here
	start := time.Now()
	if _, err := j.Import(context.Background(), []Batch{{Source: parts[1], Cookies: cs}}, ImportOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(time.Since(start).Nanoseconds())
	return 0
}

func child(t *testing.T, path, source string, n int, seed uint64, aside ...bool) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	spec := fmt.Sprintf("%s=%s|%s|%d|%d", childEnv, path, source, n, seed)
	if len(aside) > 0 && aside[0] {
		spec += "|aside"
	}
	cmd.Env = append(os.Environ(), spec)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestConcurrentGoroutines(t *testing.T) {
	n := 2000
	if raceEnabled {
		n = 500 // the same interleavings for the detector, at a quarter of the rows
	}
	path := filepath.Join(t.TempDir(), "jar.db")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, err := Open(path) // each its own handle, as two processes would
			if err != nil {
				errs[i] = fmt.Errorf("open: %w", err)
				return
			}
			defer j.Close()
			src := fmt.Sprintf("src%d", i)
			for k := range 5 {
				if _, err := j.Import(ctx, []Batch{{Source: src, Cookies: makeCookies(n, uint64(k), testNow, src)}}, ImportOptions{Prune: true}); err != nil {
					errs[i] = fmt.Errorf("import %d: %w", k, err)
					return
				}
				if _, _, err := j.Query(ctx, Query{Filter: cookie.MustParseFilter("is:secure"), Limit: 10}); err != nil {
					errs[i] = fmt.Errorf("query %d: %w", k, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if c, _ := j.Counts(ctx); c.Total != 2*n {
		t.Fatalf("%+v", c)
	}
}

// TestConcurrentProcesses has two processes create one jar and import into
// it at once: as Open does, as crumbs import does (each building the new
// jar aside, aside.go), and one of each. Both imports must be in.
func TestConcurrentProcesses(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b bool
	}{{"open", false, false}, {"aside", true, true}, {"mixed", true, false}} {
		t.Run(tc.name, func(t *testing.T) { concurrentProcesses(t, tc.a, tc.b) })
	}
}

func concurrentProcesses(t *testing.T, asideA, asideB bool) {
	n := 20000
	if raceEnabled {
		n = 4000 // the same race between the two, at a fifth of the rows
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	a := child(t, path, "proc:a", n, 1, asideA)
	b := child(t, path, "proc:b", n, 2, asideB)
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if err := a.Wait(); err != nil {
		t.Fatalf("process a: %v", err)
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("process b: %v", err)
	}
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	srcs, _ := j.Sources(context.Background())
	if len(srcs) != 2 || srcs[0].Count != n || srcs[1].Count != n {
		t.Fatalf("%+v", srcs)
	}
	var res string
	if err := j.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	if names := dirNames(t, dir); hasBeside(names) {
		t.Fatalf("left beside the jar: %v", names)
	}
}

// TestCrashSafetyNewJar kills a process building a new jar aside at random
// moments: afterwards there is no jar or the whole import, intact, and the
// next Open removes the file it was built in.
func TestCrashSafetyNewJar(t *testing.T) {
	if raceEnabled {
		// What a kill leaves is about the files, not goroutines: the plain
		// run checks it, and CI's race step has minutes to spare, not this.
		t.Skip("SIGKILL safety of a new jar is checked without the race detector")
	}
	n := 50_000
	if testing.Short() {
		n = 20_000
	}
	const iterations = 10
	dir := t.TempDir()
	path := filepath.Join(dir, "jar.db")
	out, err := child(t, path, "crash", n, 99, true).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	ns, _ := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	full := time.Duration(ns)
	os.Remove(path)

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	killed, whole := 0, 0
	for i := range iterations {
		if wasKilled, _ := killMidImport(t, child(t, path, "crash", n, uint64(i), true), time.Duration(r.Int64N(int64(full)))); wasKilled {
			killed++
		}
		if _, err := os.Stat(path); err == nil {
			if total := checkIntact(t, path); total != n {
				t.Fatalf("iteration %d: %d cookies, want %d", i, total, n)
			}
			whole++
		} else {
			// No jar: opening one makes an empty one and sweeps the file
			// the killed process was building.
			if total := checkIntact(t, path); total != 0 {
				t.Fatalf("iteration %d: a new jar with %d cookies", i, total)
			}
		}
		if names := dirNames(t, dir); hasBeside(names) {
			t.Fatalf("iteration %d: left beside the jar after Open: %v", i, names)
		}
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
	}
	t.Logf("%d runs: %d killed, %d whole jars, import takes %v", iterations, killed, whole, full)
	if killed < iterations/2 {
		t.Fatalf("only %d of %d runs were killed mid-way", killed, iterations)
	}
}

// TestCrashSafety kills an importing process at random moments: the jar must
// stay intact and hold either everything the import wrote or none of it.
func TestCrashSafety(t *testing.T) {
	n := 100_000
	switch {
	case raceEnabled:
		n = 5_000 // SQLite is 10–20× slower under the race detector
	case testing.Short():
		n = 20_000 // still 20 kills, each in a shorter transaction
	}
	const iterations = 20
	path := filepath.Join(t.TempDir(), "jar.db")
	j, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, j, ImportOptions{}, Batch{Source: "base", Cookies: makeCookies(1000, 1, testNow, "base")})
	j.Close()

	// One undisturbed run tells how long an import takes here.
	out, err := child(t, path, "crash", n, 99).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	ns, _ := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	full := time.Duration(ns)
	undoLast(t, path, 1000)

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	killed, committed := 0, 0
	for i := range iterations {
		wasKilled, rest := killMidImport(t, child(t, path, "crash", n, uint64(i)), time.Duration(r.Int64N(int64(full)*11/10)))
		if wasKilled {
			killed++
		} else if ns, err := strconv.ParseInt(strings.TrimSpace(string(rest)), 10, 64); err == nil && time.Duration(ns) < full {
			// The undisturbed run was slowed by other load on the machine:
			// aim the next kills at the import time seen now, so that they
			// keep landing mid-import.
			full = time.Duration(ns)
		}
		total := checkIntact(t, path)
		switch total {
		case 1000:
		case 1000 + n:
			committed++
			undoLast(t, path, 1000)
		default:
			t.Fatalf("iteration %d: %d cookies, want 1000 or %d", i, total, 1000+n)
		}
	}
	t.Logf("%d runs: %d killed (%d of them after the commit), import takes %v", iterations, killed, committed, full)
	if killed < iterations/2 {
		t.Fatalf("only %d of %d runs were killed mid-way", killed, iterations)
	}
}

// killMidImport starts cmd (a child importing), sends it SIGKILL after
// delay and reports whether the kill ended it; rest is what it printed
// after "importing" (its import time, if it finished first).
func killMidImport(t *testing.T, cmd *exec.Cmd, delay time.Duration) (killed bool, rest []byte) {
	t.Helper()
	cmd.Stderr = nil
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make([]byte, len("importing\n"))
	if _, err := io.ReadFull(stdout, ready); err != nil {
		t.Fatalf("child: %v", err)
	}
	time.Sleep(delay)
	cmd.Process.Signal(syscall.SIGKILL)
	rest, _ = io.ReadAll(stdout)
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return true, rest
	}
	if err != nil {
		t.Fatalf("child failed: %v", err)
	}
	return false, rest
}

// checkIntact opens the jar after a crash: integrity_check must say ok.
func checkIntact(t *testing.T, path string) int {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var res string
	if err := j.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	return count(t, j.db, `SELECT count(*) FROM cookies`)
}

func undoLast(t *testing.T, path string, want int) {
	t.Helper()
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c, _ := j.Counts(context.Background()); c.Total != want {
		t.Fatalf("after undo: %+v", c)
	}
}
