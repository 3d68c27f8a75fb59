package memqueue

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Store is an in-memory queuedriver.Store. The zero value is not usable;
// call New. A Store is safe for concurrent use by many goroutines; every
// method holds one mutex for its whole (short) run.
type Store struct {
	mu     sync.Mutex
	index  keyIndex // every item by key
	recent recentKeys
	agents map[string]*agentState

	// groups partition the claimable items by (channel, team); each keeps
	// a B+tree ordered worst first (see btree.go).
	groups    map[groupKey]*group
	all       []*group
	byChannel map[string][]*group
	byTeam    map[string][]*group
	gen       uint64 // stamps groups already visited by one call

	// timers holds Claimed and Snoozed items whose lease expiry or snooze
	// end is after high, ordered by that instant, earliest first.
	timers []*entry
	// high is the latest Now seen; timers due at or before it have been
	// moved into their group tree.
	high int64

	// spareLeaves and spareInner are nodes freed by tree merges, for reuse.
	spareLeaves, spareInner []*node

	// skillSets interns the distinct skill lists, which are few.
	skillSets map[string]*skillSet

	// Entries and their keys are carved out of chunks, since they are
	// freed only by compaction (purge.go): a million items are then a few
	// hundred heap objects for the garbage collector instead of two
	// million. Entry number i is chunks[i/entryChunk][i%entryChunk].
	chunks  []*[entryChunk]entry
	keys    []byte
	entries uint32 // how many entries there are

	// done lists the Done items for PurgeDone, which frees them (purge.go).
	done doneList
}

const (
	entryChunk = 1024
	keyChunk   = 64 << 10
	// keyInline is the longest key kept inside its entry: a platform
	// prefix and a numeric id, such as "x:1861234567890123456", fit.
	keyInline = 24
	// maxEntries is the most items a Store holds: entries are numbered
	// with 32 bits (about 900 GiB of items, far past any one process).
	maxEntries = math.MaxUint32 - 1
)

var errFull = errors.New("memqueue: the store holds the most items it can (4294967294)")

// newEntry returns a fresh entry for key, with a copy of key, and indexes
// it.
func (s *Store) newEntry(key string) *entry {
	id := s.entries
	if id%entryChunk == 0 {
		s.chunks = append(s.chunks, new([entryChunk]entry))
	}
	e := s.entryAt(id)
	*e = entry{id: id, heldPos: -1, timerPos: -1, deadline: noTime, until: noTime, lastHeldAt: noTime}
	e.key = s.copyKey(e, key)
	s.entries++
	s.insert(e.key, id)
	return e
}

// entryAt returns entry number id.
func (s *Store) entryAt(id uint32) *entry { return &s.chunks[id/entryChunk][id%entryChunk] }

// copyKey copies key into e's inline bytes if it fits, else into the key
// chunk. The bytes are never written again, so the string may share them.
// Inline keys share the entry's cache lines: a claim loads the entry, and
// the lease operation that follows hashes its key without another miss.
func (s *Store) copyKey(e *entry, key string) string {
	if len(key) == 0 {
		return ""
	}
	if len(key) <= len(e.kb) {
		n := copy(e.kb[:], key)
		return unsafe.String(&e.kb[0], n)
	}
	if len(key) > keyChunk/16 {
		return strings.Clone(key)
	}
	if cap(s.keys)-len(s.keys) < len(key) {
		s.keys = make([]byte, 0, keyChunk)
	}
	off := len(s.keys)
	s.keys = append(s.keys, key...)
	return unsafe.String(&s.keys[off], len(key))
}

// skillSet is an interned, immutable list of skills.
type skillSet struct{ list []string }

func (k *skillSet) clone() []string {
	if k == nil {
		return nil
	}
	return slices.Clone(k.list)
}

func (s *Store) internSkills(list []string) *skillSet {
	if len(list) == 0 {
		return nil
	}
	key := strings.Join(list, "\x00")
	if k, ok := s.skillSets[key]; ok {
		return k
	}
	k := &skillSet{list: slices.Clone(list)}
	s.skillSets[key] = k
	return k
}

