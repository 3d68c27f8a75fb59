// Package channeldriver defines the thin interface that channel adapters
// implement, and the message model they speak.
//
// Application code uses package channel, which re-exports the model types
// (channel.Message is channeldriver.Message) and wraps an Adapter with
// validation, retries, rate limits and de-duplication. Adapters do none of
// that: they translate between the platform and the model, and they say, via
// ErrorKind, whether an error is worth retrying. This split follows the Go CDK
// driver pattern.
//
// Every adapter must pass the conformance suite in package channeldrivertest.
package channeldriver

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// ErrInvalid is the sentinel for a bad argument or a malformed message:
// constructors (channel.New, memchannel.New, metachannel.New,
// xchannel.NewWebhook, ...) and validation wrap it. channel.ErrInvalid is
// the same value, so errors.Is(err, channel.ErrInvalid) holds for all of
// them.
var ErrInvalid = errors.New("channel: invalid")

// Kind names a channel (a platform surface customers talk on).
type Kind string

// The channel kinds the library knows. Hosts may define more.
const (
	X         Kind = "x"
	Facebook  Kind = "facebook"
	Instagram Kind = "instagram"
	Messenger Kind = "messenger"
	WhatsApp  Kind = "whatsapp"
	Email     Kind = "email"
	Chat      Kind = "chat"
	Review    Kind = "review"
)

// Visibility says who can see a message.
type Visibility uint8

// Visibilities. The zero value is Public: a message is public unless the
// adapter knows better.
const (
	// Public messages are visible to anyone (a mention, a page comment).
	Public Visibility = iota
	// Private messages are seen only by the customer and the brand (a DM).
	Private
	// AdComment is a public comment on an ad ("dark post"): visible to
	// whoever sees the ad, but not in the brand's own feed.
	AdComment
)

// String returns "public", "private" or "ad-comment".
func (v Visibility) String() string {
	switch v {
	case Public:
		return "public"
	case Private:
		return "private"
	case AdComment:
		return "ad-comment"
	default:
		return "visibility(" + strconv.Itoa(int(v)) + ")"
	}
}

// IsPublic reports whether people other than the customer can see the
// message (Public and AdComment).
func (v Visibility) IsPublic() bool { return v == Public || v == AdComment }

// Item says what kind of platform object a message is. Platforms answer
// them differently: a private reply goes to a public item (a comment or a
// post) and a direct message to a person.
type Item string

// Items.
const (
	// ItemPost is a post the customer published: a Facebook visitor post
	// on the Page, a tweet.
	ItemPost Item = "post"
	// ItemComment is a comment or a reply to one (Facebook, Instagram).
	ItemComment Item = "comment"
	// ItemMention is an Instagram @mention of the brand in a caption or a
	// comment.
	ItemMention Item = "mention"
	// ItemMessage is a direct message (Messenger, Instagram Direct, X DM,
	// WhatsApp).
	ItemMessage Item = "message"
)

// IsPublic reports whether the item is a public one (post, comment,
// mention): a Private Outbound in reply to it is a private reply.
func (i Item) IsPublic() bool { return i == ItemPost || i == ItemComment || i == ItemMention }

// Author is the person who wrote a message.
type Author struct {
	// ID is the platform's stable user id.
	ID string
	// Handle is the public handle without "@" (X, Instagram) or the
	// display name where the platform has no handle.
	Handle string
	// Name is the display name, if known.
	Name string
	// Followers is the follower count as the platform reported it; 0 when
	// unknown.
	Followers int
	// Verified reports whether the platform marks the account verified.
	Verified bool
}

// AttachmentKind says what an attachment holds.
type AttachmentKind string

// Attachment kinds. Platforms name them differently (Meta's "file" is
// WhatsApp's "document"); adapters translate.
const (
	Image   AttachmentKind = "image"
	Video   AttachmentKind = "video"
	Audio   AttachmentKind = "audio"
	File    AttachmentKind = "file"
	Sticker AttachmentKind = "sticker"
)

// Known reports whether k is one of the kinds above.
func (k AttachmentKind) Known() bool {
	switch k {
	case Image, Video, Audio, File, Sticker:
		return true
	}
	return false
}

