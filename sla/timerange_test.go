package sla_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/sla"
)

// The case: 2300-01-01 + 1 h gave 1715-06-13 on a business-hours
// calendar. Every instant outside 1678–2262 must now be an error.
func TestCalendarOutOfRange(t *testing.T) {
	t.Parallel()
	cal := chicago247(t) // a compiled calendar (open 24/7, in a zone)
	split := chicagoSplit(t)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	nearEnd := time.Date(2261, 12, 31, 12, 0, 0, 0, time.UTC)
	nearStart := time.Date(1678, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		cal    *sla.Calendar
		op     func(c *sla.Calendar) error
		result bool
	}{
		{"Add from 2300", cal, func(c *sla.Calendar) error { _, err := c.AddChecked(far, time.Hour); return err }, false},
		{"Add from 1600", split, func(c *sla.Calendar) error { _, err := c.AddChecked(early, time.Hour); return err }, false},
		{"Add from the zero Time", split, func(c *sla.Calendar) error { _, err := c.AddChecked(time.Time{}, time.Hour); return err }, false},
		{"Add past 2262", split, func(c *sla.Calendar) error { _, err := c.AddChecked(nearEnd, 48*time.Hour); return err }, true},
		{"Add past 2262, 24/7", nil, func(c *sla.Calendar) error { _, err := c.AddChecked(nearEnd, 48*time.Hour); return err }, true},
		{"Add from 2300, 24/7", nil, func(c *sla.Calendar) error { _, err := c.AddChecked(far, time.Hour); return err }, false},
		{"Sub from 2300", split, func(c *sla.Calendar) error { _, err := c.SubChecked(far, time.Hour); return err }, false},
		{"Sub before 1678", split, func(c *sla.Calendar) error { _, err := c.SubChecked(nearStart, 72*time.Hour); return err }, true},
		{"Sub before 1678, 24/7", nil, func(c *sla.Calendar) error { _, err := c.SubChecked(nearStart, 72*time.Hour); return err }, true},
		{"Between to 2300", split, func(c *sla.Calendar) error { _, err := c.BetweenChecked(nearEnd, far); return err }, false},
		{"Between from 1600", cal, func(c *sla.Calendar) error { _, err := c.BetweenChecked(early, nearStart); return err }, false},
	} {
		err := c.op(c.cal)
		require.ErrorIs(t, err, sla.ErrOutOfRange, c.name)
		require.ErrorIs(t, err, sla.ErrInvalid, c.name)
		var re *sla.RangeError
		require.True(t, errors.As(err, &re), c.name)
		require.Equal(t, c.result, re.Result, c.name)
		require.Contains(t, err.Error(), "1678-01-01", "%s: the message gives the range", c.name)
	}

	// The unchecked forms give the zero Time (or 0), never a wrong time.
	require.True(t, cal.Add(far, time.Hour).IsZero(), "Add(2300-01-01, 1h)")
	require.True(t, split.Add(nearEnd, 48*time.Hour).IsZero())
	require.True(t, split.Sub(early, time.Hour).IsZero())
	require.Zero(t, split.Between(nearEnd, far))
	// The 24/7 calendar (nil) keeps plain time arithmetic.
	require.Equal(t, far.Add(time.Hour), sla.AlwaysOpen().Add(far, time.Hour))

	// In range, the checked and unchecked forms agree, up to the ends.
	for _, start := range []time.Time{nearStart, nearEnd, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} {
		got, err := split.AddChecked(start, 30*time.Minute)
		require.NoError(t, err)
		require.Equal(t, split.Add(start, 30*time.Minute), got)
		back, err := split.SubChecked(got, 30*time.Minute)
		require.NoError(t, err)
		d, err := split.BetweenChecked(back, got)
		require.NoError(t, err)
		require.Equal(t, 30*time.Minute, d)
	}
	require.True(t, sla.InRange(time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.False(t, sla.InRange(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.False(t, sla.InRange(time.Time{}))
}

// Every API that takes instants handles one out of range without panicking:
// Deadlines gives zero times and DeadlinesChecked an error, a Clock's
// error-returning methods refuse it, a Tracker refuses a deadline out of
// range and treats a now out of range as the range's end.
func TestOutOfRangeThroughPolicyClockAndTracker(t *testing.T) {
	t.Parallel()
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := sla.Policy{Name: "x", Acknowledge: 30 * time.Minute, FirstResponse: time.Hour, Resolve: 24 * time.Hour, Calendar: chicagoSplit(t)}
	require.NoError(t, p.Validate())

	d := p.Deadlines(far)
	require.True(t, d.AcknowledgeBy.IsZero() && d.ResolveBy.IsZero() && d.FirstResponseBy.IsZero(), "%+v", d)
	_, err := p.DeadlinesChecked(far)
	require.ErrorIs(t, err, sla.ErrOutOfRange)
	require.ErrorContains(t, err, `policy "x"`)
	got, err := p.DeadlinesChecked(ok)
	require.NoError(t, err)
	require.Equal(t, p.Deadlines(ok), got)

	// A clock started out of range has zero deadlines, which a tracker
	// refuses; nothing panics.
	c := sla.NewClock(p, far)
	tr, err := sla.NewTracker[string](nil)
	require.NoError(t, err)
	require.ErrorIs(t, tr.Track("far", c.Timers()), sla.ErrOutOfRange)
	require.Zero(t, tr.Len(), "a refused Track changes nothing")
	require.NotPanics(t, func() { c.Reply(far, sla.Response); c.CustomerMessage(far) })
	_, err = c.Resolve(far)
	require.ErrorIs(t, err, sla.ErrOutOfRange)

	// A clock in range refuses out-of-range instants in its error-returning
	// methods and stays as it was.
	c = sla.NewClock(p, ok)
	require.ErrorIs(t, c.Pause(far), sla.ErrOutOfRange)
	require.False(t, c.Paused())
	require.NoError(t, c.Pause(ok.Add(time.Minute)))
	require.ErrorIs(t, c.Resume(time.Time{}), sla.ErrOutOfRange)
	require.True(t, c.Paused())
	require.NoError(t, c.Resume(ok.Add(2*time.Minute)))
	_, err = c.Resolve(far)
	require.ErrorIs(t, err, sla.ErrOutOfRange)
	require.False(t, c.Resolved())
	_, err = c.Resolve(ok.Add(3 * time.Minute))
	require.NoError(t, err)
	require.ErrorIs(t, c.Reopen(far), sla.ErrOutOfRange)
	require.True(t, c.Resolved())

	// A tracker given a now past the range fires everything due by then.
	c = sla.NewClock(p, ok)
	require.NoError(t, tr.Track("ok", c.Timers()))
	var breaches int
	require.NotPanics(t, func() {
		for _, e := range tr.Advance(far) {
			if e.Kind == sla.Breach {
				breaches++
			}
		}
	})
	require.Equal(t, 3, breaches, "acknowledge, first response and resolve")
	require.NotPanics(t, func() { tr.Snapshot(far); tr.Left("ok", time.Time{}) })
}
