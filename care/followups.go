package care

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/socialcare/socialcare/queue"
)

// Handoff hands the conversation to a human team in one call: the lease
// passes to the team's queue, the transcript goes with it (the humans'
// Assignment.Conversation.Handoff), and, when a.Agent is a bot, the bot can
// no longer send in this conversation until it is resolved. The
// assignment ends.
func (d *Desk) Handoff(ctx context.Context, a *Assignment, team, note string) (*HandoffRecord, error) {
	if err := a.live(); err != nil {
		return nil, fmt.Errorf("care: handoff: %w", err)
	}
	if !d.teams[team] {
		return nil, fmt.Errorf("%w: handoff of %s to team %q, which no feedback loop, escalation or Config.Teams has; add it to Config.Teams", ErrInvalid, a.Conversation.Key, team)
	}
	key := a.Conversation.Key
	lk := d.lockConv(key)
	defer lk.release()
	now := d.now()
	var h *HandoffRecord
	// Lock the bot out before the lease moves, so that it cannot slip a
	// reply in between; undone if the move fails.
	saved, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
		h = &HandoffRecord{From: a.Agent.ID, Team: team, Note: note, At: now, Transcript: slices.Clone(c.Transcript)}
		c.Handoff, c.Team = h, team
		return nil, nil
	}, "")
	if err != nil {
		return nil, fmt.Errorf("care: handoff %s: %w", key, err)
	}
	prevTeam := a.Conversation.Team
	d.unassign(a)
	if err := a.lease.TransferToTeam(ctx, team); err != nil {
		if a.lease.Context().Err() == nil {
			d.assign(a) // still the agent's: keep it alive again
		}
		_, _, uerr := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
			c.Handoff, c.Team = nil, prevTeam
			return nil, nil
		}, "")
		return nil, fmt.Errorf("care: handoff %s to %s: %w", key, team, errors.Join(err, uerr))
	}
	e := d.event(Handoff, now, saved, note)
	e.Agent = a.Agent.ID
	lk.emit(e)
	return h, nil
}

// Boomerang snoozes the conversation until at and returns it then to the
// same agent: their next Next or TryNext hands it back first, with
// Assignment.FollowUp set. Nobody else may claim it until BoomerangHold
// after at; a new customer message wakes it for everyone. Unless
// Config.SLADuringBoomerang, the conversation's SLA clock pauses until at
// (Tick, or the agent's Next, resumes it then) or until the customer
// writes, so that a follow-up planned for next week raises no breach and
// no escalation. The assignment ends.
func (d *Desk) Boomerang(ctx context.Context, a *Assignment, at time.Time, note string) (FollowUp, error) {
	if err := a.live(); err != nil {
		return FollowUp{}, fmt.Errorf("care: boomerang: %w", err)
	}
	if !at.After(d.now()) {
		return FollowUp{}, fmt.Errorf("%w: boomerang of %s at %v, which is not in the future", ErrInvalid, a.Conversation.Key, at)
	}
	f := FollowUp{ID: uuid.NewString(), Kind: Boomerang, Key: a.Conversation.Key, Agent: a.Agent.ID, At: at, Note: note}
	if err := d.convs.store.PutFollowUp(ctx, f); err != nil {
		return FollowUp{}, fmt.Errorf("care: boomerang %s: %w", f.Key, err)
	}
	d.unassign(a)
	if err := a.lease.Snooze(ctx, at.Add(d.hold)); err != nil {
		if a.lease.Context().Err() == nil {
			d.assign(a) // still the agent's: keep it alive again
		}
		_, _ = d.convs.store.TakeFollowUp(ctx, f.ID)
		return FollowUp{}, fmt.Errorf("care: boomerang %s: %w", f.Key, err)
	}
	if !d.holdSLA {
		if err := d.slaPause(ctx, f.Key, true, d.now()); err != nil {
			return f, fmt.Errorf("care: boomerang %s: snoozed, but %w", f.Key, err)
		}
	}
	return f, nil
}

// slaPause pauses (pause) or resumes the SLA clock of the conversation
// with key at at, recording the pause in the conversation, and brings the
// queue item's deadline in line with the clock.
func (d *Desk) slaPause(ctx context.Context, key string, pause bool, at time.Time) error {
	defer d.convs.lock(key).Unlock()
	saved, _, err := d.commit(ctx, key, func(c *Conversation) (clockOp, error) {
		n := len(c.SLAPauses)
		paused := n > 0 && c.SLAPauses[n-1].To.IsZero()
		if !c.Open() || paused == pause {
			return nil, errSkip
		}
		if pause {
			c.SLAPauses = append(c.SLAPauses, SLAPause{From: at, FromTurn: len(c.Transcript)})
		} else {
			if at.Before(c.SLAPauses[n-1].From) {
				at = c.SLAPauses[n-1].From
			}
			closePause(c, at, len(c.Transcript))
		}
		return nil, nil
	}, "")
	if errors.Is(err, errSkip) || saved == nil {
		if errors.Is(err, errSkip) {
			return nil
		}
		return err
	}
	if !pause {
		if uerr := d.requeue(ctx, saved); uerr != nil {
			err = errors.Join(err, uerr)
		}
	}
	return err
}

// requeue brings the queue item of c in line with the conversation's
// routing and SLA clock, without counting a message.
func (d *Desk) requeue(ctx context.Context, c *Conversation) error {
	d.book.mu.Lock()
	due := d.book.clockOf(c).nearest()
	d.book.mu.Unlock()
	e := queue.Entry{Key: c.Key, Channel: string(c.Channel), Team: c.Team, Language: c.Last().Language, Score: c.Score.Value, Deadline: due}
	if _, err := d.q.Update(ctx, e); err != nil && !errors.Is(err, queue.ErrNotFound) {
		return fmt.Errorf("the queue failed: %w", err)
	}
	return nil
}

