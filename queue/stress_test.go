package queue_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// opKind names a recorded operation of the stress test.
type opKind uint8

const (
	opEnqueue opKind = iota + 1
	opClaim          // a claim, steal or transfer that created a lease
	opExtend
	opComplete
	opRelease
)

// rec is one successful operation: which lease generation (the item's Claims
// count when the lease was created) it used, and when it started and ended
// on a global logical clock.
type rec struct {
	kind       opKind
	key        string
	agent      string
	gen        int
	version    int64 // item version returned by Complete
	steal      bool
	start, end int64
}

type held struct {
	l   *queue.Lease
	gen int
}

// TestStress runs 64 agents against one queue with random claims,
// completions, releases, snoozes, heartbeats, steals, transfers, agents
// going offline and leases left to expire, then checks the recorded
// history:
//
//   - no two leases share a generation on one item (no item held by two
//     agents at once);
//   - no operation under a lease succeeds once a newer lease on the item
//     was handed out before the operation began;
//   - no item is completed twice for the same messages (two successful
//     completions never see the same item version);
//   - no item is lost: every item's version equals the messages enqueued,
//     and once time passes every lease and snooze, every item not Done can
//     be claimed.
func TestStress(t *testing.T) {
	t.Parallel()
	const (
		agents = 64
		keys   = 512
	)
	opsPerAgent := 3200 // 64 × 3200 = 204,800 operations
	clk := newClock()
	var seq atomic.Int64
	q, err := queue.New(memqueue.New(), &queue.Config{Now: clk.Now, LeaseTTL: 30 * time.Second, OfflineGrace: 10 * time.Second})
	require.NoError(t, err)
	channels := []string{"x", "facebook", "whatsapp"}
	for a := range agents {
		require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: fmt.Sprint("a", a), Capacity: 1 + a%4, Online: true}))
	}
	logs := make([][]rec, agents)
	enqueued := make([][]int, agents) // per agent, per key: successful enqueues
	var wg sync.WaitGroup
	var total atomic.Int64
	for a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(a), 7))
			me := fmt.Sprint("a", a)
			var mine []held
			log := make([]rec, 0, opsPerAgent)
			enq := make([]int, keys)
			record := func(r rec) { log = append(log, r) }
			drop := func(i int) { mine = slices.Delete(mine, i, i+1) }
			for range opsPerAgent {
				total.Add(1)
				start := seq.Add(1)
				switch r := rng.IntN(100); {
				case r < 30:
					k := rng.IntN(keys)
					_, err := q.Enqueue(ctx, queue.Entry{Key: fmt.Sprint("k", k), Channel: channels[k%3], Score: float64(rng.IntN(100))})
					if err != nil {
						t.Errorf("enqueue: %v", err)
						return
					}
					enq[k]++
				case r < 55:
					var f queue.Filter
					if rng.IntN(2) == 0 {
						f.Channels = []string{channels[rng.IntN(3)]}
					}
					l, err := q.TryClaim(ctx, me, f)
					switch {
					case err == nil:
						it := l.Item()
						record(rec{kind: opClaim, key: it.Key, agent: me, gen: it.Claims, start: start, end: seq.Add(1)})
						mine = append(mine, held{l, it.Claims})
					case errors.Is(err, queue.ErrNoItem), errors.Is(err, queue.ErrAtCapacity):
					default:
						t.Errorf("claim: %v", err)
						return
					}
				case r < 60:
					k := fmt.Sprint("k", rng.IntN(keys))
					l, err := q.Steal(ctx, k, me, "supervisor")
					switch {
					case err == nil:
						it := l.Item()
						record(rec{kind: opClaim, key: k, agent: me, gen: it.Claims, steal: true, start: start, end: seq.Add(1)})
						mine = append(mine, held{l, it.Claims})
					case errors.Is(err, queue.ErrNotFound):
					default:
						t.Errorf("steal: %v", err)
						return
					}
				case r < 63:
					clk.Add(time.Duration(rng.IntN(8)) * time.Second)
				case r < 64:
					// Go offline for a while, or come back.
					if err := q.SetAgent(ctx, queue.Agent{ID: me, Capacity: 1 + a%4, Online: rng.IntN(3) > 0}); err != nil {
						t.Errorf("set agent: %v", err)
						return
					}
					if err := q.Maintain(ctx); err != nil {
						t.Errorf("maintain: %v", err)
						return
					}
				default:
					if len(mine) == 0 {
						continue
					}
					i := rng.IntN(len(mine))
					h := mine[i]
					var err error
					kind := opRelease
					var version int64
					switch op := rng.IntN(100); {
					case op < 40:
						kind = opComplete
						err = h.l.Complete(ctx)
						version = h.l.Item().Version
					case op < 55:
						err = h.l.Release(ctx)
					case op < 62:
						err = h.l.Snooze(ctx, clk.Now().Add(time.Duration(1+rng.IntN(20))*time.Second))
						if errors.Is(err, queue.ErrInvalid) {
							// Other agents moved the clock past the chosen end:
							// the snooze was refused and the lease is still held.
							continue
						}
					case op < 67:
						err = h.l.TransferToTeam(ctx, "care")
					case op < 72:
						var nl *queue.Lease
						nl, err = h.l.TransferToAgent(ctx, fmt.Sprint("a", rng.IntN(agents)))
						if err == nil {
							it := nl.Item()
							record(rec{kind: opRelease, key: h.l.Key(), agent: me, gen: h.gen, start: start, end: seq.Add(1)})
							// The receiver's lease is recorded as a claim; this goroutine
							// keeps it and acts on it as if it were the receiver.
							record(rec{kind: opClaim, key: it.Key, agent: it.Holder, gen: it.Claims, start: start, end: seq.Add(1)})
							mine[i] = held{nl, it.Claims}
							continue
						}
					case op < 92:
						kind = opExtend
						err = h.l.Extend(ctx)
						if err == nil {
							record(rec{kind: opExtend, key: h.l.Key(), agent: me, gen: h.gen, start: start, end: seq.Add(1)})
							continue
						}
					default:
						drop(i) // walk away: the lease expires
						continue
					}
					end := seq.Add(1)
					drop(i)
					switch {
					case err == nil:
						record(rec{kind: kind, key: h.l.Key(), agent: me, gen: h.gen, version: version, start: start, end: end})
					case errors.Is(err, queue.ErrLeaseLost):
					default:
						t.Errorf("lease op: %v", err)
						return
					}
				}
			}
			logs[a] = log
			enqueued[a] = enq
		}()
	}
	wg.Wait()
	require.False(t, t.Failed())
	require.GreaterOrEqual(t, total.Load(), int64(200_000))

	var all []rec
	for _, l := range logs {
		all = append(all, l...)
	}
	checkHistory(t, all)

	// No item lost: versions count the messages, and after every lease and
	// snooze ran out, everything not Done is claimable again.
	perKey := make([]int, keys)
	for _, e := range enqueued {
		for k, n := range e {
			perKey[k] += n
		}
	}
	clk.Add(time.Hour)
	require.NoError(t, q.SetAgent(ctx, queue.Agent{ID: "sweeper", Online: true}))
	open := 0
	for k := range keys {
		it, err := q.Get(ctx, fmt.Sprint("k", k))
		if perKey[k] == 0 {
			require.ErrorIs(t, err, queue.ErrNotFound)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, int64(perKey[k]), it.Version, "k%d: every message counted", k)
		if it.State != queue.Done {
			open++
		} else {
			require.Zero(t, it.Unanswered)
		}
	}
	for range open {
		l, err := q.TryClaim(ctx, "sweeper", queue.Filter{})
		require.NoError(t, err, "an open item is stuck")
		require.NoError(t, l.Complete(ctx))
	}
	_, err = q.TryClaim(ctx, "sweeper", queue.Filter{})
	require.ErrorIs(t, err, queue.ErrNoItem)
	t.Logf("%d operations, %d successful lease events, %d items open at the end", total.Load(), len(all), open)
}

