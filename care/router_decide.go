package care

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/situation"
)

// Route decides the loop of a message with the given priority score,
// finding its situations with the router's detector. It is
// RouteSituations with the detector's result.
func (r *Router) Route(m channel.Message, score float64) Decision {
	found := r.sit.Detect(&situation.Input{Text: m.Text, Followers: m.Author.Followers})
	return r.RouteSituations(m, score, &found)
}

// Situations returns the situations the router's detector finds in m, for
// a caller that scores and routes one message with one detection (pass the
// result to RouteSituations and to the scorer's Input.Situations).
func (r *Router) Situations(m channel.Message) situation.Result {
	return r.sit.Detect(&situation.Input{Text: m.Text, Followers: m.Author.Followers})
}

// RouteSituations decides the loop of a message with the given priority
// score and the situations found in it by any situation.Classifier (a nil
// found means none). See Route for the rules.
func (r *Router) RouteSituations(m channel.Message, score float64, found *situation.Result) Decision {
	topics, kw := r.Topics(m.Text)
	d := Decision{Loop: r.defLoop, Topics: topics}
	// The situations found, and the mask bit of each (see Router.bits).
	var matches []situation.Match
	var small [8]uint64
	bits := small[:0]
	var have uint64
	if found != nil {
		matches = found.Matches
		d.Situations = slices.Clone(found.Matches)
		if len(matches) > len(small) {
			bits = make([]uint64, 0, len(matches))
		}
		for _, x := range matches {
			b := r.bits[x.Kind]
			bits = append(bits, b)
			have |= b
		}
	}
	// The rules are matched first, with their reasons as references;
	// the reasons of the rules that choose or inform a loop are then
	// written in one string, and listed in one slice.
	var primary *compiledRoute
	var primaryWhy why
	var small2 [8]notice
	inform := small2[:0]
	informed := false // d.Inform is not nil (it was appended to)
	for i := range r.routes {
		rt := &r.routes[i]
		w, ok := r.match(rt, &m, score, topics, matches, bits, have)
		if !ok {
			continue
		}
		if primary == nil && !rt.Inform {
			primary, primaryWhy = rt, w
			// A loop informed by an earlier rule now owns the message.
			inform = slices.DeleteFunc(inform, func(n notice) bool { return n.rt.Loop == rt.Loop })
			continue
		}
		loop := r.def
		if primary != nil {
			loop = primary.Loop
		}
		if rt.OwnOnly || rt.Loop == loop || slices.ContainsFunc(inform, func(n notice) bool { return n.rt.Loop == rt.Loop }) {
			continue
		}
		inform, informed = append(inform, notice{rt, w}), true
	}
	if primary == nil {
		// Without a rule of its own, the default loop keeps the message;
		// a notice to it would be redundant.
		inform = slices.DeleteFunc(inform, func(n notice) bool { return n.rt.Loop == r.def })
	}
	n := 0
	if primary != nil {
		n += primaryWhy.count()
	}
	for _, x := range inform {
		n += x.why.count()
	}
	if n == 0 {
		if informed {
			d.Inform = []Notice{}
		}
		return d
	}
	var tmp [512]byte
	buf := tmp[:0]
	var offs [16][2]int32
	at := offs[:0]
	if primary != nil {
		buf, at = primaryWhy.appendTo(buf, at, primary, &m, score, topics, kw, matches)
	}
	for _, x := range inform {
		buf, at = x.why.appendTo(buf, at, x.rt, &m, score, topics, kw, matches)
	}
	text := string(buf)
	reasons := make([]string, len(at))
	for i, o := range at {
		reasons[i] = text[o[0]:o[1]]
	}
	k := 0
	next := func(w why) []string {
		c := w.count()
		k += c
		return reasons[k-c : k : k]
	}
	if primary != nil {
		d.Loop, d.Rule, d.Reasons = primary.loop, primary.Name, next(primaryWhy)
		if primary.Loop != r.def {
			d.Route = primary.Name
		}
	}
	if informed {
		d.Inform = make([]Notice, len(inform))
		for i, x := range inform {
			d.Inform[i] = Notice{Loop: x.rt.loop, Route: x.rt.Name, Reasons: next(x.why)}
		}
	}
	return d
}

// notice is a rule that informs its loop, and why.
type notice struct {
	rt  *compiledRoute
	why why
}

