package memchannel_test

import (
	"context"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// TestKeepSentKeepsTheNewest sends 3×KeepSent+1 messages: Sent returns the
// newest KeepSent in order at every step, and a copy taken earlier does
// not change.
func TestKeepSentKeepsTheNewest(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	const keep = 5
	a, err := memchannel.New(channel.Chat, &memchannel.Config{Now: func() time.Time { return now }, KeepSent: keep})
	if err != nil {
		t.Fatal(err)
	}
	var early []memchannel.Sent
	var ids []string // every receipt, oldest first
	for i := range 3*keep + 1 {
		r, err := a.Send(context.Background(), &channel.Outbound{InReplyTo: "m1", Text: "hi"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		sent := a.Sent()
		want := ids[max(0, len(ids)-keep):]
		if len(sent) != len(want) {
			t.Fatalf("after %d sends, Sent has %d, want %d", i+1, len(sent), len(want))
		}
		for j := range sent {
			if sent[j].Receipt.ID != want[j] {
				t.Fatalf("after %d sends, Sent[%d] is %s, want %s", i+1, j, sent[j].Receipt.ID, want[j])
			}
		}
		if i == keep {
			early = sent
		}
	}
	if early[0].Receipt.ID != ids[1] || len(early) != keep {
		t.Fatalf("a copy taken after %d sends changed: it starts at %s, want %s", keep+1, early[0].Receipt.ID, ids[1])
	}
}
