package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
	"github.com/socialcare/socialcare/console"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// A host mounts the console under /care/, tells it who each request comes
// from, and passes it the desk's events.
func Example() {
	ctx := context.Background()
	q, _ := queue.New(memqueue.New(), nil)
	var con *console.Console
	desk, _ := care.New(q, &care.Config{OnEvent: func(e care.Event) {
		if con != nil {
			con.Publish(e)
		}
	}})
	x, _ := memchannel.New(channel.X, &memchannel.Config{Account: "skyways"})
	ch, _ := channel.New(x)
	_ = desk.AddChannel(ch)
	_ = desk.AddAgent(ctx, care.Agent{ID: "ana", Name: "Ana Souza"})

	// The host's own session says who the user is; here, a header its
	// proxy sets after signing the user in.
	identify := func(r *http.Request) (console.User, error) {
		if id := r.Header.Get("X-Agent"); id != "" {
			return console.User{AgentID: id, Role: console.RoleAgent}, nil
		}
		return console.User{}, console.ErrNotSignedIn
	}
	con, err := console.New(desk, &console.Config{Identify: identify})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/care/", http.StripPrefix("/care", con))

	_, _ = desk.Ingest(ctx, channel.Message{ID: "1", Channel: channel.X, Account: "skyways", ConversationID: "t-1",
		Text: "Stranded at O'Hare, my flight was cancelled!", Author: channel.Author{ID: "u-1", Handle: "sam"}})

	get := func(agent string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/care/queue", nil)
		if agent != "" {
			req.Header.Set("X-Agent", agent)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	fmt.Println(get("").Code)
	page := get("ana")
	fmt.Println(page.Code, strings.Contains(page.Body.String(), "@sam"))
	fmt.Println(page.Header().Get("Content-Security-Policy")[:40])

	_, err = console.New(desk, &console.Config{})
	fmt.Println(err)
	// Output:
	// 401
	// 200 true
	// default-src 'none'; script-src 'self'; s
	// console: no identity hook: set Config.Identify (request → agent ID and role), or InsecureDemoSignIn for a demo
}