var _ queuedriver.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		index:     newKeyIndex(),
		agents:    map[string]*agentState{},
		groups:    map[groupKey]*group{},
		byChannel: map[string][]*group{},
		byTeam:    map[string][]*group{},
		high:      math.MinInt64,
		skillSets: map[string]*skillSet{},
	}
}

type groupKey struct{ channel, team string }

type group struct {
	key  groupKey
	tree tree
	// skilled counts items in the tree that require skills, which a filter
	// must check one by one.
	skilled int
	mark    uint64
}

type agentState struct {
	a    queuedriver.Agent
	held []*entry // items whose Holder is this agent (expired leases too)
}

// where an entry sits.
const (
	nowhere uint8 = iota
	inGroup
	inTimers
)

// entry is the compact form of a queuedriver.Item: times are UnixNano
// (noTime for the zero time), agents are pointers, channel and team live in
// the group. See the package doc for its size.
type entry struct {
	key        string
	kb         [keyInline]byte // key's bytes, if it fits
	g          *group
	language   string
	skills     *skillSet // nil when the item needs no skills
	payload    string
	score      float64
	rank       float64
	deadline   int64
	enqueuedAt int64
	updatedAt  int64
	// until is the lease expiry of a Claimed item and the snooze end of a
	// Snoozed one (an item is never both); noTime otherwise.
	until      int64
	lastHeldAt int64
	version    int64
	leaseID    string
	holder     *agentState
	lastAgent  *agentState
	unanswered int32
	claims     int32
	id         uint32 // its number: s.entryAt(id) == e
	heldPos    int32  // index in holder.held
	timerPos   int32  // index in Store.timers
	where      uint8
	state      queuedriver.State

	// donePrev and doneNext link a Done item into Store.done (entry
	// numbers + 1; 0 ends the list).
	donePrev, doneNext uint32
}

const noTime = math.MinInt64

