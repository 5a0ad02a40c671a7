package sim

import (
	"math"
	"time"
)

// Time is simulated time as an int64 count of nanoseconds since the start of the run.
// Integer time keeps event ordering exact and runs reproducible, as in ns-3 and OMNeT++.
type Time int64

// Units of simulated time.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
)

// Never is a time later than any event; Peek returns it when nothing is scheduled.
const Never Time = math.MaxInt64

// Seconds converts a float64 number of seconds to Time, rounding to the nearest nanosecond.
func Seconds(s float64) Time { return fromFloat(s, Second) }

// Milliseconds converts a float64 number of milliseconds to Time.
func Milliseconds(ms float64) Time { return fromFloat(ms, Millisecond) }

// Minutes converts a float64 number of minutes to Time.
func Minutes(m float64) Time { return fromFloat(m, Minute) }

// Hours converts a float64 number of hours to Time.
func Hours(h float64) Time { return fromFloat(h, Hour) }

func fromFloat(v float64, unit Time) Time {
	ns := math.Round(v * float64(unit))
	switch {
	case ns >= math.MaxInt64:
		return Never
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return Time(ns)
}

// Seconds returns t as a float64 number of seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// Milliseconds returns t as a float64 number of milliseconds.
func (t Time) Milliseconds() float64 { return float64(t) / float64(Millisecond) }

// Minutes returns t as a float64 number of minutes.
func (t Time) Minutes() float64 { return float64(t) / float64(Minute) }

// Hours returns t as a float64 number of hours.
func (t Time) Hours() float64 { return float64(t) / float64(Hour) }

// Duration converts t to a time.Duration (both count nanoseconds).
func (t Time) Duration() time.Duration { return time.Duration(t) }

// String prints t in the largest fitting units, e.g. "250ms", "1m30s", "2h0m0s".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	return time.Duration(t).String()
}
