package app

import (
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// evidenceWords says in words what decided a purpose.
var evidenceWords = map[cookie.Evidence]string{
	cookie.EvidenceUser:      "your verdict",
	cookie.EvidenceRule:      "your rules",
	cookie.EvidenceName:      "its name",
	cookie.EvidencePattern:   "a name pattern",
	cookie.EvidenceDomain:    "its domain",
	cookie.EvidenceList:      "a list you loaded",
	cookie.EvidenceHeuristic: "its name and attributes",
}

// Explain is why a cookie has its purpose, for a person: the reason and,
// when it adds something, what decided it — "Google Analytics (by its
// name)", "your verdict", never the same words twice nor an unexplained
// "(by none)".
func Explain(c *cookie.Cookie) string {
	reason := strings.TrimSpace(c.Reason)
	by := evidenceWords[c.VerdictBy]
	switch {
	case reason == "" && by == "":
		return "nothing known about it"
	case reason == "":
		return "by " + by
	case by == "" || strings.Contains(strings.ToLower(reason), by):
		return reason
	}
	return reason + " (by " + by + ")"
}
