package console_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/console"
	"github.com/socialcare/socialcare/queue"
)

func TestNewRefusesToStartWithoutIdentityHook(t *testing.T) {
	t.Parallel()
	d := caretest.NewDesk(t, nil)
	_, err := console.New(d.Desk, nil)
	require.ErrorIs(t, err, console.ErrNoIdentity)
	_, err = console.New(d.Desk, &console.Config{PageSize: 20})
	require.ErrorIs(t, err, console.ErrNoIdentity, "a config without Identify")
	_, err = console.New(d.Desk, &console.Config{Identify: identifyHeader, InsecureDemoSignIn: true})
	require.ErrorIs(t, err, console.ErrInvalid, "both at once")
	_, err = console.New(nil, &console.Config{Identify: identifyHeader})
	require.ErrorIs(t, err, console.ErrInvalid)
	for _, bad := range []console.Config{
		{Identify: identifyHeader, PageSize: 501}, {Identify: identifyHeader, PageSize: -1},
		{Identify: identifyHeader, ClientBuffer: -1}, {Identify: identifyHeader, WarnAt: 1},
		{Identify: identifyHeader, LeaveAfter: 10 * time.Second}, {Identify: identifyHeader, KeepAlive: -time.Second},
	} {
		_, err := console.New(d.Desk, &bad)
		require.ErrorIs(t, err, console.ErrInvalid, "%+v", bad)
	}
	var logged strings.Builder
	con, err := console.New(d.Desk, &console.Config{InsecureDemoSignIn: true, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	require.NotNil(t, con)
	require.Contains(t, logged.String(), "InsecureDemoSignIn is set", "the demo option is named loudly in the log")
}

func TestRolesAndIdentity(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	resp, _ := f.do(t, "GET", "queue", "", nil)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no user")
	resp, _ = f.do(t, "GET", "queue", "ana|agent", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = f.do(t, "GET", "leads", "ana|agent", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "the leads' view is for leads")
	resp, _ = f.do(t, "GET", "chart/volume.svg", "ana|agent", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, body := f.do(t, "GET", "leads", "lea|lead", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "Ana Souza")
	resp, _ = f.do(t, "GET", "signin", "", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "no demo sign-in with an identity hook")
	resp, _ = f.do(t, "GET", "", "ana|agent", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "./queue", resp.Header.Get("Location"), "relative: works under any prefix")

	bad, err := console.New(f.desk.Desk, &console.Config{Identify: func(*http.Request) (console.User, error) {
		return console.User{AgentID: "ana", Role: 7}, nil
	}})
	require.NoError(t, err)
	rec := httptestRecorder(bad, "GET", "/queue")
	require.Equal(t, http.StatusUnauthorized, rec, "a role the console does not know is refused")
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.morning(t)
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "http://evil.example"},
	} {
		resp, body := f.do(t, "POST", "take", "ana|agent", url.Values{}, hdr...)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, "%v", hdr)
		require.Contains(t, body, "cross-origin")
	}
	require.EqualValues(t, 3, f.con.Refused())
	st, err := f.desk.Depth(ctx)
	require.NoError(t, err)
	require.Empty(t, st.ClaimsByAgent, "nothing was taken")
	resp, _ := f.do(t, "POST", "take", "ana|agent", url.Values{}, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the same origin may")
}

var inlineScript = regexp.MustCompile(`(?i)<script(\s[^>]*)?>`)

func TestSecurityHeadersAndNoInlineScript(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.morning(t)
	resp, _ := f.do(t, "POST", "take", "ana|agent", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	for _, p := range []struct{ path, user string }{{"queue", "ana|agent"}, {"work", "ana|agent"}, {"leads", "lea|lead"}} {
		resp, body := f.do(t, "GET", p.path, p.user, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, p.path)
		csp := resp.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self'", p.path)
		require.NotContains(t, csp, "unsafe-inline")
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		for _, m := range inlineScript.FindAllString(body, -1) {
			require.Contains(t, m, `src="static/console.js"`, "%s: every script is the console's file", p.path)
		}
		require.NotRegexp(t, `(?i)\son[a-z]+=`, body, "%s: no inline handlers", p.path)
	}
}

func TestCustomerTextIsEscaped(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	for i, text := range xssMessages {
		f.desk.RequireIngest(t, channel.Message{ID: "x" + string(rune('0'+i)), Channel: channel.X, ConversationID: "evil",
			Text: text, Author: channel.Author{ID: "u-evil", Handle: `evil"><script>alert(3)</script>`}})
	}
	resp, body := f.do(t, "GET", "queue", "ana|agent", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = f.do(t, "POST", "take", "ana|agent", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, work := f.do(t, "GET", "work", "ana|agent", nil)
	require.Contains(t, work, "&lt;script&gt;document.title=")
	for _, page := range []string{body, work} {
		require.NotContains(t, page, "<script>document.title")
		require.NotContains(t, page, "<script>alert")
		require.NotContains(t, page, `href="javascript:`)
		require.NotContains(t, page, "<img src=x")
		require.NotRegexp(t, `(?i)<[a-z]+[^>]*\sonerror=`, page)
	}
}

func httptestRecorder(h http.Handler, method, path string) int {
	rec := &statusRecorder{header: http.Header{}}
	req, _ := http.NewRequest(method, path, nil)
	h.ServeHTTP(rec, req)
	return rec.status
}

type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return len(b), nil
}
func (r *statusRecorder) WriteHeader(s int) { r.status = s }

func TestWorkspaceFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.morning(t)
	_, q := f.do(t, "GET", "queue", "ana|agent", nil)
	require.Regexp(t, `(?s)<tbody id="rows">\s*<tr data-key="x:brand:t-sam_travels`, q, "the stranded passenger is on top")
	resp, _ := f.do(t, "POST", "take", "ana|agent", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	key := strings.TrimPrefix(resp.Header.Get("Location"), "./work?key=")
	key, _ = url.QueryUnescape(key)
	require.Contains(t, key, "sam_travels")

	resp, body := f.do(t, "POST", "preview", "ana|agent", url.Values{"key": {key}, "text": {"Write to me at ana@example.com please"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var pv struct {
		Verdicts []struct{ Guard, Level, Detail string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	require.NotEmpty(t, pv.Verdicts)
	require.Equal(t, "personal-data", pv.Verdicts[0].Guard)
	require.Equal(t, "warn", pv.Verdicts[0].Level)
	require.Contains(t, pv.Verdicts[0].Detail, "e-mail address")

	resp, _ = f.do(t, "POST", "send", "ana|agent", url.Values{"key": {key}, "text": {"So sorry, Sam: rebooked on the 14:05. Details by DM to ana@example.com"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, work := f.do(t, "GET", "work?key="+url.QueryEscape(key), "ana|agent", nil)
	require.Contains(t, work, `<mark class="pii" title="e-mail address">ana@example.com</mark>`, "PII is marked in the timeline")
	require.Contains(t, work, "private")

	resp, _ = f.do(t, "POST", "resolve", "ben|agent", url.Values{"key": {key}})
	require.Equal(t, http.StatusConflict, resp.StatusCode, "another agent cannot act on ana's conversation")
	resp, _ = f.do(t, "POST", "resolve", "ana|agent", url.Values{"key": {key}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c, err := f.desk.Conversation(ctx, key)
	require.NoError(t, err)
	require.False(t, c.Open(), "resolved")

	// Snooze, Boomerang and hand off, one conversation each.
	f.desk.RequireIngest(t, channel.Message{ID: "m9", Channel: channel.X, ConversationID: "t-9", Text: "Is the lounge open?",
		Author: channel.Author{ID: "u-9", Handle: "lounger"}})
	for _, a := range []struct {
		path string
		form url.Values
	}{
		{"snooze", url.Values{"minutes": {"30"}}},
		{"boomerang", url.Values{"minutes": {"60"}, "note": {"check the rebooking"}}},
		{"handoff", url.Values{"team": {"content"}, "note": {"for you"}}},
	} {
		resp, _ := f.do(t, "POST", "take", "ana|agent", url.Values{})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, a.path)
		k, _ := url.QueryUnescape(strings.TrimPrefix(resp.Header.Get("Location"), "./work?key="))
		a.form.Set("key", k)
		resp, body := f.do(t, "POST", a.path, "ana|agent", a.form)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, "%s: %s", a.path, body)
		it, err := f.desk.Queue.Get(ctx, k)
		require.NoError(t, err)
		switch a.path {
		case "snooze", "boomerang":
			require.Equal(t, queue.Snoozed, it.State, a.path)
		case "handoff":
			require.Equal(t, "content", it.Team)
		}
	}
	resp, _ = f.do(t, "POST", "boomerang", "ana|agent", url.Values{"key": {key}, "minutes": {"0"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestLeavingReleasesTheConversation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.morning(t)
	resp, _ := f.do(t, "POST", "take", "ana|agent", url.Values{})
	k, _ := url.QueryUnescape(strings.TrimPrefix(resp.Header.Get("Location"), "./work?key="))
	resp, _ = f.do(t, "POST", "hold", "ana|agent", url.Values{"key": {k}})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = f.do(t, "POST", "leave", "ana|agent", url.Values{"key": {k}})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	// A reload within the grace keeps it.
	f.desk.Clock.Advance(2 * time.Second)
	_, work := f.do(t, "GET", "work?key="+url.QueryEscape(k), "ana|agent", nil)
	require.Contains(t, work, `id="reply"`)
	it, err := f.desk.Queue.Get(ctx, k)
	require.NoError(t, err)
	require.Equal(t, queue.Claimed, it.State)
	// Closed for good: released after the grace, at the next request.
	f.do(t, "POST", "leave", "ana|agent", url.Values{"key": {k}})
	f.desk.Clock.Advance(6 * time.Second)
	f.do(t, "GET", "queue", "ben|agent", nil)
	it, err = f.desk.Queue.Get(ctx, k)
	require.NoError(t, err)
	require.Equal(t, queue.Waiting, it.State, "back in the queue")
	// Silent for LeaveAfter: released too.
	resp, _ = f.do(t, "POST", "take", "ana|agent", url.Values{})
	k2, _ := url.QueryUnescape(strings.TrimPrefix(resp.Header.Get("Location"), "./work?key="))
	f.desk.Clock.Advance(91 * time.Second)
	f.do(t, "GET", "queue", "ben|agent", nil)
	it, err = f.desk.Queue.Get(ctx, k2)
	require.NoError(t, err)
	require.Equal(t, queue.Waiting, it.State)
}

func TestEventsReachPagesWithoutBlockingTheDesk(t *testing.T) {
	t.Parallel()
	f := newFixture(t, &console.Config{Identify: identifyHeader, ClientBuffer: 4})
	req, err := http.NewRequest("GET", f.srv.URL+"/care/events", nil)
	require.NoError(t, err)
	req.Header.Set("X-Test-User", "ana|agent")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	rd := bufio.NewReader(resp.Body)
	line := func() string {
		s, err := rd.ReadString('\n')
		require.NoError(t, err)
		return strings.TrimRight(s, "\n")
	}
	require.Equal(t, "retry: 2000", line())
	require.Equal(t, ": connected", line())
	require.Equal(t, "", line())
	f.desk.RequireIngest(t, channel.Message{ID: "1", Channel: channel.X, ConversationID: "c", Text: "<b>hi</b> help",
		Author: channel.Author{ID: "u", Handle: "h"}})
	var got []string
	for len(got) < 2 {
		l := line()
		if strings.HasPrefix(l, "data: ") {
			got = append(got, l)
		}
	}
	require.Contains(t, strings.Join(got, "\n"), `"kind":"routed"`)
	require.NotContains(t, strings.Join(got, "\n"), "<b>hi</b>", "no customer text in live events")

	// A page that stops reading: Publish goes on at once, the page is told
	// to resync.
	start := time.Now()
	for i := range 1000 {
		f.con.Publish(care.Event{Kind: care.Arrived, Key: "k", At: f.desk.Clock.Now().Add(time.Duration(i))})
	}
	require.Less(t, time.Since(start), 10*time.Second, "Publish does not wait for pages (a wait would be forever)")
	require.Positive(t, f.con.Dropped())
	for {
		l := line()
		if l == "event: resync" {
			break
		}
	}
}

func TestQueuePagesAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, &console.Config{Identify: identifyHeader, PageSize: 2})
	f.morning(t)
	f.desk.RequireIngest(t, channel.Message{ID: "v", Channel: channel.X, ConversationID: "vid", Text: "The video on your blog post is broken, it won't play",
		Author: channel.Author{ID: "u-v", Handle: "viewer"}})
	_, body := f.do(t, "GET", "queue", "ana|agent", nil)
	require.Contains(t, body, `<strong id="total">4</strong>`)
	require.Equal(t, 2, strings.Count(body, "<tr data-key="))
	next := regexp.MustCompile(`id="next-page" href="queue\?([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, next, 2)
	_, body2 := f.do(t, "GET", "queue?"+strings.ReplaceAll(next[1], "&amp;", "&"), "ana|agent", nil)
	require.Equal(t, 2, strings.Count(body2, "<tr data-key="))
	require.NotContains(t, body2, `id="next-page"`)
	_, body = f.do(t, "GET", "queue?team=content", "ana|agent", nil)
	require.Contains(t, body, `<strong id="total">1</strong>`)
	require.Contains(t, body, "@viewer")
	resp, _ := f.do(t, "GET", "queue?order=sideways", "ana|agent", nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, _ = f.do(t, "GET", "queue?cursor=garbage", "ana|agent", nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, rows := f.do(t, "GET", "queue?part=rows&order=deadline", "ana|agent", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(rows, "<div data-now="), "a part is the fragment alone")
	// Breach: past every acknowledgement deadline.
	f.desk.Clock.Advance(3 * time.Hour)
	_, body = f.do(t, "GET", "queue", "ana|agent", nil)
	require.Contains(t, body, `<span class="badge breach">breach</span>`)
	require.True(t, errors.Is(console.ErrNotSignedIn, console.ErrNotSignedIn))
}
