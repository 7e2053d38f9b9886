package purpose

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Lists the user brings (docs/purposes.md): an Open Cookie Database CSV, a hosts
// file, a plain list of domains, or an adblock-style list's domain rules
// ("||tracker.example^"). They sit under crumbs' curated names and patterns
// and under sign-in safety, above the heuristics; see Classifier and
// docs/purposes.md.

// maxListBytes bounds one list: the biggest public hosts files are a few
// megabytes.
const maxListBytes = 64 << 20

// list is one loaded list: its name as shown in reasons and its entries.
type list struct {
	name string // the file's base name ("easyprivacy.txt"); "Open Cookie Database" for that CSV
	rs   *ruleSet
}

// isOCD reports whether data is an Open Cookie Database CSV: a .csv file or
// one whose header starts like the database's.
func isOCD(path string, data []byte) bool {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return true
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimPrefix(bytes.TrimSpace(first), []byte("\ufeff"))
	return bytes.HasPrefix(first, []byte("ID,Platform,"))
}

// parseList reads a list file of any supported kind.
func parseList(path string, data []byte) (*list, error) {
	if len(data) > maxListBytes {
		return nil, &ruleError{file: path, msg: fmt.Sprintf("%d bytes: a list may have at most %d", len(data), maxListBytes)}
	}
	if isOCD(path, data) {
		rs, err := parseOCDBytes(path, data, 0)
		if err != nil {
			return nil, err
		}
		return &list{name: "Open Cookie Database", rs: rs}, nil
	}
	name := filepath.Base(path)
	rs, err := parseDomainList(path, name, data)
	if err != nil {
		return nil, err
	}
	return &list{name: name, rs: rs}, nil
}

// hostsIgnored are the names every hosts file maps to itself; they are
// not trackers.
var hostsIgnored = map[string]bool{"localhost": true, "localhost.localdomain": true, "local": true, "broadcasthost": true,
	"ip6-localhost": true, "ip6-loopback": true, "ip6-localnet": true, "ip6-mcastprefix": true, "ip6-allnodes": true,
	"ip6-allrouters": true, "ip6-allhosts": true, "0.0.0.0": true}

// parseDomainList reads a hosts file ("0.0.0.0 tracker.example"), a plain
// list ("tracker.example" a line) or an adblock list, of whose rules only
// whole-domain blocks ("||tracker.example^", options allowed) are used:
// rules with paths, wildcards, exceptions or element hiding say nothing
// about a domain's cookies. Every listed domain is tracking, for the domain
// and its subdomains. A file with no domain at all is refused: it is
// probably not a list.
func parseDomainList(path, name string, data []byte) (*ruleSet, error) {
	rs := newRuleSet()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	add := func(d string) {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(d, "*."), "."), "."))
		if hostsIgnored[d] || !plainDomain(d) || rs.domains[d] != nil {
			return
		}
		e := &entry{order: rs.n, purpose: cookie.PurposeTracking, reason: name + " lists " + d, evidence: cookie.EvidenceList, domainOnly: true}
		rs.addDomain(tie{suffix: d}, e)
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' || line[0] == '[' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "||"); ok {
			d, tail, _ := strings.Cut(rest, "^")
			if tail != "" && tail[0] != '$' {
				continue // a path or more after the domain
			}
			if strings.Contains(tail, "domain=") {
				continue // only on some sites: not the domain's own cookies
			}
			add(d)
			continue
		}
		if strings.HasPrefix(line, "@@") || strings.Contains(line, "##") || strings.Contains(line, "#@#") {
			continue
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 1:
			add(fields[0])
		case len(fields) >= 2 && hostsAddress(fields[0]):
			for _, h := range fields[1:] {
				add(h)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ruleError{file: path, msg: err.Error()}
	}
	if rs.n == 0 {
		return nil, &ruleError{file: path, msg: "no domain found: a list is an Open Cookie Database CSV, a hosts file, a list of domains (one a line) or an adblock list with ||domain^ rules"}
	}
	return rs, nil
}

// hostsAddress reports whether s is the address column of a hosts file.
func hostsAddress(s string) bool {
	switch s {
	case "0.0.0.0", "127.0.0.1", "::", "::1", "0", "::0":
		return true
	}
	return false
}

// IsRulesFile tells a rules file from a list, for a command line that takes
// either (`--rules FILE`): a .toml file is a rules file, a .csv file a list
// (an Open Cookie Database CSV); otherwise a file whose text has a TOML
// table header of the rules file ([[rule]], [[vendor]], [[protect]]) or its
// lists or version key is a rules file, and anything else (a hosts file, a
// list of domains, an adblock list) a list. An unreadable file counts as a
// rules file, whose loading then reports the error.
func IsRulesFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml":
		return true
	case ".csv":
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	if isOCD(path, head[:n]) {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(head[:n]))
	for sc.Scan() {
		l := strings.ReplaceAll(strings.TrimSpace(sc.Text()), " ", "")
		switch {
		case strings.HasPrefix(l, "[[rule]]"), strings.HasPrefix(l, "[[vendor]]"), strings.HasPrefix(l, "[[protect]]"),
			strings.HasPrefix(l, "lists="), strings.HasPrefix(l, "version="):
			return true
		}
	}
	return false
}
