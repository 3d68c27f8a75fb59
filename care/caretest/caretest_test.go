package caretest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
)

// fatal records a helper's failure instead of ending the test.
type fatal struct {
	testing.TB
	msg string
}

type stopped struct{}

func (f *fatal) Helper() {}
func (f *fatal) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(stopped{})
}

// fails runs fn with a recording TB and returns the failure message, or
// "" if fn did not fail.
func fails(fn func(tb testing.TB)) (msg string) {
	f := &fatal{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopped); !ok {
				panic(r)
			}
			msg = f.msg
		}
	}()
	fn(f)
	return ""
}

func msg(id string) channel.Message {
	return channel.Message{ID: id, Channel: channel.X, ConversationID: id, Author: channel.Author{ID: "u", Handle: "u"}, Text: "where is my bag?"}
}

func TestHelpersPass(t *testing.T) {
	t.Parallel()
	d := caretest.NewDesk(t, &care.Config{Acknowledgement: care.AckConfig{Disabled: true}})
	require.Equal(t, caretest.Start, d.Clock.Now())
	require.NoError(t, d.AddAgent(context.Background(), care.Agent{ID: "ana", Name: "Ana Souza"}))
	in := d.RequireIngest(t, msg("m1"))
	require.Equal(t, caretest.Key(channel.X, "m1"), in.Key)
	d.RequireRouted(t, in.Key, "customer-service")
	d.RequireEvent(t, care.Arrived, in.Key)
	d.RequireNoEvent(t, care.Resolved, "")
	a := d.RequireNext(t, "ana")
	s := d.RequireReply(t, a, "On its way. Call me on +1 312 555 0147", care.ReplyOptions{})
	require.True(t, s.MovedPrivate)
	caretest.RequireSent(t, d.X, "On its way")
	_, err := d.Reply(context.Background(), a, "You idiot.")
	require.NoError(t, err)
	d.AdvanceHolding(t, 10*time.Minute, a)
	require.Equal(t, caretest.Start.Add(10*time.Minute), d.Clock.Now())
	s = d.RequireReply(t, a, "yeah right", care.ReplyOptions{})
	caretest.RequireFlag(t, s, care.GuardTone)
	caretest.RequireBlocked(t, &care.GuardError{Guard: care.GuardTone}, care.GuardTone)
	require.Len(t, d.EventsOf(care.Arrived), 1)

	o := caretest.NewDeskWith(t, nil, &caretest.Options{Start: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), X: &channel.Capabilities{PublicReply: true}})
	require.Equal(t, 2030, o.Clock.Now().Year())
	require.False(t, o.X.Capabilities().PrivateMessage)
	o.Clock.Set(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Equal(t, 2031, o.Clock.Now().Year())
}

func TestHelpersFail(t *testing.T) {
	t.Parallel()
	d := caretest.NewDesk(t, nil)
	for name, fn := range map[string]func(tb testing.TB){
		"next without agent": func(tb testing.TB) { d.RequireNext(tb, "nobody") },
		"ingest invalid":     func(tb testing.TB) { d.RequireIngest(tb, channel.Message{}) },
		"no such event":      func(tb testing.TB) { d.RequireEvent(tb, care.Escalated, "") },
		"unexpected event":   func(tb testing.TB) { d.RequireIngest(tb, msg("z")); d.RequireNoEvent(tb, care.Arrived, "") },
		"nothing sent":       func(tb testing.TB) { caretest.RequireSent(tb, d.X, "never") },
		"not blocked":        func(tb testing.TB) { caretest.RequireBlocked(tb, errors.New("other"), care.GuardTone) },
		"no flag":            func(tb testing.TB) { caretest.RequireFlag(tb, &care.Sent{}, care.GuardTone) },
		"not routed there": func(tb testing.TB) {
			d.RequireIngest(tb, msg("y"))
			d.RequireRouted(tb, caretest.Key(channel.X, "y"), "legal")
		},
		"unknown conversation": func(tb testing.TB) { d.RequireRouted(tb, "nope", "legal") },
		"bad config":           func(tb testing.TB) { caretest.NewDesk(tb, &care.Config{BoomerangHold: -1}) },
	} {
		require.NotEmpty(t, fails(fn), name)
	}
}