// boomerangFor steals back the first due Boomerang of agent, if any.
func (d *Desk) boomerangFor(ctx context.Context, a Agent) (*Assignment, error) {
	now := d.now()
	var fus []FollowUp
	var err error
	if bl, ok := d.convs.store.(BoomerangLister); ok {
		fus, err = bl.Boomerangs(ctx, a.ID, now)
	} else {
		fus, err = d.convs.store.FollowUps(ctx, now)
	}
	if err != nil {
		return nil, fmt.Errorf("care: next for %q: follow-ups: %w", a.ID, err)
	}
	for _, f := range fus {
		if f.Kind != Boomerang || f.Agent != a.ID {
			continue
		}
		it, err := d.q.Get(ctx, f.Key)
		if err != nil || (it.State == queue.Claimed && now.Before(it.LeaseExpiresAt)) || it.State == queue.Done {
			_, _ = d.convs.store.TakeFollowUp(ctx, f.ID) // someone else has it, or it is over
			continue
		}
		if ok, err := d.convs.store.TakeFollowUp(ctx, f.ID); err != nil || !ok {
			continue
		}
		l, err := d.q.Steal(ctx, f.Key, a.ID, "boomerang")
		if err != nil {
			return nil, fmt.Errorf("care: next for %q: boomerang %s: %w", a.ID, f.Key, err)
		}
		if err := d.slaPause(ctx, f.Key, false, f.At); err != nil { // unless Tick resumed it already
			d.onError(fmt.Errorf("care: next for %q: boomerang %s: %w", a.ID, f.Key, err))
		}
		c, err := d.convs.peek(ctx, f.Key)
		if err != nil || c == nil {
			_ = l.Release(ctx)
			continue
		}
		fu := f
		as := &Assignment{Agent: a, Conversation: c.clone(), FollowUp: &fu, lease: l, seen: len(c.Transcript), base: c}
		d.assign(as)
		return as, nil
	}
	return nil, nil
}

// Schedule plans a proactive message in the conversation with key, sent by
// Tick at or after at, signed by agent (a human agent the desk knows),
// through the same guards as a reply (personal data, tone, consistency
// against intent when set). A blocked message is dropped with a Blocked
// event.
func (d *Desk) Schedule(ctx context.Context, key, agent string, at time.Time, text, intent string) (FollowUp, error) {
	if strings.TrimSpace(text) == "" {
		return FollowUp{}, fmt.Errorf("%w: empty scheduled message", ErrInvalid)
	}
	if !at.After(d.now()) {
		return FollowUp{}, fmt.Errorf("%w: message scheduled at %v, which is not in the future", ErrInvalid, at)
	}
	key, err := d.convs.resolve(ctx, key)
	if err != nil {
		return FollowUp{}, err
	}
	if _, err := d.convs.store.Conversation(ctx, key); err != nil {
		return FollowUp{}, err
	}
	ag, ok := d.agents.get(agent)
	if !ok {
		return FollowUp{}, fmt.Errorf("care: schedule: %w: %q", ErrUnknownAgent, agent)
	}
	if ag.Bot {
		return FollowUp{}, fmt.Errorf("%w: bot %q cannot schedule messages", ErrInvalid, agent)
	}
	f := FollowUp{ID: uuid.NewString(), Kind: Proactive, Key: key, Agent: agent, At: at, Text: text, Intent: intent}
	if err := d.convs.store.PutFollowUp(ctx, f); err != nil {
		return FollowUp{}, fmt.Errorf("care: schedule in %s: %w", key, err)
	}
	return f, nil
}

// followUps acts on the follow-ups that came due: it sends the proactive
// messages, resumes the SLA clocks of Boomerangs and tells their agents
// (FollowUpDue), and forgets a Boomerang nobody took back within
// BoomerangHold (the conversation is anyone's then).
func (d *Desk) followUps(ctx context.Context) error {
	now := d.now()
	fus, err := d.convs.store.FollowUps(ctx, now)
	if err != nil {
		return fmt.Errorf("care: follow-ups: %w", err)
	}
	var errs []error
	for _, f := range fus {
		switch f.Kind {
		case Boomerang:
			if f.Notified {
				if !now.Before(f.At.Add(d.hold)) {
					_, _ = d.convs.store.TakeFollowUp(ctx, f.ID)
				}
				continue
			}
			f.Notified = true
			if err := d.convs.store.PutFollowUp(ctx, f); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := d.slaPause(ctx, f.Key, false, f.At); err != nil {
				errs = append(errs, fmt.Errorf("care: boomerang %s came due, but %w", f.Key, err))
			}
			d.emit(Event{Kind: FollowUpDue, At: now, Key: f.Key, Agent: f.Agent, Detail: f.Note})
		case Proactive:
			if ok, err := d.convs.store.TakeFollowUp(ctx, f.ID); err != nil || !ok {
				if err != nil {
					errs = append(errs, err)
				}
				continue
			}
			ag, ok := d.agents.get(f.Agent)
			if !ok {
				ag = agentState{Agent: Agent{ID: f.Agent, Initials: f.Agent}}
			}
			s, _, err := d.deliver(ctx, f.Key, ag.Agent, f.Text, f.Intent, nil)
			if err != nil {
				errs = append(errs, fmt.Errorf("care: scheduled message %s: %w", f.ID, err))
				d.emit(Event{Kind: Blocked, At: now, Key: f.Key, Agent: f.Agent, Detail: "scheduled message not sent: " + err.Error()})
				continue
			}
			d.emit(Event{Kind: FollowUpSent, At: now, Key: f.Key, Agent: f.Agent, Detail: s.Outbound.Text, Flags: s.Flags})
		}
	}
	return errors.Join(errs...)
}
