// Package xchannel is the X (Twitter) channel adapter: public replies and
// direct messages through the X API v2, and the Account Activity API
// webhook (CRC challenge, the x-twitter-webhooks-signature-oauth2 and
// legacy x-twitter-webhooks-signature headers with secret rotation,
// tweet_create_events and direct_message_events).
//
// A customer's public tweets to the brand form one conversation per X
// conversation_id and customer (per customer when the delivery carries no
// conversation_id, as Account Activity v1.1 payloads do), so a reply to
// the brand's answer stays in its conversation and several customers
// answering one promotional tweet are several conversations. Retweets and
// the brand's own tweets and DMs are not customer messages.
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
		return nil, fmt.Errorf("%w: xchannel: New: nil Config; set Account (the brand's X user id) and Token", channeldriver.ErrInvalid)
	}
	c := *cfg
	if c.Account == "" || c.Token == "" {
		return nil, fmt.Errorf("%w: xchannel: New: Account (the brand's X user id) and Token (an OAuth 2.0 user access token) are required", channeldriver.ErrInvalid)
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%w: xchannel: New: BaseURL %q is not an absolute URL; leave it empty for DefaultBaseURL", channeldriver.ErrInvalid, c.BaseURL)
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
func (a *Adapter) Capabilities() channeldriver.Capabilities { return SurfaceCapabilities() }

// SurfaceCapabilities returns what X allows: 280 characters, public
// replies and DMs, no private reply to a public post (a DM goes to the
// user), no messaging window, no attachments sent. memchannel's X fake uses
// the same profile.
func SurfaceCapabilities() channeldriver.Capabilities {
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
	oauth2 [][]byte // OAuth 2.0 client secrets, current first
	legacy [][]byte // OAuth 1.0a consumer secrets, current first
}

var _ channeldriver.Webhook = (*Webhook)(nil)

// WebhookConfig holds the app secrets a Webhook signs and verifies with.
// Each list has the current secret first; during a rotation list the new
// and the old secret, and remove the old one once X has switched.
type WebhookConfig struct {
	// ClientSecrets are the app's OAuth 2.0 client secrets. They verify
	// x-twitter-webhooks-signature-oauth2, which X recommends and sends
	// when the app has one, and the first signs CRC responses.
	ClientSecrets []string
	// ConsumerSecrets are the app's OAuth 1.0a consumer secrets. They
	// verify the legacy x-twitter-webhooks-signature, checked only when
	// the OAuth 2.0 header is absent, and the first signs CRC responses
	// when there is no client secret.
	ConsumerSecrets []string
}

// NewWebhook returns a Webhook for an app with one secret, used for both
// signature headers and for CRC responses. An empty secret is an error.
func NewWebhook(secret string) (*Webhook, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: xchannel: NewWebhook: empty secret; pass the app's OAuth 2.0 client secret or OAuth 1.0a consumer secret", channeldriver.ErrInvalid)
	}
	return OpenWebhook(&WebhookConfig{ClientSecrets: []string{secret}, ConsumerSecrets: []string{secret}})
}

// OpenWebhook returns a Webhook with the secrets in cfg. At least one
// secret is required, and none may be empty.
func OpenWebhook(cfg *WebhookConfig) (*Webhook, error) {
	if cfg == nil || len(cfg.ClientSecrets)+len(cfg.ConsumerSecrets) == 0 {
		return nil, fmt.Errorf("%w: xchannel: OpenWebhook: no secrets; set ClientSecrets (OAuth 2.0) and/or ConsumerSecrets (OAuth 1.0a)", channeldriver.ErrInvalid)
	}
	w := &Webhook{}
	for _, s := range cfg.ClientSecrets {
		if s == "" {
			return nil, fmt.Errorf("%w: xchannel: OpenWebhook: empty client secret in ClientSecrets", channeldriver.ErrInvalid)
		}
		w.oauth2 = append(w.oauth2, []byte(s))
	}
	for _, s := range cfg.ConsumerSecrets {
		if s == "" {
			return nil, fmt.Errorf("%w: xchannel: OpenWebhook: empty consumer secret in ConsumerSecrets", channeldriver.ErrInvalid)
		}
		w.legacy = append(w.legacy, []byte(s))
	}
	return w, nil
}

