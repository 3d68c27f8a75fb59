package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
)

// agent is one scripted agent of a desk: it takes the most urgent
// conversation (Next), answers it once and resolves it, as a person at a
// workspace would, including what a careful person does when the desk says
// that a reply may already have gone out.
type agent struct {
	desk     *care.Desk
	id       string
	pr       *printer
	platform *platformSearch
	work     time.Duration
	counts   *agentCounts
}

// agentCounts are a desk's agents' tallies, printed when it stops.
type agentCounts struct {
	replied, resolved, checked, confirmed, inFlight atomic.Int64
}

func (c *agentCounts) String() string {
	return fmt.Sprintf("replied %d, resolved %d, checked the platform %d, replied with Confirm %d, waited for a send in flight %d",
		c.replied.Load(), c.resolved.Load(), c.checked.Load(), c.confirmed.Load(), c.inFlight.Load())
}

func (a *agent) run(ctx context.Context) {
	for ctx.Err() == nil {
		asg, err := a.desk.Next(ctx, a.id, queue.Filter{})
		if err != nil {
			if ctx.Err() == nil {
				a.pr.print(line{Kind: "error", Agent: a.id, Detail: err.Error()})
				sleep(ctx, 200*time.Millisecond) // the database may be restarting
			}
			continue
		}
		a.handle(ctx, asg)
	}
}

// handle answers the conversation of asg exactly once and resolves it. A
// reply the desk reports as "may have been sent" (a MaybeSent turn: the
// desk that sent it stopped before recording the outcome) is never sent
// again blindly: the agent searches the platform for it, and resolves if
// it is there, or replies, confirming past the collision guard, if not.
func (a *agent) handle(ctx context.Context, asg *care.Assignment) {
	sleep(ctx, a.work) // reading the conversation
	last := asg.Conversation.Last()
	text := fmt.Sprintf(replyText, last.Author.Handle)
	opts := care.ReplyOptions{}
	waited := false
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if attempt == 200 {
			a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: "gave up answering; releasing it"})
			_ = a.desk.Release(ctx, asg)
			return
		}
		// What the agent sees when it opens the conversation: answered
		// already (an earlier holder replied, then its desk stopped before
		// resolving), or a reply that may have been sent?
		done, confirm, err := a.review(ctx, asg.Conversation.Key, last.ID, asg.Conversation.Transcript)
		if err != nil {
			a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: err.Error()})
			sleep(ctx, 250*time.Millisecond)
			continue
		}
		if done {
			a.resolve(ctx, asg)
			return
		}
		if confirm && !opts.Confirm {
			opts.Confirm = true
			a.counts.confirmed.Add(1)
		}
		sent, err := a.desk.ReplyWith(ctx, asg, text, opts)
		var changed *care.ChangedError
		switch {
		case err == nil:
			a.counts.replied.Add(1)
			a.resolve(ctx, asg)
			return
		case sent != nil:
			// The platform took the reply but the desk could not record it
			// (its store failed): it stays recorded as a send, and becomes
			// a MaybeSent turn. It went out: never send it again.
			a.counts.replied.Add(1)
			a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: err.Error()})
			a.resolve(ctx, asg)
			return
		case errors.Is(err, care.ErrInFlight):
			// Another desk's send to this conversation is unsettled: wait
			// until it is sent, or settled as MaybeSent.
			if !waited {
				waited = true
				a.counts.inFlight.Add(1)
				a.pr.print(line{Kind: "in_flight", Key: asg.Conversation.Key, Agent: a.id, Detail: err.Error()})
			}
			sleep(ctx, 250*time.Millisecond)
			_ = a.desk.Refresh(ctx, asg)
		case errors.As(err, &changed):
			// The collision guard shows what happened since the agent
			// loaded the conversation: the desk's acknowledgement, or a
			// reply that may have been sent.
			done, _, rerr := a.review(ctx, asg.Conversation.Key, last.ID, changed.OtherReplies)
			if rerr != nil {
				a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: rerr.Error()})
				sleep(ctx, 250*time.Millisecond)
				continue
			}
			if done {
				a.resolve(ctx, asg)
				return
			}
			if !opts.Confirm {
				opts.Confirm = true // seen: answer anyway
				a.counts.confirmed.Add(1)
			}
		case ended(asg, err):
			a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: "assignment lost before the reply: " + err.Error()})
			return
		default:
			// The store or the platform failed before anything went out
			// (the desk removed its record of the send): try again.
			a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: err.Error()})
			sleep(ctx, 250*time.Millisecond)
			_ = a.desk.Refresh(ctx, asg)
		}
	}
}

// review reads turns of the conversation and says whether it is answered
// already (done) or had a reply that may have been sent and did not reach
// the platform, so that the agent answers past the collision guard
// (confirm).
func (a *agent) review(ctx context.Context, key, tweet string, turns []care.Turn) (done, confirm bool, err error) {
	for _, t := range turns {
		if t.Role != care.Human {
			continue // the customer, or the desk's acknowledgement
		}
		if !t.MaybeSent {
			return true, false, nil
		}
		texts, err := a.platform.repliesTo(ctx, tweet)
		if err != nil {
			return false, false, err
		}
		a.counts.checked.Add(1)
		if slices.Contains(texts, t.Text) {
			a.pr.print(line{Kind: "checked", Key: key, Agent: a.id, Detail: "a reply that may have been sent is on the platform: resolved without replying"})
			return true, false, nil
		}
		a.pr.print(line{Kind: "checked", Key: key, Agent: a.id, Detail: "a reply that may have been sent is not on the platform: answering"})
		confirm = true
	}
	return false, confirm, nil
}

// resolve resolves asg, trying again while the store fails.
func (a *agent) resolve(ctx context.Context, asg *care.Assignment) {
	for ctx.Err() == nil {
		err := a.desk.Resolve(ctx, asg)
		if err == nil {
			a.counts.resolved.Add(1)
			return
		}
		a.pr.print(line{Kind: "error", Key: asg.Conversation.Key, Agent: a.id, Detail: err.Error()})
		if ended(asg, err) {
			return
		}
		sleep(ctx, 250*time.Millisecond)
	}
}

// ended reports whether the assignment is over (resolved, or its lease
// lost to an expiry while the store was away): the conversation is back in
// the queue for whoever takes it next.
func ended(asg *care.Assignment, err error) bool {
	return errors.Is(err, care.ErrAssignmentEnded) || errors.Is(err, queue.ErrLeaseLost) || asg.Lease().Context().Err() != nil
}

// platformSearch asks X which replies the brand posted to a tweet (recent
// search, in_reply_to_tweet_id:), as an agent checks the platform.
type platformSearch struct {
	api, token string
	client     *http.Client
}

func (p *platformSearch) repliesTo(ctx context.Context, tweet string) ([]string, error) {
	u := p.api + "/2/tweets/search/recent?query=" + url.QueryEscape("in_reply_to_tweet_id:"+tweet)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("search the platform: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("search the platform: HTTP %d: %s (%v)", resp.StatusCode, b, err)
	}
	var r struct {
		Data []struct {
			Text string `json:"text"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("search the platform: %w", err)
	}
	out := make([]string, len(r.Data))
	for i, d := range r.Data {
		out[i] = d.Text
	}
	return out, nil
}
