package ui

import (
	"strings"
	"testing"
)

// BenchmarkReportScreen100k: w on a loaded 100k jar until the report
// screen shows the chart: the key, computing the report (the Cmd: the
// tracker report over every cookie and the import records) and the frame.
// The report is dropped before each press, so each one computes it.
func BenchmarkReportScreen100k(b *testing.B) {
	m := loadedModel(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.c.data.report = nil
		_, cmd := m.Update(keyMsg("w"))
		if cmd != nil {
			m.Update(cmd())
		}
		if v := m.View(); !strings.Contains(v, "Trackers by reach ·") {
			b.Fatalf("no chart:\n%s", v)
		}
		b.StopTimer()
		m.Update(keyMsg("esc"))
		b.StartTimer()
	}
}

// BenchmarkReportScreenCached100k: w when the report is kept (the jar did
// not change): the frame only.
func BenchmarkReportScreenCached100k(b *testing.B) {
	m := loadedModel(b)
	press(m, "w", "esc")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, cmd := m.Update(keyMsg("w")); cmd != nil {
			b.Fatal("the kept report was computed again")
		}
		if v := m.View(); !strings.Contains(v, "Trackers by reach ·") {
			b.Fatalf("no chart:\n%s", v)
		}
		m.Update(keyMsg("esc"))
	}
}

// BenchmarkReportKeyMove: a cursor move on the report screen, Update+View.
func BenchmarkReportKeyMove(b *testing.B) {
	m := loadedModel(b)
	press(m, "w")
	benchKeys(b, m, "j", "j", "j", "k")
}
