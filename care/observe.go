package care

import (
	"context"
	"fmt"

	"github.com/socialcare/socialcare/channel"
)

// Observe listens to a message that is not addressed to the desk (a search
// stream, a competitor's page): it returns the brand mentions in it,
// emitting MentionCaught for untagged and misspelled ones, and counts its
// topics towards spikes. It does not enqueue anything: a host turns the
// events into proactive posts, or ingests the message.
func (d *Desk) Observe(ctx context.Context, m channel.Message) []Mention {
	now := d.now()
	at := m.ReceivedAt
	if at.IsZero() {
		at = now
	}
	ms := d.listener.Mentions(m.Text)
	var evs []Event
	for i := range ms {
		if ms[i].Kind == Tagged {
			continue
		}
		mm := ms[i]
		evs = append(evs, Event{Kind: MentionCaught, At: now, Channel: string(m.Channel), Detail: fmt.Sprintf("%s mention of %s (%q) by @%s", mm.Kind, mm.Brand, mm.Word, m.Author.Handle), Mention: &mm})
	}
	topics, _ := d.intake.router.Topics(m.Text)
	for _, t := range topics {
		if sp, ok := d.listener.Count(t, at); ok {
			evs = append(evs, Event{Kind: Spike, At: now, Detail: fmt.Sprintf("%s: %d messages in %v (baseline %.1f)", sp.Topic, sp.Count, sp.Window, sp.Baseline), Spike: &sp})
		}
	}
	d.emit(evs...)
	return ms
}
