package analytics_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the DST tests must not depend on the host's zoneinfo

	"github.com/socialcare/socialcare/analytics"
	"github.com/stretchr/testify/require"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSlot(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0, analytics.Slot(time.Monday, 0))
	require.Equal(t, 167, analytics.Slot(time.Sunday, 23))
	require.Equal(t, 24+9, analytics.Slot(time.Tuesday, 9))
	require.Equal(t, "Mon 00:00", analytics.SlotName(0))
	require.Equal(t, "Sun 23:00", analytics.SlotName(167))
	require.Equal(t, "Tue 09:00", analytics.SlotName(33))
	for i := range analytics.HoursPerWeek {
		require.Equal(t, i, analytics.Slot(time.Weekday((i/24+1)%7), i%24))
	}
	require.Equal(t, analytics.Slot(time.Thursday, 14), analytics.HourOfWeek(utc("2026-01-01T14:59:59Z"), nil))
}

func TestHourOfWeekAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	newYork := mustLoad(t, "America/New_York")
	tests := []struct {
		name string
		at   string
		loc  *time.Location
		day  time.Weekday
		hour int
	}{
		// Berlin springs forward on 29 March 2026 at 01:00 UTC (02:00 CET
		// becomes 03:00 CEST): there is no 02:00 hour that night.
		{"berlin before spring", "2026-03-29T00:30:00Z", berlin, time.Sunday, 1},
		{"berlin after spring", "2026-03-29T01:30:00Z", berlin, time.Sunday, 3},
		{"berlin the week before", "2026-03-22T01:30:00Z", berlin, time.Sunday, 2},
		// Berlin falls back on 25 October 2026 at 01:00 UTC: 02:00–03:00
		// happens twice.
		{"berlin first 02:30", "2026-10-25T00:30:00Z", berlin, time.Sunday, 2},
		{"berlin second 02:30", "2026-10-25T01:30:00Z", berlin, time.Sunday, 2},
		{"berlin after fall", "2026-10-25T02:30:00Z", berlin, time.Sunday, 3},
		// New York springs forward on 8 March 2026 at 07:00 UTC.
		{"new york before", "2026-03-08T06:59:00Z", newYork, time.Sunday, 1},
		{"new york after", "2026-03-08T07:00:00Z", newYork, time.Sunday, 3},
		// Across midnight: Monday 00:30 in Berlin is Sunday in UTC.
		{"berlin monday", "2026-06-14T22:30:00Z", berlin, time.Monday, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, analytics.SlotName(analytics.Slot(tt.day, tt.hour)),
				analytics.SlotName(analytics.HourOfWeek(utc(tt.at), tt.loc)))
		})
	}

	// Binning a whole night of hourly events around each change.
	var spring, fall []time.Time
	for h := range 6 {
		spring = append(spring, utc("2026-03-28T22:15:00Z").Add(time.Duration(h)*time.Hour))
		fall = append(fall, utc("2026-10-24T22:15:00Z").Add(time.Duration(h)*time.Hour))
	}
	ws := analytics.Bin(spring, berlin)
	require.Equal(t, 0.0, ws.At(time.Sunday, 2), "spring: no 02:00 hour")
	require.Equal(t, 1.0, ws.At(time.Sunday, 3))
	require.Equal(t, 1.0, ws.At(time.Sunday, 4))
	wf := analytics.Bin(fall, berlin)
	require.Equal(t, 2.0, wf.At(time.Sunday, 2), "fall: 02:00 happens twice")
	require.Equal(t, 1.0, wf.At(time.Sunday, 1))
	require.Equal(t, 6.0, wf.Total())
	// A fixed offset would bin them wrongly: the point of using the zone.
	fixed := analytics.Bin(fall, time.FixedZone("CET", 3600))
	require.Equal(t, 1.0, fixed.At(time.Sunday, 2))
}

func TestForecast(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		require.NoError(t, err)
		return tm
	}
	now := at("2026-06-15 09:30") // a Monday
	arrivals := []time.Time{
		at("2026-06-15 09:10"),                                                 // this hour: not yet complete, excluded
		at("2026-06-08 09:10"), at("2026-06-08 09:20"), at("2026-06-08 09:59"), // week -1: 3
		at("2026-06-01 09:05"),                         // week -2: 1
		at("2026-05-18 09:00"), at("2026-05-18 09:01"), // week -4: 2
		at("2026-05-11 09:30"), // week -5: outside 4 weeks
		at("2026-06-14 23:00"), // Sunday 23:00, week -1
	}
	tests := []struct {
		weeks int
		mon9  float64
		sun23 float64
	}{
		{1, 3, 1},
		{2, 2, 0.5},
		{3, 4.0 / 3, 1.0 / 3},
		{4, 6.0 / 4, 0.25},
		{5, 7.0 / 5, 0.2},
	}
	for _, tt := range tests {
		w, err := analytics.Forecast(arrivals, berlin, now, tt.weeks)
		require.NoError(t, err)
		require.InDelta(t, tt.mon9, w.At(time.Monday, 9), 1e-12, "weeks %d", tt.weeks)
		require.InDelta(t, tt.sun23, w.At(time.Sunday, 23), 1e-12, "weeks %d", tt.weeks)
	}
	_, err := analytics.Forecast(arrivals, berlin, now, 0)
	require.ErrorIs(t, err, analytics.ErrInvalidConfig)
	require.ErrorIs(t, err, analytics.ErrInvalid)

	// A window across the spring change keeps wall-clock weeks: Monday
	// 10:00 two weeks before 6 April is 23 March 10:00 CET.
	w, err := analytics.Forecast([]time.Time{at("2026-03-23 10:00"), at("2026-03-30 10:30")}, berlin, at("2026-04-06 10:00"), 2)
	require.NoError(t, err)
	require.Equal(t, 1.0, w.At(time.Monday, 10))
}

func TestWeekMax(t *testing.T) {
	t.Parallel()
	var w analytics.Week
	v, i := w.Max()
	require.Zero(t, v)
	require.Zero(t, i)
	w[7], w[9] = 4, 4
	v, i = w.Max()
	require.Equal(t, 4.0, v)
	require.Equal(t, 7, i)
}
