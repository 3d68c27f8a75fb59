package caredrivertest

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/priority"
	"github.com/socialcare/socialcare/situation"
	"github.com/socialcare/socialcare/sla"
)

// t0 is the suite's fixed start instant. Every time the suite compares in
// the store (expiries, resolutions, due times) is at a whole microsecond.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// PolicyName is the name of the SLA policy of Conversation's fixtures; see
// Policies.
const PolicyName = "caredrivertest-business-hours"

var policies = sync.OnceValue(func() []sla.Policy {
	var hours [7][]sla.Interval
	for d := time.Monday; d <= time.Friday; d++ {
		hours[d] = []sla.Interval{{Start: 9 * time.Hour, End: 17 * time.Hour}}
	}
	c, err := sla.NewCalendar(sla.CalendarConfig{TimeZone: "America/Chicago", Hours: hours})
	if err != nil {
		panic("caredrivertest: " + err.Error())
	}
	return []sla.Policy{{
		Name: PolicyName, Channels: []string{"x"}, Bands: []string{"urgent"}, Tiers: []string{"gold"}, Teams: []string{"care"},
		Acknowledge: 15 * time.Minute, FirstResponse: time.Hour, NextResponse: 2 * time.Hour, Update: 4 * time.Hour,
		Resolve: 24 * time.Hour, Calendar: c,
	}}
})

// Policies returns the SLA policies the suite's conversations carry: one
// policy, named PolicyName, with a business-hours *sla.Calendar. A Calendar
// is compiled and cannot be serialized, so a store that serializes
// conversations must keep the policy's name and give back the very
// *sla.Calendar of the host's policy of that name (the desk compares
// policies by their Calendar pointer): give these policies to such a store
// as it is configured, as a host gives it its desk's Config.Policies.
// Every call returns the same calendar.
func Policies() []sla.Policy { return policies() }

// Conversation returns a conversation with key whose every exported field,
// recursively, is set to a value other than its zero value (Populated
// checks it), for round-trip tests. Its times carry nanoseconds and a zone
// other than UTC; Version is 0, ready for a first save. Its cycle is open.
func Conversation(key string) care.Conversation {
	zone := time.FixedZone("CST", -6*3600)
	at := t0.In(zone).Add(123456789 * time.Nanosecond)
	msg := func(id string, d time.Duration) channel.Message {
		return channel.Message{
			ID: id, Channel: channel.X, Account: "brand-1", ConversationID: "conv-" + key, ThreadID: "thread-1",
			CustomerID: "x:42", Item: channel.ItemComment, ParentID: "parent-" + id,
			Author: channel.Author{ID: "42", Handle: "stranded", Name: "Stranded Traveller", Followers: 48000, Verified: true},
			Text:   "my bag is lost — ✈️ " + id,
			Attachments: []channel.Attachment{{
				Kind: channel.Image, URL: "https://cdn.example/" + id + ".jpg", MediaID: "m-" + id,
				MIMEType: "image/jpeg", Name: id + ".jpg", Caption: "the bag",
			}},
			Visibility: channel.AdComment, Language: "en-US", ReceivedAt: at.Add(d),
		}
	}
	turns := []care.Turn{
		{Role: care.Customer, Agent: "-", ID: "m1", Text: "my bag is lost", Visibility: channel.AdComment, Channel: channel.X, At: at, Failed: "-", MaybeSent: true},
		{Role: care.Human, Agent: "ana", ID: "r1", Text: "Sorry! DM us. ^ana", Visibility: channel.Private, Channel: channel.Messenger,
			At: at.Add(time.Minute), Failed: "131026 Message undeliverable", MaybeSent: true},
	}
	return care.Conversation{
		Key: key, Channel: channel.X, Account: "brand-1",
		Aliases:    []string{"messenger:brand-1:psid-42", "whatsapp:brand-1:15551234"},
		LinkedTo:   "x:brand-1:elsewhere",
		Messages:   []channel.Message{msg("m1", 0), msg("m2", 2*time.Minute)},
		Transcript: turns,
		Customer:   care.CustomerFacts{Tier: "gold", LifetimeValue: 1234.5, VIP: true},
		Score: priority.Score{Value: 55.25, Reasons: []priority.Reason{
			{Signal: "keyword", Detail: "lost", Points: 45.25}, {Signal: "channel", Detail: "x", Points: 10},
		}},
		Band:   "urgent",
		Policy: Policies()[0],
		Cycle:  3, Since: at, ResolvedAt: at.Add(-time.Hour), AcknowledgedAt: at.Add(30 * time.Second),
		AutoAcknowledged: true,
		Routing: &care.Decision{
			Loop: care.Loop{Name: "baggage", Team: "care", Answers: "care-tier2", Acknowledge: 10 * time.Minute,
				Resolve: 12 * time.Hour, Escalation: []care.Escalation{{To: "lead", After: time.Hour}}},
			Route: "lost bag", Rule: "lost bag", Topics: []string{"baggage"}, Reasons: []string{`topic baggage ("bag")`},
			Situations: []situation.Match{{Kind: "blocked-now", Label: "work or travel blocked now", Evidence: "my bag is lost", Source: "en: bag* lost"}},
			Inform: []care.Notice{{Loop: care.Loop{Name: "product", Team: "product", Answers: "care", Acknowledge: time.Hour, Resolve: 24 * time.Hour,
				Escalation: []care.Escalation{{To: "product-lead", After: 2 * time.Hour}}}, Route: "tell product", Reasons: []string{"feature request"}}},
		},
		Team: "care", Informed: []string{"product"}, Escalations: 2, EscalatedTo: "lead",
		PublicPII:       []care.PII{{Kind: care.PIIEmail, Text: "a@example.com"}},
		DeleteRequested: true,
		Handoff: &care.HandoffRecord{From: "bot-1", Team: "care", Note: "angry about a bag", At: at.Add(40 * time.Second),
			Transcript: turns[:1]},
		FirstResponded: true, Unanswered: 4, CycleStart: 1,
		SLAPauses: []care.SLAPause{{From: at.Add(time.Minute), To: at.Add(time.Hour), FromTurn: 1, ToTurn: 2}},
		Sending: []care.Sending{{ID: "s1", Desk: "desk-a", Role: care.Human, Agent: "ana", Text: "On it ^AS",
			Visibility: channel.Private, Channel: channel.Messenger, At: at.Add(2 * time.Minute)}},
	}
}

