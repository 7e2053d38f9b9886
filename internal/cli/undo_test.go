package cli_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func genCookies(n int, seed int64, source string) []cookie.Cookie {
	return gen.Cookies(n, seed, now, source)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}

// TestUndoRevertsEveryKindOfChange makes each kind of change through the
// binary (and an edit and a delete through the jar API, as the UI does),
// then `crumbs undo`, and compares the full state before and after.
func TestUndoRevertsEveryKindOfChange(t *testing.T) {
	s := newSandbox(t)
	s.createJar()
	empty := s.state()

	first := genCookies(300, 11, "file:first.json")
	firstFile := s.write("first.json", jsonOf(t, first))
	s.ok("", "import", firstFile)
	base := s.state()
	if base == empty {
		t.Fatal("import changed nothing")
	}

	undo := func(t *testing.T, want string, what string) {
		t.Helper()
		r := s.ok("", "undo")
		if !strings.Contains(r.stderr, "undid") {
			t.Errorf("undo said %q", r.stderr)
		}
		if got := s.state(); got != want {
			t.Fatalf("undo of %s did not restore the state exactly:\n%s", what, firstDiff(want, got))
		}
	}

	t.Run("import", func(t *testing.T) {
		second := genCookies(200, 12, "file:second.txt")
		// The same identities with other values, so the import updates too.
		changed := append([]cookie.Cookie(nil), first[:50]...)
		for i := range changed {
			changed[i].Value += "-changed"
		}
		s.ok("", "import", s.write("second.json", jsonOf(t, second)), s.write("first.json", jsonOf(t, changed)))
		if s.state() == base {
			t.Fatal("second import changed nothing")
		}
		undo(t, base, "an import of two sources")
		s.write("first.json", jsonOf(t, first))
	})

	t.Run("set-purpose", func(t *testing.T) {
		r := s.ok("", "set-purpose", "tracking", "is:secure")
		if !strings.Contains(r.stderr, "set purpose tracking on") {
			t.Errorf("set-purpose said %q", r.stderr)
		}
		if s.state() == base {
			t.Fatal("set-purpose changed nothing")
		}
		undo(t, base, "set-purpose")
	})

	t.Run("edit and delete through the jar API", func(t *testing.T) {
		ctx := context.Background()
		withJar := func(fn func(j *jar.Jar)) {
			j, err := jar.Open(s.jar)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			fn(j)
		}
		var id int64
		withJar(func(j *jar.Jar) {
			cs, _, err := j.Query(ctx, jar.Query{Limit: 1, Filter: cookie.MustParseFilter("-is:expired", "-is:session", "is:secure", "-is:partitioned")})
			if err != nil || len(cs) != 1 {
				t.Fatalf("query: %v %d", err, len(cs))
			}
			c := cs[0]
			id = c.ID
			c.Value = "edited-by-the-test"
			if err := j.Update(ctx, c); err != nil {
				t.Fatal(err)
			}
		})
		afterEdit := s.state()
		if !strings.Contains(afterEdit, "edited-by-the-test") {
			t.Fatal("the edit is not visible in list --json")
		}
		withJar(func(j *jar.Jar) {
			if n, err := j.Delete(ctx, []int64{id}); err != nil || n != 1 {
				t.Fatalf("delete: %d %v", n, err)
			}
		})
		if s.state() == afterEdit {
			t.Fatal("the delete changed nothing")
		}
		undo(t, afterEdit, "a delete through jar.Delete")
		undo(t, base, "an edit through jar.Update")
	})

	t.Run("purge of one cookie", func(t *testing.T) {
		c := first[0]
		r := s.ok("", "purge", "--yes", "domain:"+strings.TrimPrefix(c.Domain, "."), "name:"+c.Name)
		if !strings.Contains(r.stderr, "to the trash — crumbs undo reverts it") {
			t.Errorf("purge said %q", r.stderr)
		}
		if !strings.Contains(s.ok("", "trash", "list").stdout, c.Name) {
			t.Fatalf("%s is not in the trash", c.Name)
		}
		undo(t, base, "a purge of one cookie")
	})

	t.Run("purge of every tracking cookie", func(t *testing.T) {
		r := s.ok("", "purge", "--purpose", "tracking", "--yes")
		if !strings.Contains(r.stderr, "moved ") || !strings.Contains(r.stderr, " sites to the trash") {
			t.Errorf("purge said %q", r.stderr)
		}
		if strings.Contains(s.ok("", "list", "purpose:tracking").stdout, "tracking") {
			t.Fatal("tracking cookies are left after the purge")
		}
		undo(t, base, "a purge")
	})

	t.Run("trash restore", func(t *testing.T) {
		s.ok("", "purge", "--yes", "is:session")
		purged := s.state()
		s.ok("", "trash", "restore")
		if s.state() == purged {
			t.Fatal("restore changed nothing")
		}
		undo(t, purged, "a restore")
		undo(t, base, "the purge before it")
	})

	t.Run("undo back to empty", func(t *testing.T) {
		undo(t, empty, "the first import")
		r := s.run("", "undo")
		if r.code != 1 {
			t.Fatalf("undo with no history: %v", r)
		}
		checkOneErrorLine(t, r, "nothing to undo")
	})
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) && i < len(gl); i++ {
		if wl[i] != gl[i] {
			return "line " + itoa(i+1) + ":\nwant " + trunc(wl[i]) + "\ngot  " + trunc(gl[i])
		}
	}
	return "lengths differ: want " + itoa(len(wl)) + " lines, got " + itoa(len(gl))
}

func trunc(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
