package priority

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/priority/sentiment"
	"github.com/socialcare/socialcare/situation"
)

// Rules is the built-in, additive Scorer: each signal adds points and a
// Reason. Build it with New; it is immutable and safe for concurrent use.
type Rules struct {
	cfg Config
	off struct {
		situation, keyword, vip, tier, ltv, influencer, verified, channel, waiting, unanswered bool
	}

	phrases []phrase
	negs    []phrase
	first   map[uint64]starts // first word's hash → phrases starting with it
	// firstHas has a bit set for each key of first (see firstBit), so that
	// most words, which start no phrase, are passed over without a map
	// lookup.
	firstHas   []uint64
	firstShift uint8

	situations *situation.Detector
	sitPoints  map[situation.Kind]float64

	vips       map[string]string // normalised handle → "@handle"
	sent       SentimentAnalyzer
	waitDetail []string // waited minutes → detail
	unanDetail []string // unanswered count → detail

	pool sync.Pool // *scratch
}

type phrase struct {
	words  [][]byte
	hashes []uint64
	text   string // as configured, for reasons
	weight float64
}

// starts lists the keyword and negation phrases that start with one word,
// longest first.
type starts struct{ keywords, negations []int32 }

type scratch struct {
	sit     situation.Result
	z       tokenizer
	matched []int32
	handle  []byte
}

const (
	maxWaitDetailMinutes = 48 * 60
	maxUnanDetail        = 100
)

var _ Scorer = (*Rules)(nil)

// New returns a Rules scorer. cfg may be nil for the defaults; New does not
// keep or modify cfg. It fails with a *ConfigError (matching
// ErrInvalidConfig) when a field is invalid.
func New(cfg *Config) (*Rules, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	return c.build()
}

