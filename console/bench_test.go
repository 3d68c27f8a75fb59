package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/console"
)

// benchDesk is a desk with n waiting conversations and a console over it.
func benchDesk(b *testing.B, n, pageSize int, onEvent func(care.Event)) (*caretest.Desk, *console.Console) {
	b.Helper()
	var con *console.Console
	var mu sync.Mutex
	d := caretest.NewDesk(b, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}, OnEvent: func(e care.Event) {
		mu.Lock()
		c := con
		mu.Unlock()
		if c != nil {
			if onEvent != nil {
				onEvent(e)
			}
			c.Publish(e)
		}
	}})
	texts := []string{"Stranded at O'Hare, flight cancelled, please help", "What is the fare to L.A.?", "My bag is lost, reference ABC123",
		"The video on your blog is broken", "Charged twice for my booking, need a refund", "I'm going to sue you"}
	for i := range n {
		_, err := d.Ingest(context.Background(), channel.Message{ID: fmt.Sprintf("m%d", i), Channel: channel.X, Account: "brand",
			ConversationID: fmt.Sprintf("c%d", i), Text: texts[i%len(texts)], ReceivedAt: d.Clock.Now(),
			Author: channel.Author{ID: fmt.Sprintf("u%d", i), Handle: fmt.Sprintf("customer_%d", i)}})
		if err != nil {
			b.Fatal(err)
		}
		if i%100 == 0 {
			d.Clock.Advance(time.Second)
		}
	}
	if err := d.AddAgent(context.Background(), care.Agent{ID: "ana", Name: "Ana Souza"}); err != nil {
		b.Fatal(err)
	}
	c, err := console.New(d.Desk, &console.Config{Identify: identifyHeader, PageSize: pageSize, ClientBuffer: 256})
	if err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	con = c
	mu.Unlock()
	return d, c
}

func getPage(b *testing.B, h http.Handler, path string) string {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("X-Test-User", "ana|agent")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// BenchmarkQueuePage renders the queue view (identity, Desk.Waiting: the
// queue's List and the page's conversations from the Store and the SLA
// book, the template) at 100 and at 10,000 waiting conversations. The
// baseline is the view without pages: all 10,000 rows rendered, as 20
// pages of 500 (the most one page shows). cpu-ms/op is the process's CPU
// time per page (GC included), steadier than wall time on a shared machine.
func BenchmarkQueuePage(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("waiting=%d/page=50", n), func(b *testing.B) {
			_, con := benchDesk(b, n, 50, nil)
			b.ReportAllocs()
			cpu0, ops := cpuTime(), 0
			for b.Loop() {
				if body := getPage(b, con, "/queue"); !strings.Contains(body, `<tr data-key=`) {
					b.Fatal("no rows")
				}
				ops++
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(ops), "cpu-ms/op")
		})
	}
	b.Run("baseline=all-rows/waiting=10000", func(b *testing.B) {
		_, con := benchDesk(b, 10000, 500, nil)
		b.ReportAllocs()
		cpu0, ops := cpuTime(), 0
		defer func() { b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(ops), "cpu-ms/op") }()
		for b.Loop() {
			ops++
			path, rows := "/queue", 0
			for {
				body := getPage(b, con, path)
				rows += strings.Count(body, `<tr data-key=`)
				i := strings.Index(body, `id="next-page" href="queue?`)
				if i < 0 {
					break
				}
				rest := body[i+len(`id="next-page" href="`):]
				path = "/" + strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
			}
			if rows != 10000 {
				b.Fatalf("rendered %d rows", rows)
			}
		}
	})
}

// BenchmarkLiveEvents measures desk events reaching open pages over SSE:
// one customer message every 10 ms (the desk emits two events for each, so
// 200 events/s) while pages are connected, each a real HTTP client reading
// the stream. Latency runs from the desk's OnEvent to the page reading the
// event; p50 and p99 are reported. The baseline is one page.
func BenchmarkLiveEvents(b *testing.B) {
	for _, pages := range []int{1, 100} {
		b.Run(fmt.Sprintf("pages=%d/rate=100msg/s", pages), func(b *testing.B) {
			var stamps sync.Map // kind+key → when the desk emitted it
			d, con := benchDesk(b, 0, 50, func(e care.Event) { stamps.Store(e.Kind.String()+" "+e.Key, time.Now()) })
			srv := httptest.NewServer(con)
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			lat := make([][]time.Duration, pages)
			ready := make(chan struct{}, pages)
			for p := range pages {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
				req.Header.Set("X-Test-User", "ana|agent")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				wg.Go(func() {
					defer resp.Body.Close()
					rd := bufio.NewReader(resp.Body)
					ready <- struct{}{}
					for {
						line, err := rd.ReadString('\n')
						if err != nil {
							return
						}
						if !strings.HasPrefix(line, "data: ") {
							continue
						}
						var ev struct{ Kind, Key string }
						if json.Unmarshal([]byte(line[len("data: "):]), &ev) != nil {
							continue
						}
						if t0, ok := stamps.Load(ev.Kind + " " + ev.Key); ok {
							lat[p] = append(lat[p], time.Since(t0.(time.Time)))
						}
					}
				})
			}
			for range pages {
				<-ready
			}
			tick := time.NewTicker(10 * time.Millisecond)
			i := 0
			for b.Loop() {
				<-tick.C
				_, err := d.Ingest(ctx, channel.Message{ID: fmt.Sprintf("m%d", i), Channel: channel.X, Account: "brand", ConversationID: fmt.Sprintf("c%d", i),
					Text: "My bag is lost", ReceivedAt: d.Clock.Now(), Author: channel.Author{ID: fmt.Sprintf("u%d", i), Handle: "h"}})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.StopTimer()
			tick.Stop()
			time.Sleep(200 * time.Millisecond) // the last events in flight
			cancel()
			wg.Wait()
			var all []time.Duration
			for _, l := range lat {
				all = append(all, l...)
			}
			if len(all) == 0 {
				b.Fatal("no event reached a page")
			}
			slices.Sort(all)
			pct := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))]) / 1e6 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(len(all))/float64(pages*i), "delivered/event")
			b.ReportMetric(float64(con.Dropped()), "dropped")
		})
	}
}
