package care

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/situation"
)

// routerJSON is the JSON form of RouterConfig read by ParseRouterConfig.
type routerJSON struct {
	Topics  []Topic     `json:"topics"`
	Loops   []loopJSON  `json:"loops"`
	Routes  []routeJSON `json:"routes"`
	Default string      `json:"default"`
}

type loopJSON struct {
	Name        string           `json:"name"`
	Team        string           `json:"team"`
	Answers     string           `json:"answers"`
	Acknowledge string           `json:"acknowledge"`
	Resolve     string           `json:"resolve"`
	Escalation  []escalationJSON `json:"escalation"`
}

type escalationJSON struct {
	To    string `json:"to"`
	After string `json:"after"`
}

type routeJSON struct {
	Name       string   `json:"name"`
	Loop       string   `json:"loop"`
	Topics     []string `json:"topics"`
	Situations []string `json:"situations"`
	Unless     []string `json:"unless"`
	Inform     bool     `json:"inform"`
	OwnOnly    bool     `json:"own_only"`
	Channels   []string `json:"channels"`
	Authors    []string `json:"authors"`
	MinScore   float64  `json:"min_score"`
}

// ParseRouterConfig reads a RouterConfig from JSON, strictly, and
// validates it as NewRouter does with the built-in situation detector (see
// ParseRouterConfigWith for a detector of the host's own). The document is an object with "topics",
// "loops", "routes" (the Route fields in snake case: "name", "loop",
// "topics", "situations", "unless", "inform", "own_only", "channels", "authors",
// "min_score") and "default"; an absent list takes its default, as in
// NewRouter. Loop deadlines and escalation delays are Go durations
// ("30m", "24h"). Unknown fields, trailing data, wrong types, bad
// durations and invalid rules are errors matching ErrInvalid that name
// the field:
//
//	{"routes": [
//	  {"name": "legal threat", "loop": "legal", "situations": ["legal_threat", "authority"]},
//	  {"name": "churn", "loop": "executives", "inform": true, "situations": ["churn"]}
//	]}
func ParseRouterConfig(data []byte) (*RouterConfig, error) {
	return ParseRouterConfigWith(data, nil)
}

// ParseRouterConfigWith is ParseRouterConfig for a host's own situation
// detector: routes may name the situations it knows, and the returned
// RouterConfig has Situations set to it. A nil situations is the built-in
// detector, as in ParseRouterConfig.
func ParseRouterConfigWith(data []byte, situations *situation.Detector) (*RouterConfig, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w routerJSON
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: router config: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: router config: trailing data after the JSON object", ErrInvalid)
	}
	c := &RouterConfig{Topics: w.Topics, Default: w.Default, Situations: situations}
	dur := func(field, s string) (time.Duration, error) {
		if s == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%w: router config: %s: %w", ErrInvalid, field, err)
		}
		return d, nil
	}
	if w.Loops != nil {
		c.Loops = []Loop{}
	}
	for i, l := range w.Loops {
		f := fmt.Sprintf("loops[%d]", i)
		ack, err := dur(f+".acknowledge", l.Acknowledge)
		if err != nil {
			return nil, err
		}
		res, err := dur(f+".resolve", l.Resolve)
		if err != nil {
			return nil, err
		}
		loop := Loop{Name: l.Name, Team: l.Team, Answers: l.Answers, Acknowledge: ack, Resolve: res}
		for j, e := range l.Escalation {
			after, err := dur(fmt.Sprintf("%s.escalation[%d].after", f, j), e.After)
			if err != nil {
				return nil, err
			}
			loop.Escalation = append(loop.Escalation, Escalation{To: e.To, After: after})
		}
		c.Loops = append(c.Loops, loop)
	}
	if w.Routes != nil {
		c.Routes = []Route{}
	}
	for i, rt := range w.Routes {
		if rt.MinScore < 0 || rt.MinScore != rt.MinScore {
			return nil, fmt.Errorf("%w: router config: routes[%d].min_score: must not be negative, got %v", ErrInvalid, i, rt.MinScore)
		}
		route := Route{Name: rt.Name, Loop: rt.Loop, Topics: rt.Topics, Situations: rt.Situations, Unless: rt.Unless,
			Inform: rt.Inform, OwnOnly: rt.OwnOnly, Authors: rt.Authors, MinScore: rt.MinScore}
		for _, ch := range rt.Channels {
			route.Channels = append(route.Channels, channel.Kind(ch))
		}
		c.Routes = append(c.Routes, route)
	}
	if _, err := NewRouter(c); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadRouterConfig reads all of r and parses it with ParseRouterConfig.
func LoadRouterConfig(r io.Reader) (*RouterConfig, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("care: reading router config: %w", err)
	}
	return ParseRouterConfig(data)
}
