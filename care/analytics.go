package care

import "github.com/socialcare/socialcare/analytics"

// Analytics translates the event into package analytics' model, for a host
// that feeds an *analytics.Analytics from Config.OnEvent:
//
//	OnEvent: func(e care.Event) {
//		if ae, ok := e.Analytics(); ok {
//			_ = an.Ingest(ae)
//		}
//	}
//
// ok is false for the kinds analytics does not count (routing, guards,
// listening, wait times, SLA warnings and breaches, ...). Arrived,
// Acknowledged, FirstResponse, Replied and Resolved map one to one.
// The events carry the SLA clock's measurements (Event.Measurements), so
// the report's attainment is the desk's own, in business time.
func (e Event) Analytics() (ae analytics.Event, ok bool) {
	var k analytics.Kind
	switch e.Kind {
	case Arrived:
		k = analytics.Arrived
	case Acknowledged:
		k = analytics.Acknowledged
	case FirstResponse:
		k = analytics.FirstResponse
	case Replied:
		k = analytics.Replied
	case Resolved:
		k = analytics.Resolved
	default:
		return analytics.Event{}, false
	}
	return analytics.Event{Kind: k, Conversation: e.Key, Channel: e.Channel, Agent: e.Agent, At: e.At, SLA: e.Measurements}, true
}
