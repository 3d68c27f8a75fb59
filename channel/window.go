package channel

import (
	"fmt"
	"time"
)

// WindowRule names the platform rule a *WindowError enforces.
type WindowRule string

// Window rules.
const (
	// RuleMessaging is the standard messaging window
	// (Capabilities.MessagingWindow after LastCustomerMessageAt).
	RuleMessaging WindowRule = "messaging window"
	// RuleHumanAgent is the HUMAN_AGENT tag's window
	// (Capabilities.HumanAgentWindow after LastCustomerMessageAt).
	RuleHumanAgent WindowRule = "HUMAN_AGENT window"
	// RulePrivateReply is the private-reply window
	// (Capabilities.PrivateReplyWindow after InReplyToAt).
	RulePrivateReply WindowRule = "private-reply window"
	// RulePrivateReplyUsed is "one private reply per comment".
	RulePrivateReplyUsed WindowRule = "one private reply per comment"
)

// WindowError is the typed error for a private message the platform's
// rules do not allow now, returned before any I/O. It wraps
// ErrWindowClosed, and ErrPrivateReplyUsed for RulePrivateReplyUsed; get it
// with errors.As.
type WindowError struct {
	// Rule is the rule that refused the message.
	Rule WindowRule
	// Window is the rule's length (zero for RulePrivateReplyUsed).
	Window time.Duration
	// Since is the instant the window counts from: the customer's last
	// message, or the comment being answered.
	Since time.Time
	// Now is when the message was refused.
	Now time.Time
}

// Error says which window closed and when.
func (e *WindowError) Error() string {
	if e.Rule == RulePrivateReplyUsed {
		return "channel: messaging window closed: the comment's one private reply was already sent"
	}
	return fmt.Sprintf("channel: messaging window closed: %s of %v closed at %s (now %s)", e.Rule, e.Window, e.Since.Add(e.Window).UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrWindowClosed, and ErrPrivateReplyUsed for
// RulePrivateReplyUsed.
func (e *WindowError) Unwrap() []error {
	if e.Rule == RulePrivateReplyUsed {
		return []error{ErrWindowClosed, ErrPrivateReplyUsed}
	}
	return []error{ErrWindowClosed}
}

// CheckWindow reports whether the platform windows declared in caps allow
// the private message m at now; it is the default Config.Window, a pure
// function of its arguments. It returns nil for public messages, and a
// *WindowError when:
//
//   - m is a private reply (Outbound.IsPrivateReply) and more than
//     caps.PrivateReplyWindow has passed since InReplyToAt (or, when that
//     is zero, LastCustomerMessageAt);
//   - m is another private message, caps.MessagingWindow is set, and more
//     than MessagingWindow has passed since LastCustomerMessageAt, unless m
//     carries a Template (allowed at any time), the HUMAN_AGENT tag within
//     caps.HumanAgentWindow, or another message tag (caps.MessageTags).
//
// A zero LastCustomerMessageAt (or InReplyToAt) means unknown and is not
// checked. Whether the adapter supports the tag or template is Validate's
// business, not CheckWindow's.
func CheckWindow(caps Capabilities, m *Outbound, now time.Time) error {
	if m == nil || m.Visibility != Private {
		return nil
	}
	if m.IsPrivateReply() {
		since := m.InReplyToAt
		if since.IsZero() {
			since = m.LastCustomerMessageAt
		}
		if w := caps.PrivateReplyWindow; w > 0 && !since.IsZero() && now.Sub(since) > w {
			return &WindowError{Rule: RulePrivateReply, Window: w, Since: since, Now: now}
		}
		return nil
	}
	w, since := caps.MessagingWindow, m.LastCustomerMessageAt
	if w <= 0 || since.IsZero() || m.Template != nil || now.Sub(since) <= w {
		return nil
	}
	switch {
	case m.Tag == HumanAgent && caps.HumanAgentWindow > 0:
		if now.Sub(since) <= caps.HumanAgentWindow {
			return nil
		}
		return &WindowError{Rule: RuleHumanAgent, Window: caps.HumanAgentWindow, Since: since, Now: now}
	case m.Tag != "" && m.Tag != HumanAgent && caps.MessageTags:
		return nil
	}
	return &WindowError{Rule: RuleMessaging, Window: w, Since: since, Now: now}
}
