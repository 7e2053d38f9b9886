package cookie

import (
	"math"
	"time"
)

// Time is a cookie's instant at microsecond precision, the finest any
// browser keeps, in 8 bytes where a time.Time takes 24: the UI holds a
// jar's every cookie, a million of them at the scale of issue 15.
//
// It counts microseconds since time.Time's zero instant (0001-01-01 UTC),
// so its zero value means "not stored", as time.Time's zero does, and the
// Unix epoch is an ordinary instant. It reaches up to about year 292,000
// and clamps a later instant there (the jar stores unix microseconds, which
// end about 2,000 years later); every store's times fall far inside.
type Time struct{ us int64 }

// zeroUnixMicro is time.Time{}.UnixMicro(): the unix microseconds of Time's
// zero.
const zeroUnixMicro int64 = -62135596800_000000

// maxUnixMicro is the unix microseconds of the latest Time.
const maxUnixMicro = math.MaxInt64 + zeroUnixMicro

// TimeOf is t as a Time, truncated to the microsecond as the jar stores
// it. The zero time.Time is the zero Time.
func TimeOf(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return UnixMicroTime(t.UnixMicro())
}

// UnixMicroTime is the Time at v unix microseconds (at most the latest
// Time).
func UnixMicroTime(v int64) Time { return Time{min(v, maxUnixMicro) - zeroUnixMicro} }

// Time is t as a time.Time in UTC; the zero Time gives the zero time.Time.
func (t Time) Time() time.Time {
	if t.us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(t.us + zeroUnixMicro).UTC()
}

// IsZero reports whether t is "not stored".
func (t Time) IsZero() bool { return t.us == 0 }

// UnixMicro is t in unix microseconds (the zero Time gives
// time.Time{}.UnixMicro(), as the jar stores "not stored").
func (t Time) UnixMicro() int64 { return t.us + zeroUnixMicro }

// Unix is t in unix seconds, as time.Time.Unix (rounded down).
func (t Time) Unix() int64 { return t.Time().Unix() }

// UnixMilli is t in unix milliseconds, as time.Time.UnixMilli.
func (t Time) UnixMilli() int64 { return t.Time().UnixMilli() }

// Add is t+d, truncated to the microsecond.
func (t Time) Add(d time.Duration) Time { return TimeOf(t.Time().Add(d)) }

// Sub is t-u, saturating as time.Time.Sub does (years 1 and 9999 are
// further apart than a time.Duration reaches).
func (t Time) Sub(u Time) time.Duration { return t.Time().Sub(u.Time()) }

// Compare is -1, 0 or +1 as t is before, at or after u.
func (t Time) Compare(u Time) int {
	switch {
	case t.us < u.us:
		return -1
	case t.us > u.us:
		return 1
	}
	return 0
}

// Before reports whether t is before u.
func (t Time) Before(u Time) bool { return t.us < u.us }

// After reports whether t is after u.
func (t Time) After(u Time) bool { return t.us > u.us }

// Equal reports whether t and u are the same instant.
func (t Time) Equal(u Time) bool { return t.us == u.us }

// String is time.Time's String of t, so that messages read as before.
func (t Time) String() string { return t.Time().String() }
