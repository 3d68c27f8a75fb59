package care

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ListeningConfig configures brand-mention and spike listening. The zero
// value listens for nothing but topic spikes with the defaults.
type ListeningConfig struct {
	// Brands are the brand's names ("Skyways", "Sky Ways Air"); a mention
	// is caught when a word (or two or three adjacent words joined) is
	// within the edit distance of a name: 0 for names of up to 4 letters,
	// 1 up to 8, 2 beyond (Damerau-Levenshtein, over lower-cased text
	// without accents, with 0→o, 1→l, 3→e, 4→a, 5→s, @ and # dropped).
	Brands []string
	// Handles are the brand's own handles ("skyways", "skywayshelp"),
	// without "@". A message that tags one is a tagged mention, not a
	// caught one; a handle written untagged or misspelled is caught like a
	// name.
	Handles []string
	// Ignore are words that are never a brand mention even when they are
	// close to a name (for a brand "Delta": "delta" the river is not in
	// scope, but "deltas" may be).
	Ignore []string
	// SpikeWindow is the width of a counting bucket. Defaults to 5
	// minutes.
	SpikeWindow time.Duration
	// SpikeBaseline is how many past buckets make the baseline (their
	// mean). Defaults to 12 (an hour of 5-minute buckets).
	SpikeBaseline int
	// SpikeFactor is how many times the baseline a bucket must reach to be
	// a spike. Defaults to 3.
	SpikeFactor float64
	// SpikeMin is the least count of a spike bucket, whatever the
	// baseline. Defaults to 5.
	SpikeMin int
}

// MentionKind says how a mention was caught.
type MentionKind string

// Mention kinds.
const (
	// Tagged: the message tags one of the brand's handles.
	Tagged MentionKind = "tagged"
	// Untagged: the brand's name is written correctly but not tagged.
	Untagged MentionKind = "untagged"
	// Misspelled: a word is close to, but not, the brand's name.
	Misspelled MentionKind = "misspelled"
)

// Mention is a brand mention found in a text.
type Mention struct {
	// Brand is the configured name or handle that matched.
	Brand string
	// Word is what the text said.
	Word string
	// Distance is the edit distance between them.
	Distance int
	// Kind says how it was caught.
	Kind MentionKind
}

// TopicSpike is a topic whose count in one window reached the spike threshold.
type TopicSpike struct {
	// Topic is the topic.
	Topic string
	// Start is the start of the window.
	Start time.Time
	// Window is the window's width.
	Window time.Duration
	// Count is the number of messages about the topic in the window so
	// far.
	Count int
	// Baseline is the mean count of the preceding windows.
	Baseline float64
}

// Listener catches brand mentions and topic spikes. It is safe for
// concurrent use.
type Listener struct {
	brands  []brandName
	handles map[string]string
	ignore  map[string]bool
	window  time.Duration
	base    int
	factor  float64
	min     int

	mu     sync.Mutex
	counts map[string]map[int64]int // topic -> bucket -> count
	fired  map[string]int64         // topic -> last bucket that fired
}

type brandName struct {
	display string
	norm    string
	words   int
}

// NewListener returns a listener. cfg may be nil.
func NewListener(cfg *ListeningConfig) (*Listener, error) {
	var c ListeningConfig
	if cfg != nil {
		c = *cfg
	}
	if c.SpikeWindow < 0 || c.SpikeBaseline < 0 || c.SpikeFactor < 0 || c.SpikeMin < 0 {
		return nil, fmt.Errorf("%w: listening: spike settings must not be negative", ErrInvalid)
	}
	if c.SpikeWindow == 0 {
		c.SpikeWindow = 5 * time.Minute
	}
	if c.SpikeBaseline == 0 {
		c.SpikeBaseline = 12
	}
	if c.SpikeFactor == 0 {
		c.SpikeFactor = 3
	}
	if c.SpikeMin == 0 {
		c.SpikeMin = 5
	}
	l := &Listener{handles: map[string]string{}, ignore: map[string]bool{}, window: c.SpikeWindow, base: c.SpikeBaseline,
		factor: c.SpikeFactor, min: c.SpikeMin, counts: map[string]map[int64]int{}, fired: map[string]int64{}}
	for _, b := range c.Brands {
		ws := normWords(b)
		if len(ws) == 0 {
			return nil, fmt.Errorf("%w: listening: empty brand name %q", ErrInvalid, b)
		}
		l.brands = append(l.brands, brandName{display: b, norm: strings.Join(ws, ""), words: len(ws)})
	}
	for _, h := range c.Handles {
		n := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
		if n == "" {
			return nil, fmt.Errorf("%w: listening: empty handle %q", ErrInvalid, h)
		}
		l.handles[n] = h
		norm := strings.Join(normWords(n), "")
		if !slices.ContainsFunc(l.brands, func(b brandName) bool { return b.norm == norm }) {
			l.brands = append(l.brands, brandName{display: "@" + n, norm: norm, words: 1})
		}
	}
	for _, w := range c.Ignore {
		l.ignore[strings.Join(normWords(w), "")] = true
	}
	return l, nil
}

