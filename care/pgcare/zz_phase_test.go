package pgcare_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/pgqueue"
)

type tracer struct {
	mu sync.Mutex
	qs []string
}

func (tr *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tr.mu.Lock()
	s := strings.Join(strings.Fields(d.SQL), " ")
	if len(s) > 70 {
		s = s[:70]
	}
	tr.qs = append(tr.qs, s)
	tr.mu.Unlock()
	return ctx
}
func (tr *tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (tr *tracer) take() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	q := tr.qs
	tr.qs = nil
	return q
}

func TestZZPhases(t *testing.T) {
	schema := sharedSchema(t)
	cfg, _ := pgxpool.ParseConfig(os.Getenv("SOCIALCARE_TEST_DATABASE_URL"))
	tr := &tracer{}
	cfg.ConnConfig.Tracer = tr
	pool, _ := pgxpool.NewWithConfig(ctx, cfg)
	defer pool.Close()
	clk := caretest.NewClock(time.Now())
	qs, _ := pgqueue.New(pool, &pgqueue.Config{Schema: schema})
	q, _ := queue.New(qs, &queue.Config{Now: clk.Now})
	st, _ := pgcare.New(ctx, pool, &pgcare.Config{Schema: schema, Queue: qs})
	d, _ := care.New(q, &care.Config{Store: st, Acknowledgement: care.AckConfig{Disabled: true}})
	x, _ := memchannel.New(channel.X, &memchannel.Config{Now: clk.Now})
	ch, _ := channel.New(x)
	d.AddChannel(ch)
	d.AddAgent(ctx, care.Agent{ID: "a", Name: "Ana"})
	for i := range 3 {
		tr.take()
		d.Ingest(ctx, tweet(i))
		fmt.Println("INGEST", tr.take())
		a, err := d.TryNext(ctx, "a", queue.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("NEXT", tr.take())
		d.Reply(ctx, a, "Rebooked.")
		fmt.Println("REPLY", tr.take())
		d.Resolve(ctx, a)
		fmt.Println("RESOLVE", tr.take())
	}
}
