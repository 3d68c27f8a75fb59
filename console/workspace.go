package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
)

// workspaces are the conversations agents hold through the console: the
// desk's Assignments, which it keeps alive while the workspace shows signs
// of life (Desk.Hold), and releases when the agent leaves.
type workspaces struct {
	mu   sync.Mutex
	open map[wsKey]*held
}

type wsKey struct{ agent, key string }

type held struct {
	a    *care.Assignment
	seen time.Time // the workspace's last sign of life
	left time.Time // when its page closed; zero while open
}

func newWorkspaces() *workspaces { return &workspaces{open: map[wsKey]*held{}} }

func (ws *workspaces) put(a *care.Assignment, now time.Time) {
	ws.mu.Lock()
	ws.open[wsKey{a.Agent.ID, a.Conversation.Key}] = &held{a: a, seen: now}
	ws.mu.Unlock()
}

// get returns the agent's live assignment of key and marks it seen.
func (ws *workspaces) get(agent, key string, now time.Time) (*care.Assignment, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	h, ok := ws.open[wsKey{agent, key}]
	if !ok || h.a.Lease().Context().Err() != nil {
		delete(ws.open, wsKey{agent, key})
		return nil, false
	}
	h.seen, h.left = now, time.Time{}
	return h.a, true
}

func (ws *workspaces) drop(agent, key string) {
	ws.mu.Lock()
	delete(ws.open, wsKey{agent, key})
	ws.mu.Unlock()
}

func (ws *workspaces) leave(agent, key string, now time.Time) {
	ws.mu.Lock()
	if h, ok := ws.open[wsKey{agent, key}]; ok {
		h.left = now
	}
	ws.mu.Unlock()
}

// keys returns the keys the agent holds, sorted.
func (ws *workspaces) keys(agent string) []string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var out []string
	for k, h := range ws.open {
		if k.agent == agent && h.a.Lease().Context().Err() == nil {
			out = append(out, k.key)
		}
	}
	sort.Strings(out)
	return out
}

// sweep releases the conversations of workspaces that were closed more
// than LeaveGrace ago or went silent for LeaveAfter, and forgets those
// whose assignment ended otherwise (MaxHold, a steal).
func (ws *workspaces) sweep(ctx context.Context, c *Console, now time.Time) {
	var gone []*care.Assignment
	ws.mu.Lock()
	for k, h := range ws.open {
		switch {
		case h.a.Lease().Context().Err() != nil:
			delete(ws.open, k)
		case !h.left.IsZero() && now.Sub(h.left) >= c.cfg.LeaveGrace, now.Sub(h.seen) >= c.cfg.LeaveAfter:
			delete(ws.open, k)
			gone = append(gone, h.a)
		}
	}
	ws.mu.Unlock()
	for _, a := range gone {
		if err := c.desk.Release(ctx, a); err != nil && !errors.Is(err, care.ErrAssignmentEnded) {
			c.log.Warn("console: release on leave", "key", a.Conversation.Key, "agent", a.Agent.ID, "err", err)
			continue
		}
		c.notify("released", a.Conversation.Key, a.Agent.ID)
	}
}

// notify tells the open pages about a change the desk reports no event
// for (a snooze, a release when a workspace closed).
func (c *Console) notify(kind, key, agent string) {
	c.publish(liveEvent{Seq: c.hub.seq.Add(1), Kind: kind, Key: key, Agent: agent, At: c.desk.Now().UTC().Format(time.RFC3339Nano)})
}

// assignment returns the user's assignment named by the form's key, or
// answers 409 and returns false.
func (c *Console) assignment(w http.ResponseWriter, r *http.Request, u User) (*care.Assignment, bool) {
	key := r.FormValue("key")
	a, ok := c.work.get(u.AgentID, key, c.desk.Now())
	if !ok {
		c.render(w, r, http.StatusConflict, "work", c.workData(r, u, "", "You no longer hold this conversation: it was resolved, released, or taken back by the desk.", ""))
		return nil, false
	}
	return a, true
}

