// Package xchannel is the X (Twitter) channel adapter: public replies and
// direct messages through the X API v2, and the Account Activity API
// webhook (CRC challenge, x-twitter-webhooks-signature,
// tweet_create_events and direct_message_events).
//
// The Adapter sends; the Webhook parses inbound events for
// channel.NewReceiver. Neither retries: the portable channel layer does,
// using the *channeldriver.RateLimitError that Send returns for HTTP 429
// with the x-rate-limit-reset time.
package xchannel

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// DefaultBaseURL is the X API base URL.
const DefaultBaseURL = "https://api.x.com"

// MaxTextLen is the longest post X accepts from a standard account, in
// characters.
const MaxTextLen = 280

// Config configures an Adapter.
type Config struct {
	// Account is the brand's X user id. Required.
	Account string
	// Token is the OAuth 2.0 user access token sent as a Bearer token.
	// Required.
	Token string
	// BaseURL is the API base URL. Defaults to DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests. Defaults to a client with a 30s
	// timeout.
	HTTPClient *http.Client
	// Now stamps receipts and reads reset times. Defaults to time.Now.
	Now func() time.Time
}

// Adapter is the X channeldriver.Adapter. It is safe for concurrent use.
type Adapter struct {
	cfg Config
}

var _ channeldriver.Adapter = (*Adapter)(nil)

// New returns an Adapter. It fails when Account or Token is empty or
// BaseURL is not an absolute URL.
func New(cfg *Config) (*Adapter, error) {
	if cfg == nil {
		return nil, errors.New("xchannel: New: nil Config (Account and Token are required)")
	}
	c := *cfg
	if c.Account == "" || c.Token == "" {
		return nil, errors.New("xchannel: New: Account and Token are required")
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("xchannel: New: BaseURL %q is not an absolute URL", c.BaseURL)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Adapter{cfg: c}, nil
}

// Kind returns channeldriver.X.
func (a *Adapter) Kind() channeldriver.Kind { return channeldriver.X }

// Account returns the brand's X user id.
func (a *Adapter) Account() string { return a.cfg.Account }

// Capabilities: 280 characters, public replies and DMs, no private reply
// to a public post, no messaging window. Sending media needs X's separate
// media upload, which this adapter does not do: Attachments is false, so the
// portable channel refuses a send with one before any I/O. Inbound photos,
// videos and GIFs on tweets and DMs arrive as Message.Attachments.
func (a *Adapter) Capabilities() channeldriver.Capabilities {
	return channeldriver.Capabilities{MaxTextLen: MaxTextLen, PublicReply: true, PrivateMessage: true}
}

// APIError is an error response of the X API.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Title and Detail come from the problem body, when present.
	Title, Detail string
}

// Error reports the X API's status and message.
func (e *APIError) Error() string {
	return "xchannel: HTTP " + strconv.Itoa(e.Status) + ": " + e.Title + ": " + e.Detail
}

