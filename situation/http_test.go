package situation_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/situation"
)

func TestHTTPClassifier(t *testing.T) {
	t.Parallel()
	var answer string
	var status int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Text      string `json:"text"`
			Followers int    `json:"followers"`
		}
		if r.Method != http.MethodPost || r.Header.Get("X-Api-Key") != "k" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Text == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if status != 0 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(status)
			return
		}
		_, _ = w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)
	known := mustNew(t, nil)
	c, err := situation.NewHTTPClassifier(srv.URL, &situation.HTTPConfig{Client: srv.Client(), Header: http.Header{"X-Api-Key": {"k"}}, Known: known, Source: "model-v2"})
	require.NoError(t, err)
	ctx := context.Background()
	in := &situation.Input{Text: "they changed my password", Followers: 3}

	answer = `{"situations":[{"kind":"account_takeover","evidence":"changed my password"},{"kind":"account_takeover","evidence":"again"}]}`
	r, err := c.Classify(ctx, in)
	require.NoError(t, err)
	require.Equal(t, []situation.Match{{Kind: situation.AccountTakeover, Label: "account takeover", Evidence: "changed my password", Source: "model-v2"}}, r.Matches)

	for _, bad := range []string{`{"situations":[{"kind":"made_up"}]}`, `{"situations":[{"kind":"Bad Kind"}]}`, `not json`} {
		answer = bad
		_, err = c.Classify(ctx, in)
		require.ErrorIs(t, err, situation.ErrClassifier, bad)
	}

	status = http.StatusTooManyRequests
	_, err = c.Classify(ctx, in)
	var he *situation.HTTPError
	require.ErrorAs(t, err, &he)
	require.True(t, he.Retryable())
	require.Equal(t, 7*time.Second, he.RetryAfter)
	require.ErrorIs(t, err, situation.ErrClassifier)

	// With a fallback, the built-in detector answers while the model is down.
	r, err = situation.Fallback(c, known).Classify(ctx, in)
	require.NoError(t, err)
	require.True(t, r.Has(situation.AccountTakeover), r.String())

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	status = 0
	_, err = c.Classify(cancelled, in)
	require.True(t, errors.Is(err, context.Canceled) && errors.Is(err, situation.ErrClassifier), err)

	_, err = situation.NewHTTPClassifier("ftp://x", nil)
	require.ErrorIs(t, err, situation.ErrInvalid)
	r, err = c.Classify(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, r.Matches)
}
