package sla_test

import (
	"errors"
	"testing"
	"time"

	"github.com/socialcare/socialcare/sla"
)

// FuzzCalendar checks the invariants of the business-time arithmetic on
// arbitrary instants and durations: Between inverts Add and Sub, Add never
// goes back in time, and Sub returns the latest start.
func FuzzCalendar(f *testing.F) {
	f.Add(int64(1779490800), int64(30*time.Minute), uint8(0))
	f.Add(int64(1772960400), int64(24*time.Hour), uint8(1))
	f.Add(int64(1793336400), int64(time.Hour+7), uint8(2))
	split, hu, full, nights := chicagoSplit(f), budapest(f), chicago247(f), chicagoNights(f)
	f.Fuzz(func(t *testing.T, sec, d int64, which uint8) {
		c := split
		switch which % 4 {
		case 1:
			c = hu
		case 2:
			c = full
		case 3:
			c = nights
		}
		const span = 200 * 365 * 24 * 3600
		sec = 946684800 + (sec%span+span)%span // 2000..2200
		d = (d%int64(30*24*time.Hour) + int64(30*24*time.Hour)) % int64(30*24*time.Hour)
		start := time.Unix(sec, d%1e9)
		dur := time.Duration(d)
		end := c.Add(start, dur)
		if end.Before(start) {
			t.Fatalf("Add(%v, %v) = %v is before the start", start, dur, end)
		}
		if got := c.Between(start, end); got != dur {
			t.Fatalf("Between(%v, Add(%v)) = %v, want %v", start, dur, got, dur)
		}
		back := c.Sub(end, dur)
		if got := c.Between(back, end); got != dur {
			t.Fatalf("Between(Sub(%v, %v), end) = %v", end, dur, got)
		}
		if back.Before(start) {
			t.Fatalf("Sub(%v, %v) = %v is before the start %v", end, dur, back, start)
		}
	})
}

// FuzzCalendarRange checks that on any instant, in range or not, the
// checked forms either fail with ErrOutOfRange or return an instant in
// range that does not go back in time, and that the unchecked forms never
// return a time other than the checked one (or the zero Time).
func FuzzCalendarRange(f *testing.F) {
	f.Add(int64(10493568000), int64(time.Hour)) // 2302-07-11
	f.Add(int64(-9214560000), int64(time.Hour)) // 1678-01-01
	f.Add(int64(9214646400), int64(72*time.Hour))
	split, full := chicagoSplit(f), chicago247(f)
	f.Fuzz(func(t *testing.T, sec, d int64) {
		start := time.Unix(sec, 0)
		dur := time.Duration(d % int64(60*24*time.Hour))
		for _, c := range []*sla.Calendar{split, full, nil} {
			end, err := c.AddChecked(start, dur)
			if err != nil {
				if !errors.Is(err, sla.ErrOutOfRange) {
					t.Fatalf("AddChecked(%v, %v): %v", start, dur, err)
				}
				if got := c.Add(start, dur); c != nil && !got.IsZero() {
					t.Fatalf("Add(%v, %v) = %v; AddChecked failed with %v", start, dur, got, err)
				}
				continue
			}
			if !sla.InRange(end) || end.Before(start) && dur > 0 {
				t.Fatalf("AddChecked(%v, %v) = %v", start, dur, end)
			}
			if got := c.Add(start, dur); !got.Equal(end) {
				t.Fatalf("Add(%v, %v) = %v, AddChecked %v", start, dur, got, end)
			}
		}
	})
}
