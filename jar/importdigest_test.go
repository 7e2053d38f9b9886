package jar

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// reimportBoth imports batches into j and, for comparison, into a copy of
// j without its import digests (so the copy does the whole work), and
// fails unless both give the same statistics, rows, undo history, sources
// and import records. It returns j's statistics and whether j took the
// shortcut (no classifier call).
func reimportBoth(t *testing.T, j *Jar, cl *countingClassifier, opt ImportOptions, batches ...Batch) (ImportStats, bool) {
	t.Helper()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	j.bg.Wait()
	if _, err := j.db.Exec(`VACUUM INTO ?`, copyPath); err != nil {
		t.Fatal(err)
	}
	opts := []Option{WithClock(func() time.Time { return testNow.Add(time.Hour) })}
	if cl != nil {
		opts = append(opts, WithClassifier(&testClassifier{version: cl.version}))
	}
	full, err := Open(copyPath, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if _, err := full.db.Exec(`DELETE FROM import_digests`); err != nil {
		t.Fatal(err)
	}
	want := mustImport(t, full, opt, batches...)
	var calls int64
	if cl != nil {
		calls = cl.calls.Load()
	}
	j.now = func() time.Time { return testNow.Add(time.Hour) }
	got := mustImport(t, j, opt, batches...)
	took := cl != nil && cl.calls.Load() == calls
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("import statistics %+v, the whole work gives %+v", got, want)
	}
	if a, b := dump(t, j), dump(t, full); a != b {
		t.Fatalf("the jar differs from the whole work's:\n%s", firstDiff(b, a))
	}
	for _, q := range []string{`SELECT kind, summary, count, at FROM changes ORDER BY id`, `SELECT * FROM sources ORDER BY source`,
		`SELECT source, seen, record, tracking, prev_tracking FROM imports ORDER BY source`,
		// The copy lost the digests of the sources not imported here.
		`SELECT source, digest, unchanged, pending, complete FROM import_digests WHERE source IN (` + quoted(batches) + `) ORDER BY source`} {
		if a, b := rowsText(t, j, q), rowsText(t, full, q); a != b {
			t.Fatalf("%s differs from the whole work's:\n%s", q, firstDiff(b, a))
		}
	}
	return got, took
}

func quoted(batches []Batch) string {
	var qs []string
	for _, b := range batches {
		qs = append(qs, "'"+strings.ReplaceAll(b.Source, "'", "''")+"'")
	}
	return strings.Join(qs, ", ")
}

func rowsText(t *testing.T, j *Jar, q string) string {
	t.Helper()
	rows, err := j.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok && len(b) > 40 {
				v = fmt.Sprintf("%d bytes %x", len(b), sha256.Sum256(b))
			} else if ok {
				v = string(b)
			}
			fmt.Fprintf(&out, "%v\t", v)
		}
		out.WriteString("\n")
	}
	return out.String()
}

// TestReimportUnchangedTakesTheShortcut: importing the same read again
// into a jar nobody changed skips the per-cookie work (docs/budgets.md §1,
// re-import ≤ 3× the floor) and leaves exactly what the whole work leaves:
// statistics, rows, history, sources, import record.
func TestReimportUnchangedTakesTheShortcut(t *testing.T) {
	cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
	j, _ := openTest(t, WithClassifier(cl))
	a := Batch{Source: "firefox:default", File: "/ff/cookies.sqlite", Cookies: makeCookies(500, 21, testNow, "firefox:default")}
	b := Batch{Source: "chrome:Default", File: "/ch/Cookies", Cookies: makeCookies(300, 22, testNow, "chrome:Default")}
	mustImport(t, j, ImportOptions{}, a, b)
	st, took := reimportBoth(t, j, cl, ImportOptions{}, a, b)
	if !took {
		t.Fatal("the re-import of an unchanged read into an unchanged jar classified cookies again")
	}
	if st.Unchanged != 800 || st.Added+st.Updated+st.Pruned != 0 {
		t.Fatalf("re-import %+v", st)
	}
	// Again (the shortcut leaves a digest for the next one) and with --prune.
	if _, took := reimportBoth(t, j, cl, ImportOptions{Prune: true}, a, b); !took {
		t.Fatal("the second re-import did the whole work")
	}
	// One source changed: only that one is worked.
	a2 := a
	a2.Cookies = append([]cookie.Cookie(nil), a.Cookies...)
	a2.Cookies[7].Value += "x"
	st, _ = reimportBoth(t, j, cl, ImportOptions{}, a2, b)
	if st.Updated != 1 || st.BySource["chrome:Default"].Unchanged != 300 {
		t.Fatalf("re-import with one change %+v", st)
	}
}