func hmacBase64(key, msg []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write(msg)
	return "sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// crcSecret is the OAuth 2.0 client secret when there is one, else the
// consumer secret, as X computes CRCs.
func (w *Webhook) crcSecret() []byte {
	if len(w.oauth2) > 0 {
		return w.oauth2[0]
	}
	return w.legacy[0]
}

// CRCResponseToken returns "sha256=" + base64(HMAC-SHA256(secret,
// token)) with the current client secret, or the consumer secret when
// there is none.
func (w *Webhook) CRCResponseToken(crcToken string) string {
	return hmacBase64(w.crcSecret(), []byte(crcToken))
}

// Sign returns the legacy x-twitter-webhooks-signature value for body,
// with the current consumer secret (the client secret if there is none);
// tests and fakes use it.
func (w *Webhook) Sign(body []byte) string {
	if len(w.legacy) > 0 {
		return hmacBase64(w.legacy[0], body)
	}
	return hmacBase64(w.oauth2[0], body)
}

// SignOAuth2 returns the x-twitter-webhooks-signature-oauth2 value for
// body, with the current client secret (the consumer secret if there is
// none); tests and fakes use it.
func (w *Webhook) SignOAuth2(body []byte) string {
	return hmacBase64(w.crcSecret(), body)
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

// Signature headers, as X names them.
const (
	// HeaderSignatureOAuth2 carries the HMAC with the OAuth 2.0 client
	// secret; X recommends verifying it when present.
	HeaderSignatureOAuth2 = "X-Twitter-Webhooks-Signature-OAuth2"
	// HeaderSignature is the legacy header, with the OAuth 1.0a consumer
	// secret.
	HeaderSignature = "X-Twitter-Webhooks-Signature"
)

// Verify checks, in constant time, x-twitter-webhooks-signature-oauth2
// against the client secrets when the header is present, and otherwise
// the legacy x-twitter-webhooks-signature against the consumer secrets.
// Any listed secret may match (rotation).
func (w *Webhook) Verify(h http.Header, body []byte) error {
	sig, secrets, name := h.Get(HeaderSignatureOAuth2), w.oauth2, "x-twitter-webhooks-signature-oauth2"
	if sig == "" {
		sig, secrets, name = h.Get(HeaderSignature), w.legacy, "x-twitter-webhooks-signature"
	}
	if sig == "" {
		return &channeldriver.SignatureError{Missing: true, Reason: "no x-twitter-webhooks-signature-oauth2 or x-twitter-webhooks-signature header"}
	}
	if len(secrets) == 0 {
		return &channeldriver.SignatureError{Reason: name + " present but no secret configured for it"}
	}
	const prefix = "sha256="
	if len(sig) <= len(prefix) || sig[:len(prefix)] != prefix {
		return &channeldriver.SignatureError{Reason: name + " does not start with sha256="}
	}
	enc := sig[len(prefix):]
	if len(enc) != base64.StdEncoding.EncodedLen(sha256.Size) {
		return &channeldriver.SignatureError{Reason: name + " is not base64 of 32 bytes"}
	}
	var got [sha256.Size + 1]byte // DecodedLen(44) == 33
	n, err := base64.StdEncoding.Decode(got[:], []byte(enc))
	if err != nil || n != sha256.Size {
		return &channeldriver.SignatureError{Reason: name + " is not base64 of 32 bytes"}
	}
	ok := 0
	var want [sha256.Size]byte
	for _, key := range secrets {
		mac := hmac.New(sha256.New, key)
		mac.Write(body)
		if hmac.Equal(mac.Sum(want[:0]), got[:n]) {
			ok = 1
		}
	}
	if ok != 1 {
		return &channeldriver.SignatureError{Reason: name + " mismatch"}
	}
	return nil
}
