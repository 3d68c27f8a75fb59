package analytics

import (
	"fmt"
	"math"
	"time"
)

// ErlangB returns the Erlang B blocking probability of agents servers offered
// traffic erlangs, by the recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)),
// which never overflows (no factorials, no powers). It returns 1 for
// agents <= 0 and 0 for traffic <= 0.
func ErlangB(agents int, traffic float64) float64 {
	if agents <= 0 {
		return 1
	}
	if traffic <= 0 {
		return 0
	}
	b := 1.0
	for n := 1; n <= agents; n++ {
		b = traffic * b / (float64(n) + traffic*b)
	}
	return b
}

// erlangCFromB converts Erlang B to Erlang C for n agents and traffic a < n.
func erlangCFromB(n int, a, b float64) float64 {
	if float64(n) <= a {
		return 1
	}
	return float64(n) * b / (float64(n) - a*(1-b))
}

// ErlangC returns the probability that a contact has to wait, with agents
// agents and traffic erlangs (arrivals per second × handle time in
// seconds). It is 1 when agents <= traffic (the queue grows without bound)
// and 0 for traffic <= 0.
func ErlangC(agents int, traffic float64) float64 {
	if traffic <= 0 {
		return 0
	}
	return erlangCFromB(agents, traffic, ErlangB(agents, traffic))
}

// ServiceLevel returns the share (0–1) of contacts answered within within,
// with agents agents, arrivalsPerHour contacts an hour and average handle
// time aht: 1 − C·e^(−(N−A)·within/aht). It is 1 without arrivals and 0
// when agents cannot keep up (agents <= traffic) or aht <= 0.
func ServiceLevel(agents int, arrivalsPerHour float64, aht, within time.Duration) float64 {
	if arrivalsPerHour <= 0 {
		return 1
	}
	if aht <= 0 {
		return 0
	}
	a := arrivalsPerHour * aht.Seconds() / 3600
	return serviceLevel(agents, a, ErlangC(agents, a), aht, within)
}

func serviceLevel(n int, a, c float64, aht, within time.Duration) float64 {
	if float64(n) <= a {
		return 0
	}
	return 1 - c*math.Exp(-(float64(n)-a)*within.Seconds()/aht.Seconds())
}

// StaffingConfig sets the service-level target of a Staffer. The zero value
// of a field means its default.
type StaffingConfig struct {
	// ServiceLevel is the share, in (0, 1), of contacts to answer
	// within Within. Defaults to 0.8.
	ServiceLevel float64
	// Within is the answer-time target. Defaults to 30 minutes (32% of
	// customers expect a reply on social within 30 minutes).
	Within time.Duration
	// MaxOccupancy caps the share (0–1] of time agents spend handling
	// contacts; more agents are added until occupancy is at or below it.
	// Defaults to 0.85.
	MaxOccupancy float64
	// Shrinkage is the share [0–1) of paid time agents are not available
	// (breaks, training, meetings, absence): Scheduled =
	// ceil(Agents / (1 − Shrinkage)). Defaults to 0.3; set it negative for
	// none.
	Shrinkage float64
	// MinAgents is the smallest number of agents on duty in any hour, even
	// without forecast arrivals (57% of customers expect the same service
	// at night and at weekends). Defaults to 1; set it negative for none.
	MinAgents int
}

// Staffer computes the agents needed for a handle time and a service-level
// target by Erlang C. It is immutable and safe for concurrent use.
type Staffer struct {
	aht time.Duration
	cfg StaffingConfig
}

// NewStaffer returns a Staffer for the average handle time aht (the time an
// agent is busy with one contact, talk and wrap-up) and cfg (nil means all
// defaults). Errors wrap ErrInvalidConfig (and so ErrInvalid).
func NewStaffer(aht time.Duration, cfg *StaffingConfig) (*Staffer, error) {
	if aht <= 0 {
		return nil, fmt.Errorf("%w: NewStaffer: handle time is %v: pass the average time an agent is busy with one conversation, a positive duration such as 6*time.Minute", ErrInvalidConfig, aht)
	}
	var c StaffingConfig
	if cfg != nil {
		c = *cfg
	}
	switch {
	case !(c.ServiceLevel >= 0 && c.ServiceLevel < 1):
		return nil, fmt.Errorf("%w: StaffingConfig.ServiceLevel is %v: set a share in (0, 1), such as 0.8, or 0 for the default 0.8", ErrInvalidConfig, c.ServiceLevel)
	case c.Within < 0:
		return nil, fmt.Errorf("%w: StaffingConfig.Within is %v: set a positive duration, or 0 for the default 30m", ErrInvalidConfig, c.Within)
	case !(c.MaxOccupancy >= 0 && c.MaxOccupancy <= 1):
		return nil, fmt.Errorf("%w: StaffingConfig.MaxOccupancy is %v: set a share in (0, 1], or 0 for the default 0.85", ErrInvalidConfig, c.MaxOccupancy)
	case !(c.Shrinkage < 1) || math.IsNaN(c.Shrinkage):
		return nil, fmt.Errorf("%w: StaffingConfig.Shrinkage is %v: set a share below 1, 0 for the default 0.3, or a negative number for none", ErrInvalidConfig, c.Shrinkage)
	}
	if c.ServiceLevel == 0 {
		c.ServiceLevel = 0.8
	}
	if c.Within == 0 {
		c.Within = 30 * time.Minute
	}
	if c.MaxOccupancy == 0 {
		c.MaxOccupancy = 0.85
	}
	switch {
	case c.Shrinkage == 0:
		c.Shrinkage = 0.3
	case c.Shrinkage < 0:
		c.Shrinkage = 0
	}
	switch {
	case c.MinAgents == 0:
		c.MinAgents = 1
	case c.MinAgents < 0:
		c.MinAgents = 0
	}
	return &Staffer{aht: aht, cfg: c}, nil
}

