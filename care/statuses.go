package care

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/socialcare/socialcare/channel"
)

// Statuses returns the desk's sink for delivery statuses, for a Receiver
// (channel.ReceiverConfig.Statuses): when a platform reports that a message
// the desk sent failed (a WhatsApp failed status), the desk marks that turn
// of the conversation Failed, with the platform's reason, and emits a
// DeliveryFailed event, so that a failed reply does not look sent. Other
// statuses (sent, delivered, read) change nothing. A status the desk cannot
// place (no conversation, or no such turn) is reported to Config.OnError and
// acknowledged.
func (d *Desk) Statuses() channel.StatusSink {
	return func(ctx context.Context, st channel.Status) error {
		if st.State != channel.StatusFailed && st.State != channel.StatusError {
			return nil
		}
		var why []string
		for _, e := range st.Errors {
			w := fmt.Sprintf("%d %s", e.Code, e.Title)
			if e.Detail != "" {
				w += ": " + e.Detail
			}
			why = append(why, w)
		}
		reason := strings.Join(why, "; ")
		if reason == "" {
			reason = string(st.State)
		}
		if st.MessageID == "" || st.ConversationID == "" {
			d.onError(fmt.Errorf("care: %s status %s for no message the desk can place: %s", st.Channel, st.State, reason))
			return nil
		}
		key, err := d.convs.resolve(ctx, channelKey(st.Channel, st.Account)+":"+st.ConversationID)
		if err != nil {
			return err
		}
		lk := d.lockConv(key)
		defer lk.release()
		found := false
		saved, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
			for i := range c.Transcript {
				if t := c.Transcript[i]; t.ID == st.MessageID && t.Role != Customer {
					if t.Failed != "" {
						return nil, errSkip // reported already
					}
					c.Transcript = slices.Clone(c.Transcript) // c may be a view of the stored snapshot
					c.Transcript[i].Failed, found = reason, true
					return nil, nil
				}
			}
			return nil, errSkip
		}, "")
		switch {
		case err == errSkip || (err == nil && !found):
			if !found {
				d.onError(fmt.Errorf("care: %s status %s for message %s, which %s does not have (or already knows failed)", st.Channel, st.State, st.MessageID, key))
			}
			return nil
		case err != nil:
			return fmt.Errorf("care: status of %s: %w", st.MessageID, err)
		}
		e := d.event(DeliveryFailed, d.now(), saved, fmt.Sprintf("message %s was not delivered: %s", st.MessageID, reason))
		lk.emit(e)
		return nil
	}
}
