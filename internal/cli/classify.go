package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// classifier builds the purpose classifier: the built-in knowledge, plus
// the user's rules file ($XDG_CONFIG_HOME/crumbs/rules.toml) when it exists,
// plus --rules. A --rules list (an Open Cookie Database CSV, a hosts file,
// a list of domains or an adblock list; purpose.IsRulesFile tells) is
// layered under crumbs' curated knowledge; a --rules TOML rules file is used
// instead of the default rules.toml for this run.
func (a *app) classifier() (jar.Classifier, error) {
	var opts purpose.Options
	if a.rules != "" {
		if purpose.IsRulesFile(a.rules) {
			opts.RulesFile = a.rules
		} else {
			opts.Lists = []string{a.rules}
		}
	}
	if opts.RulesFile == "" {
		if p := purpose.DefaultRulesPath(); p != "" {
			if _, err := os.Stat(p); err == nil {
				opts.RulesFile = p
			}
		}
	}
	if opts.RulesFile == "" && opts.ExtraCSV == "" && len(opts.Lists) == 0 {
		return purpose.Default(), nil
	}
	return purpose.New(opts)
}

func (a *app) classifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "classify",
		Short: "Classify domain<TAB>name lines from stdin",
		Long: `Read lines of "domain<TAB>name" on stdin and write
"domain<TAB>name<TAB>purpose<TAB>reason" on stdout, one line per input line, in
the same order. purpose is session, personalization, tracking or unknown.
The jar is not used. Rules come from the built-in knowledge, your rules file
and --rules.

A line without a TAB is taken as a name with no domain. A trailing CR is
dropped. Empty lines give empty output lines, so the output lines up with the
input.`,
		Example: `  printf 'example.com\t_ga\nexample.com\tPHPSESSID\n' | crumbs classify
  crumbs classify --rules open-cookie-database.csv < names.tsv`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			c, err := a.classifier()
			if err != nil {
				return err
			}
			return classifyStream(a.env.Stdin, a.env.Stdout, c)
		}),
	}
}

// classifyStream is the classify loop: buffered both ways, flushed only
// when the input runs dry, no allocation per line beyond the cookie's
// strings and what the classifier does.
func classifyStream(in io.Reader, out io.Writer, c jar.Classifier) error {
	r := bufio.NewReaderSize(in, 256<<10)
	w := bufio.NewWriterSize(out, 256<<10)
	var ck cookie.Cookie
	for lineNo := 1; ; lineNo++ {
		if r.Buffered() == 0 {
			// About to wait for input: hand over what is done, so that an
			// interactive pipeline gets each answer without waiting for EOF.
			if err := w.Flush(); err != nil {
				return err
			}
		}
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return fmt.Errorf("stdin: line %d: longer than %d bytes", lineNo, r.Size())
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return fmt.Errorf("stdin: %w", err)
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 {
			w.WriteByte('\n')
			continue
		}
		domain, name := []byte(nil), line
		if i := bytes.IndexByte(line, '\t'); i >= 0 {
			domain, name = line[:i], line[i+1:]
			if j := bytes.IndexByte(name, '\t'); j >= 0 {
				name = name[:j] // extra columns are ignored
			}
		}
		ck = cookie.Cookie{Domain: string(domain), Name: string(name)}
		c.Classify(&ck)
		p := ck.Purpose
		if p == "" {
			p = cookie.PurposeUnknown
		}
		w.Write(domain)
		w.WriteByte('\t')
		w.Write(name)
		w.WriteByte('\t')
		w.WriteString(string(p))
		w.WriteByte('\t')
		writeField(w, ck.Reason)
		w.WriteByte('\n')
	}
	return w.Flush()
}

// writeField writes s with TAB, CR and LF replaced by spaces so that it
// cannot break the line format.
func writeField(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "\t\r\n") {
		w.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '\t' || b == '\r' || b == '\n' {
			b = ' '
		}
		w.WriteByte(b)
	}
}
