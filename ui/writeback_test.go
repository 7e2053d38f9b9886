package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/firefox"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// TestPurgeAndCleanTheBrowsers: the purge dialog's W purges the jar, then
// lists the browser store with what goes; y writes it into the store
// (through the same safety sequence as crumbs apply) with a backup, and
// the toast names the browser and its backup. W with nothing pending says
// so.
func TestPurgeAndCleanTheBrowsers(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "prof")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := gen.WriteFirefoxStore(filepath.Join(dir, "cookies.sqlite"), gen.Cookies(400, 3, time.Now().UTC(), "x")); err != nil {
		t.Fatal(err)
	}
	res, err := firefox.Read(ctx, dir, importers.Options{Source: "file:prof"})
	if err != nil {
		t.Fatal(err)
	}
	j, err := jar.Open(filepath.Join(t.TempDir(), "jar.db"), jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Import(ctx, []jar.Batch{{Source: "file:prof", File: dir, Cookies: res.Cookies}}, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	tracking := count(t, j, "purpose:tracking")
	if tracking == 0 {
		t.Skip("no tracking cookies generated")
	}
	root := t.TempDir()
	m := sized(newModel(t, j, Options{WriteBack: &writeplan.Env{Root: root}}), 120, 40)
	drain(m, m.Init())

	press(m, "W")
	if m.modal != nil || !strings.Contains(m.View(), "no changes waiting") {
		t.Fatalf("W with nothing pending: %T\n%s", m.modal, m.View())
	}
	press(m, "P")
	d, ok := m.modal.(*confirmDialog)
	if !ok || d.onWriteBack == nil || !strings.Contains(d.body, "purge and clean the browsers") {
		t.Fatalf("the purge dialog offers no 'purge and clean the browsers': %T %+v", m.modal, d)
	}
	press(m, "W")
	d, ok = m.modal.(*confirmDialog)
	if !ok || !strings.Contains(d.body, "file:prof: would remove") || !strings.Contains(d.body, "backed up first") {
		t.Fatalf("no apply dialog listing the browser: %T %+v", m.modal, d)
	}
	press(m, "y")
	after, err := firefox.Read(ctx, dir, importers.Options{Source: "file:prof"})
	if err != nil {
		t.Fatal(err)
	}
	cl := purpose.Default()
	for i := range after.Cookies {
		c := &after.Cookies[i]
		cl.Classify(c)
		if c.Purpose == cookie.PurposeTracking {
			t.Fatalf("a tracking cookie is still in the browser's store: %s", c.Identity())
		}
	}
	if len(after.Cookies) != len(res.Cookies)-tracking {
		t.Fatalf("store has %d cookies, want %d", len(after.Cookies), len(res.Cookies)-tracking)
	}
	bs, err := writeback.List(root, "file:prof")
	if err != nil || len(bs) != 1 {
		t.Fatalf("backups: %v %v", bs, err)
	}
	if v := m.View(); !strings.Contains(v, "file:prof: removed") || !strings.Contains(v, "backup "+bs[0].ID) {
		t.Fatalf("no toast naming the browser and its backup:\n%s", v)
	}
	if srcs, _ := j.PendingSources(ctx); len(srcs) != 0 {
		t.Fatalf("still pending after the write-back: %v", srcs)
	}
}
