package queuedriver_test

import (
	"fmt"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Rank orders items without ever being recomputed: a stranded passenger
// (score 95) who wrote at 09:10 outranks a fare question (score 10) that
// has waited since 09:00, and an SLA deadline close at hand pulls an item
// up. Filter.Match says who may take an item.
func Example() {
	w := queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}
	t0 := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	fare := queuedriver.Rank(w, 10, time.Time{}, t0)
	stranded := queuedriver.Rank(w, 95, time.Time{}, t0.Add(10*time.Minute))
	dueSoon := queuedriver.Rank(w, 10, t0.Add(20*time.Minute), t0.Add(5*time.Minute))
	fmt.Println("stranded before fare:", stranded > fare)
	fmt.Println("due in 20 minutes before fare:", dueSoon > fare)

	it := queuedriver.Item{Key: "x:brand:c1", Channel: "x", Language: "pt", Skills: []string{"refund"}}
	ana := queuedriver.Filter{Channels: []string{"x"}, Languages: []string{"en", "pt"}, Skills: []string{"refund"}}
	ben := queuedriver.Filter{Channels: []string{"x"}, Languages: []string{"en"}}
	fmt.Println("ana may take it:", ana.Match(&it))
	fmt.Println("ben may take it:", ben.Match(&it))
	// Output:
	// stranded before fare: true
	// due in 20 minutes before fare: true
	// ana may take it: true
	// ben may take it: false
}
