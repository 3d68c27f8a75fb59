package sla_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/sla"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

// at parses "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

func weekdays(ivs ...sla.Interval) [7][]sla.Interval {
	var w [7][]sla.Interval
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = ivs
	}
	return w
}

func everyDay(ivs ...sla.Interval) [7][]sla.Interval {
	var w [7][]sla.Interval
	for d := range w {
		w[d] = ivs
	}
	return w
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// Calendars shared by the tests and benchmarks.
func chicagoSplit(t testing.TB) *sla.Calendar {
	c, err := sla.NewCalendar(sla.CalendarConfig{
		TimeZone: "America/Chicago",
		Hours:    weekdays(sla.Interval{Start: hm(8, 0), End: hm(12, 0)}, sla.Interval{Start: hm(13, 0), End: hm(17, 0)}),
		Holidays: us.Holidays,
	})
	require.NoError(t, err)
	return c
}

func chicago247(t testing.TB) *sla.Calendar {
	c, err := sla.NewCalendar(sla.CalendarConfig{TimeZone: "America/Chicago", Hours: everyDay(sla.Interval{Start: 0, End: 24 * time.Hour})})
	require.NoError(t, err)
	return c
}

func chicagoNights(t testing.TB) *sla.Calendar {
	var w [7][]sla.Interval
	w[time.Sunday] = []sla.Interval{{Start: hm(1, 0), End: hm(4, 0)}}
	c, err := sla.NewCalendar(sla.CalendarConfig{TimeZone: "America/Chicago", Hours: w})
	require.NoError(t, err)
	return c
}

func budapest(t testing.TB) *sla.Calendar {
	c, err := sla.NewCalendar(sla.CalendarConfig{
		TimeZone: "Europe/Budapest",
		Hours:    weekdays(sla.Interval{Start: hm(9, 0), End: hm(17, 0)}),
		Closed:   []sla.Date{{Year: 2026, Month: time.October, Day: 23}}, // national day
	})
	require.NoError(t, err)
	return c
}

func TestCalendarAdd(t *testing.T) {
	t.Parallel()
	chi, bud := mustLoc(t, "America/Chicago"), mustLoc(t, "Europe/Budapest")
	split, full, nights, hu := chicagoSplit(t), chicago247(t), chicagoNights(t), budapest(t)
	tests := []struct {
		name  string
		cal   *sla.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"friday evening before Memorial Day", split, at(t, chi, "2026-05-22 18:00"), 30 * time.Minute, at(t, chi, "2026-05-26 08:30")},
		{"friday afternoon spills over the holiday", split, at(t, chi, "2026-05-22 16:00"), 2 * time.Hour, at(t, chi, "2026-05-26 09:00")},
		{"split shift: across lunch", split, at(t, chi, "2026-06-01 11:30"), time.Hour, at(t, chi, "2026-06-01 13:30")},
		{"split shift: ends exactly at lunch", split, at(t, chi, "2026-06-01 11:00"), time.Hour, at(t, chi, "2026-06-01 12:00")},
		{"split shift: starts in lunch", split, at(t, chi, "2026-06-01 12:15"), 30 * time.Minute, at(t, chi, "2026-06-01 13:30")},
		{"before opening", split, at(t, chi, "2026-06-01 06:00"), 30 * time.Minute, at(t, chi, "2026-06-01 08:30")},
		{"overnight", split, at(t, chi, "2026-06-01 16:30"), time.Hour, at(t, chi, "2026-06-02 08:30")},
		{"24h of business time is three days", split, at(t, chi, "2026-06-01 08:00"), 24 * time.Hour, at(t, chi, "2026-06-03 17:00")},
		{"Independence Day observed Friday 3 July", split, at(t, chi, "2026-07-02 16:00"), 2 * time.Hour, at(t, chi, "2026-07-06 09:00")},
		{"Chicago spring forward over the weekend", split, at(t, chi, "2026-03-06 16:00"), 2 * time.Hour, at(t, chi, "2026-03-09 09:00")},
		{"Chicago spring forward: 23-hour Sunday", full, at(t, chi, "2026-03-07 12:00"), 24 * time.Hour, at(t, chi, "2026-03-08 13:00")},
		{"Chicago fall back over the weekend", split, at(t, chi, "2026-10-30 16:00"), 2 * time.Hour, at(t, chi, "2026-11-02 09:00")},
		{"Chicago fall back: 25-hour Sunday", full, at(t, chi, "2026-10-31 12:00"), 24 * time.Hour, at(t, chi, "2026-11-01 11:00")},
		{"Chicago spring: night shift 01-04 lasts 2h", nights, at(t, chi, "2026-03-08 00:00"), 2 * time.Hour, at(t, chi, "2026-03-08 04:00")},
		{"Chicago fall: night shift 01-04 lasts 4h", nights, at(t, chi, "2026-11-01 00:00"), 4 * time.Hour, at(t, chi, "2026-11-01 04:00")},
		{"Budapest spring forward over the weekend", hu, at(t, bud, "2026-03-27 16:30"), time.Hour, at(t, bud, "2026-03-30 09:30")},
		{"Budapest national day and fall back", hu, at(t, bud, "2026-10-22 16:00"), 2 * time.Hour, at(t, bud, "2026-10-26 10:00")},
		{"24/7 nil calendar", nil, at(t, chi, "2026-03-07 12:00"), 24 * time.Hour, at(t, chi, "2026-03-07 12:00").Add(24 * time.Hour)},
		{"zero duration", split, at(t, chi, "2026-05-23 12:00"), 0, at(t, chi, "2026-05-23 12:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.cal.Add(tt.start, tt.d)
			require.True(t, tt.want.Equal(got), "Add(%v, %v) = %v, want %v", tt.start, tt.d, got.In(tt.want.Location()), tt.want)
			if tt.d > 0 {
				require.Equal(t, tt.d, tt.cal.Between(tt.start, got), "Between")
				back := tt.cal.Sub(got, tt.d)
				require.Equal(t, tt.d, tt.cal.Between(back, got), "Sub")
				require.False(t, back.Before(tt.start), "Sub is the latest such instant")
			}
		})
	}
}

