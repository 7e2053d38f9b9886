package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// fakeClassifier marks names starting with "_" as tracking.
type fakeClassifier struct{}

func (fakeClassifier) Classify(c *cookie.Cookie) {
	if strings.HasPrefix(c.Name, "_") {
		c.Purpose, c.Reason = cookie.PurposeTracking, "underscore\tname\nreason"
		return
	}
	c.Purpose, c.Reason = cookie.PurposeUnknown, "nothing known"
}
func (fakeClassifier) Version() string { return "fake" }

func TestClassifyStream(t *testing.T) {
	in := "a.com\t_ga\nb.com\tsid\r\n\nlonely\nc.com\t_x\textra\nd.com\tlast"
	var out bytes.Buffer
	if err := classifyStream(strings.NewReader(in), &out, fakeClassifier{}); err != nil {
		t.Fatal(err)
	}
	want := "a.com\t_ga\ttracking\tunderscore name reason\n" +
		"b.com\tsid\tunknown\tnothing known\n" +
		"\n" +
		"\tlonely\tunknown\tnothing known\n" +
		"c.com\t_x\ttracking\tunderscore name reason\n" +
		"d.com\tlast\tunknown\tnothing known\n"
	if out.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", out.String(), want)
	}
}

func BenchmarkClassifyStream(b *testing.B) {
	var in bytes.Buffer
	for i := 0; i < 10000; i++ {
		in.WriteString("www.example.com\t_ga_ABC123\n")
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := classifyStream(bytes.NewReader(in.Bytes()), &bytes.Buffer{}, fakeClassifier{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExitCodes runs commands in-process: usage errors exit 2 with one
// line naming the problem, before any jar is opened.
func TestExitCodes(t *testing.T) {
	jarPath := filepath.Join(t.TempDir(), "sub", "jar.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"list", "--limit", "x"}, 2, "--limit"},
		{[]string{"nonsense"}, 2, "nonsense"},
		{[]string{"set-purpose", "tracking"}, 2, "FILTER"},
		{[]string{"purge", "name:x"}, 2, "--yes"},
		{[]string{"list", "is:whatever"}, 2, "is:whatever"},
		{[]string{"export", "--format", "header", "--url", "ftp://x"}, 2, "--url"},
		{[]string{"undo", "extra"}, 2, "extra"},
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), Env{
			Args: append([]string{"--jar", jarPath}, tc.args...), Stdin: strings.NewReader(""),
			Stdout: &stdout, Stderr: &stderr,
		})
		if code != tc.code || !strings.Contains(stderr.String(), tc.want) ||
			strings.Count(stderr.String(), "\n") != 1 || stdout.Len() != 0 {
			t.Errorf("crumbs %v: exit %d, stderr %q, stdout %q; want exit %d mentioning %q",
				tc.args, code, stderr.String(), stdout.String(), tc.code, tc.want)
		}
	}
	if _, err := os.Stat(jarPath); err == nil {
		t.Errorf("a usage error created the jar")
	}
}
