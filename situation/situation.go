package situation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kind names a care situation ("account_takeover"). The built-in kinds are
// the constants below; a host may add its own through Config.
type Kind string

// The built-in situations.
const (
	// AccountTakeover: a stranger uses the account, or changed its
	// password or recovery details.
	AccountTakeover Kind = "account_takeover"
	// MoneyTaken: money taken or charged wrongly (charged twice, after
	// cancelling, without approval, for something free).
	MoneyTaken Kind = "money_taken"
	// SafetyHealth: a risk to someone's safety or health, including staff
	// and medicine not delivered.
	SafetyHealth Kind = "safety_health"
	// Vulnerable: a vulnerable person is involved (a child alone, an
	// elderly or disabled customer, serious illness, bereavement).
	Vulnerable Kind = "vulnerable_person"
	// BlockedNow: work or travel blocked now (stranded, a flight today,
	// months of work lost, a business that cannot work).
	BlockedNow Kind = "blocked_now"
	// Authority: a regulator or an authority is named or tagged.
	Authority Kind = "authority"
	// LegalThreat: a lawyer, a lawsuit, illegality, a claim of rights
	// violated.
	LegalThreat Kind = "legal_threat"
	// RightsDispute: a copyright or trademark dispute (a claim, fair use,
	// piracy): a care task that legal should know about.
	RightsDispute Kind = "rights_dispute"
	// FraudReport: a phishing, scam or impersonation report about
	// something on the brand's platform.
	FraudReport Kind = "fraud_report"
	// Churn: loud churn or a boycott ("you just lost a customer").
	Churn Kind = "churn"
	// PublicEscalation: over the care team's head: the CEO or the press
	// tagged, a call to share, a reputation story, an influencer angry.
	PublicEscalation Kind = "public_escalation"
	// PolicyRequest: a request for a policy change or relief that only
	// leadership can grant (payment relief, refunds instead of vouchers,
	// a limit lifted).
	PolicyRequest Kind = "policy_request"
	// FeatureRequest: a request for something new.
	FeatureRequest Kind = "feature_request"
	// DefectAfterUpdate: a product defect the customer meets after an
	// update ("since the update it crashes"), or a demand to fix the app.
	DefectAfterUpdate Kind = "defect_after_update"
	// DesignComplaint: a complaint about the product itself rather than
	// one customer's case: a redesign, a removed feature, a flaw of the
	// design, a regression with every update, or a defect that many users
	// share ("is it just me?").
	DesignComplaint Kind = "design_complaint"
	// BrandContent: something the brand published is broken, wrong or
	// misleading (an advert, a page, a video, map data).
	BrandContent Kind = "brand_content"
	// Praise: thanks and compliments.
	Praise Kind = "praise"
	// Question: a plain question ("how do I…", "is there a way to…") or a
	// request for help with the customer's own case ("any help?",
	// "please advise").
	Question Kind = "question"
)

// Input is what a classifier looks at. Classifiers do not modify it.
type Input struct {
	// Text is the customer's message.
	Text string
	// Lang is the message's language code, if known; it is a hint that a
	// classifier may use. The Detector matches every configured language.
	Lang string
	// Followers is the author's follower count; 0 when unknown.
	Followers int
	// Sentiment is the message's compound sentiment (-1 to +1), valid when
	// HasSentiment is set; the reach and brand-link signals need it.
	Sentiment    float64
	HasSentiment bool
}

// Match is one situation found in a message, with its evidence.
type Match struct {
	// Kind is the situation.
	Kind Kind `json:"kind"`
	// Label is its human name ("account takeover").
	Label string `json:"label,omitempty"`
	// Evidence is what was found, for people: the words of the message
	// as written ("changed my password and email"), a handle ("@FTC"), or
	// a signal ("48000 followers, negative").
	Evidence string `json:"evidence"`
	// Source says which rule found it ("en: someone ~3 chang* ~3
	// password", "handle", "reach", "brand link", or a classifier's own
	// name).
	Source string `json:"source,omitempty"`
}

// String formats m as `label ("evidence")`.
func (m Match) String() string {
	l := m.Label
	if l == "" {
		l = string(m.Kind)
	}
	return l + " (" + strconv.Quote(m.Evidence) + ")"
}

