package sla

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rickar/cal/v2"
)

// ErrInvalid is wrapped by every construction and validation error of the
// package (bad intervals, unknown time zones, non-positive targets, warning
// fractions outside (0,1), ...). Test for it with errors.Is.
var ErrInvalid = errors.New("sla: invalid")

// Interval is one working interval of a day, in wall-clock time: Start and
// End are offsets from local midnight, 0 ≤ Start < End ≤ 24h, in whole
// seconds. {9h, 12h30m} is 09:00–12:30. On a day when daylight saving time
// changes, an interval lasts as long as the clocks say: 00:00–24:00 is 23
// hours on the spring-forward day and 25 on the fall-back day; a wall time
// that does not exist maps to the instant of the change, and one that
// exists twice maps to its first occurrence.
type Interval struct {
	Start, End time.Duration
}

// Date is a civil date, in the calendar's time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// CalendarConfig describes business hours. The zero value is invalid (no
// working hours); use AlwaysOpen for 24/7.
type CalendarConfig struct {
	// TimeZone is the IANA name of the calendar's time zone, e.g.
	// "America/Chicago". Defaults to "UTC". An unknown name is an error.
	TimeZone string
	// Hours are the working intervals of each weekday, indexed by
	// time.Weekday (Hours[time.Monday] ...). A day may have several
	// intervals (split shifts); they must not overlap. At least one day
	// must have one.
	Hours [7][]Interval
	// Holidays are closed all day on their observed date, e.g. us.Holidays
	// from github.com/rickar/cal/v2/us. Defaults to none.
	Holidays []*cal.Holiday
	// Closed are further closed days (company holidays). Defaults to none.
	Closed []Date
}

// Calendar is a compiled business-hours calendar. A nil *Calendar is open
// 24/7. It is immutable and safe for concurrent use; its methods are pure
// functions of their arguments.
type Calendar struct {
	loc      *time.Location
	week     [7][]span
	holidays []*cal.Holiday
	closed   map[int64]bool // days outside [lo, hi)
	lo, hi   int64          // civil day numbers covered by bits
	bits     []uint64       // closed days in [lo, hi)
}

// span is an interval in seconds since local midnight.
type span struct{ a, b int64 }

// precomputed holiday range: days outside it are computed on demand.
const (
	precomputeFrom = 1990
	precomputeTo   = 2100 // exclusive
	maxDayWalk     = 3660 // days without working time before Add gives up
)

// AlwaysOpen returns the 24/7 calendar, which is nil: every method of a nil
// *Calendar treats all time as business time.
func AlwaysOpen() *Calendar { return nil }

// NewCalendar compiles cfg. Errors wrap ErrInvalid and say what is wrong:
// an unknown time zone, an interval outside the day, not in whole seconds,
// empty, or overlapping another, or a week without working hours.
func NewCalendar(cfg CalendarConfig) (*Calendar, error) {
	name := cfg.TimeZone
	if name == "" {
		name = "UTC"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: calendar: unknown time zone %q (use an IANA name such as \"America/Chicago\", or \"\" for UTC): %w", ErrInvalid, name, err)
	}
	c := &Calendar{loc: loc, holidays: slices.Clone(cfg.Holidays)}
	any := false
	for wd, ivs := range cfg.Hours {
		ivs = slices.Clone(ivs)
		slices.SortFunc(ivs, func(x, y Interval) int { return int(x.Start - y.Start) })
		for i, iv := range ivs {
			day := time.Weekday(wd)
			switch {
			case iv.Start < 0 || iv.End > 24*time.Hour:
				return nil, fmt.Errorf("%w: calendar: %v interval %v–%v is outside 0–24h (split a shift that crosses midnight into two days' intervals)", ErrInvalid, day, iv.Start, iv.End)
			case iv.Start >= iv.End:
				return nil, fmt.Errorf("%w: calendar: %v interval %v–%v is empty (Start must be before End)", ErrInvalid, day, iv.Start, iv.End)
			case iv.Start%time.Second != 0 || iv.End%time.Second != 0:
				return nil, fmt.Errorf("%w: calendar: %v interval %v–%v is not in whole seconds (round it to the second)", ErrInvalid, day, iv.Start, iv.End)
			case i > 0 && ivs[i-1].End > iv.Start:
				p := ivs[i-1]
				return nil, fmt.Errorf("%w: calendar: %v intervals %v–%v and %v–%v overlap (merge them into one)", ErrInvalid, day, p.Start, p.End, iv.Start, iv.End)
			}
			c.week[wd] = append(c.week[wd], span{int64(iv.Start / time.Second), int64(iv.End / time.Second)})
			any = true
		}
	}
	if !any {
		return nil, fmt.Errorf("%w: calendar: no working hours on any day (use AlwaysOpen for 24/7)", ErrInvalid)
	}
	for _, h := range c.holidays {
		if h == nil {
			return nil, fmt.Errorf("%w: calendar: nil holiday in Holidays (remove it)", ErrInvalid)
		}
	}
	c.lo, c.hi = civilDay(precomputeFrom, 1, 1), civilDay(precomputeTo, 1, 1)
	c.bits = make([]uint64, (c.hi-c.lo+63)/64)
	for y := precomputeFrom; y < precomputeTo; y++ {
		for _, h := range c.holidays {
			if _, obs := h.Calc(y); !obs.IsZero() {
				c.setClosed(civilDay(obs.Date()))
			}
		}
	}
	for _, d := range cfg.Closed {
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 {
			return nil, fmt.Errorf("%w: calendar: closed date %d-%02d-%02d is not a date (Month 1–12, Day 1–31)", ErrInvalid, d.Year, d.Month, d.Day)
		}
		c.setClosed(civilDay(d.Year, d.Month, d.Day))
	}
	return c, nil
}

