package xchannel

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

type xUser struct {
	ID         string      `json:"id_str"`
	IDAlt      json.Number `json:"id"`
	Name       string      `json:"name"`
	ScreenName string      `json:"screen_name"`
	Followers  int         `json:"followers_count"`
	Verified   bool        `json:"verified"`
}

type xTweet struct {
	IDStr       string `json:"id_str"`
	CreatedAt   string `json:"created_at"`
	TimestampMS string `json:"timestamp_ms"`
	Text        string `json:"text"`
	Truncated   bool   `json:"truncated"`
	Extended    *struct {
		FullText         string    `json:"full_text"`
		ExtendedEntities xEntities `json:"extended_entities"`
	} `json:"extended_tweet"`
	ExtendedEntities xEntities `json:"extended_entities"`
	InReplyTo        string    `json:"in_reply_to_status_id_str"`
	Lang             string    `json:"lang"`
	User             xUser     `json:"user"`
	// ConversationID is the id of the tweet that started the reply tree,
	// when the delivery carries it (X API v2 tweet objects).
	ConversationID  flexID          `json:"conversation_id"`
	ConversationStr string          `json:"conversation_id_str"`
	Retweeted       json.RawMessage `json:"retweeted_status"`
}

// flexID is an id that X sends as a JSON string or number.
type flexID string

// UnmarshalJSON accepts "123", 123 and null.
func (f *flexID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("xchannel: id %s is neither a string nor a number", b)
	}
	*f = flexID(n.String())
	return nil
}

type xDM struct {
	Type             string `json:"type"`
	ID               string `json:"id"`
	CreatedTimestamp string `json:"created_timestamp"`
	MessageCreate    struct {
		Target struct {
			RecipientID string `json:"recipient_id"`
		} `json:"target"`
		SenderID    string `json:"sender_id"`
		MessageData struct {
			Text       string `json:"text"`
			Attachment *struct {
				Type  string `json:"type"`
				Media xMedia `json:"media"`
			} `json:"attachment"`
		} `json:"message_data"`
	} `json:"message_create"`
}

// xEntities holds a tweet's native media (extended_entities).
type xEntities struct {
	Media []xMedia `json:"media"`
}

// xMedia is a photo, video or animated GIF on a tweet or DM.
type xMedia struct {
	ID        string `json:"id_str"`
	URL       string `json:"media_url_https"`
	Type      string `json:"type"` // photo, video, animated_gif
	VideoInfo *struct {
		Variants []struct {
			Bitrate     int    `json:"bitrate"`
			ContentType string `json:"content_type"`
			URL         string `json:"url"`
		} `json:"variants"`
	} `json:"video_info"`
}

// attachment converts m: a photo is an Image at media_url_https; a video
// or GIF is a Video at its highest-bitrate MP4 variant (media_url_https is
// only its poster frame).
func (m *xMedia) attachment() channeldriver.Attachment {
	at := channeldriver.Attachment{Kind: channeldriver.Image, MediaID: m.ID, URL: m.URL}
	if m.Type == "video" || m.Type == "animated_gif" {
		at.Kind = channeldriver.Video
		best := -1
		if m.VideoInfo != nil {
			for _, v := range m.VideoInfo.Variants {
				if v.ContentType == "video/mp4" && v.Bitrate > best {
					best, at.URL, at.MIMEType = v.Bitrate, v.URL, v.ContentType
				}
			}
		}
	}
	return at
}

func mediaAttachments(media []xMedia) []channeldriver.Attachment {
	if len(media) == 0 {
		return nil
	}
	out := make([]channeldriver.Attachment, len(media))
	for i := range media {
		out[i] = media[i].attachment()
	}
	return out
}

type xPayload struct {
	ForUserID string           `json:"for_user_id"`
	Tweets    []xTweet         `json:"tweet_create_events"`
	DMs       []xDM            `json:"direct_message_events"`
	Users     map[string]xUser `json:"users"`
}

// knownKeys are the payload keys Parse understands; other top-level keys
// (favorite_events, follow_events, ...) become events without a message.
var knownKeys = map[string]bool{"for_user_id": true, "tweet_create_events": true, "direct_message_events": true, "users": true, "apps": true, "user_has_blocked": true, "source": true}

