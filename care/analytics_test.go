package care_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
)

// TestFeedsAnalytics checks that the desk's events feed analytics as they
// are: an automatic acknowledgement after 15 minutes, a first response
// after 20, a resolution after 30.
func TestFeedsAnalytics(t *testing.T) {
	t.Parallel()
	an, err := analytics.New(nil)
	require.NoError(t, err)
	d := newDesk(t, &care.Config{OnEvent: func(e care.Event) {
		if ae, ok := e.Analytics(); ok {
			if err := an.Ingest(ae); err != nil {
				t.Error(err)
			}
		}
	}})
	d.RequireIngest(t, xmsg("m1", "c1", "where is my bag?"))
	d.Advance(t, 15*time.Minute)
	d.Advance(t, 5*time.Minute)
	a := d.RequireNext(t, "ana")
	d.RequireReply(t, a, "It's on the 14:05, delivered tonight.", care.ReplyOptions{})
	d.Clock.Advance(4 * time.Minute)
	d.RequireReply(t, a, "Anything else?", care.ReplyOptions{})
	d.Clock.Advance(4 * time.Minute)
	require.NoError(t, d.Resolve(ctx, a))
	r := an.Report(caretest.Start.Add(time.Hour))
	require.Equal(t, 1, r.Overall.Conversations)
	require.Equal(t, 1, r.Overall.Resolved)
	require.Equal(t, 15*time.Minute, r.Overall.Acknowledge.P50)
	require.Equal(t, 20*time.Minute, r.Overall.FirstResponse.P50)
	require.Equal(t, 28*time.Minute, r.Overall.Resolution.P50)
}

// TestEventAnalyticsKinds checks the mapping kind by kind, and that the
// desk's other events are not analytics' business.
func TestEventAnalyticsKinds(t *testing.T) {
	t.Parallel()
	at := caretest.Start
	for k, want := range map[care.EventKind]analytics.Kind{
		care.Arrived: analytics.Arrived, care.Acknowledged: analytics.Acknowledged,
		care.FirstResponse: analytics.FirstResponse, care.Replied: analytics.Replied, care.Resolved: analytics.Resolved,
	} {
		ae, ok := care.Event{Kind: k, Key: "x:b:c1", Channel: "x", Agent: "ana", At: at}.Analytics()
		require.True(t, ok, k)
		require.Equal(t, analytics.Event{Kind: want, Conversation: "x:b:c1", Channel: "x", Agent: "ana", At: at}, ae)
	}
	_, ok := care.Event{Kind: care.Routed, Key: "x:b:c1", At: at}.Analytics()
	require.False(t, ok)
}