func (c *Calendar) setClosed(d int64) {
	if d >= c.lo && d < c.hi {
		i := d - c.lo
		c.bits[i/64] |= 1 << (i % 64)
		return
	}
	if c.closed == nil {
		c.closed = map[int64]bool{}
	}
	c.closed[d] = true
}

// isClosed reports whether civil day d is a holiday or closed date.
func (c *Calendar) isClosed(d int64) bool {
	if d >= c.lo && d < c.hi {
		i := d - c.lo
		return c.bits[i/64]&(1<<(i%64)) != 0
	}
	if c.closed[d] {
		return true
	}
	y, _, _ := civilFromDay(d)
	for _, h := range c.holidays {
		for _, yy := range [...]int{y - 1, y, y + 1} { // observed dates may cross a year end
			if _, obs := h.Calc(yy); !obs.IsZero() && civilDay(obs.Date()) == d {
				return true
			}
		}
	}
	return false
}

// Location returns the calendar's time zone (UTC for the 24/7 calendar).
func (c *Calendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

// Closed reports whether the calendar is closed all day on the civil date
// of t in the calendar's zone (a holiday or closed date). The 24/7 calendar
// is never closed.
func (c *Calendar) Closed(t time.Time) bool {
	if c == nil {
		return false
	}
	return c.isClosed(civilDay(t.In(c.loc).Date()))
}

// Open reports whether t falls within business hours.
func (c *Calendar) Open(t time.Time) bool {
	return c.Between(t, t.Add(time.Nanosecond)) > 0
}

// Add returns the instant at which d of business time has passed since t:
// the deadline of a target d started at t. Time outside working intervals,
// on holidays and closed dates does not count. A deadline that uses up a
// shift exactly falls on the shift's end. d ≤ 0 returns t. The result is in
// t's location.
//
// Add returns the zero Time when it cannot compute the deadline: t or the
// deadline outside the range of InRange (1678–2262), or, unreachable in
// practice, no working time within ten years. AddChecked says why instead.
// The 24/7 calendar (nil) is t.Add(d) for any t.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if c == nil {
		if d <= 0 {
			return t
		}
		return t.Add(d)
	}
	r, _ := c.add(t, d)
	return r
}

