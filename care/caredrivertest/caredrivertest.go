// Package caredrivertest is the conformance suite that every care.Store
// must pass: the in-memory care.MemStore, the PostgreSQL pgcare, and any
// store a host writes. Run it from a test of the store's package:
//
//	func TestConformance(t *testing.T) {
//		caredrivertest.RunConformanceTests(t, func(t *testing.T) care.Store {
//			return care.NewMemStore()
//		})
//	}
//
// It checks every point of the care.Store contract: the exact round trip
// of a conversation with every field set (Conversation), versions and
// ErrConflict, dedup keys saved atomically with a conversation and
// ErrDuplicate (nothing written either way), expiry of dedup keys, Seen,
// OpenConversations, MarkAcknowledged, follow-ups, Purge with its Limit and
// counts, ErrUnknownConversation, Mark, the feed of saves (Cursor and
// Changes, with concurrent writers), Lead, and concurrent writers (exactly one
// winner from one version, no lost update when the losers retry; run it
// with -race).
//
// Times the store compares (expiries, resolutions, due times) are at whole
// microseconds, so that stores with PostgreSQL's precision pass; the
// conversation's own times carry nanoseconds and must come back Equal. A
// store that serializes conversations must give back the host's
// *sla.Calendar: see Policies.
package caredrivertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
)

var ctx = context.Background()

