package console

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
)

// hub fans the desk's events out to the pages connected to /events. A
// Publish never waits for a page: each page has a bounded buffer, and a
// page whose buffer is full misses the event and is told to reload its
// data (a "resync" event) once it has caught up.
type hub struct {
	mu      sync.RWMutex
	clients map[*client]struct{}
	buf     int
	max     int
	seq     atomic.Uint64
	dropped atomic.Uint64
}

type client struct {
	ch     chan []byte
	resync chan struct{} // one pending resync at most
}

func newHub(buf, max int) *hub {
	return &hub{clients: map[*client]struct{}{}, buf: buf, max: max}
}

func (h *hub) add() (*client, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.clients) >= h.max {
		return nil, false
	}
	cl := &client{ch: make(chan []byte, h.buf), resync: make(chan struct{}, 1)}
	h.clients[cl] = struct{}{}
	return cl, true
}

func (h *hub) remove(cl *client) {
	h.mu.Lock()
	delete(h.clients, cl)
	h.mu.Unlock()
}

// liveEvent is what a page receives of a desk event: what it needs to know
// which of its parts to reload, and nothing a customer wrote (Detail and
// the messages stay on the server, and reach the page only through the
// escaping templates).
type liveEvent struct {
	Seq     uint64 `json:"seq"`
	Kind    string `json:"kind"`
	Key     string `json:"key,omitempty"`
	Channel string `json:"channel,omitempty"`
	Team    string `json:"team,omitempty"`
	Agent   string `json:"agent,omitempty"`
	At      string `json:"at"`
	Target  string `json:"target,omitempty"`
}

// Publish passes one desk event to the pages that are open. The host calls
// it from the desk's Config.OnEvent (and may pass the same event on to
// others). It does not block: a page that cannot keep up misses events and
// reloads its data instead. It is safe for concurrent use.
func (c *Console) Publish(e care.Event) {
	le := liveEvent{Seq: c.hub.seq.Add(1), Kind: e.Kind.String(), Key: e.Key, Channel: e.Channel, Team: e.Team, Agent: e.Agent,
		At: e.At.UTC().Format(time.RFC3339Nano)}
	if e.SLA != nil {
		le.Target = string(e.SLA.Target)
	}
	c.publish(le)
}

// publish formats one live event once and hands it to every page.
func (c *Console) publish(le liveEvent) {
	data, err := json.Marshal(le)
	if err != nil { // cannot happen: strings and numbers only
		c.log.Error("console: event", "err", err)
		return
	}
	msg := make([]byte, 0, len(data)+32)
	msg = append(msg, "id: "...)
	msg = strconv.AppendUint(msg, le.Seq, 10)
	msg = append(msg, "\ndata: "...)
	msg = append(msg, data...)
	msg = append(msg, "\n\n"...)
	c.hub.publish(msg)
}

func (h *hub) publish(msg []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for cl := range h.clients {
		select {
		case cl.ch <- msg:
		default:
			h.dropped.Add(1)
			select {
			case cl.resync <- struct{}{}:
			default:
			}
		}
	}
}

// Dropped returns how many event deliveries to slow pages were dropped
// (each followed by a resync of that page).
func (c *Console) Dropped() uint64 { return c.hub.dropped.Load() }

// events streams the desk's events to one page as Server-Sent Events.
func (c *Console) events(w http.ResponseWriter, r *http.Request, _ User) {
	cl, ok := c.hub.add()
	if !ok {
		http.Error(w, "console: too many live pages", http.StatusServiceUnavailable)
		return
	}
	defer c.hub.remove(cl)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 2000\n: connected\n\n")); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(c.cfg.KeepAlive)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			c.work.sweep(r.Context(), c, c.desk.Now())
			_, err = w.Write([]byte(": keep-alive\n\n"))
		case <-cl.resync:
			// Drain what is buffered: the page reloads its data anyway.
			for len(cl.ch) > 0 {
				<-cl.ch
			}
			_, err = w.Write([]byte("event: resync\ndata: {}\n\n"))
		case msg := <-cl.ch:
			_, err = w.Write(msg)
			for n := len(cl.ch); err == nil && n > 0; n-- {
				_, err = w.Write(<-cl.ch)
			}
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

// PublishQueue passes one change of ownership in the desk's queue (a
// claim, a snooze, a steal, an expired lease) to the open pages, so that
// the queue view shows at once a conversation another agent took, through
// the console or not. The host calls it from the queue's
// queue.Config.OnEvent; claims made through the console reach the pages
// without it. It does not block, as Publish.
func (c *Console) PublishQueue(e queue.Event) {
	c.notify(e.Kind.String(), e.Key, e.Agent)
}