// AddChecked is Add that returns an error instead of the zero Time: a
// *RangeError (matching ErrOutOfRange) when t or the deadline lies outside
// the range of InRange, and an error wrapping ErrInvalid when the calendar
// has no working time within ten years after t. It checks the range for the
// 24/7 calendar (nil) too.
func (c *Calendar) AddChecked(t time.Time, d time.Duration) (time.Time, error) {
	const op = "Calendar.Add"
	if c == nil {
		switch r := t.Add(max(d, 0)); {
		case !InRange(t):
			return time.Time{}, &RangeError{Op: op, Time: t}
		case !InRange(r):
			return time.Time{}, &RangeError{Op: op, Time: t, Result: true}
		default:
			return r, nil
		}
	}
	r, fail := c.add(t, d)
	switch fail {
	case failArg:
		return time.Time{}, &RangeError{Op: op, Time: t}
	case failResult:
		return time.Time{}, &RangeError{Op: op, Time: t, Result: true}
	case failNoWork:
		return time.Time{}, fmt.Errorf("%w: %s: no working time within ten years after %v: give the calendar working hours that are not all closed", ErrInvalid, op, t)
	}
	return r, nil
}

// Why add could not compute an instant.
const (
	addOK      = iota
	failArg    // the argument is out of range
	failResult // the result would be
	failNoWork // no working time within maxDayWalk days
)

// add is Add on a compiled calendar, saying why it failed without building
// an error, so that Add stays as fast as before the range checks.
func (c *Calendar) add(t time.Time, d time.Duration) (time.Time, int) {
	if !InRange(t) {
		return time.Time{}, failArg
	}
	if d <= 0 {
		return t, addOK
	}
	tn := t.UnixNano()
	z := zcur{loc: c.loc}
	tu := floorDiv(tn, 1e9)
	z.at(tu)
	day := floorDiv(tu+z.off, 86400)
	rem := int64(d)
	for n := 0; n < maxDayWalk; n, day = n+1, day+1 {
		if day > maxDay {
			return time.Time{}, failResult
		}
		sp := c.week[weekday(day)]
		if len(sp) == 0 || c.isClosed(day) {
			continue
		}
		base := day * 86400
		for _, s := range sp {
			b := z.toUnix(base+s.b) * 1e9
			if b <= tn {
				continue
			}
			a := max(z.toUnix(base+s.a)*1e9, tn)
			if rem <= b-a {
				if a+rem >= maxNano {
					return time.Time{}, failResult
				}
				return time.Unix(0, a+rem).In(t.Location()), addOK
			}
			rem -= b - a
		}
	}
	return time.Time{}, failNoWork
}

// Sub is the inverse of Add: it returns the latest instant s ≤ t such that
// d of business time passes between s and t. d ≤ 0 returns t. Like Add, it
// returns the zero Time when it cannot compute the start (t or the result
// outside the range of InRange, or no working time within ten years before
// t); SubChecked says why.
func (c *Calendar) Sub(t time.Time, d time.Duration) time.Time {
	if c == nil {
		if d <= 0 {
			return t
		}
		return t.Add(-d)
	}
	r, _ := c.SubChecked(t, d)
	return r
}

// SubChecked is Sub that returns an error instead of the zero Time, as
// AddChecked does.
func (c *Calendar) SubChecked(t time.Time, d time.Duration) (time.Time, error) {
	const op = "Calendar.Sub"
	if err := checkRange(op, t); err != nil {
		return time.Time{}, err
	}
	if d <= 0 {
		return t, nil
	}
	if c == nil {
		r := t.Add(-d)
		if !InRange(r) {
			return time.Time{}, &RangeError{Op: op, Time: t, Result: true}
		}
		return r, nil
	}
	tn := t.UnixNano()
	z := zcur{loc: c.loc}
	tu := floorDiv(tn, 1e9)
	z.at(tu)
	day := floorDiv(tu+z.off, 86400)
	rem := int64(d)
	for n := 0; n < maxDayWalk; n, day = n+1, day-1 {
		if day < minDay {
			return time.Time{}, &RangeError{Op: op, Time: t, Result: true}
		}
		sp := c.week[weekday(day)]
		if len(sp) == 0 || c.isClosed(day) {
			continue
		}
		base := day * 86400
		for i := len(sp) - 1; i >= 0; i-- {
			s := sp[i]
			a := z.toUnix(base+s.a) * 1e9
			if a >= tn {
				continue
			}
			b := min(z.toUnix(base+s.b)*1e9, tn)
			if rem <= b-a {
				if b-rem < minNano {
					return time.Time{}, &RangeError{Op: op, Time: t, Result: true}
				}
				return time.Unix(0, b-rem).In(t.Location()), nil
			}
			rem -= b - a
		}
	}
	return time.Time{}, fmt.Errorf("%w: %s: no working time within ten years before %v: give the calendar working hours that are not all closed", ErrInvalid, op, t)
}

