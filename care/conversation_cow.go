package care

import (
	"slices"

	"github.com/socialcare/socialcare/channel"
)

// Copy-on-write between MemStore and the desk. A conversation MemStore
// holds is a snapshot that nobody changes once stored. The desk reads it
// through a view (MemStore.view): its own Conversation struct whose slices
// and pointers are the snapshot's, capped so that an append copies; the
// desk changes a view's fields and appends to its slices, and copies a
// slice before it writes one of its elements (closePause, a delivery
// status). A save keeps what the new version shares with the snapshot it
// replaces and copies the rest (copyAgainst), so that a reply copies its
// new turns, not the whole conversation. The desk's own saves go further
// (MemStore.saveOwn): the view itself becomes the new snapshot, with the
// turns and messages the desk appended to it, and the desk never writes
// into it again (a later change starts from a view of it). Whatever goes
// out to a caller (an Assignment's snapshot, an Intake, Store.Conversation)
// is a deep copy.

// view returns a shallow copy of c whose slices are capped at their
// length: appending to one copies it instead of writing into c's array.
func (c *Conversation) view() *Conversation {
	v := *c
	v.Aliases = slices.Clip(v.Aliases)
	v.Messages = slices.Clip(v.Messages)
	v.Transcript = slices.Clip(v.Transcript)
	v.Informed = slices.Clip(v.Informed)
	v.PublicPII = slices.Clip(v.PublicPII)
	v.SLAPauses = slices.Clip(v.SLAPauses)
	v.Sending = slices.Clip(v.Sending)
	v.Score.Reasons = slices.Clip(v.Score.Reasons)
	p := &v.Policy
	p.Channels, p.Bands, p.Tiers, p.Teams = slices.Clip(p.Channels), slices.Clip(p.Bands), slices.Clip(p.Tiers), slices.Clip(p.Teams)
	return &v
}

// same reports whether a and b are the same slice of the same array: a
// view's slice the desk did not replace.
func same[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// copyAgainst returns a copy of c for the store, sharing with old (the
// stored snapshot c was read from; nil for none) the slices and pointers
// that c still shares with it, and copying everything else as clone does:
// a slice c's caller may still hold and change is never shared. An empty
// slice is c's own, so that nil and empty stay as the caller had them.
//
// With owned, c is the desk's own change of a view (MemStore.saveOwn):
// its Messages and Transcript, where they are not old's, are arrays the
// desk appended to for this save, which nothing else holds (a view's
// slices are capped, so its appends copy). They are kept, capped on both
// sides so that neither appends into the other's array, and only the
// attachments of the messages not old's are copied (they are the
// Ingest caller's). A save then copies the conversation's turns once
// (the desk's append), not twice.
func (c *Conversation) copyAgainst(old *Conversation, owned bool) Conversation {
	if old == nil && !owned {
		return c.clone()
	}
	if old == nil {
		old = &Conversation{}
	}
	cp := *c
	switch {
	case owned && len(c.Messages) > 0:
		c.Messages = slices.Clip(c.Messages)
		for i := range c.Messages {
			at := c.Messages[i].Attachments
			if len(at) > 0 && (i >= len(old.Messages) || !same(at, old.Messages[i].Attachments)) {
				c.Messages[i].Attachments = slices.Clone(at)
			}
		}
		cp.Messages = c.Messages
	case !same(c.Messages, old.Messages) || len(c.Messages) == 0:
		cp.Messages = cloneMessages(c.Messages)
	}
	switch {
	case owned && len(c.Transcript) > 0:
		c.Transcript = slices.Clip(c.Transcript)
		cp.Transcript = c.Transcript
	case !same(c.Transcript, old.Transcript) || len(c.Transcript) == 0:
		cp.Transcript = append(make([]Turn, 0, len(c.Transcript)), c.Transcript...)
	}
	p, op := &cp.Policy, &old.Policy
	p.Channels, p.Bands = keepOrClone(p.Channels, op.Channels), keepOrClone(p.Bands, op.Bands)
	p.Tiers, p.Teams = keepOrClone(p.Tiers, op.Tiers), keepOrClone(p.Teams, op.Teams)
	cp.Score.Reasons = keepOrClone(c.Score.Reasons, old.Score.Reasons)
	cp.PublicPII = keepOrClone(c.PublicPII, old.PublicPII)
	cp.SLAPauses = keepOrClone(c.SLAPauses, old.SLAPauses)
	cp.Sending = keepOrClone(c.Sending, old.Sending)
	cp.Aliases = keepOrClone(c.Aliases, old.Aliases)
	cp.Informed = keepOrClone(c.Informed, old.Informed)
	if c.Routing != old.Routing && c.Routing != nil {
		cp.Routing = cloneDecision(c.Routing)
	}
	if c.Handoff != old.Handoff && c.Handoff != nil {
		h := *c.Handoff
		h.Transcript = slices.Clone(h.Transcript)
		cp.Handoff = &h
	}
	return cp
}

// keepOrClone returns s if it is the same slice as old's (and not empty),
// else a copy of s.
func keepOrClone[T any](s, old []T) []T {
	if len(s) > 0 && same(s, old) {
		return s
	}
	return slices.Clone(s)
}

// cloneMessages returns a deep copy of ms, never nil (as clone has it).
func cloneMessages(ms []channel.Message) []channel.Message {
	out := append(make([]channel.Message, 0, len(ms)), ms...)
	for i := range out {
		out[i].Attachments = slices.Clone(out[i].Attachments)
	}
	return out
}

// cloneDecision returns a deep copy of d. Its string slices (topics,
// reasons, the notices' reasons) share one new array, and so do its
// escalations: each is capped, so that appending to one copies it rather
// than writing into the next. A nil slice stays nil, an empty one empty.
func cloneDecision(d *Decision) *Decision {
	r := *d
	ns, ne := len(r.Topics)+len(r.Reasons), len(r.Loop.Escalation)
	for _, n := range r.Inform {
		ns, ne = ns+len(n.Reasons), ne+len(n.Loop.Escalation)
	}
	strs, escs := make([]string, 0, ns), make([]Escalation, 0, ne)
	r.Topics, strs = carve(r.Topics, strs)
	r.Reasons, strs = carve(r.Reasons, strs)
	r.Loop.Escalation, escs = carve(r.Loop.Escalation, escs)
	r.Situations = slices.Clone(r.Situations)
	r.Inform = slices.Clone(r.Inform)
	for i := range r.Inform {
		r.Inform[i].Reasons, strs = carve(r.Inform[i].Reasons, strs)
		r.Inform[i].Loop.Escalation, escs = carve(r.Inform[i].Loop.Escalation, escs)
	}
	return &r
}

// carve copies s to the end of buf, whose capacity has room for it, and
// returns the copy, capped at its length, and buf extended by it: as
// slices.Clone(s), but from one array for several slices.
func carve[T any](s, buf []T) (cp, rest []T) {
	if s == nil {
		return nil, buf
	}
	n := len(buf)
	buf = append(buf, s...)
	return buf[n:len(buf):len(buf)], buf
}