// build validates c, fills in defaults and compiles the rules.
func (c Config) build() (*Rules, error) {
	if c.Keywords == nil {
		c.Keywords = DefaultKeywords()
	}
	if c.Negations == nil {
		c.Negations = DefaultNegations()
	}
	if c.TierPoints == nil {
		c.TierPoints = DefaultTierPoints()
	}
	if c.ChannelPoints == nil {
		c.ChannelPoints = DefaultChannelPoints()
	}
	for _, f := range []struct {
		v    *float64
		d    float64
		name string
	}{
		{&c.VIPPoints, 100, "vip_points"},
		{&c.LifetimeValueThreshold, 1000, "lifetime_value_threshold"},
		{&c.LifetimeValuePointsPerDecade, 10, "lifetime_value_points_per_decade"},
		{&c.LifetimeValueMaxPoints, 30, "lifetime_value_max_points"},
		{&c.InfluencerPointsPerDecade, 20, "influencer_points_per_decade"},
		{&c.InfluencerMaxPoints, 60, "influencer_max_points"},
		{&c.VerifiedPoints, 5, "verified_points"},
		{&c.SentimentMaxPoints, 20, "sentiment_max_points"},
		{&c.WaitingPointsPerHour, 6, "waiting_points_per_hour"},
		{&c.WaitingMaxPoints, 30, "waiting_max_points"},
		{&c.UnansweredPoints, 4, "unanswered_points"},
		{&c.UnansweredMaxPoints, 20, "unanswered_max_points"},
	} {
		if math.IsNaN(*f.v) || math.IsInf(*f.v, 0) || *f.v < 0 {
			return nil, cfgErr(f.name, "must be a finite, non-negative number, got %v", *f.v)
		}
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	switch {
	case c.SentimentThreshold == 0:
		c.SentimentThreshold = -0.05
	case math.IsNaN(c.SentimentThreshold) || c.SentimentThreshold < -1 || c.SentimentThreshold > 0:
		return nil, cfgErr("sentiment_threshold", "must be in [-1, 0), got %v", c.SentimentThreshold)
	}
	if c.InfluencerFollowers < 0 {
		return nil, cfgErr("influencer_followers", "must not be negative, got %d", c.InfluencerFollowers)
	}
	if c.InfluencerFollowers == 0 {
		c.InfluencerFollowers = 10000
	}
	if c.NegationWindow < 0 {
		return nil, cfgErr("negation_window", "must not be negative, got %d", c.NegationWindow)
	}
	if c.NegationWindow == 0 {
		c.NegationWindow = 2
	}
	for _, pm := range []struct {
		m    map[string]float64
		name string
	}{{c.ChannelPoints, "channel_points"}, {c.TierPoints, "tier_points"}} {
		for k, v := range pm.m {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, cfgErr(pm.name+"."+k, "must be a finite, non-negative number, got %v", v)
			}
		}
	}
	r := &Rules{cfg: c, first: map[uint64]starts{}, vips: map[string]string{}}
	disabled := map[string]bool{}
	for i, s := range c.Disabled {
		if !slices.Contains(signalNames, s) {
			return nil, cfgErr(fmt.Sprintf("disabled[%d]", i), "unknown signal %q (want one of %s)", s, strings.Join(signalNames, ", "))
		}
		disabled[s] = true
	}
	r.off.situation = disabled[SignalSituation]
	r.off.keyword, r.off.vip, r.off.tier = disabled[SignalKeyword], disabled[SignalVIP], disabled[SignalTier]
	r.off.ltv, r.off.influencer, r.off.verified = disabled[SignalLifetimeValue], disabled[SignalInfluencer], disabled[SignalVerified]
	r.off.channel, r.off.waiting, r.off.unanswered = disabled[SignalChannel], disabled[SignalWaiting], disabled[SignalUnanswered]
	seen := map[string]int{}
	for i, k := range c.Keywords {
		p, err := compile(k.Phrase)
		if err != nil {
			return nil, cfgErr(fmt.Sprintf("keywords[%d].phrase", i), "%w", err)
		}
		if math.IsNaN(k.Weight) || math.IsInf(k.Weight, 0) || k.Weight <= 0 {
			return nil, cfgErr(fmt.Sprintf("keywords[%d].weight", i), "must be finite and positive, got %v (phrase %q)", k.Weight, k.Phrase)
		}
		norm := string(bytes.Join(p.words, []byte(" ")))
		if j, dup := seen[norm]; dup {
			return nil, cfgErr(fmt.Sprintf("keywords[%d].phrase", i), "%q repeats keywords[%d] (%q) after normalisation", k.Phrase, j, c.Keywords[j].Phrase)
		}
		seen[norm] = i
		p.weight = k.Weight
		r.phrases = append(r.phrases, p)
		st := r.first[p.hashes[0]]
		st.keywords = append(st.keywords, int32(i))
		r.first[p.hashes[0]] = st
	}
	for i, n := range c.Negations {
		p, err := compile(n)
		if err != nil {
			return nil, cfgErr(fmt.Sprintf("negations[%d]", i), "%w", err)
		}
		r.negs = append(r.negs, p)
		st := r.first[p.hashes[0]]
		st.negations = append(st.negations, int32(i))
		r.first[p.hashes[0]] = st
	}
	// At least 16 bits per first word: a word that starts no phrase finds
	// its bit set (and looks in the map) about once in 16.
	nbits := 4096
	for nbits < 16*len(r.first) {
		nbits *= 2
	}
	r.firstHas, r.firstShift = make([]uint64, nbits/64), uint8(64-bits.TrailingZeros(uint(nbits)))
	for h, st := range r.first {
		slices.SortStableFunc(st.keywords, func(a, b int32) int { return len(r.phrases[b].words) - len(r.phrases[a].words) })
		slices.SortStableFunc(st.negations, func(a, b int32) int { return len(r.negs[b].words) - len(r.negs[a].words) })
		b := r.firstBit(h)
		r.firstHas[b>>6] |= 1 << (b & 63)
	}
	if !r.off.situation {
		r.situations = c.Situations
		if r.situations == nil {
			d, err := situation.New(nil)
			if err != nil {
				return nil, fmt.Errorf("priority: New: %w", err)
			}
			r.situations = d
		}
		r.sitPoints = map[situation.Kind]float64{}
		for k, v := range DefaultSituationPoints() {
			if r.situations.Knows(situation.Kind(k)) {
				r.sitPoints[situation.Kind(k)] = v
			}
		}
		for _, k := range slices.Sorted(maps.Keys(c.SituationPoints)) {
			v := c.SituationPoints[k]
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, cfgErr("situation_points."+k, "must be a finite, non-negative number, got %v", v)
			}
			if !r.situations.Knows(situation.Kind(k)) {
				return nil, cfgErr("situation_points."+k, "unknown situation %q (the detector knows %v)", k, r.situations.Kinds())
			}
			r.sitPoints[situation.Kind(k)] = v
		}
	} else {
		for k, v := range c.SituationPoints {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return nil, cfgErr("situation_points."+k, "must be a finite, non-negative number, got %v", v)
			}
		}
	}
	for i, h := range c.VIPs {
		n := normHandle(h)
		if n == "" {
			return nil, cfgErr(fmt.Sprintf("vips[%d]", i), "empty handle")
		}
		r.vips[n] = "@" + strings.TrimPrefix(strings.TrimSpace(h), "@")
	}
	if !disabled[SignalSentiment] && c.Sentiment != nil {
		r.sent = c.Sentiment
	} else if !disabled[SignalSentiment] {
		a, err := sentiment.New()
		if err != nil {
			return nil, fmt.Errorf("priority: New: %w", err)
		}
		r.sent = a
	}
	r.waitDetail = make([]string, maxWaitDetailMinutes+1)
	for m := range r.waitDetail {
		r.waitDetail[m] = (time.Duration(m) * time.Minute).String()
	}
	r.unanDetail = make([]string, maxUnanDetail+1)
	for n := range r.unanDetail {
		r.unanDetail[n] = strconv.Itoa(n) + " unanswered messages"
	}
	r.pool.New = func() any { return new(scratch) }
	return r, nil
}