// Between returns the business time in [from, to); 0 if to is not after
// from, and 0 if from or to lies outside the range of InRange (the 24/7
// calendar, nil, is to.Sub(from) for any instants). BetweenChecked says
// when an instant is out of range.
func (c *Calendar) Between(from, to time.Time) time.Duration {
	if c == nil {
		if !to.After(from) {
			return 0
		}
		return to.Sub(from)
	}
	r, _ := c.BetweenChecked(from, to)
	return r
}

// BetweenChecked is Between that returns a *RangeError (matching
// ErrOutOfRange) when from or to lies outside the range of InRange; it
// checks the range for the 24/7 calendar (nil) too.
func (c *Calendar) BetweenChecked(from, to time.Time) (time.Duration, error) {
	if err := checkRange("Calendar.Between", from); err != nil {
		return 0, err
	}
	if err := checkRange("Calendar.Between", to); err != nil {
		return 0, err
	}
	if !to.After(from) {
		return 0, nil
	}
	if c == nil {
		return to.Sub(from), nil
	}
	fn, tn := from.UnixNano(), to.UnixNano()
	z := zcur{loc: c.loc}
	fu := floorDiv(fn, 1e9)
	z.at(fu)
	day := floorDiv(fu+z.off, 86400)
	var sum int64
	for {
		if sp := c.week[weekday(day)]; len(sp) > 0 && !c.isClosed(day) {
			base := day * 86400
			for _, s := range sp {
				a := max(z.toUnix(base+s.a)*1e9, fn)
				if a >= tn {
					return time.Duration(sum), nil
				}
				b := min(z.toUnix(base+s.b)*1e9, tn)
				if b > a {
					sum += b - a
				}
			}
		}
		day++
		if z.toUnix(day*86400)*1e9 >= tn {
			return time.Duration(sum), nil
		}
	}
}

// zcur caches the zone in effect around the instants being converted, so
// that most wall-clock conversions are one subtraction.
type zcur struct {
	loc        *time.Location
	off        int64 // seconds east of UTC
	start, end int64 // unix seconds: the zone is in effect in [start, end)
}

func (z *zcur) at(u int64) {
	t := time.Unix(u, 0).In(z.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z.off = int64(off)
	z.start, z.end = math.MinInt64, math.MaxInt64
	if !s.IsZero() {
		z.start = s.Unix()
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
}

// toUnix converts local seconds l (civil day × 86400 + seconds since
// midnight) to unix seconds: the first occurrence of a repeated wall time,
// the instant of the change for a skipped one.
func (z *zcur) toUnix(l int64) int64 {
	for range 8 {
		u := l - z.off
		switch {
		case u >= z.end:
			end := z.end
			z.at(end)
			if l-z.off < z.start {
				return end // skipped wall time
			}
		case u < z.start:
			start := z.start
			z.at(start - 1)
			if l-z.off >= z.end {
				return start // skipped wall time
			}
		default:
			// A repeated wall time is also valid in the previous zone,
			// whose instant is earlier: prefer it.
			if z.start != math.MinInt64 && u-z.start < 86400 {
				p := zcur{loc: z.loc}
				p.at(z.start - 1)
				if pu := l - p.off; pu < z.start && pu >= p.start {
					return pu
				}
			}
			return u
		}
	}
	return l - z.off
}

// civilDay returns the days since 1970-01-01 of a proleptic Gregorian date
// (H. Hinnant's days_from_civil); out-of-range months and days normalise.
func civilDay(y int, m time.Month, d int) int64 {
	if m < 1 || m > 12 || d < 1 || d > 28 {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return floorDiv(t.Unix(), 86400)
	}
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := floorDiv(yy, 400)
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDay is the inverse of civilDay.
func civilFromDay(z int64) (int, time.Month, int) {
	t := time.Unix(z*86400, 0).UTC()
	return t.Date()
}

func weekday(day int64) int { return int((day%7 + 7 + 4) % 7) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
