package jarpath

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	t.Setenv("CRUMBS_JAR", "/x/y.db")
	if p, err := Default(); err != nil || p != "/x/y.db" {
		t.Fatal(p, err)
	}
	t.Setenv("CRUMBS_JAR", "")
	if p, err := Default(); err != nil || !strings.HasSuffix(p, filepath.Join("crumbs", "jar.db")) {
		t.Fatal(p, err)
	}
}
