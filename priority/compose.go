package priority

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Weighted is one part of a Sum: a Scorer and the factor its points are
// multiplied by.
type Weighted struct {
	// Scorer is the part; it must not be nil.
	Scorer Scorer
	// Weight multiplies every point of Scorer's reasons; it must be finite
	// and positive.
	Weight float64
}

// Sum returns a Scorer that adds the weighted scores of parts; its reasons
// are theirs, scaled, largest first. It fails if there are no parts, a
// Scorer is nil or a weight is not finite and positive. Each call allocates
// the merged Reasons.
func Sum(parts ...Weighted) (Scorer, error) {
	if len(parts) == 0 {
		return nil, errors.New("priority: Sum: no parts")
	}
	for i, p := range parts {
		if p.Scorer == nil {
			return nil, fmt.Errorf("priority: Sum: parts[%d]: nil Scorer", i)
		}
		if math.IsNaN(p.Weight) || math.IsInf(p.Weight, 0) || p.Weight <= 0 {
			return nil, fmt.Errorf("priority: Sum: parts[%d]: weight must be finite and positive, got %v", i, p.Weight)
		}
	}
	parts = append([]Weighted(nil), parts...)
	return ScorerFunc(func(now time.Time, in *Input) Score {
		var out Score
		for _, p := range parts {
			s := p.Scorer.Score(now, in)
			for _, r := range s.Reasons {
				r.Points = round(r.Points * p.Weight)
				out.Reasons = append(out.Reasons, r)
			}
		}
		sortReasons(out.Reasons)
		for _, r := range out.Reasons {
			out.Value += r.Points
		}
		out.Value = round(out.Value)
		return out
	}), nil
}

// Max returns a Scorer whose score is the highest of its scorers' (the
// first on ties), with that scorer's reasons. It fails if there are no
// scorers or one is nil.
func Max(scorers ...Scorer) (Scorer, error) {
	if len(scorers) == 0 {
		return nil, errors.New("priority: Max: no scorers")
	}
	for i, s := range scorers {
		if s == nil {
			return nil, fmt.Errorf("priority: Max: scorers[%d]: nil Scorer", i)
		}
	}
	scorers = append([]Scorer(nil), scorers...)
	return ScorerFunc(func(now time.Time, in *Input) Score {
		best := scorers[0].Score(now, in)
		for _, s := range scorers[1:] {
			if x := s.Score(now, in); x.Value > best.Value {
				best = x
			}
		}
		return best
	}), nil
}

// Override returns a Scorer that asks over first: when over fires (its
// Value is positive) its Score is the result and base is not consulted;
// otherwise base's Score is. With over a VIPNote, an explicit VIP note wins
// whatever the message says: give it Points above anything base can reach,
// or make over a Sum of the VIPNote and base to keep VIPs ordered among
// themselves. It fails if either is nil.
func Override(over, base Scorer) (Scorer, error) {
	if over == nil || base == nil {
		return nil, errors.New("priority: Override: nil Scorer")
	}
	return ScorerFunc(func(now time.Time, in *Input) Score {
		if s := over.Score(now, in); s.Value > 0 {
			return s
		}
		return base.Score(now, in)
	}), nil
}

// VIPNote is a Scorer that fires for authors with an explicit VIP note:
// Author.VIP, or a handle in Handles (case-insensitive, '@' optional). It
// scores Points with the reason `vip-note "@handle"`, and zero for everyone
// else. Use it with Override. The zero value fires only on Author.VIP, with
// zero points (so it never wins): set Points. Safe for concurrent use if
// not modified.
type VIPNote struct {
	// Points is the score of a VIP.
	Points float64
	// Handles are VIP handles beside Author.VIP.
	Handles []string
}

// Score implements Scorer.
func (v VIPNote) Score(_ time.Time, in *Input) Score {
	if in == nil {
		return Score{}
	}
	vip := in.Author.VIP
	for _, h := range v.Handles {
		if vip {
			break
		}
		vip = strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(h), "@"), strings.TrimPrefix(strings.TrimSpace(in.Author.Handle), "@"))
	}
	if !vip || v.Points <= 0 {
		return Score{}
	}
	pts := round(v.Points)
	return Score{Value: pts, Reasons: []Reason{{Signal: "vip-note", Detail: "@" + strings.TrimPrefix(in.Author.Handle, "@"), Points: pts}}}
}
