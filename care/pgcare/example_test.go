package pgcare_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// New checks its configuration before any I/O.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable") // connects lazily
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	_, err = pgcare.New(ctx, pool, &pgcare.Config{Schema: strings.Repeat("s", 64)})
	fmt.Println(errors.Is(err, pgcare.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// pgcare: invalid: New: Schema "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss" is longer than PostgreSQL's 63-byte identifier limit
}

// A desk process sets up its store at start-up and saves a conversation.
// (It needs a database, so it has no output to check.)
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	if err := pgcare.Migrate(ctx, pool, "socialcare"); err != nil {
		fmt.Println(err)
		return
	}
	store, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: "socialcare"})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	c := care.Conversation{Key: "x:brand:42", Channel: "x", Cycle: 1, Since: now}
	err = store.SaveConversation(ctx, &c, []care.SeenKey{{Key: "x:tweet-1", Expires: now.Add(48 * time.Hour)}}, now)
	switch {
	case errors.Is(err, care.ErrDuplicate):
		fmt.Println("already taken")
	case errors.Is(err, care.ErrConflict):
		fmt.Println("changed meanwhile: reload and apply again")
	case pgcare.Retryable(err):
		fmt.Println("database unavailable; try again later")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("saved at version", c.Version)
	}
}

// The intake in one transaction: the message's dedup key, its conversation
// and its queue item commit together or not at all.
func ExampleStore_SaveConversationTx() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	defer pool.Close()
	store, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: "socialcare"})
	if err != nil {
		fmt.Println(err)
		return
	}
	queue, _ := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
	defer queue.Close()

	now := time.Now()
	c := care.Conversation{Key: "x:brand:42", Channel: "x", Cycle: 1, Since: now, Unanswered: 1}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		seen := []care.SeenKey{{Key: "x:tweet-1", Expires: now.Add(48 * time.Hour)}}
		if err := store.SaveConversationTx(ctx, tx, &c, seen, now); err != nil {
			return err
		}
		_, err := queue.UpsertTx(ctx, tx, queuedriver.UpsertParams{
			Key: c.Key, Channel: "x", Score: 50, Unanswered: c.Unanswered, Now: now,
			Weights: queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour},
		})
		return err
	})
	if errors.Is(err, care.ErrDuplicate) {
		fmt.Println("already taken; nothing written")
	}
}