// Times outside what UnixNano can hold are clamped to these.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// enc encodes t as UnixNano, noTime for the zero time, clamped to what
// UnixNano can hold.
func enc(t time.Time) int64 {
	// Well inside the range (the zero time is not): no clamping to check.
	if sec := t.Unix(); sec > math.MinInt64/int64(time.Second)+1 && sec < math.MaxInt64/int64(time.Second)-1 {
		return t.UnixNano()
	}
	switch {
	case t.IsZero():
		return noTime
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func dec(n int64) time.Time {
	if n == noTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func agentID(a *agentState) string {
	if a == nil {
		return ""
	}
	return a.a.ID
}

// item returns a copy of e as a queuedriver.Item.
func (e *entry) item() queuedriver.Item {
	return queuedriver.Item{
		Key: e.key, Channel: e.g.key.channel, Team: e.g.key.team, Language: e.language,
		Skills: e.skills.clone(), Score: e.score, Deadline: dec(e.deadline), Rank: e.rank,
		Unanswered: int(e.unanswered), Payload: payloadBytes(e.payload),
		EnqueuedAt: dec(e.enqueuedAt), UpdatedAt: dec(e.updatedAt), Version: e.version, State: e.state,
		Holder: agentID(e.holder), LeaseID: e.leaseID, LeaseExpiresAt: dec(e.at(queuedriver.Claimed)),
		SnoozedUntil: dec(e.at(queuedriver.Snoozed)), LastAgent: agentID(e.lastAgent), LastHeldAt: dec(e.lastHeldAt),
		Claims: int(e.claims),
	}
}

// claimable is queuedriver.Item.Claimable.
func (e *entry) claimable(now int64) bool {
	switch e.state {
	case queuedriver.Waiting:
		return true
	case queuedriver.Snoozed, queuedriver.Claimed:
		return now >= e.until
	}
	return false
}

// at returns until if e is in state st, else noTime.
func (e *entry) at(st queuedriver.State) int64 {
	if e.state == st {
		return e.until
	}
	return noTime
}

func payloadBytes(p string) []byte {
	if p == "" {
		return nil
	}
	return []byte(p)
}

// timerAt is when a Claimed or Snoozed item becomes claimable.
func (e *entry) timerAt() int64 { return e.until }

// ---- timers ----------------------------------------------------------

// tUp and tDown keep the timers a binary heap ordered by timerAt; each
// entry in it records its index in timerPos.
func (s *Store) tUp(h []*entry, i int) {
	e := h[i]
	at := e.timerAt()
	for i > 0 {
		p := (i - 1) / 2
		if at >= h[p].timerAt() {
			break
		}
		h[i] = h[p]
		h[i].timerPos = int32(i)
		i = p
	}
	h[i] = e
	e.timerPos = int32(i)
}

func (s *Store) tDown(h []*entry, i int) {
	e := h[i]
	at := e.timerAt()
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].timerAt() < h[c].timerAt() {
			c = r
		}
		if h[c].timerAt() >= at {
			break
		}
		h[i] = h[c]
		h[i].timerPos = int32(i)
		i = c
	}
	h[i] = e
	e.timerPos = int32(i)
}

// detachAt takes e, which c points at in its group's tree, out of it.
func (s *Store) detachAt(e *entry, c *cursor) {
	s.removeAt(&e.g.tree, c)
	s.left(e)
}

// left records that e left its group's tree.
func (s *Store) left(e *entry) {
	if e.skills != nil {
		e.g.skilled--
	}
	e.where, e.timerPos = nowhere, -1
}

// detach takes e out of its group's tree or the timers.
func (s *Store) detach(e *entry) {
	switch e.where {
	case inGroup:
		s.tremove(&e.g.tree, mkSlot(e))
		s.left(e)
		return
	case inDone:
		s.unlinkDone(e)
	case inTimers:
		i := int(e.timerPos)
		last := len(s.timers) - 1
		if i != last {
			s.timers[i] = s.timers[last]
			s.timers[i].timerPos = int32(i)
		}
		s.timers[last] = nil
		s.timers = s.timers[:last]
		if i != last {
			s.tDown(s.timers, i)
			s.tUp(s.timers, i)
		}
	}
	e.where, e.timerPos = nowhere, -1
}

// place puts e where its state says: Waiting items, and Claimed or Snoozed
// items due at or before high, in their group tree; other Claimed and
// Snoozed items in the timers; Done items in the done list. e must be
// detached.
func (s *Store) place(e *entry) {
	switch e.state {
	case queuedriver.Done:
		s.linkDone(e)
		return
	case queuedriver.Claimed, queuedriver.Snoozed:
		if e.timerAt() > s.high {
			e.where = inTimers
			s.timers = append(s.timers, e)
			s.tUp(s.timers, len(s.timers)-1)
			return
		}
	}
	g := e.g
	e.where = inGroup
	s.tinsert(&g.tree, mkSlot(e))
	if e.skills != nil {
		g.skilled++
	}
}

// advance moves the timers due at or before now into their groups.
func (s *Store) advance(now int64) {
	if now <= s.high {
		return
	}
	s.high = now
	for len(s.timers) > 0 && s.timers[0].timerAt() <= now {
		e := s.timers[0]
		s.detach(e)
		s.place(e)
	}
}

func (s *Store) group(channel, team string) *group {
	k := groupKey{channel, team}
	if g, ok := s.groups[k]; ok {
		return g
	}
	g := &group{key: k}
	s.groups[k] = g
	s.all = append(s.all, g)
	s.byChannel[channel] = append(s.byChannel[channel], g)
	s.byTeam[team] = append(s.byTeam[team], g)
	return g
}

// eachGroup calls fn once for every group whose channel and team pass f.
func (s *Store) eachGroup(f *queuedriver.Filter, fn func(*group)) {
	s.gen++
	visit := func(g *group) {
		if g.mark != s.gen {
			g.mark = s.gen
			fn(g)
		}
	}
	switch {
	case len(f.Channels) > 0 && len(f.Teams) > 0:
		for _, c := range f.Channels {
			for _, t := range f.Teams {
				if g, ok := s.groups[groupKey{c, t}]; ok {
					visit(g)
				}
			}
		}
	case len(f.Channels) > 0:
		for _, c := range f.Channels {
			for _, g := range s.byChannel[c] {
				visit(g)
			}
		}
	case len(f.Teams) > 0:
		for _, t := range f.Teams {
			for _, g := range s.byTeam[t] {
				visit(g)
			}
		}
	default:
		for _, g := range s.all {
			visit(g)
		}
	}
}

// matchRest is Filter.Match for an item already known to be in a group that
// passes the channel and team filters.
func matchRest(f *queuedriver.Filter, e *entry) bool {
	if len(f.Languages) > 0 && e.language != "" && !slices.Contains(f.Languages, e.language) {
		return false
	}
	if e.skills == nil {
		return true
	}
	for _, sk := range e.skills.list {
		if !slices.Contains(f.Skills, sk) {
			return false
		}
	}
	return true
}

func (s *Store) hold(a *agentState, e *entry) {
	e.holder = a
	e.heldPos = int32(len(a.held))
	a.held = append(a.held, e)
}

func (s *Store) unhold(e *entry) {
	a := e.holder
	if a == nil {
		return
	}
	i, last := int(e.heldPos), len(a.held)-1
	if i != last {
		a.held[i] = a.held[last]
		a.held[i].heldPos = int32(i)
	}
	a.held[last] = nil
	a.held = a.held[:last]
	e.holder, e.heldPos = nil, -1
}

// ---- Store methods ----------------------------------------------------

// PutAgent implements queuedriver.Store.
func (s *Store) PutAgent(ctx context.Context, a queuedriver.Agent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.agents[a.ID]; ok {
		st.a = a
		return nil
	}
	s.agents[a.ID] = &agentState{a: a}
	return nil
}

// GetAgent implements queuedriver.Store.
func (s *Store) GetAgent(ctx context.Context, id string) (queuedriver.Agent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agents[id]
	if !ok {
		return queuedriver.Agent{}, queuedriver.ErrUnknownAgent
	}
	return a.a, nil
}

// Upsert implements queuedriver.Store. It takes O(log n).
func (s *Store) Upsert(ctx context.Context, p queuedriver.UpsertParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := enc(p.Now)
	s.advance(now)
	e := s.find(p.Key)
	if e == nil {
		if s.entries == maxEntries {
			return queuedriver.Item{}, errFull
		}
		e = s.newEntry(p.Key)
	} else {
		s.detach(e)
	}
	enqueuedAt := dec(e.enqueuedAt)
	switch e.state {
	case 0, queuedriver.Done:
		e.state = queuedriver.Waiting
		e.enqueuedAt = now
		enqueuedAt = p.Now
		e.unanswered = 0
	case queuedriver.Snoozed:
		e.state = queuedriver.Waiting
		e.until = noTime
	}
	if e.g == nil || e.g.key.channel != p.Channel || e.g.key.team != p.Team {
		e.g = s.group(p.Channel, p.Team)
	}
	e.language = p.Language
	e.skills = s.internSkills(p.Skills)
	e.score, e.deadline = p.Score, enc(p.Deadline)
	e.payload = string(p.Payload)
	e.rank = queuedriver.Rank(p.Weights, p.Score, p.Deadline, enqueuedAt)
	e.unanswered = unanswered(e.unanswered, p.Unanswered)
	e.version++
	e.updatedAt = now
	s.place(e)
	return e.item(), nil
}

// Claim implements queuedriver.Store. See the package doc for its cost.
func (s *Store) Claim(ctx context.Context, p queuedriver.ClaimParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag, ok := s.agents[p.Agent]
	if !ok {
		return queuedriver.Item{}, queuedriver.ErrUnknownAgent
	}
	now := enc(p.Now)
	s.advance(now)
	if ag.a.Capacity > 0 && liveLeases(ag, now) >= ag.a.Capacity {
		return queuedriver.Item{}, queuedriver.ErrAtCapacity
	}
	var best *entry
	var at, c cursor // at points at best in its group's tree
	s.eachGroup(&p.Filter, func(g *group) {
		if e := s.bestIn(g, &p, now, best, &c); e != nil {
			best, at = e, c
		}
	})
	if best == nil {
		return queuedriver.Item{}, queuedriver.ErrNoItem
	}
	e := best
	s.detachAt(e, &at)
	if e.state == queuedriver.Claimed { // an expired lease
		e.lastAgent, e.lastHeldAt = e.holder, e.until
		s.unhold(e)
	}
	e.state = queuedriver.Claimed
	s.hold(ag, e)
	e.leaseID, e.until = p.LeaseID, enc(p.ExpiresAt)
	e.claims++
	e.updatedAt = now
	s.place(e)
	s.remember(e) // its lease operations will look it up
	return e.item(), nil
}

func liveLeases(a *agentState, now int64) int {
	n := 0
	for _, e := range a.held {
		if now < e.until {
			n++
		}
	}
	return n
}

// bestIn returns the best item of g that p may take at now, if it is
// better than best, and leaves c pointing at it; otherwise nil. It walks
// the tree best first and stops at the first item it may take or at the
// first item not better than best.
func (s *Store) bestIn(g *group, p *queuedriver.ClaimParams, now int64, best *entry, c *cursor) *entry {
	var bs slot
	if best != nil {
		bs = mkSlot(best)
	}
	for c.best(&g.tree); c.ok; c.next() {
		sl := c.slot()
		if best != nil && !s.worse(&bs, sl) {
			return nil
		}
		if e := s.entryAt(sl.id); s.takes(e, p, now) {
			return e
		}
	}
	return nil
}

// takes reports whether the claimer p may take e at now (e's group already
// passed the channel and team filters).
func (s *Store) takes(e *entry, p *queuedriver.ClaimParams, now int64) bool {
	if !e.claimable(now) || !matchRest(&p.Filter, e) {
		return false
	}
	// Affinity: reserved for another online agent who let it go recently.
	if p.AffinityWindow > 0 && e.lastAgent != nil && e.lastAgent.a.ID != p.Agent &&
		now-e.lastHeldAt < int64(p.AffinityWindow) && e.lastAgent.a.Online {
		return false
	}
	return true
}

// lease returns the item if l is its current, unexpired lease.
func (s *Store) lease(l queuedriver.LeaseRef) (*entry, error) {
	e := s.find(l.Key)
	if e == nil || e.state != queuedriver.Claimed || e.leaseID != l.LeaseID || enc(l.Now) >= e.until {
		return nil, queuedriver.ErrLeaseLost
	}
	return e, nil
}

// Extend implements queuedriver.Store. It takes O(log n).
func (s *Store) Extend(ctx context.Context, l queuedriver.LeaseRef, expiresAt time.Time) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(enc(l.Now))
	e, err := s.lease(l)
	if err != nil {
		return queuedriver.Item{}, err
	}
	s.detach(e)
	e.until = enc(expiresAt)
	s.place(e)
	return e.item(), nil
}