// Send posts a public reply (POST /2/tweets with reply.in_reply_to_tweet_id)
// or a DM (POST /2/dm_conversations/with/{To}/messages).
func (a *Adapter) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	var path string
	var body any
	if m.Visibility == channeldriver.Private {
		if m.To == "" {
			return channeldriver.Receipt{}, &APIError{Status: 400, Title: "invalid", Detail: "a DM needs To"}
		}
		path = "/2/dm_conversations/with/" + url.PathEscape(m.To) + "/messages"
		body = map[string]string{"text": m.Text}
	} else {
		path = "/2/tweets"
		body = map[string]any{"text": m.Text, "reply": map[string]string{"in_reply_to_tweet_id": m.InReplyTo}}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("xchannel: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("xchannel: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.cfg.Token)
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("xchannel: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("xchannel: read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Status: resp.StatusCode}
		var prob struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(rb, &prob) == nil {
			ae.Title, ae.Detail = prob.Title, prob.Detail
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			reset := channeldriver.ParseRetryAfter(resp.Header.Get("Retry-After"), a.cfg.Now())
			if v, err := strconv.ParseInt(resp.Header.Get("x-rate-limit-reset"), 10, 64); err == nil {
				reset = time.Unix(v, 0)
			}
			return channeldriver.Receipt{}, &channeldriver.RateLimitError{Reset: reset, Err: ae}
		}
		return channeldriver.Receipt{}, ae
	}
	var ok struct {
		Data struct {
			ID        string `json:"id"`
			DMEventID string `json:"dm_event_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rb, &ok); err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("xchannel: decode response: %w", err)
	}
	id := ok.Data.ID
	if id == "" {
		id = ok.Data.DMEventID
	}
	if id == "" {
		return channeldriver.Receipt{}, errors.New("xchannel: response has no id")
	}
	return channeldriver.Receipt{ID: id, SentAt: a.cfg.Now()}, nil
}

// ErrorKind classifies Send errors: 429 is RateLimited, 401/403 Permission,
// 400/404/422 Invalid, 5xx and network errors Retryable. X reports a DM
// the recipient cannot receive as 403 and it is classed Permission.
func (a *Adapter) ErrorKind(err error) channeldriver.ErrorKind {
	var rl *channeldriver.RateLimitError
	if errors.As(err, &rl) {
		return channeldriver.RateLimited
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.Status == 401 || ae.Status == 403:
			return channeldriver.Permission
		case ae.Status >= 500:
			return channeldriver.Retryable
		case ae.Status >= 400:
			return channeldriver.Invalid
		}
		return channeldriver.Unknown
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return channeldriver.Unknown
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return channeldriver.Retryable
	}
	return channeldriver.Unknown
}

// Webhook is the Account Activity API webhook parser and verifier. It is
// safe for concurrent use.
type Webhook struct {
	secret []byte
}

var _ channeldriver.Webhook = (*Webhook)(nil)

// NewWebhook returns a Webhook that signs CRC responses and verifies
// x-twitter-webhooks-signature with the app's consumer secret. An empty
// secret is an error.
func NewWebhook(consumerSecret string) (*Webhook, error) {
	if consumerSecret == "" {
		return nil, errors.New("xchannel: NewWebhook: empty consumer secret")
	}
	return &Webhook{secret: []byte(consumerSecret)}, nil
}

// CRCResponseToken returns "sha256=" + base64(HMAC-SHA256(secret, token)).
func (w *Webhook) CRCResponseToken(crcToken string) string {
	mac := hmac.New(sha256.New, w.secret)
	mac.Write([]byte(crcToken))
	return "sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign returns the x-twitter-webhooks-signature value for body; tests and
// fakes use it.
func (w *Webhook) Sign(body []byte) string {
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	return "sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Challenge answers GET ?crc_token=... with {"response_token": ...}.
func (w *Webhook) Challenge(r *http.Request) (int, string, []byte, bool) {
	if r.Method != http.MethodGet {
		return 0, "", nil, false
	}
	tok := r.URL.Query().Get("crc_token")
	if tok == "" {
		return http.StatusBadRequest, "text/plain; charset=utf-8", []byte("missing crc_token\n"), true
	}
	b, _ := json.Marshal(map[string]string{"response_token": w.CRCResponseToken(tok)})
	return http.StatusOK, "application/json", b, true
}

// Verify checks x-twitter-webhooks-signature in constant time.
func (w *Webhook) Verify(h http.Header, body []byte) error {
	sig := h.Get("X-Twitter-Webhooks-Signature")
	if sig == "" {
		return &channeldriver.SignatureError{Missing: true, Reason: "no x-twitter-webhooks-signature header"}
	}
	const prefix = "sha256="
	if len(sig) <= len(prefix) || sig[:len(prefix)] != prefix {
		return &channeldriver.SignatureError{Reason: "signature does not start with sha256="}
	}
	enc := sig[len(prefix):]
	if len(enc) != base64.StdEncoding.EncodedLen(sha256.Size) {
		return &channeldriver.SignatureError{Reason: "signature is not base64 of 32 bytes"}
	}
	var got [sha256.Size + 1]byte // DecodedLen(44) == 33
	n, err := base64.StdEncoding.Decode(got[:], []byte(enc))
	if err != nil || n != sha256.Size {
		return &channeldriver.SignatureError{Reason: "signature is not base64 of 32 bytes"}
	}
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	var want [sha256.Size]byte
	if !hmac.Equal(mac.Sum(want[:0]), got[:n]) {
		return &channeldriver.SignatureError{Reason: "signature mismatch"}
	}
	return nil
}