// TestReimportAfterAChangeDoesTheWork: after any write to the jar, or with
// other knowledge, or another read, the re-import does the whole work (and
// gives what the whole work gives).
func TestReimportAfterAChangeDoesTheWork(t *testing.T) {
	ctx := context.Background()
	src := "firefox:default"
	base := makeCookies(200, 23, testNow, src)
	batch := Batch{Source: src, File: "/ff/cookies.sqlite", Cookies: base}
	other := Batch{Source: "other", Cookies: makeCookies(20, 24, testNow, "other")}
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, j *Jar)
	}{
		{"edit", func(t *testing.T, j *Jar) {
			all, _ := j.All(ctx)
			c := all[3]
			c.Name += "-renamed" // the same content hash: only the generation tells
			if err := j.Update(ctx, c); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete", func(t *testing.T, j *Jar) {
			all, _ := j.All(ctx)
			if _, err := j.Delete(ctx, []int64{all[0].ID, all[1].ID}); err != nil {
				t.Fatal(err)
			}
		}},
		{"purge", func(t *testing.T, j *Jar) {
			if _, err := j.Purge(ctx, cookie.MustParseFilter("purpose:tracking")); err != nil {
				t.Fatal(err)
			}
		}},
		{"purge and undo", func(t *testing.T, j *Jar) {
			j.Purge(ctx, cookie.MustParseFilter("purpose:tracking"))
			if _, err := j.Undo(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"verdict", func(t *testing.T, j *Jar) {
			all, _ := j.All(ctx)
			if _, err := j.SetPurpose(ctx, []int64{all[5].ID}, cookie.PurposeSession); err != nil {
				t.Fatal(err)
			}
		}},
		{"protect", func(t *testing.T, j *Jar) {
			if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
				t.Fatal(err)
			}
		}},
		{"another source", func(t *testing.T, j *Jar) { mustImport(t, j, ImportOptions{}, other) }},
		{"undo of the import", func(t *testing.T, j *Jar) {
			if _, err := j.Undo(ctx); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
			j, _ := openTest(t, WithClassifier(cl))
			mustImport(t, j, ImportOptions{}, batch)
			tc.do(t, j)
			if _, took := reimportBoth(t, j, cl, ImportOptions{}, batch); took {
				t.Fatalf("after %s the re-import took the shortcut", tc.name)
			}
		})
	}
	t.Run("other knowledge", func(t *testing.T) {
		j, path := openTest(t, WithClassifier(&testClassifier{version: "1"}))
		mustImport(t, j, ImportOptions{}, batch)
		j.Close()
		// Without a classifier nothing is re-classified on open: only the
		// digest's knowledge tells.
		j2, err := Open(path, WithClock(func() time.Time { return testNow }))
		if err != nil {
			t.Fatal(err)
		}
		defer j2.Close()
		st, _ := reimportBoth(t, j2, nil, ImportOptions{}, batch)
		if st.Updated == 0 {
			t.Fatalf("without the classifier the purposes change, yet %+v", st)
		}
	})
	t.Run("prune of what the jar holds and the read lacks", func(t *testing.T) {
		cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
		j, _ := openTest(t, WithClassifier(cl))
		mustImport(t, j, ImportOptions{}, batch)
		less := Batch{Source: src, File: batch.File, Cookies: base[10:]}
		mustImport(t, j, ImportOptions{}, less) // 10 left in the jar, not in the read
		st, took := reimportBoth(t, j, cl, ImportOptions{Prune: true}, less)
		if took || st.Pruned != 10 {
			t.Fatalf("prune after a partial read: %+v (shortcut %v)", st, took)
		}
	})
	t.Run("one identity twice, different", func(t *testing.T) {
		cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
		j, _ := openTest(t, WithClassifier(cl))
		dup := base[4]
		dup.Value += "-other"
		twice := Batch{Source: src, Cookies: append(append([]cookie.Cookie(nil), base...), dup)}
		mustImport(t, j, ImportOptions{}, twice)
		if _, took := reimportBoth(t, j, cl, ImportOptions{}, twice); took {
			t.Fatal("a read with a conflicting duplicate took the shortcut")
		}
	})
	t.Run("the user's verdicts", func(t *testing.T) {
		cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
		j, _ := openTest(t, WithClassifier(cl))
		vs := append([]cookie.Cookie(nil), base[:20]...)
		vs[0].Purpose, vs[0].VerdictBy = cookie.PurposeSession, cookie.EvidenceUser
		jb := Batch{Source: "file:export.json", Cookies: vs, Verdicts: true}
		mustImport(t, j, ImportOptions{}, jb)
		if _, took := reimportBoth(t, j, cl, ImportOptions{}, jb); took {
			t.Fatal("a batch with the user's verdicts took the shortcut")
		}
	})
	t.Run("pending write-back", func(t *testing.T) {
		cl := &countingClassifier{testClassifier: testClassifier{version: "1"}}
		j, _ := openTest(t, WithClassifier(cl))
		mustImport(t, j, ImportOptions{}, batch)
		all, _ := j.All(ctx)
		j.Delete(ctx, []int64{all[0].ID}) // pending: the store still has it
		st, took := reimportBoth(t, j, cl, ImportOptions{}, batch)
		if took || st.Pending != 1 {
			t.Fatalf("after a delete: %+v (shortcut %v)", st, took)
		}
		st, took = reimportBoth(t, j, cl, ImportOptions{}, batch)
		if !took || st.Pending != 1 || st.Unchanged != len(base)-1 {
			t.Fatalf("the repeat with a deletion pending: %+v (shortcut %v)", st, took)
		}
	})
}