// Attachment is a piece of media on a message: a photo of a damaged bag, a
// boarding pass, a voice note.
type Attachment struct {
	// Kind says what it is.
	Kind AttachmentKind
	// URL is where the media can be fetched. Platforms' inbound URLs are
	// often short-lived or need the access token (WhatsApp gives only
	// MediaID); an outbound attachment needs a public https URL.
	URL string
	// MediaID is the platform's id of the media (WhatsApp media id, X
	// media id), if it has one.
	MediaID string
	// MIMEType is the media type, when the platform says, e.g. "image/jpeg".
	MIMEType string
	// Name is a document's file name, if given.
	Name string
	// Caption is the text the customer wrote on the media itself
	// (WhatsApp captions); the message's Text carries it too when the
	// message has no other text.
	Caption string
}

// Message is one inbound customer message in the channel-neutral model.
type Message struct {
	// ID is the platform's id of this message (tweet id, comment id, mid).
	// Together with Channel it identifies the message.
	ID string
	// Channel is the channel the message arrived on.
	Channel Kind
	// Account is the brand's account on the channel (X user id, page id,
	// WhatsApp phone number id) that received the message.
	Account string
	// ConversationID identifies the customer's conversation as the
	// platform defines it (see the table in the channel package doc): a
	// Facebook or Instagram comment thread per commenter, an X thread per
	// customer, a DM or WhatsApp thread per customer. Messages with the
	// same Channel, Account and ConversationID belong to one conversation.
	// It is opaque: compare it, do not parse it.
	ConversationID string
	// ThreadID is the platform's id of the public object the conversation
	// hangs off, when there is one: the post of a Facebook comment, the
	// media of an Instagram comment, the X conversation_id. Several
	// conversations (one per customer) share it. Empty for direct
	// messages.
	ThreadID string
	// CustomerID is the customer's identity that stays the same across
	// the platform's public and private surfaces, when the platform has
	// one: "x:<user id>" on X tweets and DMs, "instagram:<IGSID>" on
	// Instagram comments and DMs, "messenger:<page>:<PSID>" on Messenger,
	// "whatsapp:<wa_id>". A desk joins a customer's public and private
	// conversations on it. Facebook commenters have a different id from
	// their Messenger PSID, so a Facebook comment has an empty CustomerID;
	// the Receipt of a private reply to it names the Messenger thread
	// instead (Receipt.PrivateConversationID).
	CustomerID string
	// Item says what the message is on the platform: ItemPost,
	// ItemComment, ItemMention or ItemMessage. Copy it to
	// Outbound.InReplyToItem when answering.
	Item Item
	// ParentID is the id of the message this one replies to, if any.
	ParentID string
	// Author wrote the message.
	Author Author
	// Text is the message text as the platform delivered it. A message
	// that carries only media has an empty Text and Attachments.
	Text string
	// Attachments is the media on the message, in the platform's order.
	Attachments []Attachment
	// Visibility says who can see the message.
	Visibility Visibility
	// Language is a BCP 47 tag if the platform or host knows it.
	Language string
	// ReceivedAt is when the platform says the message was created.
	ReceivedAt time.Time
}