// compile normalises a phrase into words.
func compile(s string) (phrase, error) {
	var z tokenizer
	z.tokenize(s)
	if len(z.toks) == 0 {
		return phrase{}, fmt.Errorf("empty phrase %q (no letters or digits)", s)
	}
	p := phrase{text: strings.TrimSpace(s)}
	for i, t := range z.toks {
		p.words = append(p.words, bytes.Clone(z.word(i)))
		p.hashes = append(p.hashes, t.hash)
	}
	return p, nil
}

func normHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// Score implements Scorer. The returned Score owns a newly allocated
// Reasons slice; use ScoreInto to reuse one.
func (r *Rules) Score(now time.Time, in *Input) Score {
	s := Score{Reasons: make([]Reason, 0, 8)}
	r.ScoreInto(now, in, &s)
	return s
}

// ScoreInto scores in like Score but writes into dst, reusing
// dst.Reasons' storage. In steady state it allocates nothing, except one
// string for the detail ("@handle", "250000 followers") of each of these
// rarer reasons: a VIP author (Author.VIP) whose handle is not in
// Config.VIPs, a verified author, an influencer, a lifetime value, a wait
// longer than 48 hours and more than 100 unanswered messages.
// A nil dst is ignored.
func (r *Rules) ScoreInto(now time.Time, in *Input, dst *Score) {
	if dst == nil {
		return
	}
	dst.Value, dst.Reasons = 0, dst.Reasons[:0]
	if in == nil {
		return
	}
	add := func(signal, detail string, pts float64) {
		if pts = round(pts); pts > 0 {
			dst.Reasons = append(dst.Reasons, Reason{Signal: signal, Detail: detail, Points: pts})
		}
	}
	sc := r.pool.Get().(*scratch)
	compound, hasCompound := 0.0, false
	if r.sent != nil && in.Text != "" {
		compound, hasCompound = r.sent.Compound(in.Text), true
	}
	if !r.off.situation {
		found := in.Situations
		if found == nil {
			r.situations.DetectInto(&situation.Input{Text: in.Text, Followers: in.Author.Followers, Sentiment: compound, HasSentiment: hasCompound}, &sc.sit)
			found = &sc.sit
		}
		for _, m := range found.Matches {
			if pts := r.sitPoints[m.Kind]; pts > 0 {
				add(SignalSituation, situationDetail(m), pts)
			}
		}
	}
	if !r.off.keyword {
		r.keywords(sc, in.Text, add)
	}
	a := &in.Author
	if !r.off.vip {
		sc.handle = appendNormHandle(sc.handle[:0], a.Handle)
		if d, ok := r.vips[string(sc.handle)]; ok {
			add(SignalVIP, d, r.cfg.VIPPoints)
		} else if a.VIP {
			add(SignalVIP, "@"+strings.TrimPrefix(a.Handle, "@"), r.cfg.VIPPoints)
		}
	}
	r.pool.Put(sc)
	if !r.off.tier && a.Tier != "" {
		add(SignalTier, a.Tier, r.cfg.TierPoints[a.Tier])
	}
	if v := a.LifetimeValue; !r.off.ltv && v >= r.cfg.LifetimeValueThreshold && !math.IsInf(v, 0) {
		pts := r.cfg.LifetimeValuePointsPerDecade * (1 + math.Log10(v/r.cfg.LifetimeValueThreshold))
		add(SignalLifetimeValue, strconv.FormatFloat(v, 'f', -1, 64), math.Min(pts, r.cfg.LifetimeValueMaxPoints))
	}
	if f := a.Followers; !r.off.influencer && f >= r.cfg.InfluencerFollowers && f > 0 {
		pts := r.cfg.InfluencerPointsPerDecade * (1 + math.Log10(float64(f)/float64(r.cfg.InfluencerFollowers)))
		add(SignalInfluencer, strconv.Itoa(f)+" followers", math.Min(pts, r.cfg.InfluencerMaxPoints))
	}
	if a.Verified && !r.off.verified {
		add(SignalVerified, "@"+strings.TrimPrefix(a.Handle, "@"), r.cfg.VerifiedPoints)
	}
	if hasCompound && compound <= r.cfg.SentimentThreshold {
		detail := "negative"
		if compound <= -0.5 {
			detail = "very negative"
		}
		add(SignalSentiment, detail, -compound*r.cfg.SentimentMaxPoints)
	}
	if !r.off.channel {
		add(SignalChannel, in.Channel, r.cfg.ChannelPoints[in.Channel])
	}
	if !r.off.waiting && !in.ReceivedAt.IsZero() && now.After(in.ReceivedAt) {
		waited := now.Sub(in.ReceivedAt)
		m := int64(waited.Round(time.Minute) / time.Minute)
		detail := ""
		if m <= maxWaitDetailMinutes {
			detail = r.waitDetail[m]
		} else {
			detail = waited.Round(time.Minute).String()
		}
		add(SignalWaiting, detail, math.Min(waited.Hours()*r.cfg.WaitingPointsPerHour, r.cfg.WaitingMaxPoints))
	}
	if n := in.Unanswered; !r.off.unanswered && n > 1 {
		detail := ""
		if n <= maxUnanDetail {
			detail = r.unanDetail[n]
		} else {
			detail = strconv.Itoa(n) + " unanswered messages"
		}
		add(SignalUnanswered, detail, math.Min(float64(n-1)*r.cfg.UnansweredPoints, r.cfg.UnansweredMaxPoints))
	}
	sortReasons(dst.Reasons)
	for _, x := range dst.Reasons {
		dst.Value += x.Points
	}
	dst.Value = round(dst.Value)
}