// Parse decodes an Account Activity API payload. A tweet's ConversationID
// is its conversation_id and author ("<conversation_id>:<user id>"), or
// "public:<user id>" when the delivery has no conversation_id; a DM's is
// "dm:<user id>"; both carry CustomerID "x:<user id>". Tweets and DMs
// written by the brand itself (for_user_id), retweets, and event types the
// library does not model are returned without a message.
func (w *Webhook) Parse(dst []channeldriver.Event, body []byte) ([]channeldriver.Event, error) {
	var p xPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return dst, fmt.Errorf("xchannel: parse webhook: %w", err)
	}
	if p.ForUserID == "" {
		return dst, fmt.Errorf("xchannel: parse webhook: no for_user_id")
	}
	for i := range p.Tweets {
		t := &p.Tweets[i]
		if t.IDStr == "" {
			return dst, fmt.Errorf("xchannel: parse webhook: tweet without id_str")
		}
		ev := channeldriver.Event{ID: t.IDStr, Type: "tweet_create_events"}
		uid := t.User.ID
		if uid == "" {
			uid = t.User.IDAlt.String()
		}
		if len(t.Retweeted) > 0 && string(t.Retweeted) != "null" {
			ev.Type = "tweet_create_events:retweet" // an amplification, not a customer message
		} else if uid != p.ForUserID && uid != "" {
			text, media := t.Text, t.ExtendedEntities.Media
			if t.Extended != nil && t.Extended.FullText != "" {
				text = t.Extended.FullText
				if len(t.Extended.ExtendedEntities.Media) > 0 {
					media = t.Extended.ExtendedEntities.Media
				}
			}
			root := t.ConversationStr
			if root == "" {
				root = string(t.ConversationID)
			}
			conv := "public:" + uid
			if root != "" {
				conv = root + ":" + uid
			}
			ev.Message = &channeldriver.Message{
				ID: t.IDStr, Channel: channeldriver.X, Account: p.ForUserID,
				ConversationID: conv, ThreadID: root, CustomerID: "x:" + uid, Item: channeldriver.ItemPost, ParentID: t.InReplyTo,
				Author:      channeldriver.Author{ID: uid, Handle: t.User.ScreenName, Name: t.User.Name, Followers: t.User.Followers, Verified: t.User.Verified},
				Text:        text,
				Attachments: mediaAttachments(media),
				Visibility:  channeldriver.Public,
				Language:    langTag(t.Lang),
				ReceivedAt:  tweetTime(t),
			}
		}
		dst = append(dst, ev)
	}
	for i := range p.DMs {
		d := &p.DMs[i]
		if d.ID == "" {
			return dst, fmt.Errorf("xchannel: parse webhook: direct message without id")
		}
		ev := channeldriver.Event{ID: d.ID, Type: "direct_message_events"}
		mc := &d.MessageCreate
		if d.Type == "message_create" && mc.SenderID != p.ForUserID && mc.SenderID != "" {
			u := p.Users[mc.SenderID]
			var at time.Time
			if ms, err := strconv.ParseInt(d.CreatedTimestamp, 10, 64); err == nil {
				at = time.UnixMilli(ms).UTC()
			}
			ev.Message = &channeldriver.Message{
				ID: d.ID, Channel: channeldriver.X, Account: p.ForUserID,
				ConversationID: "dm:" + mc.SenderID, CustomerID: "x:" + mc.SenderID, Item: channeldriver.ItemMessage,
				Author:     channeldriver.Author{ID: mc.SenderID, Handle: u.ScreenName, Name: u.Name, Followers: u.Followers, Verified: u.Verified},
				Text:       mc.MessageData.Text,
				Visibility: channeldriver.Private,
				ReceivedAt: at,
			}
			if a := mc.MessageData.Attachment; a != nil && a.Type == "media" {
				ev.Message.Attachments = []channeldriver.Attachment{a.Media.attachment()}
			}
		}
		dst = append(dst, ev)
	}
	if len(p.Tweets) == 0 && len(p.DMs) == 0 {
		// Report which unmodelled event type this was.
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(body, &keys); err == nil {
			for k := range keys {
				if !knownKeys[k] {
					dst = append(dst, channeldriver.Event{Type: k})
				}
			}
		}
	}
	return dst, nil
}

func langTag(l string) string {
	if l == "und" {
		return ""
	}
	return l
}

func tweetTime(t *xTweet) time.Time {
	if ms, err := strconv.ParseInt(t.TimestampMS, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC()
	}
	if at, err := time.Parse(time.RubyDate, t.CreatedAt); err == nil {
		return at.UTC()
	}
	return time.Time{}
}
