package sla

import (
	"errors"
	"fmt"
	"time"
)

// ErrOutOfRange is matched (with errors.Is) by every error about an instant
// outside the range the package computes with: from 1678-01-01 to
// 2262-01-01 UTC, a little inside the span of int64 Unix nanoseconds that
// deadlines are kept in. The errors are *RangeError values; they match
// ErrInvalid too.
var ErrOutOfRange = errors.New("sla: time out of range")

// The range of instants the package computes with: [minTime, maxTime).
var (
	minTime = time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)
	minNano = minTime.UnixNano()
	maxNano = maxTime.UnixNano()
	minSec  = minTime.Unix()
	maxSec  = maxTime.Unix()
	// Civil days of the range's ends: a calendar walk stops there, before
	// its nanosecond arithmetic could overflow.
	minDay = floorDiv(minTime.Unix(), 86400)
	maxDay = floorDiv(maxTime.Unix(), 86400)
)

// InRange reports whether t lies in the range the package computes with,
// from 1678-01-01 (included) to 2262-01-01 UTC (excluded). Instants outside
// it, including the zero Time, make the checked methods (AddChecked,
// SubChecked, BetweenChecked, DeadlinesChecked), Tracker.Track and the
// Clock methods that return errors fail with a *RangeError.
func InRange(t time.Time) bool {
	s := t.Unix() // cheaper than Before, and exact: the bounds are whole seconds
	return s >= minSec && s < maxSec
}

// RangeError reports an instant outside the range the package computes
// with (see InRange). It matches ErrOutOfRange and ErrInvalid with
// errors.Is.
type RangeError struct {
	// Op is the operation that refused the instant, e.g. "Calendar.Add".
	Op string
	// Time is the offending instant: an argument, or for a result that
	// would fall outside the range, the argument it was computed from.
	Time time.Time
	// Result is true when the argument was in range but the result would
	// not be (a deadline after 2262, a start before 1678).
	Result bool
}

// Error implements error.
func (e *RangeError) Error() string {
	if e.Result {
		return fmt.Sprintf("sla: %s: the result from %v falls outside 1678-01-01 – 2262-01-01 UTC, the range sla computes with; use shorter targets or instants nearer today", e.Op, e.Time)
	}
	return fmt.Sprintf("sla: %s: %v is outside 1678-01-01 – 2262-01-01 UTC, the range sla computes with; pass an instant in that range (a zero time.Time usually means a time that was never set)", e.Op, e.Time)
}

// Is matches ErrOutOfRange and ErrInvalid.
func (e *RangeError) Is(target error) bool { return target == ErrOutOfRange || target == ErrInvalid }

// checkRange returns a *RangeError if t is out of range.
func checkRange(op string, t time.Time) error {
	if !InRange(t) {
		return &RangeError{Op: op, Time: t}
	}
	return nil
}

// clampNano returns t in Unix nanoseconds, clamped to the range: a Tracker
// given a now outside it acts as if at the range's nearest end.
func clampNano(t time.Time) int64 {
	switch s := t.Unix(); {
	case s < minSec:
		return minNano
	case s >= maxSec:
		return maxNano
	}
	return t.UnixNano()
}
