package archtest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

const sqliteDriver = "modernc.org/sqlite"

// modelOnly are the packages that must build on the model alone: the
// readers and writers of files, the classifier and the Cookie header. None
// of them may link a database engine (docs/architecture.md).
var modelOnly = []string{
	"./jar/cookie",
	"./importers",
	"./importers/netscape",
	"./importers/cookiejson",
	"./jar/purpose",
	"./jar/cookieheader",
}

// deps lists the packages pkg links, by `go list -deps`.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command on PATH:", err)
	}
	cmd := exec.Command(goTool, "list", "-deps", pkg)
	cmd.Dir = testshared.Root(t)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, msg)
	}
	return strings.Fields(string(out))
}

func linksSQLite(list []string) bool {
	for _, p := range list {
		if p == sqliteDriver || strings.HasPrefix(p, sqliteDriver+"/") {
			return true
		}
	}
	return false
}

func TestModelPackagesLinkNoSQLite(t *testing.T) {
	// The check itself must be able to fail: the store does link SQLite.
	if !linksSQLite(deps(t, "./jar")) {
		t.Fatalf("go list -deps ./jar shows no %s: the check below would prove nothing", sqliteDriver)
	}
	for _, pkg := range modelOnly {
		if linksSQLite(deps(t, pkg)) {
			t.Errorf("%s links %s; it must import the model (jar/cookie) only, not the store (jar)", pkg, sqliteDriver)
		}
	}
}
