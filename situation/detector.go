package situation

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// New compiles cfg into a Detector. cfg may be nil for DefaultConfig();
// New does not keep or modify cfg. It fails with a *ConfigError (matching
// ErrInvalid) naming the bad field.
func New(cfg *Config) (*Detector, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Situations == nil || c.Negations == nil {
		def := DefaultConfig()
		if c.Situations == nil {
			c.Situations = def.Situations
			if c.Reach == nil {
				c.Reach = def.Reach
			}
		}
		if c.Negations == nil {
			c.Negations = def.Negations
		}
	}
	d := &Detector{index: map[Kind]int{}, window: c.NegationWindow}
	if d.window < 0 || d.window > maxGap {
		return nil, cfgErr("negation_window", "must be 0 (default 3) to %d, got %d", maxGap, d.window)
	}
	if d.window == 0 {
		d.window = 3
	}
	langs := map[string]bool{}
	for i, l := range c.Languages {
		if !validLang(l) {
			return nil, cfgErr(fmt.Sprintf("languages[%d]", i), "invalid language code %q", l)
		}
		langs[l] = true
	}
	on := func(l string) bool { return len(langs) == 0 || langs[l] }
	compileLang := func(field string, m map[string][]string, kind int32, into *[]pattern) error {
		for _, l := range sortedKeys(m) {
			if !validLang(l) {
				return cfgErr(field, "invalid language code %q", l)
			}
			if !on(l) {
				continue
			}
			for j, src := range m[l] {
				p, err := compilePattern(src)
				if err != nil {
					return cfgErr(fmt.Sprintf("%s.%s[%d]", field, l, j), "%w", err)
				}
				p.kind, p.lang = kind, l
				p.source = l + ": " + p.source
				*into = append(*into, p)
			}
		}
		return nil
	}
	for i, s := range c.Situations {
		f := fmt.Sprintf("situations[%d]", i)
		if !validKind(s.Kind) {
			return nil, cfgErr(f+".kind", "invalid kind %q: want 1 to 64 lower-case letters, digits or '_'", s.Kind)
		}
		if _, dup := d.index[s.Kind]; dup {
			return nil, cfgErr(f+".kind", "duplicate kind %q", s.Kind)
		}
		d.index[s.Kind] = i
		cs := compiledSituation{kind: s.Kind, label: strings.TrimSpace(s.Label)}
		if cs.label == "" {
			cs.label = strings.ReplaceAll(string(s.Kind), "_", " ")
		}
		if err := compileLang(f+".patterns", s.Patterns, int32(i), &d.pats); err != nil {
			return nil, err
		}
		if err := compileLang(f+".unless", s.Unless, int32(i), &d.unless); err != nil {
			return nil, err
		}
		for j, h := range s.Handles {
			h = strings.TrimPrefix(strings.TrimSpace(h), "@")
			if suf, ok := strings.CutPrefix(h, "*"); ok {
				if suf == "" || !allHandleBytes(suf) {
					return nil, cfgErr(fmt.Sprintf("%s.handles[%d]", f, j), "invalid handle suffix %q", s.Handles[j])
				}
				cs.suffix = append(cs.suffix, suf)
				continue
			}
			if h == "" || !allHandleBytes(h) {
				return nil, cfgErr(fmt.Sprintf("%s.handles[%d]", f, j), "invalid handle %q: letters, digits and '_'", s.Handles[j])
			}
			if cs.handles == nil {
				cs.handles = map[string]bool{}
			}
			cs.handles[strings.ToLower(h)] = true
		}
		d.kinds = append(d.kinds, cs)
	}
	if err := compileLang("negations", c.Negations, -1, &d.negs); err != nil {
		return nil, err
	}
	if r := c.Reach; r != nil {
		if _, ok := d.index[r.Kind]; !ok {
			return nil, cfgErr("reach.kind", "unknown situation %q", r.Kind)
		}
		if r.Followers <= 0 {
			return nil, cfgErr("reach.followers", "must be positive, got %d", r.Followers)
		}
		if !validSentiment(r.Sentiment) {
			return nil, cfgErr("reach.sentiment", "must be in [-1, 0), got %v", r.Sentiment)
		}
		rr := *r
		d.reach = &rr
	}
	if b := c.BrandLinks; b != nil {
		if _, ok := d.index[b.Kind]; !ok {
			return nil, cfgErr("brand_links.kind", "unknown situation %q", b.Kind)
		}
		if len(b.Domains) == 0 {
			return nil, cfgErr("brand_links.domains", "no domains")
		}
		if !validSentiment(b.Sentiment) {
			return nil, cfgErr("brand_links.sentiment", "must be in [-1, 0), got %v", b.Sentiment)
		}
		bb := *b
		bb.Domains = nil
		for j, dm := range b.Domains {
			dm = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(dm), "www."))
			if dm == "" || strings.ContainsAny(dm, "/ @:") {
				return nil, cfgErr(fmt.Sprintf("brand_links.domains[%d]", j), "invalid domain %q", b.Domains[j])
			}
			bb.Domains = append(bb.Domains, dm)
		}
		d.links = &bb
	}
	// Index every pattern by the first word of each alternative of its
	// first slot: patterns, then context patterns, in one index; the
	// negation cues in another, as they are marked in a pass of their own.
	d.pidx = buildIndex(slices.Concat(d.pats, d.unless))
	d.buildChecks()
	d.nidx = buildIndex(d.negs)
	d.pool.New = func() any { return new(scratch) }
	return d, nil
}

func allHandleBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHandleByte(s[i]) {
			return false
		}
	}
	return true
}

