package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/care/pgcare"
)

// check compares what the platform received, what the store holds and
// what the desks printed, and prints the counts.
func (d *demo) check(ctx context.Context, store *pgcare.Store, load []loadConv, redelivered map[string]bool, posted, resolved time.Duration) error {
	var problems []string
	fail := func(format string, args ...any) {
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	answered, acked := 0, 0
	for _, c := range load {
		replies, acks := 0, 0
		for _, t := range d.plat.received(c) {
			if strings.HasPrefix(t, ackPrefix) {
				acks++
			} else {
				replies++
			}
		}
		if replies != 1 {
			fail("%s: %d agent replies at the platform, want exactly 1", c.key, replies)
		} else {
			answered++
		}
		if acks > 1 {
			fail("%s: %d acknowledgements at the platform, want at most 1", c.key, acks)
		}
		acked += acks
		conv, err := store.Conversation(ctx, c.key)
		switch {
		case err != nil:
			fail("%s: %v", c.key, err)
		case conv.Open() || conv.ResolvedAt.IsZero():
			fail("%s: not resolved", c.key)
		case len(conv.Messages) != 1:
			fail("%s: %d customer messages in the store, want 1", c.key, len(conv.Messages))
		}
	}
	d.mu.Lock()
	for _, f := range d.failures {
		fail("%s", f)
	}
	d.mu.Unlock()
	t := d.tally
	t.mu.Lock()
	defer t.mu.Unlock()
	for what, n := range t.seen {
		if n > 1 {
			fail("%s emitted %d times", what, n)
		}
	}
	dups := 0
	for msg := range redelivered {
		if t.duplicates[msg] {
			dups++
		} else {
			fail("redelivery of %s was not reported as a duplicate", msg)
		}
	}
	fmt.Fprintf(d.out, "demo: all %d webhooks taken in %v, every conversation resolved after %v\n", len(load), posted.Round(time.Millisecond), resolved.Round(time.Millisecond))
	fmt.Fprintf(d.out, "demo: platform: %d/%d conversations answered exactly once, %d acknowledgements (none twice)\n", answered, len(load), acked)
	fmt.Fprintf(d.out, "demo: redeliveries: %d posted to another desk, %d reported duplicate\n", len(redelivered), dups)
	fmt.Fprintf(d.out, "demo: events: %s\n", t.summary())
	var names []string
	for name := range t.byDesk {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(d.out, "demo:   %s: %s\n", name, t.byDesk[name])
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(d.out, "demo: FAIL:", p)
		}
		return errors.New("the checks failed")
	}
	fmt.Fprintf(d.out, "demo: PASS: every conversation answered exactly once; no acknowledgement, SLA warning or breach, or reply emitted twice; none lost\n")
	return nil
}

// tally counts the desks' events as they arrive.
type tally struct {
	mu         sync.Mutex
	kinds      map[string]int
	seen       map[string]int // how often each once-only event was seen, by kind, key and id
	arrived    map[string]bool
	duplicates map[string]bool // messages reported duplicate
	byDesk     map[string]*deskTally
}

type deskTally struct {
	arrived, replies, acks, alerts, maybeSent, checked, errors int
	stopped                                                    []string
}

func (t *deskTally) String() string {
	s := fmt.Sprintf("took %d messages, %d first replies, %d acknowledgements, %d SLA alerts, %d may-have-been-sent, %d platform checks, %d errors reported",
		t.arrived, t.replies, t.acks, t.alerts, t.maybeSent, t.checked, t.errors)
	if len(t.stopped) > 0 { // a killed desk prints nothing when it stops
		s += "; agents: " + strings.Join(t.stopped, "; ")
	}
	return s
}

func newTally() *tally {
	return &tally{kinds: map[string]int{}, seen: map[string]int{}, arrived: map[string]bool{},
		duplicates: map[string]bool{}, byDesk: map[string]*deskTally{}}
}

func (t *tally) add(l line) {
	t.mu.Lock()
	defer t.mu.Unlock()
	dt := t.byDesk[l.Desk]
	if dt == nil {
		dt = &deskTally{}
		t.byDesk[l.Desk] = dt
	}
	kind := l.Kind
	if kind == "acknowledged" && l.Auto {
		kind = "acknowledged (auto)"
	}
	t.kinds[kind]++
	once := ""
	switch kind {
	case "arrived":
		dt.arrived++
		once = l.Msg
	case "acknowledged (auto)":
		dt.acks++
		once = l.Key
	case "first_response", "replied":
		dt.replies++
		once = l.Key // one reply per conversation: a later reply is a second one
		kind = "reply"
	case "sla_warning", "sla_breach":
		dt.alerts++
		once = l.Key + " " + l.ID
	case "maybe_sent":
		dt.maybeSent++
	case "checked":
		dt.checked++
	case "error":
		dt.errors++
	case "duplicate":
		t.duplicates[l.Msg] = true
	case "stopped":
		dt.stopped = append(dt.stopped, l.Detail)
	}
	if once != "" {
		k := kind + " " + once
		t.seen[k]++
	}
}

func (t *tally) progress() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("taken %d, acknowledged %d, answered %d, resolved %d, SLA alerts %d, errors %d",
		t.kinds["arrived"], t.kinds["acknowledged (auto)"], t.kinds["first_response"], t.kinds["resolved"],
		t.kinds["sla_warning"]+t.kinds["sla_breach"], t.kinds["error"])
}

// summary lists the event counts; call it with t.mu held.
func (t *tally) summary() string {
	var parts []string
	for _, k := range []string{"arrived", "duplicate", "acknowledged (auto)", "first_response", "replied", "resolved",
		"sla_warning", "sla_breach", "escalated", "maybe_sent", "in_flight", "checked", "error"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, t.kinds[k]))
	}
	return strings.Join(parts, ", ")
}