func TestCalendarBetweenDST(t *testing.T) {
	t.Parallel()
	chi := mustLoc(t, "America/Chicago")
	full, nights := chicago247(t), chicagoNights(t)
	require.Equal(t, 23*time.Hour, full.Between(at(t, chi, "2026-03-08 00:00"), at(t, chi, "2026-03-09 00:00")))
	require.Equal(t, 25*time.Hour, full.Between(at(t, chi, "2026-11-01 00:00"), at(t, chi, "2026-11-02 00:00")))
	require.Equal(t, 2*time.Hour, nights.Between(at(t, chi, "2026-03-08 00:00"), at(t, chi, "2026-03-09 00:00")))
	require.Equal(t, 4*time.Hour, nights.Between(at(t, chi, "2026-11-01 00:00"), at(t, chi, "2026-11-02 00:00")))
	require.Equal(t, 3*time.Hour, nights.Between(at(t, chi, "2026-11-08 00:00"), at(t, chi, "2026-11-09 00:00")))
	require.True(t, chicagoSplit(t).Closed(at(t, chi, "2026-05-25 10:00")))
	require.False(t, chicagoSplit(t).Open(at(t, chi, "2026-05-25 10:00")))
	require.True(t, chicagoSplit(t).Open(at(t, chi, "2026-05-26 10:00")))
}

// TestCalendarMatchesNaive checks Add against the minute-by-minute walk on
// random minute-aligned starts and durations, across both DST changes.
func TestCalendarMatchesNaive(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"split", "budapest", "full"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var c *sla.Calendar
			var n *naive
			switch name {
			case "split":
				c, n = chicagoSplit(t), newNaive(t, "America/Chicago", weekdays(sla.Interval{Start: hm(8, 0), End: hm(12, 0)}, sla.Interval{Start: hm(13, 0), End: hm(17, 0)}), us.Holidays, nil)
			case "budapest":
				c, n = budapest(t), newNaive(t, "Europe/Budapest", weekdays(sla.Interval{Start: hm(9, 0), End: hm(17, 0)}), nil, []sla.Date{{Year: 2026, Month: 10, Day: 23}})
			default:
				c, n = chicago247(t), newNaive(t, "America/Chicago", everyDay(sla.Interval{Start: 0, End: 24 * time.Hour}), nil, nil)
			}
			r := rand.New(rand.NewPCG(1, 2))
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			for range 300 {
				start := base.Add(time.Duration(r.IntN(365*24*60)) * time.Minute)
				d := time.Duration(1+r.IntN(30*60)) * time.Minute
				want := n.add(start, d)
				got := c.Add(start, d)
				require.True(t, want.Equal(got), "Add(%v, %v) = %v, naive %v", start, d, got, want)
				end := start.Add(time.Duration(r.IntN(10*24*60)) * time.Minute)
				require.Equal(t, n.between(start, end), c.Between(start, end), "Between(%v, %v)", start, end)
			}
		})
	}
}

func TestNewCalendarErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  sla.CalendarConfig
		want string
	}{
		{"overlapping intervals", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: hm(9, 0), End: hm(13, 0)}, sla.Interval{Start: hm(12, 0), End: hm(17, 0)})}, "Monday intervals 9h0m0s–13h0m0s and 12h0m0s–17h0m0s overlap"},
		{"unknown time zone", sla.CalendarConfig{TimeZone: "Mars/Olympus_Mons", Hours: weekdays(sla.Interval{Start: hm(9, 0), End: hm(17, 0)})}, `unknown time zone "Mars/Olympus_Mons"`},
		{"empty interval", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: hm(9, 0), End: hm(9, 0)})}, "is empty"},
		{"past midnight", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: hm(22, 0), End: hm(25, 0)})}, "outside 0–24h"},
		{"sub-second", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: time.Millisecond, End: hm(1, 0)})}, "whole seconds"},
		{"no hours", sla.CalendarConfig{TimeZone: "UTC"}, "no working hours"},
		{"nil holiday", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: 0, End: hm(1, 0)}), Holidays: []*cal.Holiday{nil}}, "nil holiday"},
		{"bad date", sla.CalendarConfig{Hours: weekdays(sla.Interval{Start: 0, End: hm(1, 0)}), Closed: []sla.Date{{Year: 2026, Month: 13, Day: 1}}}, "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sla.NewCalendar(tt.cfg)
			require.ErrorIs(t, err, sla.ErrInvalid)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// naive is the minute-by-minute reference implementation and the baseline
// of BenchmarkDeadline.
type naive struct {
	loc    *time.Location
	hours  [7][]sla.Interval
	closed map[[3]int]bool
}

func newNaive(t testing.TB, tz string, hours [7][]sla.Interval, hs []*cal.Holiday, closed []sla.Date) *naive {
	n := &naive{loc: mustLoc(t, tz), hours: hours, closed: map[[3]int]bool{}}
	for y := 2020; y < 2035; y++ {
		for _, h := range hs {
			if _, o := h.Calc(y); !o.IsZero() {
				n.closed[[3]int{o.Year(), int(o.Month()), o.Day()}] = true
			}
		}
	}
	for _, d := range closed {
		n.closed[[3]int{d.Year, int(d.Month), d.Day}] = true
	}
	return n
}

func (n *naive) open(t time.Time) bool {
	l := t.In(n.loc)
	if n.closed[[3]int{l.Year(), int(l.Month()), l.Day()}] {
		return false
	}
	w := hm(l.Hour(), l.Minute())
	for _, iv := range n.hours[l.Weekday()] {
		if w >= iv.Start && w < iv.End {
			return true
		}
	}
	return false
}

// add walks minute by minute; start must be minute-aligned.
func (n *naive) add(start time.Time, d time.Duration) time.Time {
	t := start
	for rem := d; rem > 0; t = t.Add(time.Minute) {
		if n.open(t) {
			rem -= time.Minute
		}
	}
	return t
}

func (n *naive) between(from, to time.Time) time.Duration {
	var sum time.Duration
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if n.open(t) {
			sum += time.Minute
		}
	}
	return sum
}

func TestCalendarErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	_, err := sla.NewCalendar(sla.CalendarConfig{TimeZone: "Nowhere/Else", Hours: weekdays(sla.Interval{Start: 0, End: hm(1, 0)})})
	require.True(t, errors.Is(err, sla.ErrInvalid))
	require.Contains(t, fmt.Sprint(err), "sla: invalid: calendar: unknown time zone")
}
