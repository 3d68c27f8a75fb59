package analytics

import (
	"fmt"
	"time"
)

// HoursPerWeek is the number of slots in a Week.
const HoursPerWeek = 7 * 24

// Week holds one value per hour of the week, in local wall-clock time:
// index 0 is Monday 00:00–01:00, index 167 Sunday 23:00–24:00 (ISO weeks
// start on Monday). The zero value is a week of zeros.
type Week [HoursPerWeek]float64

// Slot returns the index of day and hour (0–23) in a Week.
func Slot(day time.Weekday, hour int) int { return (int(day)+6)%7*24 + hour }

// SlotName formats slot i as "Mon 09:00".
func SlotName(i int) string {
	day := time.Weekday((i/24 + 1) % 7)
	return fmt.Sprintf("%s %02d:00", day.String()[:3], i%24)
}

// HourOfWeek returns the Week slot of t's wall-clock time in loc (nil means
// UTC). Because it reads the wall clock, it bins correctly across daylight
// saving changes: on the night clocks go back, two different hours land in
// the same slot, and on the night they go forward one slot gets nothing.
func HourOfWeek(t time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	return Slot(lt.Weekday(), lt.Hour())
}

// At returns the value of day at hour (0–23).
func (w *Week) At(day time.Weekday, hour int) float64 { return w[Slot(day, hour)] }

// Total returns the sum of all slots.
func (w *Week) Total() float64 {
	var s float64
	for _, v := range w {
		s += v
	}
	return s
}

// Max returns the largest value and its slot (the first, on ties).
func (w *Week) Max() (value float64, slot int) {
	for i, v := range w {
		if v > value {
			value, slot = v, i
		}
	}
	return value, slot
}

// Bin counts times by their slot in loc (nil means UTC).
func Bin(times []time.Time, loc *time.Location) Week {
	var w Week
	for _, t := range times {
		w[HourOfWeek(t, loc)]++
	}
	return w
}

// Forecast returns the expected arrivals per hour of week by the "same slot,
// last N weeks" average: each slot's count over the weeks weeks that end at
// now (truncated to the hour, in loc's wall clock), divided by weeks.
// Arrivals outside that window are ignored; arrivals need not be sorted.
// loc nil means UTC. weeks must be positive.
func Forecast(arrivals []time.Time, loc *time.Location, now time.Time, weeks int) (Week, error) {
	if weeks <= 0 {
		return Week{}, fmt.Errorf("%w: Forecast: weeks is %d: pass how many past weeks to average, 1 or more", ErrInvalidConfig, weeks)
	}
	if loc == nil {
		loc = time.UTC
	}
	ln := now.In(loc)
	end := time.Date(ln.Year(), ln.Month(), ln.Day(), ln.Hour(), 0, 0, 0, loc)
	if end.After(now) { // an ambiguous hour resolved to its later instance
		end = now.Truncate(time.Hour)
	}
	start := end.AddDate(0, 0, -7*weeks)
	var w Week
	for _, t := range arrivals {
		if t.Before(start) || !t.Before(end) {
			continue
		}
		w[HourOfWeek(t, loc)]++
	}
	for i := range w {
		w[i] /= float64(weeks)
	}
	return w, nil
}