// TestReadDigestCoversEveryField: changing any field of any cookie (or a
// batch flag, or the knowledge) changes the digest, so a read that differs
// in anything is worked in full. A field added to cookie.Cookie fails this
// until readDigest writes it.
func TestReadDigestCoversEveryField(t *testing.T) {
	base := makeCookies(3, 25, testNow, "s")
	b := Batch{Source: "s", File: "f", Cookies: base}
	d0 := string(readDigest("k", []Batch{b}, "s"))
	var leaves func(v reflect.Value, path string, set func())
	n := 0
	leaves = func(v reflect.Value, path string, set func()) {
		// Interned values: walk their fields and put them back through
		// their Make.
		switch x := v.Interface().(type) {
		case cookie.Extras:
			f := x.Fields()
			leaves(reflect.ValueOf(&f).Elem(), path, func() { v.Set(reflect.ValueOf(cookie.MakeExtras(f))) })
			return
		case cookie.Partition:
			f := x.Fields()
			leaves(reflect.ValueOf(&f).Elem(), path, func() { v.Set(reflect.ValueOf(cookie.MakePartition(f))) })
			return
		case cookie.Container:
			f := x.Fields()
			leaves(reflect.ValueOf(&f).Elem(), path, func() { v.Set(reflect.ValueOf(cookie.MakeContainer(f))) })
			return
		}
		if set == nil {
			set = func() {}
		}
		if v.Kind() == reflect.Struct && v.Type() != reflect.TypeOf(cookie.Time{}) {
			for i := range v.NumField() {
				f := v.Field(i)
				leaves(f, path+"."+v.Type().Field(i).Name, set)
			}
			return
		}
		n++
		old := reflect.New(v.Type()).Elem()
		old.Set(v)
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "~")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Uint8:
			v.SetUint(v.Uint() ^ 1)
		case reflect.Struct: // cookie.Time
			v.Set(reflect.ValueOf(v.Interface().(cookie.Time).Add(time.Microsecond)))
		default:
			t.Fatalf("%s: a %s field: teach the test (and readDigest) about it", path, v.Kind())
		}
		set()
		if string(readDigest("k", []Batch{b}, "s")) == d0 {
			t.Errorf("changing %s does not change the digest", path)
		}
		v.Set(old)
		set()
	}
	leaves(reflect.ValueOf(&b.Cookies[1]).Elem(), "Cookie", nil)
	if n < 30 {
		t.Fatalf("only %d fields walked", n)
	}
	if string(readDigest("k", []Batch{b}, "s")) != d0 {
		t.Fatal("the digest is not a function of the read")
	}
	for name, change := range map[string]func(){
		"knowledge":  func() {},
		"Incomplete": func() { b.Incomplete = true },
		"Verdicts":   func() { b.Verdicts = true },
		"File":       func() { b.File = "g" },
		"order":      func() { b.Cookies = []cookie.Cookie{base[1], base[0], base[2]} },
	} {
		b = Batch{Source: "s", File: "f", Cookies: base}
		change()
		k := "k"
		if name == "knowledge" {
			k = "k2"
		}
		if string(readDigest(k, []Batch{b}, "s")) == d0 {
			t.Errorf("changing the %s does not change the digest", name)
		}
	}
}

// TestPreparedArgsAreTheColumns: the workers fill prepped.args in place,
// which holds exactly the cookie columns.
func TestPreparedArgsAreTheColumns(t *testing.T) {
	if nCookieColumns != len(cookieColumns) {
		t.Fatalf("nCookieColumns is %d, cookieColumns has %d", nCookieColumns, len(cookieColumns))
	}
	c := makeCookies(1, 26, testNow, "s")[0]
	if n := len(appendColumns(nil, &c, "site", 0, 0, 0, nil)); n != nCookieColumns {
		t.Fatalf("appendColumns gives %d values", n)
	}
}
