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
			m.trackingF1 = f1
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
