// Package metachannel is the Meta channel adapter: Messenger, Facebook Page
// feed comments, Instagram comments and messages, and the WhatsApp Cloud
// API, through the Graph API.
//
// One Adapter sends as one account on one surface (its Kind): Messenger
// and Instagram messages through the Send API (POST /{id}/messages, with
// messaging_type RESPONSE, or MESSAGE_TAG and the Outbound's Tag), public
// replies to Facebook and Instagram comments (POST /{comment-id}/comments,
// POST /{ig-comment-id}/replies), private replies to comments and visitor
// posts (POST /{id}/messages with recipient.comment_id or
// recipient.post_id, whose Receipt names the customer's Messenger or
// Instagram conversation), and WhatsApp text, media and template messages
// (POST /{phone-number-id}/messages). Media customers send (Messenger and
// Instagram message.attachments, WhatsApp image, video, audio, document
// and sticker messages) arrives as Message.Attachments. The Webhook verifies X-Hub-Signature-256
// and parses the page, instagram and whatsapp_business_account objects:
// Messenger and Instagram messages, Facebook comments and visitor posts,
// Instagram comments and mentions, WhatsApp messages, and WhatsApp
// statuses and errors as channeldriver.Status events. Comments on ads and
// unpublished ("dark") posts arrive with Visibility AdComment. Neither
// retries: the portable channel layer does.
package metachannel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// DefaultBaseURL is the Graph API base URL with the version the payloads
// were checked against.
const DefaultBaseURL = "https://graph.facebook.com/v21.0"

// Config configures an Adapter.
type Config struct {
	// Kind is the surface: channeldriver.Messenger, Facebook, Instagram or
	// WhatsApp. Required.
	Kind channeldriver.Kind
	// Account is the Page id (Messenger, Facebook), Instagram professional
	// account id, or WhatsApp phone number id. Required.
	Account string
	// AccessToken is the Page or system-user access token. Required.
	AccessToken string
	// BaseURL is the Graph API base URL. Defaults to DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests. Defaults to a client with a 30s
	// timeout.
	HTTPClient *http.Client
	// Now stamps receipts and computes reset times. Defaults to time.Now.
	Now func() time.Time
}

// Adapter is the Meta channeldriver.Adapter. It is safe for concurrent use.
type Adapter struct {
	cfg  Config
	caps channeldriver.Capabilities
}

var _ channeldriver.Adapter = (*Adapter)(nil)

