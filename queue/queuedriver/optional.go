package queuedriver

import (
	"context"
	"time"
)

// Optional features. A Store implements them when it can; package queue
// discovers them by interface assertion and fails with an error wrapping
// errors.ErrUnsupported when a caller needs one the store lacks. The
// conformance suite runs their cases only for stores that implement them.

// Updater is implemented by stores that can re-route an item in place.
type Updater interface {
	// Update changes the routing fields of the item with p.Key (Channel,
	// Team, Language, Skills, Score, Deadline and Payload, as Upsert
	// would) and re-ranks it with Rank and its EnqueuedAt, without
	// recording a customer message. It applies to a Waiting, Snoozed or
	// Claimed item and keeps its State, Holder, lease, SnoozedUntil,
	// EnqueuedAt, Unanswered, Version, LastAgent and LastHeldAt and Claims;
	// UpdatedAt becomes p.Now. A Done or missing item gives ErrNotFound.
	Update(ctx context.Context, p UpdateParams) (Item, error)
}

// UpdateParams re-routes the item with Key (see Updater). The fields mean
// what they mean in UpsertParams.
type UpdateParams struct {
	Key      string
	Channel  string
	Team     string
	Language string
	Skills   []string
	Score    float64
	Deadline time.Time
	Payload  []byte
	Weights  Weights
	Now      time.Time
}

// Purger is implemented by stores that can delete Done items.
type Purger interface {
	// PurgeDone deletes at most limit Done items whose UpdatedAt (when
	// they were completed) is before before, oldest first, and returns how
	// many it deleted. A limit below 1 deletes nothing. A purged item is
	// gone: Get gives ErrNotFound, and an Upsert of its key creates a new
	// item (Claims 0, Version 1, no LastAgent).
	PurgeDone(ctx context.Context, before time.Time, limit int) (int, error)
}
