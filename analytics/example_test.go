package analytics_test

import (
	"fmt"
	"time"

	"github.com/socialcare/socialcare/analytics"
)

func Example() {
	a, err := analytics.New(nil) // UTC bins, default SLA policies and costs
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	_, err = a.IngestBatch([]analytics.Event{
		{Kind: analytics.Arrived, Conversation: "c1", Channel: "x", At: start},
		{Kind: analytics.FirstResponse, Conversation: "c1", Agent: "ana", At: start.Add(12 * time.Minute)},
		{Kind: analytics.Resolved, Conversation: "c1", Agent: "ana", At: start.Add(2 * time.Hour)},
		{Kind: analytics.Arrived, Conversation: "c2", Channel: "x", At: start.Add(5 * time.Minute)},
		{Kind: analytics.FirstResponse, Conversation: "c2", Agent: "bo", At: start.Add(55 * time.Minute)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := a.Report(start.Add(3 * time.Hour))
	fmt.Println("first response p50:", r.Overall.FirstResponse.P50, "p90:", r.Overall.FirstResponse.P90)
	fmt.Printf("acknowledged within SLA: %.0f%%\n", r.Overall.AcknowledgeSLA.Percent())
	fmt.Printf("cost %.2f %s, by phone %.2f\n", r.Costs.Total, r.Costs.Currency, r.Costs.PhoneEquivalent)
	fmt.Println("busiest hour:", analytics.SlotName(analytics.Slot(time.Monday, 9)), r.Volume.At(time.Monday, 9))
	// Output:
	// first response p50: 12m0s p90: 50m0s
	// acknowledged within SLA: 50%
	// cost 2.00 USD, by phone 12.00
	// busiest hour: Mon 09:00 2
}

func ExampleStaffer_Agents() {
	// The textbook case: 250 contacts an hour, 330 s handle time, 80% to be
	// answered within 30 s.
	s, err := analytics.NewStaffer(330*time.Second, &analytics.StaffingConfig{
		ServiceLevel: 0.8,
		Within:       30 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := s.Agents(250)
	fmt.Printf("%d agents: service level %.1f%%, occupancy %.1f%%, %d on the rota\n",
		st.Agents, 100*st.ServiceLevel, 100*st.Occupancy, st.Scheduled)
	fmt.Printf("27 agents: service level %.1f%%\n", 100*analytics.ServiceLevel(27, 250, 330*time.Second, 30*time.Second))
	// Output:
	// 28 agents: service level 85.7%, occupancy 81.8%, 40 on the rota
	// 27 agents: service level 78.2%
}

func ExampleForecast() {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 6, 29, 12, 0, 0, 0, ny) // a Monday noon
	var arrivals []time.Time
	for week := range 4 { // this morning and the three Mondays before
		monday9 := now.AddDate(0, 0, -7*week).Add(-3 * time.Hour)
		for range week + 1 { // 1, 2, 3 and 4 arrivals at 09:10
			arrivals = append(arrivals, monday9.Add(10*time.Minute))
		}
	}
	f, _ := analytics.Forecast(arrivals, ny, now, 4)
	fmt.Println("Mon 09:00 expected:", f.At(time.Monday, 9))
	f2, _ := analytics.Forecast(arrivals, ny, now, 2)
	fmt.Println("last 2 weeks only:", f2.At(time.Monday, 9))
	// Output:
	// Mon 09:00 expected: 2.5
	// last 2 weeks only: 1.5
}
