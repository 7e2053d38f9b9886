package purpose

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

type evalRow struct{ domain, name, gold string }

func readEvalTSV(t *testing.T, path string) []evalRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if i == 0 && strings.EqualFold(strings.ReplaceAll(line, " ", ""), "domain\tname\tpurpose") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		rows = append(rows, evalRow{parts[0], parts[1], strings.TrimSpace(parts[2])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// evalMetrics mirrors score.py: unknown counts as wrong for accuracy and
// recall and is not "predicted" for precision; macro-F1 over the gold
// classes present.
type evalMetrics struct {
	accuracy, coverage, macroF1, trackingF1 float64
	trackingPrecision, trackingRecall       float64
	sessionAsTracking                       float64 // share of gold-session rows predicted tracking
	confusion                               map[string]map[string]int
}

func computeMetrics(gold, pred []string) evalMetrics {
	classes := []string{"session", "personalization", "tracking"}
	cm := map[string]map[string]int{}
	for _, c := range classes {
		cm[c] = map[string]int{}
	}
	for i := range gold {
		cm[gold[i]][pred[i]]++
	}
	n := len(gold)
	correct, unknown := 0, 0
	for _, c := range classes {
		correct += cm[c][c]
		unknown += cm[c]["unknown"]
	}
	m := evalMetrics{confusion: cm}
	if n > 0 {
		m.accuracy = float64(correct) / float64(n)
		m.coverage = float64(n-unknown) / float64(n)
	}
	present := 0
	for _, c := range classes {
		tp := cm[c][c]
		predicted, support := 0, 0
		for _, g := range classes {
			predicted += cm[g][c]
		}
		for _, v := range cm[c] {
			support += v
		}
		if support == 0 {
			continue
		}
		present++
		var prec, rec, f1 float64
		if predicted > 0 {
			prec = float64(tp) / float64(predicted)
		}
		rec = float64(tp) / float64(support)
		if prec+rec > 0 {
			f1 = 2 * prec * rec / (prec + rec)
		}
		m.macroF1 += f1
		if c == "tracking" {
			m.trackingF1, m.trackingPrecision, m.trackingRecall = f1, prec, rec
		}
		if c == "session" {
			m.sessionAsTracking = float64(cm[c]["tracking"]) / float64(support)
		}
	}
	if present > 0 {
		m.macroF1 /= float64(present)
	}
	return m
}

// TestDevSet measures the built-in knowledge on the shared development set
// (a measuring stick: no row of it is in the knowledge file). Set
// CRUMBS_PRED_OUT to also write the predictions for score.py.
func TestDevSet(t *testing.T) {
	path := testshared.Path(t, "eval", "classify", "dev.tsv")
	rows := readEvalTSV(t, path)
	c := Default()
	gold := make([]string, len(rows))
	pred := make([]string, len(rows))
	var out strings.Builder
	for i, r := range rows {
		p, why, _ := c.Explain(r.domain, r.name)
		gold[i], pred[i] = r.gold, string(p)
		fmt.Fprintf(&out, "%s\t%s\t%s\t%s\n", r.domain, r.name, p, why)
	}
	if dst := os.Getenv("CRUMBS_PRED_OUT"); dst != "" {
		if err := os.WriteFile(dst, []byte(out.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := computeMetrics(gold, pred)
	t.Logf("rows=%d accuracy=%.3f coverage=%.3f macro_f1=%.3f tracking_f1=%.3f session→tracking=%.3f",
		len(rows), m.accuracy, m.coverage, m.macroF1, m.trackingF1, m.sessionAsTracking)
	t.Logf("confusion: %v", m.confusion)
	// The required thresholds ("Must show"), enforced whenever the
	// set is present: accuracy ≥ 0.85, macro-F1 ≥ 0.80, coverage ≥ 0.90,
	// at most 3 % of session cookies called tracking.
	target := struct{ acc, f1, cov, s2t float64 }{0.85, 0.80, 0.90, 0.03}
	if m.accuracy < target.acc {
		t.Errorf("accuracy %.3f < %.2f", m.accuracy, target.acc)
	}
	if m.macroF1 < target.f1 {
		t.Errorf("macro-F1 %.3f < %.2f", m.macroF1, target.f1)
	}
	if m.coverage < target.cov {
		t.Errorf("coverage %.3f < %.2f", m.coverage, target.cov)
	}
	if m.sessionAsTracking > target.s2t {
		t.Errorf("%.1f%% of session cookies predicted tracking (max %.0f%%)", 100*m.sessionAsTracking, 100*target.s2t)
	}
}

func TestComputeMetricsMatchesScorePy(t *testing.T) {
	// A hand-checked case: 4 rows, one unknown, one wrong.
	gold := []string{"session", "tracking", "tracking", "personalization"}
	pred := []string{"session", "tracking", "unknown", "tracking"}
	m := computeMetrics(gold, pred)
	if m.accuracy != 0.5 || m.coverage != 0.75 {
		t.Fatalf("accuracy %v coverage %v", m.accuracy, m.coverage)
	}
	// session f1 1, tracking p=1/2 r=1/2 f1=.5, personalization 0 → macro .5
	if m.macroF1 != 0.5 {
		t.Fatalf("macro-F1 %v", m.macroF1)
	}
	_ = cookie.PurposeSession
}

// predict classifies every row with c.
func predict(c *Classifier, rows []evalRow) (gold, pred, why []string) {
	gold, pred, why = make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		p, reason, _ := c.Explain(r.domain, r.name)
		gold[i], pred[i], why[i] = r.gold, string(p), reason
	}
	return gold, pred, why
}

// signinLike reports whether a cookie keeps someone signed in by crumbs'
// own account: the sign-in safety list names it or its name says session,
// login, auth or CSRF.
func signinLike(c *Classifier, domain, name string) bool {
	host, lname := normalHost(domain), strings.ToLower(name)
	pref := preferTied
	if host == "" {
		pref = preferUntied
	}
	if c.signinEntry(host, name, lname, pref) != nil {
		return true
	}
	return readName(name, lname).session != ""
}

// TestCookieBlockDevSet measures crumbs on cookies of real sites it was
// never tuned on (../shared/eval/classify/cookieblock-dev.tsv, the labels
// each site's consent manager declared; a measuring stick, no row of it is
// in the knowledge). The floors are issue 14's: tracking recall ≥ 0.88,
// accuracy ≥ 0.82, tracking precision ≥ 0.853, and no cookie the site
// declared necessary that keeps someone signed in (sign-in list, or a name
// that says session/login/auth/CSRF) called tracking.
func TestCookieBlockDevSet(t *testing.T) {
	rows := readEvalTSV(t, testshared.Path(t, "eval", "classify", "cookieblock-dev.tsv"))
	c := Default()
	gold, pred, why := predict(c, rows)
	m := computeMetrics(gold, pred)
	t.Logf("rows=%d accuracy=%.3f tracking precision=%.3f recall=%.3f f1=%.3f macro_f1=%.3f", len(rows), m.accuracy,
		m.trackingPrecision, m.trackingRecall, m.trackingF1, m.macroF1)
	t.Logf("confusion: %v", m.confusion)
	if m.trackingRecall < 0.88 {
		t.Errorf("tracking recall %.3f < 0.88", m.trackingRecall)
	}
	if m.accuracy < 0.82 {
		t.Errorf("accuracy %.3f < 0.82", m.accuracy)
	}
	if m.trackingPrecision < 0.853 {
		t.Errorf("tracking precision %.3f < 0.853", m.trackingPrecision)
	}
	n := 0
	for i, r := range rows {
		if r.gold == "session" && signinLike(c, r.domain, r.name) {
			n++
			if pred[i] == "tracking" {
				t.Errorf("sign-in/session cookie %s %s called tracking: %s", r.domain, r.name, why[i])
			}
		}
	}
	t.Logf("%d sign-in, session or CSRF cookies in the set, none called tracking", n)
	if dst := os.Getenv("CRUMBS_PRED_OUT"); dst != "" {
		var out strings.Builder
		for i, r := range rows {
			fmt.Fprintf(&out, "%s\t%s\t%s\t%s\n", r.domain, r.name, pred[i], why[i])
		}
		if err := os.WriteFile(dst+".cookieblock", []byte(out.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOpenCookieDatabaseLayering loads the real Open Cookie Database
// (../shared/thirdparty, skipped when absent) as a list: on both
// development sets no score drops (accuracy, macro-F1, tracking precision
// and recall), no sign-in cookie of either set becomes tracking, and a
// verdict the database decided names it.
func TestOpenCookieDatabaseLayering(t *testing.T) {
	ocd := testshared.Path(t, "thirdparty", "open-cookie-database", "open-cookie-database.csv")
	withOCD, err := New(Options{Lists: []string{ocd}})
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"dev.tsv", "cookieblock-dev.tsv"} {
		rows := readEvalTSV(t, testshared.Path(t, "eval", "classify", set))
		g, p0, _ := predict(Default(), rows)
		_, p1, why := predict(withOCD, rows)
		m0, m1 := computeMetrics(g, p0), computeMetrics(g, p1)
		t.Logf("%s: accuracy %.3f → %.3f, macro-F1 %.3f → %.3f, tracking precision %.3f → %.3f, recall %.3f → %.3f", set,
			m0.accuracy, m1.accuracy, m0.macroF1, m1.macroF1, m0.trackingPrecision, m1.trackingPrecision, m0.trackingRecall, m1.trackingRecall)
		for _, d := range []struct {
			what   string
			v0, v1 float64
		}{{"accuracy", m0.accuracy, m1.accuracy}, {"macro-F1", m0.macroF1, m1.macroF1},
			{"tracking precision", m0.trackingPrecision, m1.trackingPrecision}, {"tracking recall", m0.trackingRecall, m1.trackingRecall}} {
			if d.v1 < d.v0 {
				t.Errorf("%s: %s drops with the Open Cookie Database loaded: %.3f → %.3f", set, d.what, d.v0, d.v1)
			}
		}
		named := 0
		for i, r := range rows {
			if signinLike(withOCD, r.domain, r.name) && p1[i] == "tracking" && p0[i] != "tracking" {
				t.Errorf("%s: sign-in cookie %s %s becomes tracking with the database: %s", set, r.domain, r.name, why[i])
			}
			if p1[i] != p0[i] {
				if !strings.HasPrefix(why[i], "Open Cookie Database: ") {
					t.Errorf("%s: %s %s changed without naming the list: %s", set, r.domain, r.name, why[i])
				}
				named++
			}
		}
		t.Logf("%s: %d verdicts decided by the database, each naming it", set, named)
	}
}
