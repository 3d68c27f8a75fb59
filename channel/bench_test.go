package channel_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/metachannel"
	"github.com/socialcare/socialcare/channel/xchannel"
)

// BenchmarkWebhook measures verify + parse + dedup + hand-over of one
// documented payload through a Receiver. Each iteration uses a fresh event
// id (so the dedup store does real work) and a pre-computed signature.
// The "baseline" sub-benchmark is the same request through a receiver
// whose webhook does nothing, to show the cost of the platform parts.
func BenchmarkWebhook(b *testing.B) {
	xw, _ := xchannel.NewWebhook("secret")
	mw, _ := metachannel.NewWebhook("secret", "verify")
	xbody, _ := os.ReadFile("xchannel/testdata/tweet_create_events.json")
	mbody, _ := os.ReadFile("metachannel/testdata/whatsapp_message.json")
	const n = 4096
	type req struct {
		body []byte
		sig  string
	}
	mk := func(body []byte, old string, sign func([]byte) string) []req {
		out := make([]req, n)
		for i := range out {
			bb := bytes.Replace(body, []byte(old), []byte(old+strconv.Itoa(i)), -1)
			out[i] = req{bb, sign(bb)}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		wh     channel.Webhook
		header string
		reqs   []req
	}{
		{"baseline", nopWebhook{}, "X-Sig", mk(xbody, "1050118621198921728", func([]byte) string { return "s" })},
		{"x", xw, "X-Twitter-Webhooks-Signature", mk(xbody, "1050118621198921728", xw.Sign)},
		{"meta", mw, "X-Hub-Signature-256", mk(mbody, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", mw.Sign)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			delivered := 0
			rc, err := channel.NewReceiver(tc.wh, func(context.Context, channel.Message) error { delivered++; return nil }, nil)
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodPost, "/webhook", nil)
			w := &codeWriter{h: http.Header{}}
			rd := bytes.NewReader(nil)
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.reqs[0].body)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := tc.reqs[i%n]
				rd.Reset(q.body)
				r.Body = nopCloser{rd}
				r.Header.Set(tc.header, q.sig)
				w.Code = 0
				rc.ServeHTTP(w, r)
			}
			b.StopTimer()
			if w.Code != 200 || delivered == 0 {
				b.Fatalf("status %d, delivered %d", w.Code, delivered)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// nopWebhook skips verification and parsing: the baseline cost of the
// Receiver (body read, dedup, sink).
type nopWebhook struct{}

func (nopWebhook) Challenge(*http.Request) (int, string, []byte, bool) { return 0, "", nil, false }
func (nopWebhook) Verify(http.Header, []byte) error                    { return nil }
func (nopWebhook) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	id := string(body[len(body)-8:])
	return append(dst, channeldriver.Event{ID: id, Message: &channeldriver.Message{ID: id, Channel: channel.X}}), nil
}

type codeWriter struct {
	h    http.Header
	Code int
}

func (w *codeWriter) Header() http.Header         { return w.h }
func (w *codeWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *codeWriter) WriteHeader(c int)           { w.Code = c }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