// buildIndex indexes pats by the first word of each alternative of their
// first slot.
func buildIndex(pats []pattern) index {
	first, prefix3 := map[uint64][]int32{}, map[uint64][]int32{}
	var x index
	for id := range pats {
		for _, a := range pats[id].slots[0].alts {
			w := a[0]
			if w.prefix && len(w.text) >= 3 {
				key := uint64(prefixKey(w.text))
				if !slices.Contains(prefix3[key], int32(id)) {
					prefix3[key] = append(prefix3[key], int32(id))
				}
			} else if w.prefix {
				if !slices.Contains(x.short, int32(id)) {
					x.short = append(x.short, int32(id))
				}
			} else if !slices.Contains(first[w.hash], int32(id)) {
				first[w.hash] = append(first[w.hash], int32(id))
			}
		}
	}
	x.first, x.prefix3 = newIDTable(first), newIDTable(prefix3)
	return x
}

// idTable maps keys to pattern ids: an open-addressing hash table, built
// once and then only read, which looks a key up faster than a Go map (a
// lookup per word of every message). Its slots are compact, and a bit set
// of the keys answers most misses without a probe.
type idTable struct {
	shift  uint8 // 64 - log2(len(slots))
	hshift uint8 // 64 - log2(bits in has)
	slots  []idSlot
	ids    []int32
	has    []uint64
}

// idSlot is one key's ids, ids[off:off+n]; n == 0 is an empty slot.
type idSlot struct {
	key    uint64
	off, n uint32
}

func newIDTable(m map[uint64][]int32) idTable {
	n := 8
	for n < 2*len(m) {
		n *= 2
	}
	lg := bits.TrailingZeros(uint(n))
	t := idTable{shift: uint8(64 - lg), hshift: uint8(64 - (lg + 1)), slots: make([]idSlot, n), has: make([]uint64, (2*n+63)/64)}
	for k, ids := range m {
		i := t.slot(k)
		for t.slots[i].n != 0 {
			i = (i + 1) & (n - 1)
		}
		t.slots[i] = idSlot{key: k, off: uint32(len(t.ids)), n: uint32(len(ids))}
		t.ids = append(t.ids, ids...)
		b := t.hasBit(k)
		t.has[b>>6] |= 1 << (b & 63)
	}
	return t
}

func (t *idTable) slot(k uint64) int    { return int((k * 0x9E3779B97F4A7C15) >> t.shift) }
func (t *idTable) hasBit(k uint64) uint { return uint((k * 0xC2B2AE3D27D4EB4F) >> t.hshift) }

// get returns the ids of key k, or nil.
func (t *idTable) get(k uint64) []int32 {
	if len(t.slots) == 0 {
		return nil
	}
	if b := t.hasBit(k); t.has[b>>6]&(1<<(b&63)) == 0 {
		return nil
	}
	mask := len(t.slots) - 1
	for i := t.slot(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.n == 0 {
			return nil
		}
		if s.key == k {
			return t.ids[s.off : s.off+s.n : s.off+s.n]
		}
	}
}

// prefixKey packs the first three bytes of b.
func prefixKey(b []byte) uint32 { return uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) }

// hotPattern is what the scan reads of a pattern first: its kind, and its
// quick word test, d.filters[from:to].
type hotPattern struct {
	kind     int32
	from, to int32
}

// checkFilter is the quick test of one slot (see slot.mayMatch) over
// both filters of the tokenizer (tokenizer.bl: the words' bits, then 1024
// plus their prefixes' bits): the slot may match when one of
// d.fbits[off:off+n] is set, or, with set >= 0, when d.fsets[set]
// intersects them.
type checkFilter struct {
	off, n int32
	set    int32
}

// buildChecks compiles each pattern's quick word test (pattern.possible)
// into d.hot, d.filters, d.fbits and d.fsets.
func (d *Detector) buildChecks() {
	d.hot = make([]hotPattern, len(d.pats))
	for id := range d.pats {
		p := &d.pats[id]
		h := hotPattern{kind: p.kind, from: int32(len(d.filters))}
		for _, k := range p.check {
			s := &p.slots[k]
			f := checkFilter{off: int32(len(d.fbits)), set: -1}
			d.fbits = append(d.fbits, s.words...)
			for _, b := range s.pre {
				d.fbits = append(d.fbits, 1024+b)
			}
			f.n = int32(len(d.fbits)) - f.off
			if f.n >= manyBits {
				var set [2]bloom
				for _, b := range d.fbits[f.off:] {
					set[b>>10][(b>>6)&15] |= 1 << (b & 63)
				}
				d.fbits = d.fbits[:f.off]
				f.off, f.n, f.set = 0, 0, int32(len(d.fsets))
				d.fsets = append(d.fsets, set)
			}
			d.filters = append(d.filters, f)
		}
		h.to = int32(len(d.filters))
		d.hot[id] = h
	}
}

// possible is pattern.possible for pattern id, on the compiled filters.
func (d *Detector) possible(id int32, z *tokenizer) bool {
	h := &d.hot[id]
	for _, f := range d.filters[h.from:h.to] {
		if f.set >= 0 {
			s := &d.fsets[f.set]
			var x uint64
			for i := range s[0] {
				x |= s[0][i]&z.bl[0][i] | s[1][i]&z.bl[1][i]
			}
			if x == 0 {
				return false
			}
			continue
		}
		ok := false
		for _, b := range d.fbits[f.off : f.off+f.n] {
			if z.bl[b>>10][(b>>6)&15]&(1<<(b&63)) != 0 {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