// endLease records the holder as the last agent at now and clears the
// lease. e must be detached.
func (s *Store) endLease(e *entry, now int64) {
	e.lastAgent, e.lastHeldAt = e.holder, now
	s.unhold(e)
	e.leaseID, e.until = "", noTime
	e.updatedAt = now
}

// Complete implements queuedriver.Store. It takes O(log n).
func (s *Store) Complete(ctx context.Context, l queuedriver.LeaseRef) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := enc(l.Now)
	s.advance(now)
	e, err := s.lease(l)
	if err != nil {
		return queuedriver.Item{}, err
	}
	s.detach(e)
	s.endLease(e, now)
	e.state = queuedriver.Done
	e.unanswered = 0
	s.place(e)
	return e.item(), nil
}

// Release implements queuedriver.Store. It takes O(log n).
func (s *Store) Release(ctx context.Context, l queuedriver.LeaseRef, p queuedriver.ReleaseParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := enc(l.Now)
	s.advance(now)
	e, err := s.lease(l)
	if err != nil {
		return queuedriver.Item{}, err
	}
	s.detach(e)
	s.endLease(e, now)
	e.state = queuedriver.Waiting
	if p.Until.After(l.Now) {
		e.state, e.until = queuedriver.Snoozed, enc(p.Until)
	}
	if p.Team != "" {
		e.g = s.group(e.g.key.channel, p.Team)
		e.lastAgent = nil // a transfer to a team drops affinity
	}
	s.place(e)
	return e.item(), nil
}

