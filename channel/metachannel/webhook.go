package metachannel

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// Webhook verifies and parses Meta webhook deliveries for the page,
// instagram and whatsapp_business_account objects. It is safe for
// concurrent use.
type Webhook struct {
	secret      []byte
	verifyToken string
}

var _ channeldriver.Webhook = (*Webhook)(nil)

// NewWebhook returns a Webhook that checks X-Hub-Signature-256 with the
// app secret and answers the subscription handshake with verifyToken. Both
// are required.
func NewWebhook(appSecret, verifyToken string) (*Webhook, error) {
	if appSecret == "" || verifyToken == "" {
		return nil, errors.New("metachannel: NewWebhook: app secret and verify token are required")
	}
	return &Webhook{secret: []byte(appSecret), verifyToken: verifyToken}, nil
}

// Sign returns the X-Hub-Signature-256 value for body: "sha256=" + hex
// HMAC-SHA256 with the app secret. Tests and fakes use it.
func (w *Webhook) Sign(body []byte) string {
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Challenge answers GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...
// with the challenge when the token matches, 403 otherwise. GET requests
// without hub.mode are not handshakes.
func (w *Webhook) Challenge(r *http.Request) (int, string, []byte, bool) {
	if r.Method != http.MethodGet {
		return 0, "", nil, false
	}
	q := r.URL.Query()
	if !q.Has("hub.mode") {
		return 0, "", nil, false
	}
	tok := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare([]byte(tok), []byte(w.verifyToken)) != 1 {
		return http.StatusForbidden, "text/plain; charset=utf-8", []byte("forbidden\n"), true
	}
	return http.StatusOK, "text/plain; charset=utf-8", []byte(q.Get("hub.challenge")), true
}

// Verify checks X-Hub-Signature-256 in constant time.
func (w *Webhook) Verify(h http.Header, body []byte) error {
	sig := h.Get("X-Hub-Signature-256")
	if sig == "" {
		return &channeldriver.SignatureError{Missing: true, Reason: "no X-Hub-Signature-256 header"}
	}
	const prefix = "sha256="
	if len(sig) != len(prefix)+2*sha256.Size || sig[:len(prefix)] != prefix {
		return &channeldriver.SignatureError{Reason: "signature is not sha256= and 64 hex digits"}
	}
	var got [sha256.Size]byte
	if _, err := hex.Decode(got[:], []byte(sig[len(prefix):])); err != nil {
		return &channeldriver.SignatureError{Reason: "signature is not hex"}
	}
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	var want [sha256.Size]byte
	if !hmac.Equal(mac.Sum(want[:0]), got[:]) {
		return &channeldriver.SignatureError{Reason: "signature mismatch"}
	}
	return nil
}

type mUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

type mMessaging struct {
	Sender    mUser `json:"sender"`
	Recipient mUser `json:"recipient"`
	Timestamp int64 `json:"timestamp"`
	Message   *struct {
		MID    string `json:"mid"`
		Text   string `json:"text"`
		IsEcho bool   `json:"is_echo"`
		// Attachments: type is image, video, audio, file, or others
		// (fallback, template, ...) that carry no media.
		Attachments []struct {
			Type    string `json:"type"`
			Payload struct {
				URL string `json:"url"`
			} `json:"payload"`
		} `json:"attachments"`
		Reply *struct {
			MID string `json:"mid"`
		} `json:"reply_to"`
	} `json:"message"`
}

type mValue struct {
	// Page feed.
	Item        string `json:"item"`
	Verb        string `json:"verb"`
	CommentID   string `json:"comment_id"`
	PostID      string `json:"post_id"`
	ParentID    string `json:"parent_id"`
	Message     string `json:"message"`
	From        mUser  `json:"from"`
	CreatedTime int64  `json:"created_time"`
	Post        *struct {
		IsPublished     *bool  `json:"is_published"`
		PromotionStatus string `json:"promotion_status"`
	} `json:"post"`
	// Instagram comments.
	ID    string `json:"id"`
	Text  string `json:"text"`
	Media *struct {
		ID               string `json:"id"`
		AdID             string `json:"ad_id"`
		MediaProductType string `json:"media_product_type"`
	} `json:"media"`
	// WhatsApp.
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		From      string `json:"from"`
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
		Type      string `json:"type"`
		Text      *struct {
			Body string `json:"body"`
		} `json:"text"`
		Image    *waMedia `json:"image"`
		Video    *waMedia `json:"video"`
		Audio    *waMedia `json:"audio"`
		Document *waMedia `json:"document"`
		Sticker  *waMedia `json:"sticker"`
		Context  *struct {
			ID string `json:"id"`
		} `json:"context"`
	} `json:"messages"`
	Statuses []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"statuses"`
}

// waMedia is a WhatsApp Cloud API media object of an inbound message.
type waMedia struct {
	ID       string `json:"id"`
	MIMEType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	URL      string `json:"url"`
}

// attachment converts m, if present, to an attachment of kind k.
func (m *waMedia) attachment(k channeldriver.AttachmentKind) []channeldriver.Attachment {
	if m == nil {
		return nil
	}
	return []channeldriver.Attachment{{Kind: k, MediaID: m.ID, URL: m.URL, MIMEType: m.MIMEType, Caption: m.Caption, Name: m.Filename}}
}

// messengerKind maps a Send API attachment type to a kind; ok is false
// for types that carry no media (fallback, template, ...).
func messengerKind(t string) (channeldriver.AttachmentKind, bool) {
	switch t {
	case "image", "video", "audio", "file":
		return channeldriver.AttachmentKind(t), true
	case "sticker":
		return channeldriver.Sticker, true
	}
	return "", false
}

type mPayload struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string       `json:"id"`
		Time      int64        `json:"time"`
		Messaging []mMessaging `json:"messaging"`
		Changes   []struct {
			Field string `json:"field"`
			Value mValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// Parse decodes a webhook delivery. Messenger and Instagram messages,
// Page feed comments (verb add), Instagram comments and WhatsApp messages
// become messages; echoes of the brand's own messages, the brand's own
// comments, delivery and read receipts, statuses and unknown fields or
// objects become events without a message.
func (w *Webhook) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	var p mPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return dst, fmt.Errorf("metachannel: parse webhook: %w", err)
	}
	var kind channeldriver.Kind
	switch p.Object {
	case "page":
		kind = channeldriver.Messenger
	case "instagram":
		kind = channeldriver.Instagram
	case "whatsapp_business_account":
		kind = channeldriver.WhatsApp
	case "":
		return dst, errors.New("metachannel: parse webhook: no object")
	default:
		return append(dst, channeldriver.Event{Type: p.Object}), nil
	}
	for ei := range p.Entry {
		e := &p.Entry[ei]
		for i := range e.Messaging {
			mg := &e.Messaging[i]
			if mg.Message == nil {
				dst = append(dst, channeldriver.Event{Type: "messaging"})
				continue
			}
			if mg.Message.MID == "" {
				return dst, errors.New("metachannel: parse webhook: message without mid")
			}
			ev := channeldriver.Event{ID: mg.Message.MID, Type: "messages"}
			if !mg.Message.IsEcho && mg.Sender.ID != e.ID {
				m := &channeldriver.Message{
					ID: mg.Message.MID, Channel: kind, Account: mg.Recipient.ID, ConversationID: mg.Sender.ID,
					Author: channeldriver.Author{ID: mg.Sender.ID}, Text: mg.Message.Text,
					Visibility: channeldriver.Private, ReceivedAt: time.UnixMilli(mg.Timestamp).UTC(),
				}
				if m.Account == "" {
					m.Account = e.ID
				}
				if mg.Message.Reply != nil {
					m.ParentID = mg.Message.Reply.MID
				}
				for _, at := range mg.Message.Attachments {
					if k, ok := messengerKind(at.Type); ok {
						m.Attachments = append(m.Attachments, channeldriver.Attachment{Kind: k, URL: at.Payload.URL})
					}
				}
				ev.Message = m
			}
			dst = append(dst, ev)
		}
		for ci := range e.Changes {
			c := &e.Changes[ci]
			v := &c.Value
			switch {
			case kind == channeldriver.Messenger && c.Field == "feed":
				if v.Item != "comment" {
					dst = append(dst, channeldriver.Event{Type: "feed:" + v.Item})
					continue
				}
				if v.CommentID == "" {
					return dst, errors.New("metachannel: parse webhook: feed comment without comment_id")
				}
				ev := channeldriver.Event{ID: v.CommentID, Type: "feed"}
				if v.Verb == "add" && v.From.ID != e.ID {
					vis := channeldriver.Public
					if v.Post != nil && ((v.Post.IsPublished != nil && !*v.Post.IsPublished) || v.Post.PromotionStatus == "active") {
						vis = channeldriver.AdComment
					}
					parent := v.ParentID
					if parent == v.PostID {
						parent = ""
					}
					ev.Message = &channeldriver.Message{
						ID: v.CommentID, Channel: channeldriver.Facebook, Account: e.ID, ConversationID: v.PostID, ParentID: parent,
						Author: channeldriver.Author{ID: v.From.ID, Handle: v.From.Name, Name: v.From.Name}, Text: v.Message,
						Visibility: vis, ReceivedAt: time.Unix(v.CreatedTime, 0).UTC(),
					}
				}
				dst = append(dst, ev)
			case kind == channeldriver.Instagram && (c.Field == "comments" || c.Field == "live_comments"):
				if v.ID == "" {
					return dst, errors.New("metachannel: parse webhook: instagram comment without id")
				}
				ev := channeldriver.Event{ID: v.ID, Type: c.Field}
				if v.From.ID != e.ID {
					vis, conv := channeldriver.Public, ""
					if v.Media != nil {
						conv = v.Media.ID
						if v.Media.AdID != "" || v.Media.MediaProductType == "AD" {
							vis = channeldriver.AdComment
						}
					}
					ev.Message = &channeldriver.Message{
						ID: v.ID, Channel: channeldriver.Instagram, Account: e.ID, ConversationID: conv, ParentID: v.ParentID,
						Author: channeldriver.Author{ID: v.From.ID, Handle: v.From.Username}, Text: v.Text,
						Visibility: vis, ReceivedAt: time.Unix(e.Time, 0).UTC(),
					}
				}
				dst = append(dst, ev)
			case kind == channeldriver.WhatsApp && c.Field == "messages":
				for _, wm := range v.Messages {
					if wm.ID == "" {
						return dst, errors.New("metachannel: parse webhook: whatsapp message without id")
					}
					var text string
					var atts []channeldriver.Attachment
					switch {
					case wm.Text != nil:
						text = wm.Text.Body
					case wm.Image != nil:
						atts = wm.Image.attachment(channeldriver.Image)
					case wm.Video != nil:
						atts = wm.Video.attachment(channeldriver.Video)
					case wm.Audio != nil:
						atts = wm.Audio.attachment(channeldriver.Audio)
					case wm.Document != nil:
						atts = wm.Document.attachment(channeldriver.File)
					case wm.Sticker != nil:
						atts = wm.Sticker.attachment(channeldriver.Sticker)
					default:
						text = "[" + wm.Type + "]" // location, contacts, interactive, ...: not modelled
					}
					if len(atts) > 0 {
						text = atts[0].Caption
					}
					name := ""
					for _, ct := range v.Contacts {
						if ct.WaID == wm.From {
							name = ct.Profile.Name
						}
					}
					secs, _ := strconv.ParseInt(wm.Timestamp, 10, 64)
					m := &channeldriver.Message{
						ID: wm.ID, Channel: channeldriver.WhatsApp, Account: v.Metadata.PhoneNumberID, ConversationID: wm.From,
						Author: channeldriver.Author{ID: wm.From, Handle: wm.From, Name: name}, Text: text, Attachments: atts,
						Visibility: channeldriver.Private, ReceivedAt: time.Unix(secs, 0).UTC(),
					}
					if wm.Context != nil {
						m.ParentID = wm.Context.ID
					}
					dst = append(dst, channeldriver.Event{ID: wm.ID, Type: "messages", Message: m})
				}
				for _, st := range v.Statuses {
					dst = append(dst, channeldriver.Event{ID: st.ID, Type: "statuses:" + st.Status})
				}
			default:
				dst = append(dst, channeldriver.Event{Type: p.Object + ":" + c.Field})
			}
		}
	}
	return dst, nil
}
