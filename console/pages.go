package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/sla"
)

var funcs = template.FuncMap{
	"dur":   fmtDur,
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
	"clock": func(t time.Time) string { return t.Format("15:04:05") },
	"pct":   func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"pctv":  func(s sla.Summary) string { return fmt.Sprintf("%.1f%%", s.Percent()) },
	"title": func(s string) map[string]string { return map[string]string{"Title": s} },
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// fmtDur formats a duration for people: "4m05s", "2h10m", "3d4h".
func fmtDur(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// base is what every page shows: who is signed in and the desk's clock.
type base struct {
	Page  string
	User  User
	Demo  bool
	Now   time.Time
	Held  []string
	Error string
}

func (c *Console) base(r *http.Request, u User, page string) base {
	return base{Page: page, User: u, Demo: c.demo, Now: c.desk.Now(), Held: c.work.keys(u.AgentID)}
}

// render executes the page template name (or, with ?part=, the named part
// of it: the rows of the queue, the timeline of the workspace) into a
// buffer and writes it with status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if p := r.URL.Query().Get("part"); p != "" && r.Method == http.MethodGet {
		switch name + "/" + p {
		case "queue/rows", "work/timeline", "leads/body":
			name = name + "-" + p
		default:
			http.Error(w, "console: no such part", http.StatusNotFound)
			return
		}
	}
	var b bytes.Buffer
	if err := c.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		c.log.Error("console: template", "name", name, "err", err)
		http.Error(w, "console: internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// queueRow is one waiting conversation in the queue view.
type queueRow struct {
	Key, Handle, Channel, Team, Excerpt string
	Score                               float64
	Reasons                             []string
	Waiting                             time.Duration
	Since                               time.Time
	Unanswered                          int
	SLA                                 care.SLAStatus
	Warn, Breach                        bool
}

type queueData struct {
	base
	Rows                         []queueRow
	Teams, Channels              []string
	Team, Channel, Order, Cursor string
	Next                         string
	Total                        int
}

// queueView computes the queue page from the desk (Desk.Waiting).
func (c *Console) queueView(r *http.Request, u User) (*queueData, error) {
	q := r.URL.Query()
	d := &queueData{base: c.base(r, u, "queue"), Teams: c.desk.Teams(), Channels: c.desk.Channels(),
		Team: q.Get("team"), Channel: q.Get("channel"), Order: q.Get("order"), Cursor: q.Get("cursor")}
	o := care.WaitingOptions{Limit: c.cfg.PageSize, Cursor: d.Cursor}
	if d.Team != "" {
		o.Teams = []string{d.Team}
	}
	if d.Channel != "" {
		o.Channels = []string{d.Channel}
	}
	switch d.Order {
	case "", "rank":
		d.Order = "rank"
	case "deadline":
		o.Order = queue.ByDeadline
	default:
		return nil, fmt.Errorf("%w: order %q", queue.ErrInvalid, d.Order)
	}
	p, err := c.desk.Waiting(r.Context(), o)
	if err != nil {
		return nil, err
	}
	d.Now, d.Total, d.Next = p.At, p.Total, p.Next
	d.Rows = make([]queueRow, 0, len(p.Conversations))
	for _, wc := range p.Conversations {
		row := queueRow{Key: wc.Item.Key, Channel: wc.Item.Channel, Team: wc.Item.Team, Score: wc.Item.Score,
			Waiting: p.At.Sub(wc.Item.EnqueuedAt), Since: wc.Item.EnqueuedAt, Unanswered: wc.Item.Unanswered, SLA: wc.SLA}
		cv := &wc.Conversation
		if len(cv.Messages) > 0 {
			last := cv.Last()
			row.Handle = last.Author.Handle
			if row.Handle == "" {
				row.Handle = last.Author.Name
			}
			row.Excerpt = excerpt(last.Text, 140)
		}
		for i, rs := range cv.Score.Reasons {
			if i == 3 {
				break
			}
			row.Reasons = append(row.Reasons, rs.String())
		}
		row.Breach = wc.SLA.Breached()
		row.Warn = !row.Breach && wc.SLA.Passed() >= c.cfg.WarnAt
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (c *Console) queuePage(w http.ResponseWriter, r *http.Request, u User) {
	d, err := c.queueView(r, u)
	if errors.Is(err, queue.ErrInvalid) {
		http.Error(w, "console: bad filter or page: start again from the queue", http.StatusBadRequest)
		return
	}
	if err != nil {
		c.log.Error("console: queue view", "err", err)
		http.Error(w, "console: the queue cannot be read now", http.StatusServiceUnavailable)
		return
	}
	c.render(w, r, http.StatusOK, "queue", d)
}

// segment is a run of a turn's text: personal data (PII names its kind)
// or not.
type segment struct {
	Text, PII string
}

type turnView struct {
	Role, Who, Channel, Failed string
	Private                    bool
	At                         time.Time
	Segments                   []segment
	HasPII                     bool
}

type workData struct {
	base
	Key, Handle, Notice, Note, Draft string
	Conv                             *care.Conversation
	Turns                            []turnView
	SLA                              care.SLAStatus
	Teams, Channels                  []string
	Score                            []string
}

var notes = map[string]string{
	"sent": "Sent.", "resolved": "Resolved.", "released": "Released back to the queue.", "boomeranged": "Boomeranged: it comes back to you then.",
	"snoozed": "Snoozed: back in the queue then.", "handed-off": "Handed off.", "empty": "Nothing is waiting for you right now.",
}

// workData computes the workspace of the user's conversation key ("" for
// none): the conversation as the Store has it now (the agent sees it, so
// the assignment's snapshot is refreshed).
func (c *Console) workData(r *http.Request, u User, key, notice, draft string) *workData {
	d := &workData{base: c.base(r, u, "work"), Notice: notice, Draft: draft, Note: notes[r.URL.Query().Get("note")],
		Teams: c.desk.Teams(), Channels: c.desk.Channels()}
	if key == "" {
		return d
	}
	a, ok := c.work.get(u.AgentID, key, c.desk.Now())
	if !ok {
		if d.Notice == "" {
			d.Notice = "You no longer hold this conversation."
		}
		return d
	}
	if err := c.desk.Refresh(r.Context(), a); err != nil {
		d.Notice = "The conversation cannot be read now: " + err.Error()
		return d
	}
	_ = c.desk.Hold(a)
	cv := a.Conversation
	d.Key, d.Conv = key, &cv
	if len(cv.Messages) > 0 {
		d.Handle = cv.Last().Author.Handle
	}
	d.SLA, _ = c.desk.SLA(r.Context(), key)
	for _, rs := range cv.Score.Reasons {
		d.Score = append(d.Score, rs.String())
	}
	det := c.desk.Detector()
	for _, t := range cv.Transcript {
		tv := turnView{Role: t.Role.String(), Who: t.Agent, Channel: string(t.Channel), Failed: t.Failed, Private: !t.Visibility.IsPublic(), At: t.At}
		if t.Role == care.Customer {
			tv.Who = d.Handle
		}
		tv.Segments = split(t.Text, det.Find(t.Text))
		for _, s := range tv.Segments {
			tv.HasPII = tv.HasPII || s.PII != ""
		}
		d.Turns = append(d.Turns, tv)
	}
	return d
}

// split cuts text into runs, marking the personal data found in it.
func split(text string, found []care.PII) []segment {
	var out []segment
	at := 0
	for _, p := range found {
		i := strings.Index(text[at:], p.Text)
		if i < 0 || p.Text == "" {
			continue
		}
		if i > 0 {
			out = append(out, segment{Text: text[at : at+i]})
		}
		out = append(out, segment{Text: p.Text, PII: string(p.Kind)})
		at += i + len(p.Text)
	}
	if at < len(text) || len(out) == 0 {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}

func (c *Console) workPage(w http.ResponseWriter, r *http.Request, u User) {
	key := r.URL.Query().Get("key")
	if key == "" && r.URL.Query().Get("note") == "" {
		if held := c.work.keys(u.AgentID); len(held) == 1 {
			key = held[0]
		}
	}
	c.render(w, r, http.StatusOK, "work", c.workData(r, u, key, "", ""))
}

type loopRow struct {
	Team    string
	Waiting int
}

type leadsData struct {
	base
	Agents     []care.AgentStatus
	Loops      []loopRow
	Escalated  []care.Conversation
	Attainment []sla.Summary
	Waits      []care.WaitEstimate
	Waiting    int
	Oldest     time.Duration
	Chart      bool
}

func (c *Console) leadsPage(w http.ResponseWriter, r *http.Request, u User) {
	ctx := r.Context()
	d := &leadsData{base: c.base(r, u, "leads"), Chart: c.cfg.Analytics != nil}
	var err error
	if d.Agents, err = c.desk.Agents(ctx); err == nil {
		var st queue.Stats
		if st, err = c.desk.Depth(ctx); err == nil {
			for _, t := range c.desk.Teams() {
				d.Loops = append(d.Loops, loopRow{Team: t, Waiting: st.WaitingByTeam[t]})
				d.Waiting += st.WaitingByTeam[t]
			}
			if !st.OldestWaiting.IsZero() {
				d.Oldest = d.Now.Sub(st.OldestWaiting)
			}
			if d.Escalated, err = c.desk.Escalated(ctx); err == nil {
				d.Waits, err = c.desk.WaitTimes(ctx)
			}
		}
	}
	if err != nil {
		c.log.Error("console: leads' view", "err", err)
		http.Error(w, "console: the desk cannot be read now", http.StatusServiceUnavailable)
		return
	}
	d.Attainment = c.desk.Attainment(nil)
	c.render(w, r, http.StatusOK, "leads", d)
}

// volumeChart draws the customer messages by hour of week, from the
// host's analytics.
func (c *Console) volumeChart(w http.ResponseWriter, r *http.Request, _ User) {
	if c.cfg.Analytics == nil {
		http.NotFound(w, r)
		return
	}
	rep := c.cfg.Analytics.Report(c.desk.Now())
	var b bytes.Buffer
	if err := analytics.WriteHeatmap(&b, rep.MessageVolume, "Customer messages by hour of week ("+rep.Location+")", "messages"); err != nil {
		c.log.Error("console: chart", "err", err)
		http.Error(w, "console: chart", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(b.Bytes())
}
