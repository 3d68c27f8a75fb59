package analytics_test

import (
	"testing"
	"time"

	"github.com/socialcare/socialcare/analytics"
)

// FuzzIngest feeds arbitrary event sequences (as the desk or a host's
// import might) and checks that Report never panics and stays consistent.
func FuzzIngest(f *testing.F) {
	f.Add([]byte{1, 0, 10, 2, 0, 20, 3, 0, 30, 5, 0, 40}, int64(0))
	f.Add([]byte{5, 1, 0, 1, 1, 255, 4, 1, 3}, int64(-1e18))
	f.Fuzz(func(t *testing.T, script []byte, base int64) {
		a, err := analytics.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Unix(0, base)
		for i := 0; i+2 < len(script); i += 3 {
			e := analytics.Event{
				Kind:         analytics.Kind(script[i] % 7),
				Conversation: string('a' + rune(script[i+1]%4)),
				Channel:      []string{"", "x", "chat"}[script[i+1]%3],
				Agent:        []string{"", "ana"}[script[i+2]%2],
				At:           start.Add(time.Duration(script[i+2]) * time.Minute),
				OffChannel:   script[i+2]%3 == 0,
			}
			_ = a.Ingest(e)
		}
		r := a.Report(start.Add(time.Hour))
		if r.Overall.Resolved > r.Overall.Conversations || r.Overall.OffChannel > r.Overall.Resolved {
			t.Fatalf("inconsistent counts %+v", r.Overall)
		}
		if int(r.Volume.Total()) != r.Overall.Conversations {
			t.Fatalf("volume %v != conversations %d", r.Volume.Total(), r.Overall.Conversations)
		}
		for _, d := range []analytics.Durations{r.Overall.Acknowledge, r.Overall.FirstResponse, r.Overall.Resolution, r.Overall.Reply} {
			if d.P50 < 0 || d.P50 > d.P90 || d.P90 > d.P99 {
				t.Fatalf("percentiles out of order %+v", d)
			}
		}
	})
}
