package queue

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/socialcare/socialcare/queue/queuedriver"
)

// Order says how List orders the waiting items (queuedriver.Order).
type Order = queuedriver.Order

// Orders of List.
const (
	// ByRank lists in claim order: the next item claimed comes first.
	ByRank = queuedriver.ByRank
	// ByDeadline lists by SLA deadline, soonest first, items without one
	// last.
	ByDeadline = queuedriver.ByDeadline
)

// MaxListLimit is the most items one List returns.
const MaxListLimit = 500

// ListOptions ask List for one page of waiting items. The zero value asks
// for the first 50 items of the whole queue in claim order.
type ListOptions struct {
	// Channels and Teams restrict the listing as a claim Filter does;
	// empty places no restriction.
	Channels []string
	Teams    []string
	// Order is the order of the items. Defaults to ByRank.
	Order Order
	// Cursor continues a listing: the Next of the previous page. "" starts
	// at the first item. A cursor is only good for the order it was made
	// in.
	Cursor string
	// Limit is the most items returned, from 1 to MaxListLimit. Defaults
	// to 50.
	Limit int
}

// Page is one page of waiting items.
type Page struct {
	// Items are the page's items, copies the caller owns.
	Items []Item
	// Next continues the listing after the last item (ListOptions.Cursor);
	// "" on the last page.
	Next string
	// Total counts the waiting items that match the channels and teams,
	// on every page.
	Total int
	// At is the queue clock's time the page was listed at.
	At time.Time
}

// List returns one page of the items that are waiting now (claimable:
// Item.Claimable at the queue's clock), filtered by channel and team and in
// the order asked for, for a host's view of its queue. A listing that is
// continued page after page with Next returns every item that stays
// waiting exactly once, whatever is claimed or enqueued meanwhile (items
// enqueued after the page they would fall in are not seen).
//
// It fails with ErrInvalid for a malformed cursor, an unknown order or a
// Limit out of range, and with an error wrapping errors.ErrUnsupported when
// the store is not a queuedriver.Lister. memqueue and pgqueue are.
func (q *Queue) List(ctx context.Context, o ListOptions) (*Page, error) {
	if o.Order != ByRank && o.Order != ByDeadline {
		return nil, fmt.Errorf("%w: list: unknown order %d (use ByRank or ByDeadline)", ErrInvalid, o.Order)
	}
	if o.Limit == 0 {
		o.Limit = 50
	}
	if o.Limit < 1 || o.Limit > MaxListLimit {
		return nil, fmt.Errorf("%w: list: Limit %d is out of range: give 1 to %d, or 0 for 50", ErrInvalid, o.Limit, MaxListLimit)
	}
	var after *queuedriver.ListCursor
	if o.Cursor != "" {
		c, ord, err := ParseCursor(o.Cursor)
		if err != nil {
			return nil, err
		}
		if ord != o.Order {
			return nil, fmt.Errorf("%w: list: the cursor was made for order %v, not %v", ErrInvalid, ord, o.Order)
		}
		after = &c
	}
	l, ok := q.store.(queuedriver.Lister)
	if !ok {
		return nil, fmt.Errorf("queue: list: store %T cannot list items: %w", q.store, errors.ErrUnsupported)
	}
	now := q.now()
	p, err := l.List(ctx, queuedriver.ListParams{Channels: o.Channels, Teams: o.Teams, Order: o.Order, After: after, Limit: o.Limit, Now: now})
	if err != nil {
		return nil, fmt.Errorf("queue: list: %w", err)
	}
	page := &Page{Items: p.Items, Total: p.Total, At: now}
	if p.More && len(p.Items) > 0 {
		c := queuedriver.CursorOf(&p.Items[len(p.Items)-1])
		page.Next = FormatCursor(o.Order, &c)
	}
	return page, nil
}

// cursorVersion starts every cursor, so that a later format can be told
// apart.
const cursorVersion = "c1"

// FormatCursor encodes a listing position in order o as an opaque string,
// safe in a URL; ParseCursor reads it back. List makes them; a host needs
// this only to start a listing after an item it already has.
func FormatCursor(o Order, c *queuedriver.ListCursor) string {
	dl := "-"
	if !c.Deadline.IsZero() {
		dl = strconv.FormatInt(c.Deadline.UnixNano(), 36)
	}
	s := strings.Join([]string{cursorVersion, strconv.Itoa(int(o)), strconv.FormatUint(math.Float64bits(c.Rank), 36),
		strconv.FormatInt(c.EnqueuedAt.UnixNano(), 36), dl, c.Key}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// ParseCursor decodes a cursor made by FormatCursor (or List), or fails
// with ErrInvalid.
func ParseCursor(s string) (queuedriver.ListCursor, Order, error) {
	bad := func(why string) (queuedriver.ListCursor, Order, error) {
		return queuedriver.ListCursor{}, 0, fmt.Errorf("%w: list: malformed cursor: %s", ErrInvalid, why)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("not base64url")
	}
	f := strings.SplitN(string(raw), "|", 6)
	if len(f) != 6 || f[0] != cursorVersion {
		return bad("unknown format")
	}
	o, err := strconv.Atoi(f[1])
	if err != nil || (Order(o) != ByRank && Order(o) != ByDeadline) {
		return bad("unknown order")
	}
	bits, err := strconv.ParseUint(f[2], 36, 64)
	if err != nil || !queuedriver.IsFinite(math.Float64frombits(bits)) {
		return bad("rank")
	}
	enq, err := strconv.ParseInt(f[3], 36, 64)
	if err != nil {
		return bad("enqueued time")
	}
	c := queuedriver.ListCursor{Rank: math.Float64frombits(bits), EnqueuedAt: time.Unix(0, enq).UTC(), Key: f[5]}
	if f[4] != "-" {
		dl, err := strconv.ParseInt(f[4], 36, 64)
		if err != nil {
			return bad("deadline")
		}
		c.Deadline = time.Unix(0, dl).UTC()
	}
	return c, Order(o), nil
}