// Reassign implements queuedriver.Store. It takes O(log n).
func (s *Store) Reassign(ctx context.Context, p queuedriver.ReassignParams) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := enc(p.Now)
	s.advance(now)
	to, ok := s.agents[p.ToAgent]
	if !ok {
		return queuedriver.Item{}, queuedriver.ErrUnknownAgent
	}
	var e *entry
	if p.FromLeaseID != "" {
		var err error
		if e, err = s.lease(queuedriver.LeaseRef{Key: p.Key, LeaseID: p.FromLeaseID, Now: p.Now}); err != nil {
			return queuedriver.Item{}, err
		}
	} else if e = s.find(p.Key); e == nil {
		return queuedriver.Item{}, queuedriver.ErrNotFound
	}
	s.detach(e)
	if e.state == queuedriver.Claimed {
		s.endLease(e, now)
	}
	e.state = queuedriver.Claimed
	s.hold(to, e)
	e.leaseID, e.until = p.NewLeaseID, enc(p.ExpiresAt)
	e.claims++
	e.updatedAt = now
	s.place(e)
	return e.item(), nil
}

// Get implements queuedriver.Store. It takes O(1).
func (s *Store) Get(ctx context.Context, key string) (queuedriver.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.find(key)
	if e == nil {
		return queuedriver.Item{}, queuedriver.ErrNotFound
	}
	return e.item(), nil
}

