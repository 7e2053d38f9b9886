package cli_test

import (
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestImportSurvivesSIGKILL kills `crumbs import` of 100,000 cookies at
// random moments. After every kill the jar must pass PRAGMA integrity_check
// and hold exactly the cookies it held before or all of the new ones.
func TestImportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: imports 100,000 cookies many times")
	}
	// Beside TestKillDuringClean, the other long kill test: each mostly
	// waits on one child process, so on two cores they overlap (neither
	// asserts on timing; each checks only the states a kill leaves).
	t.Parallel()
	s := newSandbox(t)
	s.ok("", "import", s.write("small.json", jsonOf(t, genCookies(1000, 21, "file:small.json"))))
	baseJar := filepath.Join(t.TempDir(), "base.db")
	copyFile(t, s.jar, baseJar)
	if _, err := os.Stat(s.jar + "-wal"); err == nil {
		copyFile(t, s.jar+"-wal", baseJar+"-wal")
	}
	oldCount := countCookies(t, baseJar)

	big := genCookies(100000, 22, "file:big")
	inputs := []string{
		s.write("big.json", jsonOf(t, big)),
		s.write("big.txt", netscapeOf(t, big)),
	}

	fresh := func(i int) string {
		p := filepath.Join(s.home, "kill", itoa(i), "jar.db")
		copyFile(t, baseJar, p)
		if _, err := os.Stat(baseJar + "-wal"); err == nil {
			copyFile(t, baseJar+"-wal", p+"-wal")
		}
		return p
	}

	// One full run per input gives the new count and how long an import takes.
	newCount := map[string]int{}
	var longest time.Duration
	for i, in := range inputs {
		p := fresh(100 + i)
		start := time.Now()
		s.ok("", "--jar", p, "import", in)
		if d := time.Since(start); d > longest {
			longest = d
		}
		newCount[in] = countCookies(t, p)
		if newCount[in] <= oldCount {
			t.Fatalf("%s: import added nothing (%d cookies)", in, newCount[in])
		}
	}
	t.Logf("old %d cookies, new %v, a full import takes up to %v", oldCount, newCount, longest)

	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	const kills = 20
	outcomes := map[string]int{}
	for i := 0; i < kills; i++ {
		in := inputs[i%len(inputs)]
		p := fresh(i)
		cmd := exec.Command(crumbsBin, "--jar", p, "import", in)
		cmd.Env = s.env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rnd.Int64N(int64(longest) * 11 / 10))
		time.Sleep(delay)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		if res := integrityCheck(t, p); res != "ok" {
			t.Fatalf("kill %d after %v: integrity_check: %s", i, delay, res)
		}
		switch n := countCookies(t, p); n {
		case oldCount:
			outcomes["old"]++
		case newCount[in]:
			outcomes["new"]++
		default:
			t.Fatalf("kill %d after %v: %d cookies, want %d (old) or %d (new)", i, delay, n, oldCount, newCount[in])
		}
		// The killed jar must still work for crumbs itself.
		s.ok("", "--jar", p, "list", "--limit", "1")
	}
	t.Logf("%d kills: %v", kills, outcomes)
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		return err.Error()
	}
	return res
}

// countCookies counts the cookie rows of the jar at path.
func countCookies(t *testing.T, path string) int {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM cookies").Scan(&n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

// TestConcurrentImports runs two imports into one jar at once: both succeed
// and the jar holds both sets.
func TestConcurrentImports(t *testing.T) {
	s := newSandbox(t)
	a := s.write("a.json", jsonOf(t, genCookies(20000, 31, "file:a.json")))
	b := s.write("b.txt", netscapeOf(t, genCookies(20000, 32, "file:b.txt")))
	s.createJar() // both imports then open an existing one
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, in := range []string{a, b} {
		wg.Add(1)
		go func(i int, in string) {
			defer wg.Done()
			results[i] = s.run("", "import", in)
		}(i, in)
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("import %d: %v", i, r)
		}
	}
	if res := integrityCheck(t, s.jar); res != "ok" {
		t.Fatal(res)
	}
	srcs := s.ok("", "list", "source:/a.json", "--limit", "1").stdout
	srcs += s.ok("", "list", "source:/b.txt", "--limit", "1").stdout
	if !strings.Contains(srcs, "~/a.json") || !strings.Contains(srcs, "~/b.txt") {
		t.Fatalf("one import is missing from the jar:\n%s", srcs)
	}
	// Two undos revert both imports, in either order.
	s.ok("", "undo")
	s.ok("", "undo")
	if n := liveCount(t, s); n != 0 {
		t.Fatalf("%d cookies left after undoing both imports", n)
	}
}

// liveCount is the number of cookies `crumbs list --json` prints.
func liveCount(t *testing.T, s *sandbox) int {
	t.Helper()
	var cs []json.RawMessage
	if err := json.Unmarshal([]byte(s.ok("", "list", "--json").stdout), &cs); err != nil {
		t.Fatalf("list --json: %v", err)
	}
	return len(cs)
}
