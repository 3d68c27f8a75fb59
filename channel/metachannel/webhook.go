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
		return nil, fmt.Errorf("%w: metachannel: NewWebhook: app secret and verify token are required; the secret is the App Secret, the token the one typed into the App Dashboard", channeldriver.ErrInvalid)
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
	// Instagram comments and mentions.
	MediaID string `json:"media_id"`
	ID      string `json:"id"`
	Text    string `json:"text"`
	Media   *struct {
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
		ID          string    `json:"id"`
		Status      string    `json:"status"`
		Timestamp   string    `json:"timestamp"`
		RecipientID string    `json:"recipient_id"`
		Errors      []waError `json:"errors"`
	} `json:"statuses"`
	Errors []waError `json:"errors"`
}

// waError is a WhatsApp Cloud API error object (statuses[].errors,
// value.errors).
type waError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

func platformErrors(errs []waError) []channeldriver.PlatformError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]channeldriver.PlatformError, len(errs))
	for i, e := range errs {
		out[i] = channeldriver.PlatformError{Code: e.Code, Title: e.Title, Detail: e.ErrorData.Details}
		if out[i].Title == "" {
			out[i].Title = e.Message
		}
	}
	return out
}

// feedEvent parses a Page feed change: a comment (keyed by its top-level
// comment and its author) or a visitor post (keyed by the post and its
// author). The Page's own items and verbs other than add carry no message.
func feedEvent(page string, v *mValue) (channeldriver.Event, error) {
	var m *channeldriver.Message
	switch v.Item {
	case "comment":
		if v.CommentID == "" {
			return channeldriver.Event{}, errors.New("metachannel: parse webhook: feed comment without comment_id")
		}
		// A top-level comment's parent is the post; a reply's is its
		// top-level comment (Facebook shows two levels).
		parent, root := v.ParentID, v.ParentID
		if parent == v.PostID || parent == "" {
			parent, root = "", v.CommentID
		}
		m = &channeldriver.Message{ID: v.CommentID, ConversationID: root + ":" + v.From.ID, ParentID: parent, Item: channeldriver.ItemComment}
	case "post", "status", "photo", "video", "share":
		if v.PostID == "" {
			return channeldriver.Event{}, errors.New("metachannel: parse webhook: feed post without post_id")
		}
		m = &channeldriver.Message{ID: v.PostID, ConversationID: v.PostID + ":" + v.From.ID, Item: channeldriver.ItemPost}
	default:
		return channeldriver.Event{Type: "feed:" + v.Item}, nil
	}
	ev := channeldriver.Event{ID: m.ID, Type: "feed:" + v.Item}
	if v.Verb != "add" || v.From.ID == page || v.From.ID == "" {
		return ev, nil
	}
	vis := channeldriver.Public
	if v.Post != nil && ((v.Post.IsPublished != nil && !*v.Post.IsPublished) || v.Post.PromotionStatus == "active") {
		vis = channeldriver.AdComment
	}
	m.Channel, m.Account, m.ThreadID = channeldriver.Facebook, page, v.PostID
	m.Author = channeldriver.Author{ID: v.From.ID, Handle: v.From.Name, Name: v.From.Name}
	m.Text, m.Visibility, m.ReceivedAt = v.Message, vis, time.Unix(v.CreatedTime, 0).UTC()
	ev.Message = m
	return ev, nil
}