// Outbound is a message the brand sends.
type Outbound struct {
	// Channel selects the sending account's channel; empty means the
	// adapter's.
	Channel Kind
	// Account is the sending account; empty means the adapter's.
	Account string
	// ConversationID is the conversation the message belongs to.
	ConversationID string
	// InReplyTo is the platform id of the message being answered. Public
	// replies need it; private messages may leave it empty.
	InReplyTo string
	// InReplyToItem is what InReplyTo names (copy Message.Item). A Private
	// message in reply to a public item (ItemComment, ItemPost,
	// ItemMention) is a private reply: see IsPrivateReply.
	InReplyToItem Item
	// InReplyToAt is when the message InReplyTo was written (its
	// Message.ReceivedAt). A private reply is refused once the adapter's
	// PrivateReplyWindow has passed since then (7 days on Meta). Zero
	// means LastCustomerMessageAt is used instead.
	InReplyToAt time.Time
	// To is the recipient's platform user id, required for private
	// messages other than private replies.
	To string
	// Text is the body to send. With an attachment it is the attachment's
	// caption, where the adapter declares AttachmentCaption.
	Text string
	// Attachments is the media to send: at most one per message (every
	// supported platform sends one per message; send several messages for
	// several), and only in private messages to a user (To set). The
	// adapter must declare Attachments.
	Attachments []Attachment
	// Visibility is Public for a public reply or Private for a direct
	// message. A Private message in reply to a public comment or post is
	// a private reply to it (Meta's private replies; see IsPrivateReply).
	Visibility Visibility
	// LastCustomerMessageAt is when the customer last wrote to the brand
	// privately on this conversation (their last DM or WhatsApp message;
	// on a comment thread, the comment). When set and the adapter declares
	// a MessagingWindow, a private message sent after the window fails
	// with a *channel.WindowError (channel.ErrWindowClosed) before any
	// I/O, unless it carries a Tag or a Template the window allows. Zero
	// means unknown: the portable layer does not check, and the platform
	// decides.
	LastCustomerMessageAt time.Time
	// Tag is a Messenger message tag (HUMAN_AGENT, ACCOUNT_UPDATE, ...)
	// for a private message sent outside the standard messaging window.
	// HUMAN_AGENT needs Capabilities.HumanAgentWindow and is allowed for
	// that long after the customer's last message; the other tags need
	// Capabilities.MessageTags and must not carry promotional content.
	Tag MessageTag
	// Template is a WhatsApp template message, allowed outside the
	// customer-service window; it needs Capabilities.Templates, To and
	// Visibility Private, and replaces Text (leave Text empty).
	Template *Template
}

// IsPrivateReply reports whether o is a private reply to a public comment
// or post: Private, with InReplyTo set, and either InReplyToItem public or
// To empty. Meta sends it with recipient.comment_id (or post_id), once per
// comment, within 7 days of the comment.
func (o *Outbound) IsPrivateReply() bool {
	return o.Visibility == Private && o.InReplyTo != "" && (o.To == "" || o.InReplyToItem.IsPublic())
}

// MessageTag is a Messenger Platform message tag: it lets a business send a
// private message outside the standard 24-hour window for one documented
// purpose.
type MessageTag string

// The current Messenger message tags (Meta retired the older ones in 2020).
const (
	// HumanAgent lets a human agent answer up to 7 days after the
	// customer's last message (the Human Agent permission is required).
	HumanAgent MessageTag = "HUMAN_AGENT"
	// AccountUpdate is for a non-recurring change to the user's account.
	AccountUpdate MessageTag = "ACCOUNT_UPDATE"
	// ConfirmedEventUpdate is for a reminder or update about an event the
	// user registered for.
	ConfirmedEventUpdate MessageTag = "CONFIRMED_EVENT_UPDATE"
	// PostPurchaseUpdate is for an update about a purchase.
	PostPurchaseUpdate MessageTag = "POST_PURCHASE_UPDATE"
)

// Known reports whether t is one of the tags above.
func (t MessageTag) Known() bool {
	switch t {
	case HumanAgent, AccountUpdate, ConfirmedEventUpdate, PostPurchaseUpdate:
		return true
	}
	return false
}

// Template is a pre-approved WhatsApp message template, the only kind of
// message WhatsApp delivers outside the 24-hour customer-service window.
type Template struct {
	// Name is the template's name as approved in WhatsApp Manager.
	// Required.
	Name string
	// Language is the template's language code, e.g. "en_US". Required.
	Language string
	// Parameters fill the body's {{1}}, {{2}}, ... placeholders in order,
	// as text parameters.
	Parameters []string
}

// Receipt is what a platform returns for a message it accepted.
type Receipt struct {
	// ID is the platform id of the sent message (tweet id, comment id,
	// mid, wamid); a later Status names it in MessageID.
	ID string
	// SentAt is when the adapter saw the platform accept it.
	SentAt time.Time
	// RecipientID is the recipient's id as the platform returned it, when
	// it did: Meta's recipient_id, which for a private reply is the
	// customer's Messenger PSID or Instagram-scoped id.
	RecipientID string
	// PrivateChannel is, for a private reply to a comment or post, the
	// channel on which the customer's answer will arrive (Messenger for a
	// Facebook comment, Instagram for an Instagram one). Empty otherwise.
	PrivateChannel Kind
	// PrivateConversationID is, for a private reply, the
	// Message.ConversationID the customer's answer will carry on
	// PrivateChannel. A desk joins that conversation to the public one it
	// answered. Empty otherwise.
	PrivateConversationID string
}