// ReleaseAgent implements queuedriver.Store. It takes O(h log n) for an
// agent holding h items.
func (s *Store) ReleaseAgent(ctx context.Context, agent string, now time.Time) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := enc(now)
	s.advance(n)
	a, ok := s.agents[agent]
	if !ok {
		return nil, nil
	}
	var keys []string
	for len(a.held) > 0 {
		e := a.held[len(a.held)-1]
		s.detach(e)
		s.endLease(e, n)
		e.state = queuedriver.Waiting
		s.place(e)
		keys = append(keys, e.key)
	}
	slices.Sort(keys)
	return keys, nil
}

// Count implements queuedriver.Store. It takes O(g) for g groups when the
// filter names no languages and the matching groups hold no items that
// need skills; otherwise it looks at every item of the matching groups.
func (s *Store) Count(ctx context.Context, f queuedriver.Filter, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := enc(now)
	s.advance(n)
	exact := n >= s.high // every item in a group tree is claimable
	total := 0
	s.eachGroup(&f, func(g *group) {
		if exact && len(f.Languages) == 0 && g.skilled == 0 {
			total += g.tree.len
			return
		}
		g.tree.each(func(sl *slot) {
			if e := s.entryAt(sl.id); e.claimable(n) && matchRest(&f, e) {
				total++
			}
		})
	})
	return total, nil
}

// Stats implements queuedriver.Store. It takes O(n) for the oldest
// waiting item (the trees are ordered by rank, not age).
func (s *Store) Stats(ctx context.Context, now time.Time) (queuedriver.Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := enc(now)
	s.advance(n)
	st := queuedriver.Stats{WaitingByChannel: map[string]int{}, WaitingByTeam: map[string]int{}, ClaimsByAgent: map[string]int{}}
	oldest := int64(math.MaxInt64)
	for _, g := range s.all {
		c := 0
		g.tree.each(func(sl *slot) {
			if e := s.entryAt(sl.id); e.claimable(n) {
				c++
				oldest = min(oldest, e.enqueuedAt)
			}
		})
		if c > 0 {
			st.WaitingByChannel[g.key.channel] += c
			st.WaitingByTeam[g.key.team] += c
		}
	}
	if oldest != math.MaxInt64 {
		st.OldestWaiting = dec(oldest)
	}
	for id, a := range s.agents {
		if c := liveLeases(a, n); c > 0 {
			st.ClaimsByAgent[id] = c
		}
	}
	return st, nil
}
