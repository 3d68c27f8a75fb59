package queuedriver

import (
	"context"
	"math"
	"time"
)

// Order says how Lister.List orders the items it returns.
type Order uint8

// Orders.
const (
	// ByRank is the claim order: Rank, highest first, then EnqueuedAt,
	// oldest first, then Key. The first item listed is the one a claim
	// with the same filter would take (affinity aside).
	ByRank Order = iota
	// ByDeadline is the SLA order: Deadline, soonest first, items without
	// a Deadline last, then Key.
	ByDeadline
)

// String returns "rank" or "deadline".
func (o Order) String() string {
	switch o {
	case ByRank:
		return "rank"
	case ByDeadline:
		return "deadline"
	}
	return "unknown"
}

// ListCursor is the position of the last item of a page: a List from it
// returns the items that come after it in the order. Its fields are that
// item's; a store compares them, and needs no item with Key to exist any
// more (it may have been claimed since).
type ListCursor struct {
	Rank       float64
	EnqueuedAt time.Time
	Deadline   time.Time
	Key        string
}

// CursorOf returns the cursor that continues a listing after it.
func CursorOf(it *Item) ListCursor {
	return ListCursor{Rank: it.Rank, EnqueuedAt: it.EnqueuedAt, Deadline: it.Deadline, Key: it.Key}
}

// ListParams ask a Lister for one page of the items claimable at Now.
type ListParams struct {
	// Channels and Teams restrict the items listed, as in Filter; empty
	// places no restriction.
	Channels []string
	Teams    []string
	// Order is the order of the items.
	Order Order
	// After, if not nil, starts the page after that position.
	After *ListCursor
	// Limit is the most items returned; it is at least 1.
	Limit int
	// Now is the instant the items must be claimable at.
	Now time.Time
}

// ListPage is one page of a listing.
type ListPage struct {
	// Items are the page's items, in the order asked for.
	Items []Item
	// More reports that items come after the last one.
	More bool
	// Total counts every item that matches the channels and teams at Now,
	// on every page.
	Total int
}

// Lister is implemented by stores that can list the items claimable at an
// instant, a page at a time, for a host's view of its queue. Package queue
// discovers it by interface assertion (queue.Queue.List).
type Lister interface {
	// List returns the claimable items at p.Now that match p.Channels and
	// p.Teams (Filter's rules for those two fields), in p.Order, starting
	// after p.After, at most p.Limit of them. A store orders by exactly
	// the keys of ListAfter, so that a listing continued with the cursor
	// of each page's last item returns every item that stays claimable
	// exactly once.
	List(ctx context.Context, p ListParams) (ListPage, error)
}

// ListAfter reports whether it comes after c in order o: it is the
// comparison every Lister implements.
func ListAfter(o Order, c *ListCursor, it *Item) bool {
	return listCmp(o, &ListCursor{Rank: it.Rank, EnqueuedAt: it.EnqueuedAt, Deadline: it.Deadline, Key: it.Key}, c) > 0
}

// ListLess reports whether a comes before b in order o.
func ListLess(o Order, a, b *Item) bool {
	ca, cb := CursorOf(a), CursorOf(b)
	return listCmp(o, &ca, &cb) < 0
}

// listCmp compares positions a and b in order o: negative when a comes
// first.
func listCmp(o Order, a, b *ListCursor) int {
	if o == ByDeadline {
		da, db := deadlineKey(a.Deadline), deadlineKey(b.Deadline)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
	} else {
		switch {
		case a.Rank > b.Rank:
			return -1
		case a.Rank < b.Rank:
			return 1
		}
		switch {
		case a.EnqueuedAt.Before(b.EnqueuedAt):
			return -1
		case a.EnqueuedAt.After(b.EnqueuedAt):
			return 1
		}
	}
	switch {
	case a.Key < b.Key:
		return -1
	case a.Key > b.Key:
		return 1
	}
	return 0
}

// deadlineKey orders deadlines in microseconds (a SQL store's precision),
// with no deadline after every deadline.
func deadlineKey(t time.Time) int64 {
	if t.IsZero() {
		return math.MaxInt64
	}
	return t.UnixMicro()
}
