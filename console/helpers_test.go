package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/console"
)

var ctx = context.Background()

// The XSS messages of the issue: each must be shown as text and never run.
var xssMessages = []string{
	`<script>document.title='pwned-script';alert(1)</script> my bag is lost`,
	`Click <a href="javascript:document.title='pwned-link'">here</a> for my booking`,
	`<img src=x onerror="document.title='pwned-img';alert(2)"> refund please`,
}

// fixture is a desk on in-memory fakes with a console whose identity hook
// reads the X-Test-User header ("agent|role").
type fixture struct {
	desk *caretest.Desk
	con  *console.Console
	srv  *httptest.Server
	mu   sync.Mutex
	pub  *console.Console // set once con exists: OnEvent publishes to it
}

func identifyHeader(r *http.Request) (console.User, error) {
	id, role, ok := strings.Cut(r.Header.Get("X-Test-User"), "|")
	if !ok {
		return console.User{}, console.ErrNotSignedIn
	}
	u := console.User{AgentID: id, Role: console.RoleAgent}
	if role == "lead" {
		u.Role = console.RoleLead
	}
	return u, nil
}

func newFixture(t testing.TB, cfg *console.Config) *fixture {
	t.Helper()
	an, err := analytics.New(nil)
	require.NoError(t, err)
	f := &fixture{}
	f.desk = caretest.NewDesk(t, &care.Config{OnEvent: func(e care.Event) {
		if ae, ok := e.Analytics(); ok {
			_ = an.Ingest(ae)
		}
		f.mu.Lock()
		c := f.pub
		f.mu.Unlock()
		if c != nil {
			c.Publish(e)
		}
	}})
	for _, a := range []care.Agent{{ID: "ana", Name: "Ana Souza", Capacity: 3}, {ID: "ben", Name: "Ben Ito", Capacity: 3}, {ID: "lea", Name: "Lea Park"}} {
		require.NoError(t, f.desk.AddAgent(ctx, a))
	}
	if cfg == nil {
		cfg = &console.Config{Identify: identifyHeader}
	}
	c := *cfg
	if c.Analytics == nil && c.Identify == nil {
		c.Analytics = an // the demo fixture draws the charts
	}
	con, err := console.New(f.desk.Desk, &c)
	require.NoError(t, err)
	f.con = con
	f.mu.Lock()
	f.pub = con
	f.mu.Unlock()
	f.srv = httptest.NewServer(http.StripPrefix("/care", con))
	t.Cleanup(f.srv.Close)
	return f
}

// morning ingests the airline morning's first messages: the stranded
// passenger scores highest.
func (f *fixture) morning(t testing.TB) {
	t.Helper()
	for i, m := range []struct{ user, text string }{
		{"fare_q", "What is the fare Chicago to L.A. next Tuesday?"},
		{"sam_travels", "Stranded at O'Hare by the snowstorm, my flight was cancelled and nobody helps! Please help"},
		{"bagless", "My bag did not arrive in Denver, reference ABC123"},
	} {
		f.desk.RequireIngest(t, channel.Message{ID: fmt.Sprintf("m%d", i), Channel: channel.X, ConversationID: "t-" + m.user,
			Text: m.text, Author: channel.Author{ID: "u-" + m.user, Handle: m.user}})
		f.desk.Clock.Advance(time.Minute)
	}
}

func (f *fixture) do(t testing.TB, method, path, user string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.srv.URL+"/care/"+path, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}
