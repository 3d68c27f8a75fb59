package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/socialcare/socialcare/queue"
)

// WaitConfig configures the published expected wait time. The zero value
// gives the defaults and publishes to nobody but Config.OnEvent.
type WaitConfig struct {
	// Every is how often Tick publishes the estimates. Defaults to 5
	// minutes (KLM refreshes its published wait every 5 minutes).
	Every time.Duration
	// HandleTime is the assumed time per conversation while the queue has
	// no recent claims on a channel to measure from. Defaults to 6
	// minutes.
	HandleTime time.Duration
	// Publish receives the estimates; it is called by Tick outside the
	// desk's locks. Defaults to nil: estimates only go to OnEvent.
	Publish func([]WaitEstimate)
}

func (w *WaitConfig) defaults() error {
	if w.Every < 0 || w.HandleTime < 0 {
		return fmt.Errorf("%w: WaitTime durations must not be negative", ErrInvalid)
	}
	if w.Every == 0 {
		w.Every = 5 * time.Minute
	}
	if w.HandleTime == 0 {
		w.HandleTime = 6 * time.Minute
	}
	return nil
}

// WaitEstimate is the expected wait for a new conversation on a channel.
type WaitEstimate struct {
	// Channel is the channel kind.
	Channel string
	// Waiting is the number of claimable conversations on it.
	Waiting int
	// Agents is the number of human agents online.
	Agents int
	// Wait is the estimate.
	Wait time.Duration
	// Source says how Wait was computed: "queue" (queue.ExpectedWait, from
	// the queue's recent claims on the channel) or "assumed"
	// (WaitConfig.HandleTime · (Waiting+1) / Agents, when the queue has no
	// recent claims to go by).
	Source string
	// At is when it was computed.
	At time.Time
}

// String formats the estimate as "x: about 12m (3 waiting)".
func (w WaitEstimate) String() string {
	return fmt.Sprintf("%s: about %v (%d waiting)", w.Channel, w.Wait.Round(time.Minute), w.Waiting)
}

// WaitTimes computes the expected wait per channel now: the queue's
// ExpectedWait where the queue has recent claims on the channel, else
// WaitConfig.HandleTime per waiting conversation spread over the agents
// online (see WaitEstimate.Source). Channels are those added with
// AddChannel, in name order.
func (d *Desk) WaitTimes(ctx context.Context) ([]WaitEstimate, error) {
	st, err := d.q.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("care: wait times: %w", err)
	}
	now := d.now()
	agents := d.agents.humans()
	var names []string
	for k := range d.channelKinds() {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]WaitEstimate, 0, len(names))
	for _, k := range names {
		w := WaitEstimate{Channel: k, Waiting: st.WaitingByChannel[k], Agents: agents, At: now}
		qw, err := d.q.ExpectedWait(ctx, queue.Filter{Channels: []string{k}})
		switch {
		case err == nil:
			w.Wait, w.Source = qw, "queue"
		case !errors.Is(err, queue.ErrNoEstimate):
			return nil, fmt.Errorf("care: wait times: %w", err)
		default:
			w.Wait, w.Source = d.sched.wait.HandleTime*time.Duration(w.Waiting+1)/time.Duration(max(agents, 1)), "assumed"
		}
		out = append(out, w)
	}
	return out, nil
}

func (d *Desk) publishWaits(ctx context.Context) error {
	now := d.now()
	d.sched.mu.Lock()
	due := d.sched.lastPublish.IsZero() || !now.Before(d.sched.lastPublish.Add(d.sched.wait.Every))
	d.sched.mu.Unlock()
	if !due {
		return nil
	}
	d.sched.mu.Lock()
	d.sched.lastPublish = now
	d.sched.mu.Unlock()
	slot := now.Truncate(d.sched.wait.Every)
	if first, err := d.once(ctx, "waits/"+slot.UTC().Format(time.RFC3339Nano), now, slot.Add(2*d.sched.wait.Every)); err != nil || !first {
		return err // published for this period already (another runner)
	}
	ws, err := d.WaitTimes(ctx)
	if err != nil {
		return err
	}
	if d.sched.wait.Publish != nil {
		d.sched.wait.Publish(slices.Clone(ws))
	}
	d.emit(Event{Kind: WaitPublished, At: now, Waits: ws})
	return nil
}