// HandleTime returns the Staffer's average handle time.
func (s *Staffer) HandleTime() time.Duration { return s.aht }

// Config returns the configuration with defaults filled in (a negative
// Shrinkage or MinAgents reads back as 0).
func (s *Staffer) Config() StaffingConfig { return s.cfg }

// Limit says which constraint set the number of agents.
type Limit string

// Limits.
const (
	LimitServiceLevel Limit = "service level"
	LimitOccupancy    Limit = "occupancy"
	LimitMinimum      Limit = "minimum"
)

// Staffing is the answer for one rate of arrivals.
type Staffing struct {
	// ArrivalsPerHour is the rate staffed for.
	ArrivalsPerHour float64
	// Traffic is the offered load in erlangs (arrivals per hour × handle
	// time in hours).
	Traffic float64
	// Agents is the number of agents needed on the desk at once.
	Agents int
	// Scheduled is Agents grossed up for shrinkage: the people to put on
	// the rota.
	Scheduled int
	// ServiceLevel is the share (0–1) answered within the target with
	// Agents.
	ServiceLevel float64
	// WaitProbability is the Erlang C probability of waiting at all.
	WaitProbability float64
	// Occupancy is Traffic / Agents; 0 without agents.
	Occupancy float64
	// ASA is the average speed of answer (mean wait over all contacts).
	ASA time.Duration
	// Limit is the constraint that set Agents.
	Limit Limit
}

// Agents returns the fewest agents that meet the service level and the
// occupancy cap for arrivalsPerHour, never fewer than MinAgents. The search
// walks up from the traffic with the Erlang B recursion, so it costs
// O(agents) and is stable for any load. Errors wrap ErrInvalidConfig for a
// negative, NaN or infinite rate.
func (s *Staffer) Agents(arrivalsPerHour float64) (Staffing, error) {
	if !(arrivalsPerHour >= 0) || math.IsInf(arrivalsPerHour, 0) {
		return Staffing{}, fmt.Errorf("%w: Agents: arrivals per hour %v is not a non-negative number", ErrInvalidConfig, arrivalsPerHour)
	}
	a := arrivalsPerHour * s.aht.Seconds() / 3600
	st := Staffing{ArrivalsPerHour: arrivalsPerHour, Traffic: a}
	if a == 0 {
		st.Agents, st.Limit, st.ServiceLevel = s.cfg.MinAgents, LimitMinimum, 1
		st.Scheduled = s.scheduled(st.Agents)
		return st, nil
	}
	minOcc := int(math.Ceil(a/s.cfg.MaxOccupancy - 1e-9))
	b := 1.0 // Erlang B with n agents, n = 0
	for n := 1; ; n++ {
		b = a * b / (float64(n) + a*b)
		if float64(n) <= a {
			continue
		}
		c := erlangCFromB(n, a, b)
		sl := serviceLevel(n, a, c, s.aht, s.cfg.Within)
		if sl+1e-12 < s.cfg.ServiceLevel || n < minOcc {
			continue
		}
		st.Limit = LimitServiceLevel
		// Was the service level already met with fewer agents?
		if n == minOcc && n > 1 && float64(n-1) > a {
			if prev := serviceLevel(n-1, a, erlangCFromB(n-1, a, ErlangB(n-1, a)), s.aht, s.cfg.Within); prev+1e-12 >= s.cfg.ServiceLevel {
				st.Limit = LimitOccupancy
			}
		}
		if n < s.cfg.MinAgents {
			n, st.Limit = s.cfg.MinAgents, LimitMinimum
			c = ErlangC(n, a)
			sl = serviceLevel(n, a, c, s.aht, s.cfg.Within)
		}
		st.Agents, st.ServiceLevel, st.WaitProbability = n, sl, c
		st.Occupancy = a / float64(n)
		st.ASA = time.Duration(c * s.aht.Seconds() / (float64(n) - a) * float64(time.Second))
		st.Scheduled = s.scheduled(n)
		return st, nil
	}
}

func (s *Staffer) scheduled(agents int) int {
	return int(math.Ceil(float64(agents)/(1-s.cfg.Shrinkage) - 1e-9))
}

// Plan is the staffing for every hour of a week.
type Plan [HoursPerWeek]Staffing

// Agents returns the agents needed per slot as a Week.
func (p *Plan) Agents() Week {
	var w Week
	for i, st := range p {
		w[i] = float64(st.Agents)
	}
	return w
}

// Scheduled returns the scheduled agents per slot as a Week.
func (p *Plan) Scheduled() Week {
	var w Week
	for i, st := range p {
		w[i] = float64(st.Scheduled)
	}
	return w
}

// AgentHours returns the sum of Agents over the week: agent-hours on the
// desk.
func (p *Plan) AgentHours() int {
	n := 0
	for _, st := range p {
		n += st.Agents
	}
	return n
}

// Plan staffs every slot of forecast (arrivals per hour of week, e.g. from
// Forecast).
func (s *Staffer) Plan(forecast Week) (Plan, error) {
	var p Plan
	for i, f := range forecast {
		st, err := s.Agents(f)
		if err != nil {
			return Plan{}, fmt.Errorf("analytics: Plan: slot %s: %w", SlotName(i), err)
		}
		p[i] = st
	}
	return p, nil
}