// appendNormHandle appends h without its '@', trimmed and ASCII
// lower-cased (non-ASCII runes are lower-cased by strings.ToLower, which
// allocates; handles are ASCII on the major platforms).
func appendNormHandle(dst []byte, h string) []byte {
	h = strings.TrimPrefix(strings.TrimSpace(h), "@")
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			return append(dst[:0], strings.ToLower(h)...)
		}
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// keywords adds a reason for each keyword phrase found in text as whole
// normalised words and not negated.
func (r *Rules) keywords(sc *scratch, text string, add func(signal, detail string, pts float64)) {
	z := &sc.z
	z.reset()
	z.tokenize(text)
	toks := z.toks
	sc.matched = sc.matched[:0]
	for i := range toks {
		if b := r.firstBit(toks[i].hash); r.firstHas[b>>6]&(1<<(b&63)) == 0 {
			continue
		}
		st, ok := r.first[toks[i].hash]
		if !ok {
			continue
		}
		// Negation cues are marked where they end, before the keywords
		// that follow them are looked at.
		for _, id := range st.negations {
			if n := len(r.negs[id].words); r.at(z, i, &r.negs[id]) {
				toks[i+n-1].negEnd = true
				break
			}
		}
		for _, id := range st.keywords {
			p := &r.phrases[id]
			if !r.at(z, i, p) || slices.Contains(sc.matched, id) || r.negated(toks, i) {
				continue
			}
			sc.matched = append(sc.matched, id)
			add(SignalKeyword, p.text, p.weight)
		}
	}
}

// firstBit is the bit of firstHas for a word's hash h.
func (r *Rules) firstBit(h uint64) uint { return uint((h * 0x9E3779B97F4A7C15) >> r.firstShift) }

// at reports whether phrase p occurs at token i.
func (r *Rules) at(z *tokenizer, i int, p *phrase) bool {
	if i+len(p.words) > len(z.toks) {
		return false
	}
	for j, h := range p.hashes {
		if z.toks[i+j].hash != h || (j > 0 && z.toks[i+j].clause) || !bytes.Equal(z.word(i+j), p.words[j]) {
			return false
		}
	}
	return true
}

// negated reports whether a negation cue ends within the negation window
// before token i, in the same clause.
func (r *Rules) negated(toks []tok, i int) bool {
	for k := 1; k <= r.cfg.NegationWindow && i-k >= 0; k++ {
		if toks[i-k+1].clause {
			return false
		}
		if toks[i-k].negEnd {
			return true
		}
	}
	return false
}

// situationDetail formats a situation for a reason:
// "account takeover (changed my password and email)".
func situationDetail(m situation.Match) string {
	l := m.Label
	if l == "" {
		l = string(m.Kind)
	}
	if m.Evidence == "" {
		return l
	}
	return l + " (" + m.Evidence + ")"
}
