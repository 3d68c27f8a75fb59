package sla_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/rickar/cal/v2/us"

	"github.com/socialcare/socialcare/sla"
)

// A message arrives on Friday evening before Memorial Day; the team works
// 08:00–12:00 and 13:00–17:00 in Chicago. The tracker warns at 75% and 90%
// of the acknowledgement target and reports the breach once.
func Example() {
	weekday := []sla.Interval{{Start: 8 * time.Hour, End: 12 * time.Hour}, {Start: 13 * time.Hour, End: 17 * time.Hour}}
	cal, err := sla.NewCalendar(sla.CalendarConfig{
		TimeZone: "America/Chicago",
		Hours:    [7][]sla.Interval{time.Monday: weekday, time.Tuesday: weekday, time.Wednesday: weekday, time.Thursday: weekday, time.Friday: weekday},
		Holidays: us.Holidays,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	policies, err := sla.NewPolicies(
		sla.Policy{Name: "vip", Tiers: []string{"vip"}, Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour},
		sla.Policy{Name: "x", Channels: []string{"x"}, Acknowledge: 30 * time.Minute, FirstResponse: time.Hour, Resolve: 8 * time.Hour, Calendar: cal},
		sla.Policy{Name: "default", Acknowledge: 12 * time.Hour, Resolve: 24 * time.Hour},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := policies.MatchInput(sla.MatchInput{Channel: "x", Tier: "standard"})
	chicago := cal.Location()
	friday := time.Date(2026, 5, 22, 18, 0, 0, 0, chicago)
	clock := sla.NewClock(p, friday)
	for _, t := range clock.Timers() {
		fmt.Printf("%s %-14s due %s\n", p.Name, t.Target, t.Due.In(chicago).Format("Mon Jan 2 15:04"))
	}

	tracker, _ := sla.NewTracker[string](nil)
	_ = tracker.Track("x:brand:42", clock.Timers())
	tuesday := time.Date(2026, 5, 26, 8, 40, 0, 0, chicago)
	for _, e := range tracker.Advance(tuesday) {
		fmt.Printf("%s %s %s at %s\n", e.Key, e.Target, e.Kind, e.At.In(chicago).Format("Mon 15:04"))
	}

	var att sla.Attainment
	for _, m := range clock.Reply(tuesday, sla.Response) {
		att.Record(m)
	}
	for _, s := range att.Summarize(nil) {
		fmt.Printf("%s: %d of %d met, p50 %v\n", s.Target, s.Met, s.Count, s.P50)
	}
	// Output:
	// x acknowledge    due Tue May 26 08:30
	// x first_response due Tue May 26 09:00
	// x resolve        due Tue May 26 17:00
	// x:brand:42 acknowledge warning at Tue 08:22
	// x:brand:42 acknowledge warning at Tue 08:27
	// x:brand:42 acknowledge breach at Tue 08:30
	// acknowledge: 0 of 1 met, p50 40m0s
	// first_response: 1 of 1 met, p50 40m0s
	// resolve: 0 of 0 met, p50 0s
}

// Instants outside 1678–2262 are an error, never a wrong deadline.
func ExampleCalendar_AddChecked() {
	cal, err := sla.NewCalendar(sla.CalendarConfig{
		TimeZone: "America/Chicago",
		Hours:    [7][]sla.Interval{time.Monday: {{Start: 9 * time.Hour, End: 17 * time.Hour}}},
	})
	if err != nil {
		panic(err)
	}
	monday := time.Date(2026, 3, 2, 16, 30, 0, 0, time.UTC) // 10:30 in Chicago
	due, err := cal.AddChecked(monday, time.Hour)
	fmt.Println(due.In(cal.Location()).Format("Mon 2 Jan 15:04"), err)

	_, err = cal.AddChecked(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Hour)
	fmt.Println(errors.Is(err, sla.ErrOutOfRange))
	fmt.Println(cal.Add(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), time.Hour).IsZero())
	// Output:
	// Mon 2 Mar 11:30 <nil>
	// true
	// true
}