// Result is what a classifier found in one message.
type Result struct {
	// Matches are the situations found, at most one per kind, in the
	// classifier's order (the Detector's is its Config's).
	Matches []Match `json:"situations"`
}

// Find returns the match of kind k.
func (r Result) Find(k Kind) (Match, bool) {
	for _, m := range r.Matches {
		if m.Kind == k {
			return m, true
		}
	}
	return Match{}, false
}

// Has reports whether kind k was found.
func (r Result) Has(k Kind) bool { _, ok := r.Find(k); return ok }

// Kinds returns the kinds found, in order.
func (r Result) Kinds() []Kind {
	if len(r.Matches) == 0 {
		return nil
	}
	out := make([]Kind, len(r.Matches))
	for i, m := range r.Matches {
		out[i] = m.Kind
	}
	return out
}

// String lists the matches, such as `account takeover ("changed my
// password"), question ("how do i")`, or "none".
func (r Result) String() string {
	if len(r.Matches) == 0 {
		return "none"
	}
	parts := make([]string, len(r.Matches))
	for i, m := range r.Matches {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}

// Classifier finds care situations in a message. It is the seam behind the
// urgency score (package priority) and the feedback-loop router (package
// care): a host may put a statistical or language model here, returning
// situations with their evidence. Implementations must be safe for
// concurrent use and must not modify in. An error means no result: callers
// fall back (see Fallback) or decide without situations.
type Classifier interface {
	Classify(ctx context.Context, in *Input) (Result, error)
}

// ClassifierFunc adapts a function to a Classifier.
type ClassifierFunc func(ctx context.Context, in *Input) (Result, error)

// Classify calls f.
func (f ClassifierFunc) Classify(ctx context.Context, in *Input) (Result, error) { return f(ctx, in) }

// Fallback returns a Classifier that asks primary and, when it fails, asks
// fallback (typically the built-in Detector, which never fails). It
// returns the fallback's error wrapped with the primary's when both fail.
func Fallback(primary, fallback Classifier) Classifier {
	return ClassifierFunc(func(ctx context.Context, in *Input) (Result, error) {
		r, err := primary.Classify(ctx, in)
		if err == nil {
			return r, nil
		}
		r, err2 := fallback.Classify(ctx, in)
		if err2 != nil {
			return Result{}, fmt.Errorf("situation: primary classifier: %w; fallback: %w", err, err2)
		}
		return r, nil
	})
}

// Detector is the built-in, explainable Classifier: phrase patterns with
// negation and context, per language, plus the handle, reach and brand-link
// signals. Build it with New; it is immutable and safe for concurrent use.
type Detector struct {
	kinds  []compiledSituation
	index  map[Kind]int
	pats   []pattern
	unless []pattern
	negs   []pattern
	window int

	pidx index // patterns, then context patterns (ids offset by len(pats))

	// What the scan reads of each pattern before it tries to match it,
	// compactly: its kind and its quick word test (see checkFilter).
	hot     []hotPattern // by pattern id
	filters []checkFilter
	fbits   []uint16
	fsets   [][2]bloom
	nidx    index // negation cues

	reach *Reach
	links *BrandLinks

	pool sync.Pool // *scratch
}

// index finds the patterns whose first word may match a token.
type index struct {
	first   idTable // first word's hash → pattern ids
	prefix3 idTable // first three bytes of a first-word prefix → pattern ids
	short   []int32 // patterns whose first word is a prefix of one or two bytes
}

type compiledSituation struct {
	kind    Kind
	label   string
	handles map[string]bool // lower-cased exact handles
	suffix  []string        // case-sensitive suffixes
}

type scratch struct {
	z      tokenizer
	found  []int // per kind: token index of its match start, or -1
	ends   []int
	src    []int32
	killed []bool
	// possible caches pattern.possible per pattern for the message being
	// scanned: 0 not yet known, 1 possible, 2 not.
	possible []uint8
}

var _ Classifier = (*Detector)(nil)

// Kinds returns the situations the detector knows, in order.
func (d *Detector) Kinds() []Kind {
	out := make([]Kind, len(d.kinds))
	for i, k := range d.kinds {
		out[i] = k.kind
	}
	return out
}

// Knows reports whether the detector knows situation k.
func (d *Detector) Knows(k Kind) bool { _, ok := d.index[k]; return ok }

// Label returns the human name of situation k, or k itself.
func (d *Detector) Label(k Kind) string {
	if i, ok := d.index[k]; ok {
		return d.kinds[i].label
	}
	return string(k)
}

// Classify implements Classifier; the Detector never fails.
func (d *Detector) Classify(_ context.Context, in *Input) (Result, error) {
	return d.Detect(in), nil
}

// Detect returns the situations found in in. A nil in finds none.
func (d *Detector) Detect(in *Input) Result {
	var r Result
	d.DetectInto(in, &r)
	return r
}

// DetectInto is Detect writing into dst, reusing dst.Matches' storage; in
// steady state it allocates only the evidence of handle, reach and
// brand-link signals (pattern evidence is a substring of the text). A nil
// dst is ignored.
func (d *Detector) DetectInto(in *Input, dst *Result) {
	if dst == nil {
		return
	}
	dst.Matches = dst.Matches[:0]
	if in == nil {
		return
	}
	sc := d.pool.Get().(*scratch)
	defer d.pool.Put(sc)
	n := len(d.kinds)
	sc.found = resize(sc.found, n, -1)
	sc.ends = resize(sc.ends, n, -1)
	sc.src = slices.Grow(sc.src[:0], n)[:n]
	if cap(sc.killed) < n {
		sc.killed = make([]bool, n)
	}
	sc.killed = sc.killed[:n]
	clear(sc.killed)
	if cap(sc.possible) < len(d.pats) {
		sc.possible = make([]uint8, len(d.pats))
	}
	sc.possible = sc.possible[:len(d.pats)]
	clear(sc.possible)
	z := &sc.z
	z.reset()
	z.tokenize(in.Text)
	d.scan(z, sc)
	mentions := strings.IndexByte(in.Text, '@') >= 0 // else no handle signals
	for k := range d.kinds {
		if sc.found[k] >= 0 && !sc.killed[k] {
			ks := &d.kinds[k]
			from, to := z.toks[sc.found[k]].from, z.toks[sc.ends[k]-1].to
			p := &d.pats[sc.src[k]]
			dst.Matches = append(dst.Matches, Match{Kind: ks.kind, Label: ks.label, Evidence: in.Text[from:to], Source: p.source})
			continue
		}
		if !mentions {
			continue
		}
		if h := d.handle(k, in.Text); h != "" {
			dst.Matches = append(dst.Matches, Match{Kind: d.kinds[k].kind, Label: d.kinds[k].label, Evidence: h, Source: "handle"})
		}
	}
	if r := d.reach; r != nil && in.HasSentiment && in.Followers >= r.Followers && in.Sentiment <= r.Sentiment {
		d.addSignal(dst, r.Kind, strconv.Itoa(in.Followers)+" followers, negative", "reach")
	}
	if b := d.links; b != nil && in.HasSentiment && in.Sentiment <= b.Sentiment {
		if l := brandLink(in.Text, b.Domains); l != "" {
			d.addSignal(dst, b.Kind, l, "brand link")
		}
	}
}

func resize(s []int, n, v int) []int {
	s = slices.Grow(s[:0], n)[:n]
	for i := range s {
		s[i] = v
	}
	return s
}

// addSignal adds a match of kind k unless one is there, keeping the
// detector's order.
func (d *Detector) addSignal(dst *Result, k Kind, evidence, source string) {
	if dst.Has(k) {
		return
	}
	i := d.index[k]
	m := Match{Kind: k, Label: d.kinds[i].label, Evidence: evidence, Source: source}
	at := slices.IndexFunc(dst.Matches, func(x Match) bool { return d.index[x.Kind] > i })
	if at < 0 {
		dst.Matches = append(dst.Matches, m)
	} else {
		dst.Matches = slices.Insert(dst.Matches, at, m)
	}
}

// scan marks negations, then finds the first non-negated match of each
// kind and the kinds whose context (unless) patterns occur.
func (d *Detector) scan(z *tokenizer, sc *scratch) {
	// Negation cues are marked when a match needs them: those that start
	// before the end of the match, as no other cue can end before it.
	marked := 0 // the cues starting before token marked are marked
	x := &d.pidx
	for i := range z.toks {
		d.tryAll(z, sc, i, x.first.get(z.toks[i].hash), &marked)
		if w := z.word(i); len(w) >= 3 {
			d.tryAll(z, sc, i, x.prefix3.get(uint64(prefixKey(w))), &marked)
		}
		d.tryAll(z, sc, i, x.short, &marked)
	}
}

// tryAll tries the patterns ids (context patterns from len(d.pats)) at
// token i: those of kinds not found yet, and found possible.
func (d *Detector) tryAll(z *tokenizer, sc *scratch, i int, ids []int32, marked *int) {
	np := int32(len(d.pats))
	for _, id := range ids {
		if id >= np {
			p := &d.unless[id-np]
			if !sc.killed[p.kind] && p.matchAt(z, i) > 0 {
				sc.killed[p.kind] = true
			}
			continue
		}
		if sc.found[d.hot[id].kind] >= 0 {
			continue
		}
		switch sc.possible[id] {
		case 0:
			if !d.possible(id, z) {
				sc.possible[id] = 2
				continue
			}
			sc.possible[id] = 1
		case 2:
			continue
		}
		p := &d.pats[id]
		end := p.matchFrom(z, i)
		if end < 0 {
			continue
		}
		if *marked < end {
			d.mark(z, *marked, end)
			*marked = end
		}
		if !d.negated(z, i) && !p.negatedInside(z, i, end) {
			sc.found[p.kind], sc.ends[p.kind], sc.src[p.kind] = i, end, id
		}
	}
}

// mark marks the tokens where a negation cue that starts at a token in
// [from, to) ends.
func (d *Detector) mark(z *tokenizer, from, to int) {
	x := &d.nidx
	for i := from; i < to; i++ {
		d.markAt(z, i, x.first.get(z.toks[i].hash))
		if w := z.word(i); len(w) >= 3 {
			d.markAt(z, i, x.prefix3.get(uint64(prefixKey(w))))
		}
		d.markAt(z, i, x.short)
	}
}

func (d *Detector) markAt(z *tokenizer, i int, ids []int32) {
	for _, id := range ids {
		if end := d.negs[id].matchAt(z, i); end > 0 {
			z.toks[end-1].negEnd = true
		}
	}
}

// negated reports whether a negation cue ends within the window before
// token i, in the same clause.
func (d *Detector) negated(z *tokenizer, i int) bool {
	for k := 1; k <= d.window && i-k >= 0; k++ {
		if z.toks[i-k+1].clause {
			return false
		}
		if z.toks[i-k].negEnd {
			return true
		}
	}
	return false
}

// handle returns the first mention in text that signals kind k, as
// "@Handle", or "".
func (d *Detector) handle(k int, text string) string {
	ks := &d.kinds[k]
	if len(ks.handles) == 0 && len(ks.suffix) == 0 {
		return ""
	}
	var low [32]byte
	for i := 0; ; {
		at := strings.IndexByte(text[i:], '@')
		if at < 0 {
			return ""
		}
		at += i
		j := at + 1
		for j < len(text) && isHandleByte(text[j]) {
			j++
		}
		i = j
		h := text[at+1 : j]
		if h == "" || (at > 0 && isHandleByte(text[at-1])) {
			continue
		}
		if len(h) <= len(low) {
			for n := 0; n < len(h); n++ {
				c := h[n]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				low[n] = c
			}
			if ks.handles[string(low[:len(h)])] {
				return text[at:j]
			}
		} else if ks.handles[strings.ToLower(h)] {
			return text[at:j]
		}
		for _, s := range ks.suffix {
			if len(h) > len(s) && strings.HasSuffix(h, s) {
				return text[at:j]
			}
		}
	}
}

func isHandleByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// brandLink returns the first link in text to one of domains (or their
// subdomains), without its scheme, or "".
func brandLink(text string, domains []string) string {
	for rest := text; ; {
		i := strings.Index(rest, "http")
		if i < 0 {
			return ""
		}
		rest = rest[i:]
		u, ok := strings.CutPrefix(rest, "https://")
		if !ok {
			u, ok = strings.CutPrefix(rest, "http://")
		}
		rest = rest[4:]
		if !ok {
			continue
		}
		end := strings.IndexAny(u, " \t\n\"'<>)")
		if end < 0 {
			end = len(u)
		}
		link := u[:end]
		host, _, _ := strings.Cut(link, "/")
		host = strings.ToLower(strings.TrimPrefix(host, "www."))
		for _, dm := range domains {
			if host == dm || strings.HasSuffix(host, "."+dm) {
				return link
			}
		}
	}
}