// take claims the next conversation for the user (Desk.TryNext).
func (c *Console) take(w http.ResponseWriter, r *http.Request, u User) {
	if u.AgentID == "" {
		http.Error(w, "console: you have no agent at this desk", http.StatusForbidden)
		return
	}
	f := queue.Filter{}
	if t := r.FormValue("team"); t != "" {
		f.Teams = []string{t}
	}
	if ch := r.FormValue("channel"); ch != "" {
		f.Channels = []string{ch}
	}
	a, err := c.desk.TryNext(r.Context(), u.AgentID, f)
	switch {
	case errors.Is(err, queue.ErrNoItem):
		redirect(w, "work?note=empty")
		return
	case err != nil:
		c.render(w, r, http.StatusConflict, "work", c.workData(r, u, "", "Could not take a conversation: "+err.Error(), ""))
		return
	}
	c.work.put(a, c.desk.Now())
	c.notify("claim", a.Conversation.Key, u.AgentID)
	redirect(w, "work?key="+urlQuery(a.Conversation.Key))
}

func (c *Console) preview(w http.ResponseWriter, r *http.Request, u User) {
	a, ok := c.work.get(u.AgentID, r.FormValue("key"), c.desk.Now())
	if !ok {
		http.Error(w, "console: you no longer hold this conversation", http.StatusConflict)
		return
	}
	text := r.FormValue("text")
	type verdict struct {
		Guard  string `json:"guard"`
		Level  string `json:"level"` // ok, warn, block
		Detail string `json:"detail"`
	}
	var out struct {
		Text     string    `json:"text"`
		Verdicts []verdict `json:"verdicts"`
	}
	if strings.TrimSpace(text) != "" {
		pv, err := c.desk.Preview(r.Context(), a, text)
		if err != nil {
			http.Error(w, "console: preview: "+err.Error(), http.StatusConflict)
			return
		}
		out.Text = pv.Text
		var ge *care.GuardError
		if errors.As(pv.Blocked, &ge) {
			out.Verdicts = append(out.Verdicts, verdict{string(ge.Guard), "block", ge.Reason})
		}
		switch {
		case len(pv.PII) > 0:
			kinds := []string{}
			for _, p := range pv.PII {
				kinds = append(kinds, string(p.Kind))
			}
			d := "personal data in the reply (" + strings.Join(kinds, ", ") + ")"
			if pv.MovedPrivate {
				d += ": it will go as a private message"
			}
			out.Verdicts = append(out.Verdicts, verdict{string(care.GuardPersonalData), "warn", d})
		case pv.MovedPrivate:
			out.Verdicts = append(out.Verdicts, verdict{string(care.GuardPersonalData), "warn", "goes private: " + pv.Why})
		case pv.Blocked == nil:
			out.Verdicts = append(out.Verdicts, verdict{string(care.GuardPersonalData), "ok", "no personal data"})
		}
		tone, consistency := "ok", "ok"
		for _, f := range pv.Flags {
			out.Verdicts = append(out.Verdicts, verdict{string(f.Guard), "warn", f.Detail})
			switch f.Guard {
			case care.GuardTone:
				tone = ""
			case care.GuardConsistency:
				consistency = ""
			}
		}
		if pv.Blocked == nil {
			if tone != "" {
				out.Verdicts = append(out.Verdicts, verdict{string(care.GuardTone), "ok", "tone is fine"})
			}
			if consistency != "" {
				d := "no approved answer applies"
				if pv.Intent != "" {
					d = "consistent with the approved answer for " + pv.Intent
				}
				out.Verdicts = append(out.Verdicts, verdict{string(care.GuardConsistency), "ok", d})
			}
			sig := verdict{"signature", "ok", "signed"}
			if !pv.Signed {
				sig = verdict{"signature", "warn", "not signed"}
			}
			out.Verdicts = append(out.Verdicts, sig)
			win := verdict{"window", "ok", "the channel takes it now"}
			if pv.Window != nil {
				win = verdict{"window", "block", pv.Window.Error()}
			}
			out.Verdicts = append(out.Verdicts, win)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (c *Console) send(w http.ResponseWriter, r *http.Request, u User) {
	a, ok := c.assignment(w, r, u)
	if !ok {
		return
	}
	text := r.FormValue("text")
	_, err := c.desk.ReplyWith(r.Context(), a, text, care.ReplyOptions{Confirm: r.FormValue("confirm") == "1"})
	var ce *care.ChangedError
	var ge *care.GuardError
	switch {
	case err == nil:
		redirect(w, "work?note=sent&key="+urlQuery(a.Conversation.Key))
	case errors.As(err, &ce):
		_ = c.desk.Refresh(r.Context(), a)
		c.render(w, r, http.StatusConflict, "work", c.workData(r, u, a.Conversation.Key,
			"Not sent: the conversation changed since you loaded it. Read what is new, then send again.", text))
	case errors.As(err, &ge):
		c.render(w, r, http.StatusUnprocessableEntity, "work", c.workData(r, u, a.Conversation.Key, "Not sent: "+ge.Reason, text))
	default:
		c.render(w, r, http.StatusConflict, "work", c.workData(r, u, a.Conversation.Key, "Not sent: "+err.Error(), text))
	}
}

// end runs an action that ends the assignment, then shows the workspace.
func (c *Console) end(w http.ResponseWriter, r *http.Request, u User, note string, fn func(*care.Assignment) error) {
	a, ok := c.assignment(w, r, u)
	if !ok {
		return
	}
	if err := fn(a); err != nil {
		c.render(w, r, http.StatusConflict, "work", c.workData(r, u, a.Conversation.Key, err.Error(), ""))
		return
	}
	c.work.drop(u.AgentID, a.Conversation.Key)
	redirect(w, "work?note="+note)
}

func (c *Console) resolve(w http.ResponseWriter, r *http.Request, u User) {
	c.end(w, r, u, "resolved", func(a *care.Assignment) error { return c.desk.Resolve(r.Context(), a) })
}

func (c *Console) release(w http.ResponseWriter, r *http.Request, u User) {
	c.end(w, r, u, "released", func(a *care.Assignment) error { return c.desk.Release(r.Context(), a) })
}

// minutes reads the form's "minutes" (1 minute to 30 days); it answers
// 400 and reports false when they are missing or out of range.
func minutes(w http.ResponseWriter, r *http.Request) (time.Duration, bool) {
	m, err := strconv.Atoi(r.FormValue("minutes"))
	if err != nil || m < 1 || m > 30*24*60 {
		http.Error(w, "console: give minutes from 1 to 43200", http.StatusBadRequest)
		return 0, false
	}
	return time.Duration(m) * time.Minute, true
}

func (c *Console) boomerang(w http.ResponseWriter, r *http.Request, u User) {
	d, ok := minutes(w, r)
	if !ok {
		return
	}
	c.end(w, r, u, "boomeranged", func(a *care.Assignment) error {
		_, err := c.desk.Boomerang(r.Context(), a, c.desk.Now().Add(d), r.FormValue("note"))
		return err
	})
}

// snooze puts the conversation back in the queue, for anyone, from a
// later time (the queue's snooze; the SLA clock keeps running, unlike a
// Boomerang's).
func (c *Console) snooze(w http.ResponseWriter, r *http.Request, u User) {
	d, ok := minutes(w, r)
	if !ok {
		return
	}
	c.end(w, r, u, "snoozed", func(a *care.Assignment) error {
		if err := a.Lease().Snooze(r.Context(), c.desk.Now().Add(d)); err != nil {
			return err
		}
		c.notify("snoozed", a.Conversation.Key, u.AgentID)
		return nil
	})
}

func (c *Console) handoff(w http.ResponseWriter, r *http.Request, u User) {
	c.end(w, r, u, "handed-off", func(a *care.Assignment) error {
		_, err := c.desk.Handoff(r.Context(), a, r.FormValue("team"), r.FormValue("note"))
		return err
	})
}

// hold is the workspace's sign of life: the desk keeps the lease.
func (c *Console) hold(w http.ResponseWriter, r *http.Request, u User) {
	a, ok := c.work.get(u.AgentID, r.FormValue("key"), c.desk.Now())
	if !ok {
		http.Error(w, "console: you no longer hold this conversation", http.StatusConflict)
		return
	}
	if err := c.desk.Hold(a); err != nil {
		c.work.drop(u.AgentID, a.Conversation.Key)
		http.Error(w, "console: "+err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// leave is sent by a closing workspace page: the conversation goes back
// to the queue after LeaveGrace unless the page comes back.
func (c *Console) leave(w http.ResponseWriter, r *http.Request, u User) {
	c.work.leave(u.AgentID, r.FormValue("key"), c.desk.Now())
	w.WriteHeader(http.StatusNoContent)
}