var leet = strings.NewReplacer("0", "o", "1", "l", "3", "e", "4", "a", "5", "s", "$", "s")

// normWords lower-cases s, strips accents and leetspeak and splits it into
// words.
func normWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	ws := strings.FieldsFunc(b.String(), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '$'
	})
	for i, w := range ws {
		ws[i] = leet.Replace(w)
	}
	return ws
}

func maxDistance(n int) int {
	switch {
	case n <= 4:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// Mentions returns the brand mentions in text: tagged handles first, then
// names caught untagged or misspelled, each brand once.
func (l *Listener) Mentions(text string) []Mention {
	var out []Mention
	seen := map[string]bool{}
	for _, f := range strings.Fields(text) {
		if !strings.HasPrefix(f, "@") {
			continue
		}
		h := strings.ToLower(strings.TrimRightFunc(f[1:], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }))
		if disp, ok := l.handles[h]; ok && !seen[disp] {
			seen[disp] = true
			out = append(out, Mention{Brand: disp, Word: f, Kind: Tagged})
		}
	}
	if len(out) > 0 { // a tagged message reaches the brand anyway
		return out
	}
	ws := normWords(text)
	for _, b := range l.brands {
		best := Mention{Distance: -1}
		for n := max(1, b.words-1); n <= b.words+1; n++ {
			for i := 0; i+n <= len(ws); i++ {
				w := strings.Join(ws[i:i+n], "")
				if l.ignore[w] || abs(len(w)-len(b.norm)) > maxDistance(len(b.norm)) {
					continue
				}
				d := osa(w, b.norm)
				if d <= maxDistance(len(b.norm)) && (best.Distance < 0 || d < best.Distance) {
					best = Mention{Brand: b.display, Word: strings.Join(ws[i:i+n], " "), Distance: d, Kind: Misspelled}
					if d == 0 {
						best.Kind = Untagged
					}
				}
			}
		}
		if best.Distance >= 0 && !seen[b.display] {
			seen[b.display] = true
			out = append(out, best)
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osa is the optimal-string-alignment (restricted Damerau-Levenshtein)
// distance between a and b, over runes.
func osa(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}

// Count records one message about topic at t and returns the spike it
// completes, if the topic's count in t's window just reached the threshold:
// at least SpikeMin and at least SpikeFactor times the mean of the
// SpikeBaseline preceding windows. A window fires at most once per topic.
func (l *Listener) Count(topic string, t time.Time) (TopicSpike, bool) {
	b := t.UnixNano() / int64(l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.counts[topic]
	if m == nil {
		m = map[int64]int{}
		l.counts[topic] = m
	}
	m[b]++
	for k := range m { // forget what the baseline no longer needs
		if k < b-int64(l.base) {
			delete(m, k)
		}
	}
	sum := 0
	for k := b - int64(l.base); k < b; k++ {
		sum += m[k]
	}
	baseline := float64(sum) / float64(l.base)
	n := m[b]
	if last, ok := l.fired[topic]; ok && last == b {
		return TopicSpike{}, false
	}
	if n >= l.min && float64(n) >= l.factor*baseline {
		l.fired[topic] = b
		return TopicSpike{Topic: topic, Start: time.Unix(0, b*int64(l.window)).UTC(), Window: l.window, Count: n, Baseline: baseline}, true
	}
	return TopicSpike{}, false
}

// Topics returns the topics with a count in the current baseline span, in
// name order.
func (l *Listener) Topics() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.counts))
	for t := range l.counts {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
