package xchannel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/channel/xchannel"
)

// TestReplay replays the recorded X API exchanges under testdata/replay
// (Go CDK replay style): the request must equal the recording, as JSON,
// and the receipt must carry the recorded id.
func TestReplay(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/replay/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings: %v", err)
	}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var rp struct {
				About    string           `json:"about"`
				Outbound channel.Outbound `json:"outbound"`
				Request  struct {
					Method, Path string
					Body         json.RawMessage
				} `json:"request"`
				Response struct {
					Status int
					Body   json.RawMessage
				} `json:"response"`
				Receipt channel.Receipt `json:"receipt"`
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rp); err != nil {
				t.Fatalf("recording: %v", err)
			}
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				body, _ := io.ReadAll(r.Body)
				var got, want any
				_ = json.Unmarshal(body, &got)
				_ = json.Unmarshal(rp.Request.Body, &want)
				if r.Method != rp.Request.Method || r.URL.Path != rp.Request.Path || !reflect.DeepEqual(got, want) {
					t.Errorf("request %s %s %s\nrecorded %s %s %s", r.Method, r.URL.Path, body, rp.Request.Method, rp.Request.Path, rp.Request.Body)
				}
				w.WriteHeader(rp.Response.Status)
				w.Write(rp.Response.Body)
			}))
			defer srv.Close()
			a, _ := xchannel.New(&xchannel.Config{Account: "2244994945", Token: "tok", BaseURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now }})
			ch, _ := channel.Open(a, &channel.Config{Now: func() time.Time { return now }, MaxAttempts: 1})
			r, err := ch.Send(context.Background(), &rp.Outbound)
			rp.Receipt.SentAt = now
			if err != nil || r != rp.Receipt || calls != 1 {
				t.Fatalf("%s: receipt %+v, %v after %d calls; want %+v", rp.About, r, err, calls, rp.Receipt)
			}
		})
	}
}
