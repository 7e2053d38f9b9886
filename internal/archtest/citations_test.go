package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

// section is the section sign. It is spelled as an escape here so that this
// file's own code is no citation.
const section = "\u00a7"

// docRef is "docs/NAME.md" right before a section sign, with at most an
// opening parenthesis or quote between them.
var docRef = regexp.MustCompile(`docs/([A-Za-z0-9_.-]+\.md)\s*$`)

// headingNumber is the leading section number of a heading: "2." or "4.3".
var headingNumber = regexp.MustCompile(`^(\d+(?:\.\d+)*)\.?\s`)

// citationProblems checks every section sign in text (one comment, its
// lines joined) and says what is wrong with each citation: it must follow
// "docs/NAME.md ", the file must exist under docsDir, and the words after
// the sign must begin with one of its headings or a heading's number.
func citationProblems(text, docsDir string, headings func(file string) ([]string, error)) []string {
	var out []string
	for rest, before := text, ""; ; {
		i := strings.Index(rest, section)
		if i < 0 {
			return out
		}
		before += rest[:i]
		after := rest[i+len(section):]
		rest = after
		cite := strings.TrimSpace(lastN(before, 40)) + " " + section + firstN(after, 40)
		m := docRef.FindStringSubmatch(before)
		if m == nil {
			out = append(out, cite+`: a section sign must follow the docs/ file it cites ("docs/model.md `+section+`2")`)
			before += section
			continue
		}
		hs, err := headings(filepath.Join(docsDir, m[1]))
		if err != nil {
			out = append(out, cite+": docs/"+m[1]+" does not exist")
			before += section
			continue
		}
		if !startsWithHeading(after, hs) {
			out = append(out, cite+": no such section in docs/"+m[1])
		}
		before += section
	}
}

func lastN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func firstN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func normalize(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "`", ""))
}

// startsWithHeading reports whether the text after a section sign begins
// with a heading of the file (its title or its number), or with the first
// words of one, ending at a word boundary.
func startsWithHeading(after string, headings []string) bool {
	a := normalize(after)
	boundary := func(rest string) bool {
		if rest == "" {
			return true
		}
		r := []rune(rest)[0]
		if r == '.' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9' {
			return false // "4.3" is not section 4
		}
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	// The words cited, up to the end of the clause: they may shorten a
	// heading ("Firefox" for "Firefox cookies.sqlite").
	phrase := a
	for _, stop := range []string{")", ",", ";", ": ", ". ", "\""} {
		if i := strings.Index(phrase, stop); i >= 0 {
			phrase = phrase[:i]
		}
	}
	phrase = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(phrase), "."))
	for _, h := range headings {
		if nh := normalize(h); phrase != "" && strings.HasPrefix(nh, phrase) && boundary(nh[len(phrase):]) {
			return true
		}
		var keys []string
		if m := headingNumber.FindStringSubmatch(h); m != nil {
			keys = append(keys, m[1], strings.TrimSpace(h[len(m[0]):]))
		} else {
			keys = append(keys, h)
		}
		for _, k := range keys {
			k = strings.TrimRight(normalize(k), " ")
			if k != "" && strings.HasPrefix(a, k) && boundary(a[len(k):]) {
				return true
			}
		}
	}
	return false
}

// markdownHeadings reads the headings of a markdown file outside code
// fences, without their hashes.
func markdownHeadings(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []string
	fence := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if !fence && strings.HasPrefix(line, "#") {
			out = append(out, strings.TrimSpace(strings.TrimLeft(line, "#")))
		}
	}
	return out, nil
}

func TestCitationsNameDocsThatExist(t *testing.T) {
	root := testshared.Root(t)
	docs := filepath.Join(root, "docs")
	// The checker must be able to fail.
	for _, bad := range []string{
		"the budget (PRODUCT " + section + "10)",
		"see docs/nothing-here.md " + section + "1",
		"see docs/model.md " + section + "99",
	} {
		if len(citationProblems(bad, docs, markdownHeadings)) == 0 {
			t.Fatalf("citationProblems(%q) found nothing wrong", bad)
		}
	}
	if p := citationProblems("see docs/model.md "+section+"2 and docs/browsers.md "+section+"Where crumbs looks", docs, markdownHeadings); len(p) != 0 {
		t.Fatalf("good citations refused: %v", p)
	}

	n := 0
	for _, file := range goFiles(t, root) {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		rel, _ := filepath.Rel(root, file)
		for _, cg := range f.Comments {
			text := joinComment(cg)
			if !strings.Contains(text, section) {
				continue
			}
			n += strings.Count(text, section)
			for _, p := range citationProblems(text, docs, markdownHeadings) {
				t.Errorf("%s:%d: %s", rel, fset.Position(cg.Pos()).Line, p)
			}
		}
	}
	t.Logf("%d citations checked", n)
}

// joinComment is the comment's text with its lines joined by spaces, so
// that a citation may wrap.
func joinComment(cg *ast.CommentGroup) string {
	return strings.Join(strings.Fields(cg.Text()), " ")
}