// RunConformanceTests runs the suite. newStore must return a new, empty
// store each time it is called (one per subtest); it may register cleanups
// with t. Subtests run in parallel.
func RunConformanceTests(t *testing.T, newStore func(t *testing.T) care.Store) {
	t.Helper()
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// Names returns the names of the suite's subtests, in the order they
// start, so that a store's test can select some with -run.
func Names() []string {
	out := make([]string, len(suite))
	for i, tc := range suite {
		out[i] = tc.name
	}
	return out
}

var suite = []struct {
	name string
	fn   func(t *testing.T, s care.Store)
}{
	{"RoundTrip", testRoundTrip},
	{"Copies", testCopies},
	{"Versions", testVersions},
	{"UnknownConversation", testUnknown},
	{"Duplicate", testDuplicate},
	{"DedupExpiry", testDedupExpiry},
	{"OpenConversations", testOpenConversations},
	{"MarkAcknowledged", testMarkAcknowledged},
	{"FollowUps", testFollowUps},
	{"Boomerangs", testBoomerangs},
	{"Purge", testPurge},
	{"PurgeLimit", testPurgeLimit},
	{"PurgeOutOfOrder", testPurgeOutOfOrder},
	{"ConcurrentSaves", testConcurrentSaves},
	{"NoLostUpdate", testNoLostUpdate},
	{"ConcurrentDedup", testConcurrentDedup},
	{"ConcurrentOnce", testConcurrentOnce},
	{"Mark", testMark},
	{"Changes", testChanges},
	{"ConcurrentChanges", testConcurrentChanges},
	{"Lead", testLead},
}

// --- helpers ------------------------------------------------------------

func save(t *testing.T, s care.Store, c *care.Conversation, now time.Time, seen ...care.SeenKey) {
	t.Helper()
	v := c.Version
	require.NoError(t, s.SaveConversation(ctx, c, seen, now), "save %s from version %d", c.Key, v)
	require.Equal(t, v+1, c.Version, "a successful save must leave c.Version one more")
}

func load(t *testing.T, s care.Store, key string) care.Conversation {
	t.Helper()
	c, err := s.Conversation(ctx, key)
	require.NoError(t, err, "load %s", key)
	return c
}

func requireSame(t *testing.T, want, got any) {
	t.Helper()
	if d := Diff(want, got); d != "" {
		t.Fatalf("caredrivertest: stored value differs: %s", d)
	}
}

func requireUnknown(t *testing.T, s care.Store, key string) {
	t.Helper()
	_, err := s.Conversation(ctx, key)
	require.ErrorIs(t, err, care.ErrUnknownConversation, "conversation %s", key)
}

func seen(t *testing.T, s care.Store, key string, now time.Time) bool {
	t.Helper()
	ok, err := s.Seen(ctx, key, now)
	require.NoError(t, err)
	return ok
}

// open returns a minimal conversation with an open cycle.
func open(key string, since time.Time) care.Conversation {
	return care.Conversation{Key: key, Channel: "x", Account: "brand", Cycle: 1, Since: since,
		Transcript: []care.Turn{{Role: care.Customer, ID: key + "-1", Text: "hello", At: since}}}
}

// resolved returns a minimal conversation resolved at at.
func resolved(key string, at time.Time) care.Conversation {
	c := open(key, at.Add(-time.Hour))
	c.Since, c.ResolvedAt = time.Time{}, at
	return c
}

// --- cases --------------------------------------------------------------

func testRoundTrip(t *testing.T, s care.Store) {
	want := Conversation("x:brand:rt")
	want.Version = 1 // as saved
	require.Empty(t, Populated(want), "caredrivertest: the fixture leaves a field unset; set it in Conversation")
	require.Empty(t, Populated(FollowUp("f", "k", t0)), "caredrivertest: the follow-up fixture leaves a field unset")

	c := Conversation("x:brand:rt")
	save(t, s, &c, t0)
	want.Version = 1
	requireSame(t, want, load(t, s, c.Key))

	// A second save of the same value, and one of a resolved conversation
	// (Since zero, no Routing or Handoff), come back as saved too.
	save(t, s, &c, t0)
	want.Version = 2
	requireSame(t, want, load(t, s, c.Key))
	c.Since, c.Routing, c.Handoff, c.SLAPauses, c.PublicPII = time.Time{}, nil, nil, nil, nil
	c.ResolvedAt = t0.Add(3 * time.Hour)
	want = c
	save(t, s, &c, t0)
	want.Version = 3
	requireSame(t, want, load(t, s, c.Key))
}

// testCopies: the store keeps and hands out copies of the conversation's
// own data. Policy and Routing.Loop hold the host's configuration, which
// may be shared like Policy.Calendar.
func testCopies(t *testing.T, s care.Store) {
	c := Conversation("x:brand:copies")
	save(t, s, &c, t0)
	want := Conversation(c.Key) // built apart: it shares nothing with c or the store
	want.Version = 1

	// Changing the saved value or a loaded copy must not change the store.
	c.Transcript[0].Text = "changed"
	c.Messages[0].Attachments[0].URL = "changed"
	c.Routing.Topics[0] = "changed"
	c.Handoff.Transcript[0].Text = "changed"
	c.SLAPauses[0].FromTurn = 99
	got := load(t, s, c.Key)
	got.Transcript[0].Text = "changed too"
	got.Score.Reasons[0].Detail = "changed"
	got.Routing.Reasons[0] = "changed"
	got.PublicPII[0].Text = "changed"
	got.Messages[1].Attachments[0].Caption = "changed"
	got.Handoff.Transcript[0].Text = "changed"
	got.SLAPauses[0].ToTurn = 99
	requireSame(t, want, load(t, s, c.Key))
}

func testVersions(t *testing.T, s care.Store) {
	c := open("x:brand:v", t0)
	require.Zero(t, c.Version)
	save(t, s, &c, t0)
	stale := load(t, s, c.Key)
	require.EqualValues(t, 1, stale.Version)

	c.Unanswered = 2
	save(t, s, &c, t0)
	require.EqualValues(t, 2, load(t, s, c.Key).Version)

	// A save from a version that is no longer stored fails and writes
	// nothing, not even its dedup keys; the caller's Version is unchanged.
	stale.Team = "stale"
	err := s.SaveConversation(ctx, &stale, []care.SeenKey{{Key: "v-k1", Expires: t0.Add(time.Hour)}}, t0)
	require.ErrorIs(t, err, care.ErrConflict)
	require.EqualValues(t, 1, stale.Version)
	got := load(t, s, c.Key)
	require.EqualValues(t, 2, got.Version)
	require.Equal(t, "", got.Team)
	require.Equal(t, 2, got.Unanswered)
	require.False(t, seen(t, s, "v-k1", t0), "a conflicting save must not mark its dedup keys")

	// Version 0 means "not stored yet": it conflicts with a stored one.
	fresh := open(c.Key, t0)
	require.ErrorIs(t, s.SaveConversation(ctx, &fresh, nil, t0), care.ErrConflict)
	require.Zero(t, fresh.Version)
	// A version ahead of the store conflicts too, stored or not.
	ahead := got
	ahead.Version = 7
	require.ErrorIs(t, s.SaveConversation(ctx, &ahead, nil, t0), care.ErrConflict)
	ghost := open("x:brand:ghost", t0)
	ghost.Version = 1
	require.ErrorIs(t, s.SaveConversation(ctx, &ghost, nil, t0), care.ErrConflict)
	requireUnknown(t, s, ghost.Key)

	// After reloading, the change applies.
	stale = load(t, s, c.Key)
	stale.Team = "reloaded"
	save(t, s, &stale, t0)
	got = load(t, s, c.Key)
	require.EqualValues(t, 3, got.Version)
	require.Equal(t, "reloaded", got.Team)
}

func testUnknown(t *testing.T, s care.Store) {
	requireUnknown(t, s, "x:brand:nobody")
	c := open("x:brand:somebody", t0)
	save(t, s, &c, t0)
	requireUnknown(t, s, "x:brand:nobody")
	requireUnknown(t, s, "")
}

func testDuplicate(t *testing.T, s care.Store) {
	exp := t0.Add(48 * time.Hour)
	a := open("x:brand:a", t0)
	save(t, s, &a, t0, care.SeenKey{Key: "msg-1", Expires: exp})
	require.True(t, seen(t, s, "msg-1", t0))
	require.False(t, seen(t, s, "msg-2", t0))

	// A new conversation carrying a marked key: nothing is written, not
	// the conversation and not its other keys.
	b := open("x:brand:b", t0)
	err := s.SaveConversation(ctx, &b, []care.SeenKey{{Key: "msg-2", Expires: exp}, {Key: "msg-1", Expires: exp}}, t0.Add(time.Hour))
	require.ErrorIs(t, err, care.ErrDuplicate)
	require.Zero(t, b.Version)
	requireUnknown(t, s, b.Key)
	require.False(t, seen(t, s, "msg-2", t0.Add(time.Hour)), "a duplicate save must not mark its other keys")

	// An update carrying a marked key: the stored version stays.
	a.Unanswered = 5
	err = s.SaveConversation(ctx, &a, []care.SeenKey{{Key: "msg-3", Expires: exp}, {Key: "msg-1", Expires: exp}}, t0)
	require.ErrorIs(t, err, care.ErrDuplicate)
	require.EqualValues(t, 1, a.Version)
	got := load(t, s, a.Key)
	require.EqualValues(t, 1, got.Version)
	require.Zero(t, got.Unanswered)
	require.False(t, seen(t, s, "msg-3", t0))

	// Without the marked key both saves go through, and a save may mark
	// several keys at once, or none.
	save(t, s, &b, t0, care.SeenKey{Key: "msg-2", Expires: exp}, care.SeenKey{Key: "msg-3", Expires: exp})
	require.True(t, seen(t, s, "msg-2", t0))
	require.True(t, seen(t, s, "msg-3", t0))
	save(t, s, &a, t0)
	require.EqualValues(t, 2, load(t, s, a.Key).Version)
}

func testDedupExpiry(t *testing.T, s care.Store) {
	exp := t0.Add(48 * time.Hour)
	a := open("x:brand:exp", t0)
	save(t, s, &a, t0, care.SeenKey{Key: "msg-1", Expires: exp})
	require.True(t, seen(t, s, "msg-1", exp), "a key is marked up to and including its expiry")
	require.False(t, seen(t, s, "msg-1", exp.Add(time.Microsecond)))

	// Before its expiry it is a duplicate, after it it is not, and it may
	// be marked again, with a new expiry.
	b := open("x:brand:exp2", t0)
	require.ErrorIs(t, s.SaveConversation(ctx, &b, []care.SeenKey{{Key: "msg-1", Expires: exp.Add(time.Hour)}}, exp), care.ErrDuplicate)
	later := exp.Add(time.Microsecond)
	save(t, s, &b, later, care.SeenKey{Key: "msg-1", Expires: later.Add(48 * time.Hour)})
	require.True(t, seen(t, s, "msg-1", later.Add(47*time.Hour)))
	require.False(t, seen(t, s, "msg-1", later.Add(49*time.Hour)))
}

func testOpenConversations(t *testing.T, s care.Store) {
	cs, err := s.OpenConversations(ctx)
	require.NoError(t, err)
	require.Empty(t, cs)

	for _, k := range []string{"x:b:c", "x:b:a", "x:b:d"} {
		c := open(k, t0)
		save(t, s, &c, t0)
	}
	r := resolved("x:b:b", t0)
	save(t, s, &r, t0)
	full := Conversation("x:b:e")
	save(t, s, &full, t0)

	cs, err = s.OpenConversations(ctx)
	require.NoError(t, err)
	var keys []string
	for _, c := range cs {
		keys = append(keys, c.Key)
	}
	require.Equal(t, []string{"x:b:a", "x:b:c", "x:b:d", "x:b:e"}, keys, "open conversations only, in key order")
	requireSame(t, full, cs[3])

	// Resolving one removes it; reopening another brings it back.
	a := load(t, s, "x:b:a")
	a.Since, a.ResolvedAt = time.Time{}, t0.Add(time.Hour)
	save(t, s, &a, t0)
	b := load(t, s, "x:b:b")
	b.Since, b.ResolvedAt, b.Cycle = t0.Add(2*time.Hour), time.Time{}, 2
	save(t, s, &b, t0)
	cs, err = s.OpenConversations(ctx)
	require.NoError(t, err)
	keys = keys[:0]
	for _, c := range cs {
		keys = append(keys, c.Key)
	}
	require.Equal(t, []string{"x:b:b", "x:b:c", "x:b:d", "x:b:e"}, keys)
	require.EqualValues(t, 2, cs[0].Version)
	require.Equal(t, 2, cs[0].Cycle)
}

func testMarkAcknowledged(t *testing.T, s care.Store) {
	mark := func(key string, cycle int) bool {
		t.Helper()
		ok, err := s.MarkAcknowledged(ctx, key, cycle, t0)
		require.NoError(t, err)
		return ok
	}
	require.True(t, mark("k", 1), "the first mark of a cycle")
	require.False(t, mark("k", 1), "a cycle is acknowledged once")
	require.True(t, mark("other", 1), "marks are per conversation")
	require.True(t, mark("k", 2), "a later cycle is acknowledged again")
	require.False(t, mark("k", 2))
	require.False(t, mark("k", 1), "an acknowledged cycle stays acknowledged")
	require.True(t, mark("k", 5))
}

// testBoomerangs checks care.BoomerangLister, for a store that implements
// it: an agent's due Boomerangs alone, in FollowUps' order.
func testBoomerangs(t *testing.T, s care.Store) {
	bl, ok := s.(care.BoomerangLister)
	if !ok {
		t.Skip("the store does not implement care.BoomerangLister")
	}
	boomerang := func(id, agent string, at time.Time) care.FollowUp {
		f := FollowUp(id, "k-"+id, at)
		f.Kind, f.Agent, f.Text, f.Intent, f.Notified = care.Boomerang, agent, "", "", false
		return f
	}
	a1 := boomerang("a1", "ana", t0.Add(2*time.Hour))
	a2 := boomerang("a2", "ana", t0.Add(time.Hour))
	a0 := boomerang("a0", "ana", t0.Add(time.Hour))
	b1 := boomerang("b1", "bo", t0.Add(time.Hour))
	p1 := FollowUp("p1", "k-p1", t0.Add(time.Hour)) // a proactive message
	p1.Agent = "ana"
	for _, f := range []care.FollowUp{a1, a2, a0, b1, p1} {
		require.NoError(t, s.PutFollowUp(ctx, f))
	}
	due := func(agent string, until time.Time) []care.FollowUp {
		t.Helper()
		fs, err := bl.Boomerangs(ctx, agent, until)
		require.NoError(t, err)
		return fs
	}
	require.Empty(t, due("ana", t0.Add(time.Hour-time.Microsecond)))
	requireSame(t, []care.FollowUp{a0, a2}, due("ana", t0.Add(time.Hour)))
	requireSame(t, []care.FollowUp{a0, a2, a1}, due("ana", t0.Add(3*time.Hour)))
	requireSame(t, []care.FollowUp{b1}, due("bo", t0.Add(3*time.Hour)))
	require.Empty(t, due("cy", t0.Add(3*time.Hour)))
	ok, err := s.TakeFollowUp(ctx, "a0")
	require.NoError(t, err)
	require.True(t, ok)
	requireSame(t, []care.FollowUp{a2, a1}, due("ana", t0.Add(3*time.Hour)))
}

func testFollowUps(t *testing.T, s care.Store) {
	due := func(until time.Time) []care.FollowUp {
		t.Helper()
		fs, err := s.FollowUps(ctx, until)
		require.NoError(t, err)
		return fs
	}
	take := func(id string) bool {
		t.Helper()
		ok, err := s.TakeFollowUp(ctx, id)
		require.NoError(t, err)
		return ok
	}
	require.Empty(t, due(t0.Add(1000*time.Hour)))

	f1 := FollowUp("f1", "k1", t0.Add(2*time.Hour))
	f2 := FollowUp("f2", "k2", t0.Add(time.Hour))
	f3 := FollowUp("f0", "k3", t0.Add(time.Hour))
	f3.Kind, f3.Text, f3.Intent, f3.Notified = care.Boomerang, "", "", false
	for _, f := range []care.FollowUp{f1, f2, f3} {
		require.NoError(t, s.PutFollowUp(ctx, f))
	}
	require.Empty(t, due(t0.Add(time.Hour-time.Microsecond)))
	requireSame(t, []care.FollowUp{f3, f2}, due(t0.Add(time.Hour)))
	requireSame(t, []care.FollowUp{f3, f2, f1}, due(t0.Add(3*time.Hour)))

	// Put replaces the follow-up of that id, moving it in the order.
	f1.At, f1.Note, f1.Notified = t0.Add(30*time.Minute), "sooner", false
	require.NoError(t, s.PutFollowUp(ctx, f1))
	requireSame(t, []care.FollowUp{f1, f3, f2}, due(t0.Add(3*time.Hour)))

	// Take deletes it once.
	require.True(t, take("f1"))
	require.False(t, take("f1"))
	require.False(t, take("nobody"))
	requireSame(t, []care.FollowUp{f3, f2}, due(t0.Add(3*time.Hour)))
	require.NoError(t, s.PutFollowUp(ctx, f1))
	requireSame(t, []care.FollowUp{f1, f3, f2}, due(t0.Add(3*time.Hour)))
}

func testPurge(t *testing.T, s care.Store) {
	cutoff := t0.Add(-7 * 24 * time.Hour)
	mark := func(key string, cycle int) bool {
		t.Helper()
		ok, err := s.MarkAcknowledged(ctx, key, cycle, t0)
		require.NoError(t, err)
		return ok
	}
	// old1, old2: resolved before the cutoff. reopened: resolved before it,
	// then reopened. again: resolved before it, reopened, resolved after
	// it. recent: resolved after it. live: open.
	old1 := resolved("x:b:old1", cutoff.Add(-3*24*time.Hour))
	old2 := resolved("x:b:old2", cutoff.Add(-time.Microsecond))
	reopened := resolved("x:b:reopened", cutoff.Add(-2*24*time.Hour))
	again := resolved("x:b:again", cutoff.Add(-2*24*time.Hour))
	recent := resolved("x:b:recent", cutoff)
	live := open("x:b:live", cutoff.Add(-30*24*time.Hour))
	for _, c := range []*care.Conversation{&old1, &old2, &reopened, &again, &recent, &live} {
		save(t, s, c, t0)
		require.True(t, mark(c.Key, 1))
		require.NoError(t, s.PutFollowUp(ctx, FollowUp("fu-"+c.Key, c.Key, t0.Add(time.Hour))))
	}
	reopened.Since, reopened.ResolvedAt, reopened.Cycle = cutoff.Add(-24*time.Hour), time.Time{}, 2
	save(t, s, &reopened, t0)
	again.Since, again.ResolvedAt, again.Cycle = cutoff.Add(-24*time.Hour), time.Time{}, 2
	save(t, s, &again, t0)
	again.Since, again.ResolvedAt = time.Time{}, cutoff.Add(time.Hour)
	save(t, s, &again, t0)

	// Dedup keys: two expired before now, one expiring at now, one later.
	now := t0
	x := open("x:b:keys", t0)
	save(t, s, &x, t0.Add(-72*time.Hour),
		care.SeenKey{Key: "gone-1", Expires: now.Add(-time.Hour)},
		care.SeenKey{Key: "gone-2", Expires: now.Add(-time.Microsecond)},
		care.SeenKey{Key: "stays-1", Expires: now},
		care.SeenKey{Key: "stays-2", Expires: now.Add(time.Hour)})

	got, err := s.Purge(ctx, care.PurgeParams{ResolvedBefore: cutoff, Now: now})
	require.NoError(t, err)
	require.Equal(t, care.Purged{Conversations: 2, SeenKeys: 2}, got)

	for _, k := range []string{old1.Key, old2.Key} {
		requireUnknown(t, s, k)
		require.True(t, mark(k, 1), "the acknowledgement marks of a purged conversation are deleted")
		ok, err := s.TakeFollowUp(ctx, "fu-"+k)
		require.NoError(t, err)
		require.False(t, ok, "the follow-ups of a purged conversation are deleted")
	}
	for _, c := range []care.Conversation{reopened, again, recent, live, x} {
		require.EqualValues(t, c.Version, load(t, s, c.Key).Version, "%s is kept", c.Key)
	}
	for _, k := range []string{reopened.Key, again.Key, recent.Key, live.Key} {
		require.False(t, mark(k, 1), "the marks of %s are kept", k)
	}
	fs, err := s.FollowUps(ctx, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, fs, 4)

	require.True(t, seen(t, s, "stays-1", now))
	require.True(t, seen(t, s, "stays-2", now))
	// A purged key may be marked again.
	y := open("x:b:keys2", t0)
	save(t, s, &y, now, care.SeenKey{Key: "gone-1", Expires: now.Add(time.Hour)})
	require.True(t, seen(t, s, "gone-1", now))

	// Nothing more to delete.
	got, err = s.Purge(ctx, care.PurgeParams{ResolvedBefore: cutoff, Now: now})
	require.NoError(t, err)
	require.Equal(t, care.Purged{}, got)
	// A zero PurgeParams deletes nothing.
	got, err = s.Purge(ctx, care.PurgeParams{})
	require.NoError(t, err)
	require.Equal(t, care.Purged{}, got)
}

func testPurgeLimit(t *testing.T, s care.Store) {
	cutoff := t0
	for i := range 5 {
		c := resolved(fmt.Sprintf("x:b:%d", i), cutoff.Add(-time.Duration(i+1)*time.Hour))
		save(t, s, &c, t0, care.SeenKey{Key: fmt.Sprintf("k%d", i), Expires: t0.Add(-time.Duration(i+1) * time.Minute)})
	}
	var total care.Purged
	for _, want := range []care.Purged{{Conversations: 2, SeenKeys: 2}, {Conversations: 2, SeenKeys: 2}, {Conversations: 1, SeenKeys: 1}, {}} {
		got, err := s.Purge(ctx, care.PurgeParams{ResolvedBefore: cutoff, Now: t0, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, want, got, "Limit bounds each kind")
		total.Conversations += got.Conversations
		total.SeenKeys += got.SeenKeys
	}
	require.Equal(t, care.Purged{Conversations: 5, SeenKeys: 5}, total)
	for i := range 5 {
		requireUnknown(t, s, fmt.Sprintf("x:b:%d", i))
	}
}

// testPurgeOutOfOrder saves resolutions and dedup keys out of time order,
// as desks whose clocks differ slightly do, and with several TTLs: Purge
// deletes what is due all the same.
func testPurgeOutOfOrder(t *testing.T, s care.Store) {
	cutoff := t0
	late := resolved("x:b:late", cutoff.Add(time.Hour))
	save(t, s, &late, t0, care.SeenKey{Key: "long", Expires: t0.Add(time.Hour)})
	early := resolved("x:b:early", cutoff.Add(-time.Hour))
	save(t, s, &early, t0, care.SeenKey{Key: "short", Expires: t0.Add(-time.Hour)})
	got, err := s.Purge(ctx, care.PurgeParams{ResolvedBefore: cutoff, Now: t0})
	require.NoError(t, err)
	require.Equal(t, care.Purged{Conversations: 1, SeenKeys: 1}, got)
	requireUnknown(t, s, early.Key)
	require.EqualValues(t, 1, load(t, s, late.Key).Version)
	require.True(t, seen(t, s, "long", t0))
}

// rounds of writers racing from one version.
const (
	writers = 8
	rounds  = 5
)
