package care_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/queue"
	"github.com/socialcare/socialcare/queue/memqueue"
)

// signedJSON is a test platform: a POST body is a JSON array of messages,
// signed with HMAC-SHA256 in X-Test-Signature.
type signedJSON struct{ secret []byte }

func (w signedJSON) sign(body []byte) string {
	m := hmac.New(sha256.New, w.secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (signedJSON) Challenge(*http.Request) (int, string, []byte, bool) { return 0, "", nil, false }

func (w signedJSON) Verify(h http.Header, body []byte) error {
	got := h.Get("X-Test-Signature")
	if got == "" {
		return &channeldriver.SignatureError{Missing: true, Reason: "no X-Test-Signature"}
	}
	if !hmac.Equal([]byte(got), []byte(w.sign(body))) {
		return &channeldriver.SignatureError{Reason: "X-Test-Signature does not match"}
	}
	return nil
}

func (signedJSON) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	var ms []channel.Message
	if err := json.Unmarshal(body, &ms); err != nil {
		return dst, err
	}
	for i := range ms {
		dst = append(dst, channeldriver.Event{ID: ms[i].ID, Type: "message", Message: &ms[i]})
	}
	return dst, nil
}

// TestFaultInjection delivers 10,000 messages through a Receiver into a
// desk whose Store and queue fail at random 10% of the time; the sender
// redelivers every failed delivery. Every message must end stored and
// queued exactly once.
func TestFaultInjection(t *testing.T) {
	t.Parallel()
	const convs, perConv = 2_000, 5
	n := convs * perConv
	if testing.Short() {
		n = 1_000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var rmu sync.Mutex
	var storeFails, queueFails atomic.Int64
	flaky := func(c *atomic.Int64) func() bool {
		return func() bool {
			rmu.Lock()
			f := rng.Float64() < 0.1
			rmu.Unlock()
			if f {
				c.Add(1)
			}
			return f
		}
	}
	clk := caretest.NewClock(caretest.Start)
	fq := &failingQueue{Store: memqueue.New(), fail: flaky(&queueFails)}
	q, err := queue.New(fq, &queue.Config{Now: clk.Now})
	require.NoError(t, err)
	mem := care.NewMemStore()
	fs := &failingStore{Store: mem, fail: flaky(&storeFails)}
	d, err := care.New(q, &care.Config{Store: fs, Acknowledgement: care.AckConfig{Disabled: true}})
	require.NoError(t, err)
	addX(t, d, clk, "brand")
	wh := signedJSON{secret: []byte("s3cret")}
	rc, err := channel.NewReceiver(wh, d.Sink(), &channel.ReceiverConfig{Dedup: d.Dedup(), Now: clk.Now})
	require.NoError(t, err)

	var deliveries, failed, attemptsMax atomic.Int64
	send := func(m channel.Message) {
		body, _ := json.Marshal([]channel.Message{m})
		for attempt := int64(1); ; attempt++ {
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			req.Header.Set("X-Test-Signature", wh.sign(body))
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			deliveries.Add(1)
			if rec.Code == http.StatusOK {
				for {
					cur := attemptsMax.Load()
					if attempt <= cur || attemptsMax.CompareAndSwap(cur, attempt) {
						break
					}
				}
				return
			}
			failed.Add(1)
			require.Equal(t, http.StatusInternalServerError, rec.Code)
			require.Less(t, attempt, int64(50), "a message never got through")
		}
	}
	// Eight senders; each conversation's messages go in order, by one
	// sender, as a platform delivers one thread.
	var wg sync.WaitGroup
	next := atomic.Int64{}
	per := n / convs
	if per == 0 {
		per = 1
	}
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i*per >= n {
					return
				}
				for j := range per {
					send(channel.Message{ID: fmt.Sprintf("m%d-%d", i, j), Channel: channel.X, Account: "brand",
						ConversationID: fmt.Sprint("c", i), Text: "where is my bag?", Visibility: channel.Private,
						ReceivedAt: caretest.Start, Author: channel.Author{ID: fmt.Sprint("u", i)}})
				}
			}
		})
	}
	wg.Wait()

	// Every message stored once, every conversation queued with exactly
	// its messages.
	fq.fail, fs.fail = nil, nil
	stored, twice := 0, 0
	for i := 0; i*per < n; i++ {
		key := fmt.Sprintf("x:brand:c%d", i)
		c, err := mem.Conversation(ctx, key)
		require.NoError(t, err, "conversation %s lost", key)
		seen := map[string]int{}
		for _, m := range c.Messages {
			seen[m.ID]++
		}
		for j := range per {
			switch seen[fmt.Sprintf("m%d-%d", i, j)] {
			case 0:
				t.Fatalf("message m%d-%d lost", i, j)
			case 1:
				stored++
			default:
				twice++
			}
		}
		require.Len(t, c.Messages, per)
		it, err := q.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, per, it.Unanswered, "%s queued with each message once", key)
		require.Equal(t, queue.Waiting, it.State)
	}
	require.Zero(t, twice)
	require.Equal(t, n, stored)
	t.Logf("%d messages: %d deliveries, %d answered 500 and redelivered (store failures %d, queue failures %d), at most %d attempts for one; stored and queued exactly once: %d, lost: 0, twice: %d",
		n, deliveries.Load(), failed.Load(), storeFails.Load(), queueFails.Load(), attemptsMax.Load(), stored, twice)
}

var _ = context.Background
