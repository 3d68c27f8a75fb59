// Package channel is the message model and the portable types that the rest
// of socialcare uses to talk to customers on X, Facebook, Instagram,
// Messenger, WhatsApp, e-mail and chat.
//
// A Channel (New, or Open with a *Config) wraps a platform adapter (a
// channeldriver.Adapter: memchannel, xchannel, metachannel) and owns what
// every platform needs once: validation of an outbound message against the
// adapter's declared Capabilities (length, public reply, private message,
// private reply to a comment, tags, templates) and against the platform's
// windows (CheckWindow) before any I/O; one private reply per comment; a
// client rate limit per account and endpoint (golang.org/x/time/rate);
// retries of retryable errors with exponential backoff (cenkalti/backoff)
// and of rate-limited errors after the platform's reset time; and the
// mapping of adapter errors to the sentinel errors of this package
// (ErrRetryable, ErrRateLimited, ErrPermission, ErrInvalid,
// ErrWindowClosed, ErrPrivateReplyUsed, ErrUnsupported), which callers test
// with errors.Is. Rate-limit errors also carry a *RateLimitError with the
// reset time, and window errors found before I/O are a *WindowError
// (errors.As). Every constructor's bad argument wraps ErrInvalid.
//
// A Receiver (NewReceiver) is the inbound side: an http.Handler for one
// platform's webhook. It answers the platform's handshake, limits the body
// size, verifies the signature over the raw body in constant time before
// parsing (401 unsigned, 403 wrong), drops redeliveries by platform event id
// for at least 36 hours (a DedupStore; MemDedup by default), logs and
// acknowledges event types it does not model, pushes each new message to a
// Sink, a function the host (usually care.Desk.Ingest) provides, and each
// delivery status (a WhatsApp message that failed, was delivered or read;
// a WhatsApp error) to ReceiverConfig.Statuses.
//
// # Conversations, as the platforms define them
//
// Message.ConversationID is the customer's conversation on one surface; it
// is opaque (compare it, do not parse it). Message.ThreadID names the public
// object several customers' conversations hang off; Message.CustomerID is
// the customer's identity across a platform's public and private surfaces;
// Message.Item says what the message is. A reply copies Item, ID and
// ReceivedAt into Outbound.InReplyToItem, InReplyTo and InReplyToAt.
//
//	Surface            Inbound item             ConversationID               ThreadID         CustomerID              Reply out
//	Facebook           comment or reply         <top comment>:<commenter>    post id          (none, see below)       public: POST /{comment}/comments; private: POST /{page}/messages recipient.comment_id
//	Facebook           visitor post             <post>:<author>              post id          (none)                  public: POST /{post}/comments; private: recipient.post_id
//	Instagram          comment or reply         <top comment>:<IGSID>        media id         instagram:<IGSID>       public: POST /{comment}/replies; private: POST /{ig user}/messages recipient.comment_id
//	Instagram          mention                  mention:<comment or media>   media id         (none: not in payload)  not sent by the adapter
//	Instagram Direct   message                  <IGSID>                      -                instagram:<IGSID>       POST /{ig user}/messages recipient.id
//	Messenger          message                  <PSID>                       -                messenger:<page>:<PSID> POST /{page}/messages recipient.id, messaging_type RESPONSE or MESSAGE_TAG
//	WhatsApp           message                  <wa_id>                      -                whatsapp:<wa_id>        POST /{phone number id}/messages to, text, media or template
//	X                  tweet (mention, reply)   <conversation_id>:<user>     conversation_id  x:<user>                public: POST /2/tweets reply.in_reply_to_tweet_id; private: a DM
//	X                  tweet without conv. id   public:<user>                -                x:<user>                as above
//	X                  direct message           dm:<user>                    -                x:<user>                POST /2/dm_conversations/with/{user}/messages
//
// So two customers commenting on one post are two conversations, a
// customer's replies under their own comment stay in theirs, a customer's
// reply to the brand's answer on X stays in the customer's conversation, and
// customers answering one promotional tweet are separate conversations.
// Account Activity API (v1.1) deliveries carry no conversation_id; there a
// customer's public tweets to the brand are one conversation per customer.
// Retweets, the brand's own posts, comments, tweets and DMs (echoes), likes
// and read receipts are not customer messages.
//
// # From public to private
//
// A Private Outbound in reply to a public item (InReplyToItem ItemComment
// or ItemPost; or To empty; or any private reply on a surface, like
// Facebook comments, that cannot message people directly) is a private
// reply (Outbound.IsPrivateReply): Meta's one message to the commenter,
// sent by comment id, at most once per comment and within the adapter's
// PrivateReplyWindow (7 days) of InReplyToAt. Its Receipt names the private
// conversation the customer will answer in (PrivateChannel,
// PrivateConversationID, RecipientID): a desk joins that conversation to
// the public one. After the one private reply, private messages are direct
// messages and follow the messaging window: the customer has to answer
// first. On surfaces where one id spans public and private (X, Instagram,
// WhatsApp), CustomerID is the same on the customer's public and private
// messages.
//
// # Windows
//
// Capabilities declare the platform's windows: MessagingWindow (24 hours
// on Messenger, Instagram and WhatsApp), HumanAgentWindow (the HUMAN_AGENT
// tag: 7 days), MessageTags (the other Messenger tags, allowed at any time),
// Templates (WhatsApp templates, allowed at any time) and
// PrivateReplyWindow. The caller says when the customer last wrote in
// Outbound.LastCustomerMessageAt; Config.Window (CheckWindow by default, a
// pure function of now) and Config.Now decide. A zero
// LastCustomerMessageAt is not checked.
//
// # The model types
//
// Message, Author, Outbound, Receipt, Capabilities, Attachment, Template,
// Status and the other model types are defined in channeldriver, so that
// adapters depend only on the thin driver package (as in the Go CDK), and
// aliased here. Defining them here instead would make channeldriver import
// this package and every adapter compile the portable layer and its
// dependencies. The aliases in model.go repeat each type's doc and field
// list, generated from channeldriver by TestModelDocs, so go doc shows the
// fields on both packages and the copy cannot drift.
package channel
