package pgcare_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caredrivertest"
)

// BenchmarkSaveConversation saves a fully populated conversation, with one
// new dedup key, from its stored version: in memory (the baseline) and in
// PostgreSQL, from one goroutine and from many (each on its own
// conversation). Figures depend on the database's fsync and round-trip
// time; compare them with benchstat on one machine only.
func BenchmarkSaveConversation(b *testing.B) {
	stores := []struct {
		name string
		new  func(b *testing.B) care.Store
	}{
		{"mem", func(*testing.B) care.Store { return care.NewMemStore() }},
		{"pg", func(b *testing.B) care.Store { s, _ := newStore(b); return s }},
	}
	for _, st := range stores {
		b.Run(st.name+"/sequential", func(b *testing.B) {
			s := st.new(b)
			c := caredrivertest.Conversation("x:brand:bench")
			i := 0
			for b.Loop() {
				i++
				key := care.SeenKey{Key: fmt.Sprint("m", i), Expires: t0.Add(time.Hour)}
				require.NoError(b, s.SaveConversation(ctx, &c, []care.SeenKey{key}, t0))
			}
		})
		b.Run(st.name+"/parallel", func(b *testing.B) {
			s := st.new(b)
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				c := caredrivertest.Conversation(fmt.Sprint("x:brand:bench-", n.Add(1)))
				i := 0
				for pb.Next() {
					i++
					key := care.SeenKey{Key: fmt.Sprint(c.Key, "-m", i), Expires: t0.Add(time.Hour)}
					if err := s.SaveConversation(ctx, &c, []care.SeenKey{key}, t0); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