// entryTime reads entry.time, which Meta sends in seconds on changes and
// in milliseconds on some messaging entries.
func entryTime(t int64) time.Time {
	if t <= 0 {
		return time.Time{}
	}
	if t > 1e12 {
		return time.UnixMilli(t).UTC()
	}
	return time.Unix(t, 0).UTC()
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
// Page feed comments and visitor posts (verb add), Instagram comments and
// mentions, and WhatsApp messages become messages, keyed as the channel
// package doc's table says; WhatsApp statuses and value.errors become
// Status events; echoes of the brand's own messages, the brand's own
// comments and posts, Messenger delivery and read receipts, and unknown
// fields or objects become events with neither.
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
			if !mg.Message.IsEcho && mg.Sender.ID != e.ID && mg.Sender.ID != "" {
				m := &channeldriver.Message{
					ID: mg.Message.MID, Channel: kind, Account: mg.Recipient.ID, ConversationID: mg.Sender.ID,
					Author: channeldriver.Author{ID: mg.Sender.ID}, Text: mg.Message.Text, Item: channeldriver.ItemMessage,
					Visibility: channeldriver.Private, ReceivedAt: time.UnixMilli(mg.Timestamp).UTC(),
				}
				if m.Account == "" {
					m.Account = e.ID
				}
				if kind == channeldriver.Instagram {
					m.CustomerID = "instagram:" + mg.Sender.ID
				} else {
					m.CustomerID = "messenger:" + m.Account + ":" + mg.Sender.ID
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
				ev, err := feedEvent(e.ID, v)
				if err != nil {
					return dst, err
				}
				dst = append(dst, ev)
			case kind == channeldriver.Instagram && (c.Field == "comments" || c.Field == "live_comments"):
				if v.ID == "" {
					return dst, errors.New("metachannel: parse webhook: instagram comment without id")
				}
				ev := channeldriver.Event{ID: v.ID, Type: c.Field}
				if v.From.ID != e.ID && v.From.ID != "" {
					vis, thread := channeldriver.Public, ""
					if v.Media != nil {
						thread = v.Media.ID
						if v.Media.AdID != "" || v.Media.MediaProductType == "AD" {
							vis = channeldriver.AdComment
						}
					}
					// Instagram nests one level: parent_id is the top-level
					// comment of a reply.
					root := v.ParentID
					if root == "" {
						root = v.ID
					}
					ev.Message = &channeldriver.Message{
						ID: v.ID, Channel: channeldriver.Instagram, Account: e.ID,
						ConversationID: root + ":" + v.From.ID, ThreadID: thread, CustomerID: "instagram:" + v.From.ID,
						Item: channeldriver.ItemComment, ParentID: v.ParentID,
						Author: channeldriver.Author{ID: v.From.ID, Handle: v.From.Username}, Text: v.Text,
						Visibility: vis, ReceivedAt: entryTime(e.Time),
					}
				}
				dst = append(dst, ev)
			case kind == channeldriver.Instagram && c.Field == "mentions":
				// {"media_id": ..., "comment_id": ...}: the brand was
				// @mentioned in a comment (comment_id) or a caption (media
				// only). The payload names no author or text: fetch them
				// with GET /{comment-id} or /{media-id} if needed.
				id := v.CommentID
				if id == "" {
					id = v.MediaID
				}
				if id == "" {
					return dst, errors.New("metachannel: parse webhook: instagram mention without media_id or comment_id")
				}
				dst = append(dst, channeldriver.Event{ID: id, Type: c.Field, Message: &channeldriver.Message{
					ID: id, Channel: channeldriver.Instagram, Account: e.ID, ConversationID: "mention:" + id,
					ThreadID: v.MediaID, Item: channeldriver.ItemMention, Visibility: channeldriver.Public, ReceivedAt: entryTime(e.Time),
				}})
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
						CustomerID: "whatsapp:" + wm.From, Item: channeldriver.ItemMessage,
						Author: channeldriver.Author{ID: wm.From, Handle: wm.From, Name: name}, Text: text, Attachments: atts,
						Visibility: channeldriver.Private, ReceivedAt: time.Unix(secs, 0).UTC(),
					}
					if wm.Context != nil {
						m.ParentID = wm.Context.ID
					}
					dst = append(dst, channeldriver.Event{ID: wm.ID, Type: "messages", Message: m})
				}
				for _, st := range v.Statuses {
					if st.ID == "" {
						return dst, errors.New("metachannel: parse webhook: whatsapp status without id")
					}
					secs, _ := strconv.ParseInt(st.Timestamp, 10, 64)
					s := &channeldriver.Status{
						Channel: channeldriver.WhatsApp, Account: v.Metadata.PhoneNumberID, MessageID: st.ID,
						State: channeldriver.StatusState(st.Status), RecipientID: st.RecipientID, ConversationID: st.RecipientID,
						At: time.Unix(secs, 0).UTC(), Errors: platformErrors(st.Errors),
					}
					dst = append(dst, channeldriver.Event{ID: st.ID + ":" + st.Status, Type: "statuses:" + st.Status, Status: s})
				}
				if len(v.Errors) > 0 {
					// Errors about the account or the webhook, not one
					// message. Their id for de-duplication is a digest.
					raw, _ := json.Marshal(v.Errors)
					sum := sha256.Sum256(append([]byte(e.ID+"\x00"+v.Metadata.PhoneNumberID+"\x00"), raw...))
					dst = append(dst, channeldriver.Event{ID: "errors:" + hex.EncodeToString(sum[:12]), Type: "errors", Status: &channeldriver.Status{
						Channel: channeldriver.WhatsApp, Account: v.Metadata.PhoneNumberID, State: channeldriver.StatusError,
						At: entryTime(e.Time), Errors: platformErrors(v.Errors),
					}})
				}
			default:
				dst = append(dst, channeldriver.Event{Type: p.Object + ":" + c.Field})
			}
		}
	}
	return dst, nil
}