// why refers to the reasons a rule matched, in order: a topic (an index in
// the topics found) or a situation (an index in the situations found),
// the channel, the author, the score; or, with none of them, "matches
// everything".
type why struct {
	topic, situation       int // -1: none
	channel, author, score bool
}

// count returns the number of reasons.
func (w why) count() int {
	n := 0
	if w.topic >= 0 || w.situation >= 0 {
		n++
	}
	for _, b := range []bool{w.channel, w.author, w.score} {
		if b {
			n++
		}
	}
	return max(n, 1)
}

// appendTo appends the text of each reason to buf and its offsets to at.
func (w why) appendTo(buf []byte, at [][2]int32, rt *compiledRoute, m *channel.Message, score float64, topics, kw []string, matches []situation.Match) ([]byte, [][2]int32) {
	add := func(b []byte) {
		at = append(at, [2]int32{int32(len(buf)), int32(len(b))})
		buf = b
	}
	none := true
	if w.topic >= 0 {
		add(appendReason(buf, "topic ", topics[w.topic], kw[w.topic]))
		none = false
	} else if w.situation >= 0 {
		add(appendReason(buf, "situation ", string(matches[w.situation].Kind), matches[w.situation].Evidence))
		none = false
	}
	if w.channel {
		add(append(append(buf, "channel "...), m.Channel...))
		none = false
	}
	if w.author {
		add(append(append(buf, "author @"...), m.Author.Handle...))
		none = false
	}
	if w.score {
		add(fmt.Appendf(buf, "score %.0f ≥ %.0f", score, rt.MinScore))
		none = false
	}
	if none {
		add(append(buf, "matches everything"...))
	}
	return buf, at
}

// match reports whether rt matches, and why; bits are the mask bits of the
// situations found (matches), have their union.
func (r *Router) match(rt *compiledRoute, m *channel.Message, score float64, topics []string, matches []situation.Match, bits []uint64, have uint64) (why, bool) {
	w := why{topic: -1, situation: -1}
	if have&rt.unless != 0 {
		return w, false
	}
	if len(rt.Topics) > 0 || len(rt.Situations) > 0 {
		if i := slices.IndexFunc(topics, func(t string) bool { return slices.Contains(rt.Topics, t) }); i >= 0 {
			w.topic = i
		} else if have&rt.want != 0 {
			for j, b := range bits {
				if b&rt.want != 0 {
					w.situation = j
					break
				}
			}
		}
		if w.topic < 0 && w.situation < 0 {
			return w, false
		}
	}
	if len(rt.Channels) > 0 {
		if !slices.Contains(rt.Channels, m.Channel) {
			return w, false
		}
		w.channel = true
	}
	if len(rt.Authors) > 0 {
		if !slices.ContainsFunc(rt.Authors, func(a string) bool { return normHandle(a) == normHandle(m.Author.Handle) }) {
			return w, false
		}
		w.author = true
	}
	if rt.MinScore > 0 {
		if score < rt.MinScore {
			return w, false
		}
		w.score = true
	}
	return w, true
}

// bit returns the mask bit of situation kind k, giving it the next bit the
// first time.
func (r *Router) bit(k situation.Kind) uint64 {
	b, ok := r.bits[k]
	if !ok {
		b = 1 << len(r.bits)
		r.bits[k] = b
	}
	return b
}

// countKinds counts the distinct situations that routes name.
func countKinds(routes []Route) int {
	seen := map[string]bool{}
	for _, rt := range routes {
		for _, k := range slices.Concat(rt.Situations, rt.Unless) {
			seen[k] = true
		}
	}
	return len(seen)
}

// reasonString formats `kind name ("evidence")`, the evidence quoted as
// strconv.Quote does.
func reasonString(kind, name, evidence string) string {
	var tmp [160]byte
	return string(appendReason(tmp[:0], kind, name, evidence))
}

// appendReason appends reasonString's text to b.
func appendReason(b []byte, kind, name, evidence string) []byte {
	b = append(append(append(b, kind...), name...), " ("...)
	if plainASCII(evidence) {
		b = append(append(append(b, '"'), evidence...), '"')
	} else {
		b = strconv.AppendQuote(b, evidence)
	}
	return append(b, ')')
}

// plainASCII reports whether strconv.Quote leaves s as it is, between
// quotes: printable ASCII without a double quote or a backslash.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