// FollowUp returns a follow-up with every field set, due at at.
func FollowUp(id, key string, at time.Time) care.FollowUp {
	return care.FollowUp{ID: id, Kind: care.Proactive, Key: key, Agent: "ana", At: at,
		Text: "Did your bag arrive?", Intent: "bag-check", Note: "call the airport first", Notified: true}
}

// Populated returns the path of the first exported field of v that holds
// its zero value (an empty slice or map, a nil pointer), or "" if there is
// none; it descends into structs, pointers and every element of slices.
// The suite checks its fixtures with it, so that a field added to
// care.Conversation is not left out of the round-trip test.
func Populated(v any) string { return zeroPath(reflect.ValueOf(v), reflect.TypeOf(v).String()) }

var (
	timeType     = reflect.TypeFor[time.Time]()
	calendarType = reflect.TypeFor[*sla.Calendar]()
)

func zeroPath(v reflect.Value, path string) string {
	if v.IsZero() {
		return path
	}
	switch {
	case v.Type() == timeType, v.Type() == calendarType:
		return ""
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return zeroPath(v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				if p := zeroPath(v.Field(i), path+"."+f.Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return path
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				if p := zeroPath(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// Diff returns a description of the first difference between want and got
// (two values of one type), or "" if they are equal: times are compared
// with Equal (a store may return them in another zone), a *sla.Calendar by
// identity, a nil slice equals an empty one, and unexported fields are not
// compared.
func Diff(want, got any) string {
	return diff(reflect.ValueOf(want), reflect.ValueOf(got), reflect.TypeOf(want).String())
}

func diff(a, b reflect.Value, path string) string {
	if a.Type() != b.Type() {
		return fmt.Sprintf("%s: type %v, want %v", path, b.Type(), a.Type())
	}
	switch {
	case a.Type() == timeType:
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if !ta.Equal(tb) {
			return fmt.Sprintf("%s: got %v, want %v", path, tb, ta)
		}
		return ""
	case a.Type() == calendarType:
		if a.Pointer() != b.Pointer() {
			return fmt.Sprintf("%s: got calendar %p, want %p (the host's calendar of the policy)", path, b.Interface(), a.Interface())
		}
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s: got %v, want %v", path, b, a)
			}
			return ""
		}
		return diff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() {
				if d := diff(a.Field(i), b.Field(i), path+"."+f.Name); d != "" {
					return d
				}
			}
		}
		return ""
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: got %d elements, want %d", path, b.Len(), a.Len())
		}
		for i := range a.Len() {
			if d := diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: got %d entries, want %d", path, b.Len(), a.Len())
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return fmt.Sprintf("%s[%v]: missing", path, k)
			}
			if d := diff(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k)); d != "" {
				return d
			}
		}
		return ""
	}
	if !a.Equal(b) {
		return fmt.Sprintf("%s: got %v, want %v", path, b, a)
	}
	return ""
}