// Capabilities declares what an adapter can do. The portable channel type
// refuses, before any I/O, a send the adapter cannot do.
type Capabilities struct {
	// MaxTextLen is the longest text in runes; 0 means no limit.
	MaxTextLen int
	// PublicReply reports whether public replies can be posted.
	PublicReply bool
	// PrivateMessage reports whether direct messages can be sent.
	PrivateMessage bool
	// PrivateReplyToComment reports whether a private message may answer a
	// public comment or post (Meta's private replies: one per comment,
	// within PrivateReplyWindow; see Outbound.IsPrivateReply).
	PrivateReplyToComment bool
	// MessagingWindow is how long after the customer's last message the
	// brand may send private messages (24h on Messenger, Instagram and
	// WhatsApp); 0 means no window.
	MessagingWindow time.Duration
	// HumanAgentWindow is how long after the customer's last message a
	// private message tagged HUMAN_AGENT may be sent (7 days on Messenger
	// and Instagram); 0 means the tag is not supported.
	HumanAgentWindow time.Duration
	// MessageTags reports whether the other Messenger message tags
	// (ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE) can be
	// sent; they are allowed outside the messaging window.
	MessageTags bool
	// Templates reports whether template messages (Outbound.Template) can
	// be sent; they are allowed outside the messaging window (WhatsApp).
	Templates bool
	// PrivateReplyWindow is how long after a comment or post was written
	// its private reply may be sent (7 days on Facebook and Instagram); 0
	// means no limit. A comment gets at most one private reply.
	PrivateReplyWindow time.Duration
	// Attachments reports whether a private message to a user can carry
	// one attachment given by URL (Outbound.Attachments).
	Attachments bool
	// AttachmentCaption reports whether Text may accompany an image,
	// video or file attachment as its caption (WhatsApp); without it an
	// attachment goes alone (Messenger, Instagram).
	AttachmentCaption bool
}

// ErrorKind classifies adapter errors so the portable layer can decide what
// to retry and what to return.
type ErrorKind uint8

// Error kinds.
const (
	// Unknown is any error the adapter cannot classify; not retried.
	Unknown ErrorKind = iota
	// Retryable errors are transient (5xx, timeouts, connection resets).
	Retryable
	// RateLimited errors mean the platform throttled the call; retried
	// after the reset time.
	RateLimited
	// Permission errors mean the token lacks a permission or was revoked.
	Permission
	// Invalid errors mean the request was malformed or refused.
	Invalid
	// WindowClosed means the messaging window for private messages ended.
	WindowClosed
)

// Adapter is the thin, platform-specific side of a channel. Implementations
// must be safe for concurrent use. They must not retry: they return errors
// that ErrorKind classifies.
type Adapter interface {
	// Kind returns the channel kind the adapter serves.
	Kind() Kind
	// Account returns the brand account the adapter sends as.
	Account() string
	// Capabilities returns what the adapter can do. It must not change
	// over the adapter's life.
	Capabilities() Capabilities
	// Send delivers one outbound message once. The portable layer has
	// already validated it against Capabilities.
	Send(ctx context.Context, m *Outbound) (Receipt, error)
	// ErrorKind classifies an error returned by Send.
	ErrorKind(err error) ErrorKind
}

// Clock is implemented by adapters whose platform keeps time on a clock of
// its own: an in-memory fake driven by a test's virtual clock. When an
// adapter implements Clock, channel.Open uses its Now and Sleep for any of
// Config.Now and Config.Sleep left nil, so that rate-limit waits and retry
// backoffs follow the fake's clock and never block in real time. Real
// platform adapters do not implement it.
type Clock interface {
	// Now returns the platform's current time.
	Now() time.Time
	// Sleep waits for d on the platform's clock, or until ctx is done, in
	// which case it returns ctx.Err(). A fake may return at once.
	Sleep(ctx context.Context, d time.Duration) error
}
