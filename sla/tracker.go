package sla

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// EventKind says what a tracker event announces.
type EventKind uint8

const (
	// Warning: a fraction of the target's business time has passed.
	Warning EventKind = iota + 1
	// Breach: the deadline has passed.
	Breach
)

// String returns "warning" or "breach".
func (k EventKind) String() string {
	switch k {
	case Warning:
		return "warning"
	case Breach:
		return "breach"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is a warning or a breach of one target of one conversation.
type Event[K comparable] struct {
	// Key is the conversation, as given to Track.
	Key K
	// Target is the timer the event is about.
	Target Target
	// Kind is Warning or Breach.
	Kind EventKind
	// Fraction is the share of the target's time that had passed: one of
	// TrackerConfig.Warnings for a Warning, 1 for a Breach.
	Fraction float64
	// At is the instant the event became due; Due is the target's
	// deadline (equal to At for a Breach).
	At, Due time.Time
	// Cycle is the timer's cycle (Timer.Cycle, low 8 bits).
	Cycle uint32
}

// TrackerConfig configures a Tracker. nil means defaults.
type TrackerConfig struct {
	// Warnings are the fractions of a target's business time at which a
	// Warning fires, each in (0,1), distinct. Defaults to {0.75, 0.9}.
	Warnings []float64
	// NoWarnings disables warnings (only breaches fire); Warnings must
	// then be empty. Defaults to false.
	NoWarnings bool
}

// Tracker holds the deadlines of open conversations, keyed by K, and emits
// each Warning and Breach exactly once per timer cycle as an injected clock
// advances. It keeps one binary-heap entry per conversation, keyed on that
// conversation's next event; an event costs O(log n): one pop, at most five
// business-time subtractions to find the conversation's next event, one
// push. Superseded heap entries are skipped when popped and swept when
// they outnumber live ones. A tracked conversation costs about 150 bytes
// at one million (keys excluded: the tracker shares the caller's strings;
// see BenchmarkTracker). It is safe for concurrent use.
type Tracker[K comparable] struct {
	mu     sync.Mutex
	warn   []float64
	slots  [][]slot[K] // chunks of chunkSize: no append slack at 1e6
	n      int32       // slots in use or free
	free   []int32
	index  map[K]int32
	heap   []hnode
	profs  []profile
	profID map[profile]uint16
}

// hnode is a heap entry: the next event's instant sits beside the slot
// index so that sifting compares without touching the slots.
type hnode struct {
	next int64
	si   int32
	gen  uint32
}

type profile struct {
	cal     *Calendar
	allowed [numTargets]time.Duration
}

const (
	chunkBits = 12
	chunkSize = 1 << chunkBits
)

func (tr *Tracker[K]) slot(si int32) *slot[K] {
	return &tr.slots[si>>chunkBits][si&(chunkSize-1)]
}

type slot[K comparable] struct {
	key   K
	due   [numTargets]int64 // unix nanoseconds
	gen   uint32            // bumped on every reschedule: older heap entries are stale
	prof  uint16
	on    uint8 // bit i: target i runs
	nextT uint8
	stage [numTargets]uint8 // events fired in the current cycle
	cycle [numTargets]uint8
}

// NewTracker returns an empty tracker. Errors wrap ErrInvalid and name the
// offending warning fraction.
func NewTracker[K comparable](cfg *TrackerConfig) (*Tracker[K], error) {
	var c TrackerConfig
	if cfg != nil {
		c = *cfg
	}
	warn := slices.Clone(c.Warnings)
	switch {
	case c.NoWarnings && len(warn) > 0:
		return nil, fmt.Errorf("%w: NewTracker: NoWarnings with Warnings %v (set one or the other)", ErrInvalid, warn)
	case c.NoWarnings:
		warn = nil
	case warn == nil:
		warn = []float64{0.75, 0.9}
	}
	slices.Sort(warn)
	for i, f := range warn {
		if !(f > 0 && f < 1) {
			return nil, fmt.Errorf("%w: NewTracker: warning fraction %v is outside (0,1) (give shares of the target's time, such as 0.75)", ErrInvalid, f)
		}
		if i > 0 && warn[i-1] == f {
			return nil, fmt.Errorf("%w: NewTracker: warning fraction %v appears twice (list each once)", ErrInvalid, f)
		}
	}
	if len(warn) > 250 {
		return nil, fmt.Errorf("%w: NewTracker: %d warning fractions (at most 250)", ErrInvalid, len(warn))
	}
	return &Tracker[K]{warn: warn, index: map[K]int32{}, profID: map[profile]uint16{}}, nil
}

// Len returns the number of tracked conversations.
func (tr *Tracker[K]) Len() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return len(tr.index)
}

// Track sets the running timers of the conversation key, typically
// Clock.Timers() after each change of the clock. A timer whose Cycle is the
// one already tracked keeps the events already fired, even if its deadline
// moved (a pause and resume); a new cycle fires afresh. No timers (a paused
// clock) keeps the conversation and what has fired, and fires nothing
// until timers come back. Use Untrack when the conversation is resolved or
// closed, and before tracking a new Clock under a key already tracked (a
// new Clock's cycles start again at 1, so its events would count as fired).
// A Due outside the range of InRange (the zero Time of a deadline a
// calendar could not compute, or one past 2262) is refused with a
// *RangeError, matching ErrOutOfRange and ErrInvalid, and nothing changes.
func (tr *Tracker[K]) Track(key K, timers []Timer) error {
	var pr profile
	var due [numTargets]int64
	var cyc [numTargets]uint8
	var on uint8
	for k, t := range timers {
		i := targetIndex(t.Target)
		switch {
		case i < 0:
			return fmt.Errorf("%w: Track: unknown target %q", ErrInvalid, t.Target)
		case t.Allowed <= 0:
			return fmt.Errorf("%w: Track: target %q: Allowed must be positive, got %v", ErrInvalid, t.Target, t.Allowed)
		case on&(1<<i) != 0:
			return fmt.Errorf("%w: Track: target %q given twice", ErrInvalid, t.Target)
		case k > 0 && t.Calendar != pr.cal:
			return fmt.Errorf("%w: Track: timers of one conversation use different calendars", ErrInvalid)
		case !InRange(t.Due):
			return &RangeError{Op: "Tracker.Track: target " + string(t.Target) + " due", Time: t.Due}
		}
		pr.cal = t.Calendar
		pr.allowed[i] = t.Allowed
		due[i] = t.Due.UnixNano()
		cyc[i] = uint8(t.Cycle)
		on |= 1 << i
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var pid uint16
	if on != 0 {
		id, ok := tr.profID[pr]
		if !ok {
			if len(tr.profs) > math.MaxUint16 {
				return fmt.Errorf("%w: Track: more than %d distinct policies", ErrInvalid, math.MaxUint16+1)
			}
			id = uint16(len(tr.profs))
			tr.profs = append(tr.profs, pr)
			tr.profID[pr] = id
		}
		pid = id
	}
	si, ok := tr.index[key]
	if !ok {
		if n := len(tr.free); n > 0 {
			si, tr.free = tr.free[n-1], tr.free[:n-1]
		} else {
			si = tr.n
			if int(si)>>chunkBits == len(tr.slots) {
				tr.slots = append(tr.slots, make([]slot[K], chunkSize))
			}
			tr.n++
		}
		s := tr.slot(si)
		*s = slot[K]{key: key, gen: s.gen + 1}
		tr.index[key] = si
	}
	s := tr.slot(si)
	for i := range numTargets {
		if on&(1<<i) == 0 {
			continue
		}
		if !ok || s.cycle[i] != cyc[i] {
			s.stage[i] = 0
		}
		s.cycle[i] = cyc[i]
		s.due[i] = due[i]
	}
	if on != 0 {
		s.prof = pid
	}
	s.on = on
	tr.reschedule(si)
	return nil
}

// Untrack forgets the conversation key; it reports whether it was tracked.
func (tr *Tracker[K]) Untrack(key K) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	si, ok := tr.index[key]
	if !ok {
		return false
	}
	s := tr.slot(si)
	*s = slot[K]{gen: s.gen + 1} // its heap entry, if any, is now stale
	delete(tr.index, key)
	tr.free = append(tr.free, si)
	return true
}

// instant returns the instant of event stage st of target i of s.
func (tr *Tracker[K]) instant(s *slot[K], i int, st int) int64 {
	if st >= len(tr.warn) {
		return s.due[i]
	}
	pr := &tr.profs[s.prof]
	// The share passed, rounded to the nanosecond, so that 90% of 30m is
	// 27m exactly (1-0.9 in floating point is a hair under 0.1).
	before := pr.allowed[i] - time.Duration(math.Round(tr.warn[st]*float64(pr.allowed[i])))
	w := pr.cal.Sub(time.Unix(0, s.due[i]), before)
	if w.IsZero() {
		return minNano // not computable (before 1678): due at once
	}
	return w.UnixNano()
}

// reschedule computes the next event of slot si and places it in the heap.
func (tr *Tracker[K]) reschedule(si int32) {
	s := tr.slot(si)
	next, nt := int64(math.MaxInt64), -1
	for i := range numTargets {
		if s.on&(1<<i) == 0 || int(s.stage[i]) > len(tr.warn) {
			continue
		}
		if at := tr.instant(s, i, int(s.stage[i])); at < next {
			next, nt = at, i
		}
	}
	s.gen++ // any entry already in the heap is stale
	if nt < 0 {
		return
	}
	s.nextT = uint8(nt)
	tr.push(hnode{next: next, si: si, gen: s.gen})
}

// Advance moves the tracker's clock to now and returns the events that
// became due, in time order (ties in no particular order). Each fires
// once. A now outside the range of InRange acts as the range's nearest
// end.
func (tr *Tracker[K]) Advance(now time.Time) []Event[K] {
	var out []Event[K]
	tr.AdvanceFunc(now, func(e Event[K]) { out = append(out, e) })
	return out
}

// AdvanceFunc is Advance with a callback instead of a slice. fn runs with
// the tracker locked: it must not call the tracker.
func (tr *Tracker[K]) AdvanceFunc(now time.Time, fn func(Event[K])) {
	n := clampNano(now)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for len(tr.heap) > 0 {
		top := tr.heap[0]
		if top.next > n {
			return
		}
		tr.pop()
		si := top.si
		s := tr.slot(si)
		if s.gen != top.gen {
			continue // stale: the conversation was rescheduled or untracked
		}
		i := int(s.nextT)
		e := Event[K]{Key: s.key, Target: targets[i], At: time.Unix(0, top.next).UTC(), Due: time.Unix(0, s.due[i]).UTC(), Cycle: uint32(s.cycle[i])}
		if st := int(s.stage[i]); st < len(tr.warn) {
			e.Kind, e.Fraction = Warning, tr.warn[st]
		} else {
			e.Kind, e.Fraction = Breach, 1
		}
		s.stage[i]++
		tr.reschedule(si)
		fn(e)
	}
}

// Remaining is the time left to one conversation's earliest deadline.
type Remaining[K comparable] struct {
	// Key is the conversation.
	Key K
	// Target and Due are its earliest-due running timer and deadline.
	Target Target
	Due    time.Time
	// Left is Due minus now in elapsed time; negative once breached.
	Left time.Duration
}

// Snapshot returns, for every conversation with running timers, its
// earliest deadline and the time left at now, most urgent first (by Due).
// It costs O(n log n); use it to order a queue.
func (tr *Tracker[K]) Snapshot(now time.Time) []Remaining[K] {
	tr.mu.Lock()
	out := make([]Remaining[K], 0, len(tr.index))
	for si := range tr.n {
		if r, ok := tr.remaining(tr.slot(si), now); ok {
			out = append(out, r)
		}
	}
	tr.mu.Unlock()
	slices.SortFunc(out, func(a, b Remaining[K]) int { return a.Due.Compare(b.Due) })
	return out
}

// Left returns the earliest deadline of conversation key and the time left
// at now; false when it is not tracked or has no running timer.
func (tr *Tracker[K]) Left(key K, now time.Time) (Remaining[K], bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	si, ok := tr.index[key]
	if !ok {
		return Remaining[K]{}, false
	}
	return tr.remaining(tr.slot(si), now)
}

func (tr *Tracker[K]) remaining(s *slot[K], now time.Time) (Remaining[K], bool) {
	if s.on == 0 {
		return Remaining[K]{}, false
	}
	best := -1
	for i := range numTargets {
		if s.on&(1<<i) != 0 && (best < 0 || s.due[i] < s.due[best]) {
			best = i
		}
	}
	due := time.Unix(0, s.due[best]).UTC()
	return Remaining[K]{Key: s.key, Target: targets[best], Due: due, Left: due.Sub(now)}, true
}

// push adds e to the heap; when stale entries outnumber live ones it
// first rebuilds the heap from the live ones (amortised O(1)).
func (tr *Tracker[K]) push(e hnode) {
	if len(tr.heap) >= 2*len(tr.index)+1024 {
		live := tr.heap[:0]
		for _, h := range tr.heap {
			if tr.slot(h.si).gen == h.gen {
				live = append(live, h)
			}
		}
		clear(tr.heap[len(live):])
		tr.heap = live
		for i := len(live)/2 - 1; i >= 0; i-- {
			tr.down(i)
		}
	}
	tr.heap = append(tr.heap, e)
	h := tr.heap
	j := len(h) - 1
	for j > 0 {
		p := (j - 1) / 2
		if h[p].next <= h[j].next {
			break
		}
		h[p], h[j] = h[j], h[p]
		j = p
	}
}

// pop removes the heap's root.
func (tr *Tracker[K]) pop() {
	n := len(tr.heap) - 1
	tr.heap[0] = tr.heap[n]
	tr.heap = tr.heap[:n]
	tr.down(0)
}

func (tr *Tracker[K]) down(i int) {
	h := tr.heap
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h[r].next < h[l].next {
			j = r
		}
		if h[j].next >= h[i].next {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}
