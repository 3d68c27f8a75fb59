package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/console"
	"github.com/socialcare/socialcare/queue"
)

var ctx = context.Background()

// The XSS messages of the issue: each must be shown as text and never run.
var xssMessages = []string{
	`<script>document.title='pwned-script';alert(1)</script> my bag is lost`,
	`Click <a href="javascript:document.title='pwned-link'">here</a> for my booking`,
	`<img src=x onerror="document.title='pwned-img';alert(2)"> refund please`,
}

// fixture is a desk on in-memory fakes, with the console's demo sign-in,
// served under /care/ by a test server; the desk's events feed the console
// and the analytics it draws.
type fixture struct {
	desk *caretest.Desk
	con  *console.Console
	srv  *httptest.Server
	mu   sync.Mutex
	pub  *console.Console
}

func demoFixture(t *testing.T) *fixture {
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
	con, err := console.New(f.desk.Desk, &console.Config{InsecureDemoSignIn: true, Analytics: an})
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

func queueFilter(team string) queue.Filter {
	if team == "" {
		return queue.Filter{}
	}
	return queue.Filter{Teams: []string{team}}
}