// New returns an Adapter. It fails on an unknown Kind, a missing Account
// or AccessToken, or a BaseURL that is not absolute.
func New(cfg *Config) (*Adapter, error) {
	if cfg == nil {
		return nil, fmt.Errorf("%w: metachannel: New: nil Config; set Kind, Account and AccessToken", channeldriver.ErrInvalid)
	}
	c := *cfg
	caps, ok := SurfaceCapabilities(c.Kind)
	if !ok {
		return nil, fmt.Errorf("%w: metachannel: New: unsupported Kind %q; use channel.Messenger, Facebook, Instagram or WhatsApp", channeldriver.ErrInvalid, c.Kind)
	}
	if c.Account == "" || c.AccessToken == "" {
		return nil, fmt.Errorf("%w: metachannel: New: Account and AccessToken are required; Account is the Page, Instagram account or phone number id", channeldriver.ErrInvalid)
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(c.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%w: metachannel: New: BaseURL %q is not an absolute URL; leave it empty for DefaultBaseURL", channeldriver.ErrInvalid, c.BaseURL)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Adapter{cfg: c, caps: caps}, nil
}

// Kind returns the configured surface.
func (a *Adapter) Kind() channeldriver.Kind { return a.cfg.Kind }

// Account returns the Page, Instagram account or phone number id.
func (a *Adapter) Account() string { return a.cfg.Account }

// Capabilities returns SurfaceCapabilities(Kind).
func (a *Adapter) Capabilities() channeldriver.Capabilities { return a.caps }

// SurfaceCapabilities returns what Meta allows on a surface; ok is false
// for a kind that is not a Meta surface. memchannel's fakes use the same
// profiles.
//
//   - Messenger: 2000 characters; private messages only, within 24 hours
//     of the customer's last message, or 7 days with the HUMAN_AGENT tag,
//     or at any time with another message tag; one attachment, no caption.
//   - Facebook (Page comments and visitor posts): 8000 characters; public
//     replies, and one private reply per comment or post within 7 days of
//     it (the conversation then continues on Messenger); no other private
//     messages, no attachments.
//   - Instagram: 1000 characters; public replies to comments; one private
//     reply per comment within 7 days; DMs within 24 hours of the
//     customer's last message, or 7 days with HUMAN_AGENT; one
//     attachment, no caption.
//   - WhatsApp: 4096 characters; private messages within the 24-hour
//     customer-service window, template messages at any time; one
//     attachment, with the text as its caption (not on audio).
func SurfaceCapabilities(kind channeldriver.Kind) (caps channeldriver.Capabilities, ok bool) {
	const day = 24 * time.Hour
	switch kind {
	case channeldriver.Messenger:
		return channeldriver.Capabilities{MaxTextLen: 2000, PrivateMessage: true, MessagingWindow: day, HumanAgentWindow: 7 * day, MessageTags: true, Attachments: true}, true
	case channeldriver.Facebook:
		return channeldriver.Capabilities{MaxTextLen: 8000, PublicReply: true, PrivateReplyToComment: true, PrivateReplyWindow: 7 * day}, true
	case channeldriver.Instagram:
		return channeldriver.Capabilities{MaxTextLen: 1000, PublicReply: true, PrivateMessage: true, PrivateReplyToComment: true, PrivateReplyWindow: 7 * day, MessagingWindow: day, HumanAgentWindow: 7 * day, Attachments: true}, true
	case channeldriver.WhatsApp:
		return channeldriver.Capabilities{MaxTextLen: 4096, PrivateMessage: true, MessagingWindow: day, Templates: true, Attachments: true, AttachmentCaption: true}, true
	}
	return channeldriver.Capabilities{}, false
}

// GraphError is an error response of the Graph API.
type GraphError struct {
	// Status is the HTTP status code.
	Status int
	// Code, Subcode, Type and Message come from the error object.
	Code, Subcode int
	Type, Message string
	// TraceID is fbtrace_id.
	TraceID string
}

// Error reports the Graph API's status, code and message.
func (e *GraphError) Error() string {
	return fmt.Sprintf("metachannel: HTTP %d: %s (code %d, subcode %d, fbtrace_id %s)", e.Status, e.Message, e.Code, e.Subcode, e.TraceID)
}

// Send sends m with the endpoint its Kind and Visibility call for:
//
//   - a private reply (m.IsPrivateReply): POST /{account}/messages with
//     {"recipient":{"comment_id":InReplyTo},"message":{"text":...}}
//     (recipient.post_id for a visitor post); the Receipt carries Meta's
//     recipient_id and the customer's private conversation;
//   - WhatsApp: POST /{phone-number-id}/messages, text, media or template;
//   - another private message: POST /{account}/messages with
//     recipient.id = To and messaging_type RESPONSE, or MESSAGE_TAG and
//     tag when m.Tag is set;
//   - a public reply: POST /{comment-id}/comments (Facebook) or
//     /{ig-comment-id}/replies (Instagram).
func (a *Adapter) Send(ctx context.Context, m *channeldriver.Outbound) (channeldriver.Receipt, error) {
	var path string
	var body any
	text := map[string]string{"text": m.Text}
	messages := "/" + url.PathEscape(a.cfg.Account) + "/messages"
	privateReply := m.IsPrivateReply() || (m.Visibility == channeldriver.Private && m.InReplyTo != "" && a.cfg.Kind == channeldriver.Facebook)
	switch {
	case a.cfg.Kind == channeldriver.WhatsApp && m.Template != nil:
		path = messages
		tpl := map[string]any{"name": m.Template.Name, "language": map[string]string{"code": m.Template.Language}}
		if len(m.Template.Parameters) > 0 {
			params := make([]map[string]string, len(m.Template.Parameters))
			for i, p := range m.Template.Parameters {
				params[i] = map[string]string{"type": "text", "text": p}
			}
			tpl["components"] = []map[string]any{{"type": "body", "parameters": params}}
		}
		body = map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": m.To, "type": "template", "template": tpl}
	case a.cfg.Kind == channeldriver.WhatsApp && len(m.Attachments) > 0:
		path = messages
		at := m.Attachments[0]
		typ := string(at.Kind)
		if at.Kind == channeldriver.File {
			typ = "document"
		}
		media := map[string]string{"link": at.URL}
		if m.Text != "" {
			media["caption"] = m.Text
		}
		if at.Kind == channeldriver.File && at.Name != "" {
			media["filename"] = at.Name
		}
		body = map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": m.To, "type": typ, typ: media}
	case a.cfg.Kind == channeldriver.WhatsApp:
		path = messages
		body = map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": m.To, "type": "text", "text": map[string]string{"body": m.Text}}
	case privateReply:
		// Meta's private reply: one message to the person who wrote the
		// comment or post, addressed by its id (never by user id).
		path = messages
		field := "comment_id"
		if m.InReplyToItem == channeldriver.ItemPost {
			field = "post_id"
		}
		body = map[string]any{"recipient": map[string]string{field: m.InReplyTo}, "message": text}
	case m.Visibility == channeldriver.Private:
		path = messages
		var msg any = text
		if len(m.Attachments) > 0 {
			// The Send API takes one attachment, without text, per message.
			at := m.Attachments[0]
			msg = map[string]any{"attachment": map[string]any{"type": string(at.Kind), "payload": map[string]any{"url": at.URL, "is_reusable": true}}}
		}
		b := map[string]any{"recipient": map[string]string{"id": m.To}, "messaging_type": "RESPONSE", "message": msg}
		if m.Tag != "" {
			b["messaging_type"], b["tag"] = "MESSAGE_TAG", string(m.Tag)
		}
		body = b
	case a.cfg.Kind == channeldriver.Instagram:
		path = "/" + url.PathEscape(m.InReplyTo) + "/replies"
		body = map[string]string{"message": m.Text}
	default:
		path = "/" + url.PathEscape(m.InReplyTo) + "/comments"
		body = map[string]string{"message": m.Text}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("metachannel: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("metachannel: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.cfg.AccessToken)
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("metachannel: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("metachannel: read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		ge := &GraphError{Status: resp.StatusCode}
		var eb struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    int    `json:"code"`
				Subcode int    `json:"error_subcode"`
				Trace   string `json:"fbtrace_id"`
			} `json:"error"`
		}
		if json.Unmarshal(rb, &eb) == nil {
			ge.Code, ge.Subcode, ge.Type, ge.Message, ge.TraceID = eb.Error.Code, eb.Error.Subcode, eb.Error.Type, eb.Error.Message, eb.Error.Trace
		}
		if resp.StatusCode == http.StatusTooManyRequests || isThrottle(ge.Code) {
			return channeldriver.Receipt{}, &channeldriver.RateLimitError{Reset: a.reset(resp.Header), Err: ge}
		}
		return channeldriver.Receipt{}, ge
	}
	var ok struct {
		ID          string `json:"id"`
		MessageID   string `json:"message_id"`
		RecipientID string `json:"recipient_id"`
		Messages    []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(rb, &ok); err != nil {
		return channeldriver.Receipt{}, fmt.Errorf("metachannel: decode response: %w", err)
	}
	id := ok.ID
	if id == "" {
		id = ok.MessageID
	}
	if id == "" && len(ok.Messages) > 0 {
		id = ok.Messages[0].ID
	}
	if id == "" {
		return channeldriver.Receipt{}, errors.New("metachannel: response has no id")
	}
	r := channeldriver.Receipt{ID: id, SentAt: a.cfg.Now(), RecipientID: ok.RecipientID}
	if privateReply && ok.RecipientID != "" {
		// The customer answers a private reply in Messenger (Facebook) or
		// Instagram Direct, as the sender RecipientID.
		r.PrivateChannel = channeldriver.Messenger
		if a.cfg.Kind == channeldriver.Instagram {
			r.PrivateChannel = channeldriver.Instagram
		}
		r.PrivateConversationID = ok.RecipientID
	}
	return r, nil
}

// isThrottle reports Graph API throttling codes: 4 (app), 17 (user), 32
// (page), 613 (custom), 80001-80014 (business use case), 130429 and 131056
// (WhatsApp throughput and pair rate limits).
func isThrottle(code int) bool {
	switch {
	case code == 4 || code == 17 || code == 32 || code == 613 || code == 130429 || code == 131056:
		return true
	case code >= 80001 && code <= 80014:
		return true
	}
	return false
}

// reset reads Retry-After, then the largest estimated_time_to_regain_access
// (minutes) of X-Business-Use-Case-Usage.
func (a *Adapter) reset(h http.Header) time.Time {
	now := a.cfg.Now()
	if t := channeldriver.ParseRetryAfter(h.Get("Retry-After"), now); !t.IsZero() {
		return t
	}
	var buc map[string][]struct {
		Minutes int `json:"estimated_time_to_regain_access"`
	}
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" && json.Unmarshal([]byte(v), &buc) == nil {
		best := 0
		for _, l := range buc {
			for _, u := range l {
				best = max(best, u.Minutes)
			}
		}
		if best > 0 {
			return now.Add(time.Duration(best) * time.Minute)
		}
	}
	return time.Time{}
}

// ErrorKind classifies Send errors: throttling is RateLimited; code 10
// with subcode 2018278 (outside the allowed window), 551 and 131047 (more
// than 24 hours since the customer wrote) are WindowClosed; 190 and 200-299
// (token, permissions) and HTTP 401/403 are Permission; 1, 2 and HTTP 5xx
// are Retryable; other 4xx are Invalid.
func (a *Adapter) ErrorKind(err error) channeldriver.ErrorKind {
	var rl *channeldriver.RateLimitError
	if errors.As(err, &rl) {
		return channeldriver.RateLimited
	}
	var ge *GraphError
	if errors.As(err, &ge) {
		switch {
		case (ge.Code == 10 && ge.Subcode == 2018278) || ge.Code == 551 || ge.Code == 131047:
			return channeldriver.WindowClosed
		case ge.Code == 190 || (ge.Code >= 200 && ge.Code <= 299) || ge.Code == 10 || ge.Status == 401 || ge.Status == 403:
			return channeldriver.Permission
		case ge.Code == 1 || ge.Code == 2 || ge.Status >= 500:
			return channeldriver.Retryable
		case ge.Status >= 400:
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
