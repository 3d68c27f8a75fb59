package pgqueue_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// New does no I/O: a pool that connects lazily is enough to build a Store.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	store, err := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	fmt.Println(store.Schema(), pgqueue.LatestVersion)
	_, err = pgqueue.New(pool, &pgqueue.Config{ListenRetry: -time.Second})
	fmt.Println(errors.Is(err, pgqueue.ErrInvalid))
	fmt.Println(err)
	// Output:
	// socialcare 2
	// true
	// pgqueue: New: Config.ListenRetry is -1s (set a positive duration, or 0 for the default 1s): queue: invalid argument
}

// A CRM creates its ticket and enqueues the conversation in one transaction.
func ExampleStore_UpsertTx() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	defer pool.Close()
	store, _ := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO tickets (id, subject) VALUES ($1, $2)", "T-1", "stranded at O'Hare"); err != nil {
			return err
		}
		_, err := store.UpsertTx(ctx, tx, queuedriver.UpsertParams{
			Key: "T-1", Channel: "x", Score: 90, Now: time.Now(),
			Weights: queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour},
		})
		return err
	})
	if pgqueue.Retryable(err) {
		fmt.Println("database unavailable; try again later")
	} else if errors.Is(err, queuedriver.ErrNotFound) {
		fmt.Println("not found")
	}
}

// An agent works one conversation at a time: each completion and the claim
// of the next one share a round trip and a commit.
func ExampleStore_CompleteAndClaim() {
	ctx := context.Background()
	pool, _ := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	defer pool.Close()
	store, _ := pgqueue.New(pool, &pgqueue.Config{Schema: "socialcare"})
	defer store.Close()
	claim := func(lease string) queuedriver.ClaimParams {
		now := time.Now()
		return queuedriver.ClaimParams{Agent: "ana", LeaseID: lease, ExpiresAt: now.Add(5 * time.Minute), Now: now}
	}
	held, err := store.Claim(ctx, claim("lease-1"))
	for n := 2; held.Key != ""; n++ {
		// ... answer the conversation held.Key ...
		var done queuedriver.Item
		done, held, err = store.CompleteAndClaim(ctx, queuedriver.LeaseRef{Key: held.Key, LeaseID: held.LeaseID, Now: time.Now()},
			claim(fmt.Sprint("lease-", n)))
		if errors.Is(err, queuedriver.ErrLeaseLost) {
			fmt.Println("taken over before it was answered; on to the next one") // held is the next one
		} else if done.Key != "" {
			fmt.Println("answered", done.Key)
		}
	}
	switch {
	case errors.Is(err, queuedriver.ErrNoItem):
		fmt.Println("nothing waiting")
	case pgqueue.Retryable(err):
		fmt.Println("database unavailable; try again later")
	}
}
