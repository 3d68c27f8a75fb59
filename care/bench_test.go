package care_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/queue"
)

var tweets = []string{
	"@TeamYouTube my channel has been suspended, I sent an e-mail, no answer, my e-mail address: someone089@gmail.com",
	"Stranded at O'Hare by the snowstorm, my flight to Denver was cancelled and the rebooking line is down. Please help!",
	"@AdobeCare Windows, AMD Ryzen 5 3600 3.6 GHz 6-Core Processor, 32gb of ram, version 8.5.50.916 crashes",
	"Call me at +1 312 555 0147 about my cancelled booking, card 4111 1111 1111 1111",
}

// The walking skeleton's check: two regular expressions, no validation.
var (
	skelEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	skelPhone = regexp.MustCompile(`\+?\d[\d\s().-]{8,}\d`)
)

// BenchmarkPersonalData compares the detector (validated phone numbers,
// Luhn, IBAN, links masked) with the skeleton's two regular expressions, on
// the same four tweets.
func BenchmarkPersonalData(b *testing.B) {
	d, err := care.NewDetector(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline=skeleton-regexps", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			t := tweets[i%len(tweets)]
			_ = skelEmail.MatchString(t) || skelPhone.MatchString(t)
		}
	})
	b.Run("detector", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = d.Find(tweets[i%len(tweets)])
		}
	})
}

// reportCPU reports the process's CPU time per operation since start
// (cpu-ns/op): on a machine other work keeps busy, the time an operation
// costs apart from the time it waited for a CPU. It counts every
// goroutine, the garbage collector's included.
func reportCPU(b *testing.B, start time.Duration, ok bool) {
	if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkConversation measures one conversation through the desk
// (ingest, claim, guarded reply, resolve) against the same queue
// operations alone. Besides ns/op it reports cpu-ns/op, the CPU time the
// process spent per conversation.
func BenchmarkConversation(b *testing.B) {
	ctx := context.Background()
	b.Run("baseline=queue-only", func(b *testing.B) {
		d := caretest.NewDesk(b, nil)
		if err := d.Queue.SetAgent(ctx, queue.Agent{ID: "q", Online: true}); err != nil {
			b.Fatal(err)
		}
		start, ok := cpuTime()
		for i := 0; b.Loop(); i++ {
			if _, err := d.Queue.Enqueue(ctx, queue.Entry{Key: fmt.Sprint(i), Channel: "x", Score: 10}); err != nil {
				b.Fatal(err)
			}
			l, err := d.Queue.TryClaim(ctx, "q", queue.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			if err := l.Complete(ctx); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, start, ok)
	})
	b.Run("desk", func(b *testing.B) {
		// A bare desk (caretest's records every event, which is the
		// test harness's cost, not the desk's), in a steady state: one
		// conversation per virtual second, Tick every virtual minute, and
		// retention short enough that what the desk keeps stops growing
		// within the run (resolved conversations and measurements an
		// hour, dedup keys the platforms' 36 hours).
		d := bareDesk(b, &care.Config{DefaultSignature: " ^{initials}", Acknowledgement: care.AckConfig{Disabled: true},
			Retention: care.RetentionConfig{Resolved: time.Hour, Measurements: time.Hour, Dedup: 36 * time.Hour, Every: time.Minute}}, 100)
		if err := d.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
			b.Fatal(err)
		}
		start, ok := cpuTime()
		for i := 0; b.Loop(); i++ {
			m := xmsg(fmt.Sprint("m", i), fmt.Sprint("c", i), tweets[i%len(tweets)])
			m.Account = "brand"
			if _, err := d.Ingest(ctx, m); err != nil {
				b.Fatal(err)
			}
			a, err := d.TryNext(ctx, "ana", queue.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.Reply(ctx, a, "So sorry! I've rebooked you on the 14:05 and sent a voucher."); err != nil {
				b.Fatal(err)
			}
			if err := d.Resolve(ctx, a); err != nil {
				b.Fatal(err)
			}
			d.Clock.Advance(time.Second)
			if i%60 == 59 {
				if err := d.Tick(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportCPU(b, start, ok)
	})
}
