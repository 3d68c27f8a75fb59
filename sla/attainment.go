package sla

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Target names what a measurement or a timer is about.
type Target string

// Targets, in the order reports list them.
const (
	// TargetAcknowledge: any reply, automatic or human, that tells the
	// customer they have been heard.
	TargetAcknowledge Target = "acknowledge"
	// TargetFirstResponse: the first substantive reply by a human agent.
	TargetFirstResponse Target = "first_response"
	// TargetNextResponse: a substantive reply to a customer message that
	// followed an agent's reply.
	TargetNextResponse Target = "next_response"
	// TargetUpdate: a reply of any kind while the conversation is
	// unresolved, at most Policy.Update after the previous one.
	TargetUpdate Target = "update"
	// TargetResolve: the resolution.
	TargetResolve Target = "resolve"
)

// targets lists every target in report order.
var targets = [numTargets]Target{TargetAcknowledge, TargetFirstResponse, TargetNextResponse, TargetUpdate, TargetResolve}

const numTargets = 5

// Targets returns every target, in report order.
func Targets() []Target { return slices.Clone(targets[:]) }

func targetIndex(t Target) int {
	for i, x := range targets {
		if x == t {
			return i
		}
	}
	return -1
}

// Measurement is one measured time against its target.
type Measurement struct {
	// Policy, Channel and Agent say whose measurement it is (GroupBy keys).
	Policy  string
	Channel string
	Agent   string
	// Target is what was measured.
	Target Target
	// Elapsed is the measured time from the start of the target (business
	// time when the policy has a calendar, pauses excluded).
	Elapsed time.Duration
	// Allowed is the target time.
	Allowed time.Duration
}

// Met reports whether the measurement met its target.
func (m Measurement) Met() bool { return m.Elapsed <= m.Allowed }

// Attainment accumulates measurements. The zero value is ready to use and it
// is safe for concurrent use. It keeps every measurement (48 bytes plus the
// strings' headers each); summaries sort them, O(n log n).
type Attainment struct {
	mu sync.Mutex
	ms []Measurement
}

// Record adds a measurement.
func (a *Attainment) Record(m Measurement) {
	a.mu.Lock()
	a.ms = append(a.ms, m)
	a.mu.Unlock()
}

// Len returns the number of measurements recorded.
func (a *Attainment) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.ms)
}

// Summary is the attainment of one group of measurements of one target.
type Summary struct {
	Target Target
	Count  int
	Met    int
	// P50, P90 and P99 are nearest-rank percentiles of Elapsed; zero for an
	// empty summary.
	P50, P90, P99 time.Duration
}

// Percent returns the share of measurements that met their target, 0–100.
// It is 0 for an empty summary.
func (s Summary) Percent() float64 {
	if s.Count == 0 {
		return 0
	}
	return 100 * float64(s.Met) / float64(s.Count)
}

// Summarize returns one Summary per target for the measurements keep
// accepts (nil keeps all): always acknowledge, then first_response,
// next_response and update only when some were recorded, then resolve.
func (a *Attainment) Summarize(keep func(Measurement) bool) []Summary {
	a.mu.Lock()
	ms := slices.Clone(a.ms)
	a.mu.Unlock()
	return summarize(ms, keep)
}

func summarize(ms []Measurement, keep func(Measurement) bool) []Summary {
	var el [numTargets][]time.Duration
	var met [numTargets]int
	for _, m := range ms {
		if keep != nil && !keep(m) {
			continue
		}
		i := targetIndex(m.Target)
		if i < 0 {
			continue
		}
		el[i] = append(el[i], m.Elapsed)
		if m.Met() {
			met[i]++
		}
	}
	var out []Summary
	for i, t := range targets {
		if len(el[i]) == 0 && t != TargetAcknowledge && t != TargetResolve {
			continue
		}
		slices.Sort(el[i])
		out = append(out, Summary{Target: t, Count: len(el[i]), Met: met[i],
			P50: percentile(el[i], 0.5), P90: percentile(el[i], 0.9), P99: percentile(el[i], 0.99)})
	}
	return out
}

// Group is the attainment of the measurements that share a key.
type Group struct {
	// Key is the policy, channel or agent (whatever the grouping returned).
	Key       string
	Summaries []Summary
}

// GroupBy returns the summaries of the measurements grouped by key (e.g.
// ByPolicy, ByChannel, ByAgent), sorted by key.
func (a *Attainment) GroupBy(key func(Measurement) string) []Group {
	a.mu.Lock()
	ms := slices.Clone(a.ms)
	a.mu.Unlock()
	by := map[string][]Measurement{}
	for _, m := range ms {
		k := key(m)
		by[k] = append(by[k], m)
	}
	out := make([]Group, 0, len(by))
	for k, g := range by {
		out = append(out, Group{Key: k, Summaries: summarize(g, nil)})
	}
	slices.SortFunc(out, func(x, y Group) int {
		switch {
		case x.Key < y.Key:
			return -1
		case x.Key > y.Key:
			return 1
		}
		return 0
	})
	return out
}

// ByPolicy, ByChannel and ByAgent are keys for GroupBy.
func ByPolicy(m Measurement) string { return m.Policy }

// ByChannel groups by Measurement.Channel.
func ByChannel(m Measurement) string { return m.Channel }

// ByAgent groups by Measurement.Agent.
func ByAgent(m Measurement) string { return m.Agent }

// percentile returns the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}