// stolenBetween reports whether a steal of the item may have happened
// between two completions: a steal may take (and so re-open) a Done item,
// which is then legitimately completed again without a new message.
func stolenBetween(rs []rec, a, b rec) bool {
	lo, hi := min(a.start, b.start), max(a.end, b.end)
	for _, r := range rs {
		if r.steal && r.end > lo && r.start < hi {
			return true
		}
	}
	return false
}

// checkHistory checks the invariants of TestStress on the recorded
// history.
func checkHistory(t *testing.T, all []rec) {
	t.Helper()
	byKey := map[string][]rec{}
	for _, r := range all {
		byKey[r.key] = append(byKey[r.key], r)
	}
	for key, rs := range byKey {
		gens := map[int]string{}
		var claims []rec
		versions := map[int64]rec{}
		completed := map[int]bool{}
		for _, r := range rs {
			switch r.kind {
			case opClaim:
				if prev, dup := gens[r.gen]; dup {
					t.Fatalf("%s: lease generation %d handed to %s and %s", key, r.gen, prev, r.agent)
				}
				gens[r.gen] = r.agent
				claims = append(claims, r)
			case opComplete:
				if first, dup := versions[r.version]; dup && !stolenBetween(rs, first, r) {
					t.Fatalf("%s: version %d completed twice", key, r.version)
				}
				versions[r.version] = r
				if completed[r.gen] {
					t.Fatalf("%s: lease %d completed twice", key, r.gen)
				}
				completed[r.gen] = true
			}
		}
		// A lease operation that began after a newer lease was handed out
		// must have failed.
		slices.SortFunc(claims, func(a, b rec) int { return cmp.Compare(a.end, b.end) })
		for _, r := range rs {
			if r.kind == opClaim {
				continue
			}
			newest := 0
			for _, c := range claims {
				if c.end >= r.start {
					break
				}
				newest = max(newest, c.gen)
			}
			if newest > r.gen {
				t.Fatalf("%s: %v by %s under lease %d succeeded after lease %d was handed out", key, r.kind, r.agent, r.gen, newest)
			}
		}
	}
}
