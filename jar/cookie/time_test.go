package cookie

import (
	"math"
	"testing"
	"time"
)

// TestTime: a Time is the time.Time it was made from, to the microsecond,
// as the jar has always stored times; the zero values match and the epoch
// is not "not stored".
func TestTime(t *testing.T) {
	for _, tt := range []time.Time{
		{},
		time.Unix(0, 0),
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("x", 3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
	} {
		c := TimeOf(tt)
		want := tt.Truncate(time.Microsecond).UTC()
		if tt.IsZero() {
			want = time.Time{}
		}
		if got := c.Time(); !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("TimeOf(%v).Time() = %v, want %v", tt, got, want)
		}
		if c.IsZero() != tt.IsZero() || c.UnixMicro() != tt.UnixMicro() || c.Unix() != tt.Unix() || c.UnixMilli() != tt.Truncate(time.Microsecond).UnixMilli() {
			t.Errorf("%v: IsZero %v, unix µs %d s %d ms %d; want %v %d %d", tt, c.IsZero(), c.UnixMicro(), c.Unix(), c.UnixMilli(), tt.IsZero(), tt.UnixMicro(), tt.Unix())
		}
		if UnixMicroTime(tt.UnixMicro()) != c || c.String() != want.String() {
			t.Errorf("%v: UnixMicroTime %v, String %q", tt, UnixMicroTime(tt.UnixMicro()), c.String())
		}
	}
	// Beyond the latest Time (a Chromium expiry near the int64 limit):
	// clamped, not wrapped round to a time long past.
	if far := time.UnixMicro(math.MaxInt64 - 1); TimeOf(far).Before(TimeOf(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))) {
		t.Errorf("TimeOf(%v) = %v", far, TimeOf(far))
	}
	a, b := TimeOf(time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)), TimeOf(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if !a.Before(b) || !b.After(a) || a.Equal(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("order of two Times")
	}
	if d := b.Sub(a); d != b.Time().Sub(a.Time()) || d <= 0 {
		t.Errorf("Sub over 9998 years = %v, want time.Time's saturated %v", d, b.Time().Sub(a.Time()))
	}
	if got := a.Add(1500 * time.Nanosecond); got.UnixMicro() != a.UnixMicro()+1 {
		t.Errorf("Add 1.5 µs: %d µs after, want 1", got.UnixMicro()-a.UnixMicro())
	}
}
