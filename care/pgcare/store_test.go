package pgcare_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caredrivertest"
	"github.com/socialcare/socialcare/care/pgcare"
	"github.com/socialcare/socialcare/queue/pgqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
	"github.com/socialcare/socialcare/sla"
)

var (
	_  care.Store = (*pgcare.Store)(nil)
	t0            = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
)

// emptySchema returns the name of a schema that does not exist yet,
// dropped (if created) when the test ends.
func emptySchema(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "pgcare_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		_, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(t, err)
	})
	return schema
}

func tables(t *testing.T, pool *pgxpool.Pool, schema string) []string {
	t.Helper()
	rows, err := pool.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", schema)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	schema := emptySchema(t, pool)

	v, err := pgcare.SchemaVersion(ctx, pool, schema)
	require.NoError(t, err)
	require.Zero(t, v)
	_, err = pgcare.New(ctx, pool, &pgcare.Config{Schema: schema})
	require.ErrorContains(t, err, "run pgcare.Migrate", "New refuses a schema that is not migrated")

	// Up from empty, then again: nothing changes.
	all := []string{"care_acknowledgement", "care_conversation", "care_follow_up", "care_lease", "care_migration", "care_seen"}
	for range 2 {
		require.NoError(t, pgcare.Migrate(ctx, pool, schema))
		v, err = pgcare.SchemaVersion(ctx, pool, schema)
		require.NoError(t, err)
		require.Equal(t, pgcare.LatestVersion, v)
		require.Equal(t, all, tables(t, pool, schema))
	}
	_, err = pgcare.New(ctx, pool, &pgcare.Config{Schema: schema})
	require.NoError(t, err)

	// Down to 3 removes what version 4 added; up again.
	hasBoomerangIndex := func() bool {
		var ok bool
		require.NoError(t, pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", pgx.Identifier{schema, "care_follow_up_boomerang_idx"}.Sanitize()).Scan(&ok))
		return ok
	}
	require.True(t, hasBoomerangIndex())
	require.NoError(t, pgcare.MigrateTo(ctx, pool, schema, 3))
	require.False(t, hasBoomerangIndex())
	require.NoError(t, pgcare.Migrate(ctx, pool, schema))
	require.True(t, hasBoomerangIndex())

	// Down to 2 removes what version 3 added; up again.
	hasFail := func() bool {
		var ok bool
		require.NoError(t, pool.QueryRow(ctx, "SELECT to_regprocedure($1) IS NOT NULL", pgx.Identifier{schema}.Sanitize()+".care_fail(text, text)").Scan(&ok))
		return ok
	}
	require.True(t, hasFail())
	require.NoError(t, pgcare.MigrateTo(ctx, pool, schema, 2))
	require.False(t, hasFail())
	require.Equal(t, all, tables(t, pool, schema))
	require.NoError(t, pgcare.Migrate(ctx, pool, schema))
	require.True(t, hasFail())

	// Down to 1 removes what version 2 added; up again.
	require.NoError(t, pgcare.MigrateTo(ctx, pool, schema, 1))
	require.Equal(t, []string{"care_acknowledgement", "care_conversation", "care_follow_up", "care_migration", "care_seen"}, tables(t, pool, schema))
	require.NoError(t, pgcare.Migrate(ctx, pool, schema))
	require.Equal(t, all, tables(t, pool, schema))

	// Down to 0 removes the tables, not the migration table; up again.
	require.NoError(t, pgcare.MigrateTo(ctx, pool, schema, 0))
	require.Equal(t, []string{"care_migration"}, tables(t, pool, schema))
	require.NoError(t, pgcare.Migrate(ctx, pool, schema))
	require.Equal(t, all, tables(t, pool, schema))

	require.ErrorIs(t, pgcare.MigrateTo(ctx, pool, schema, 99), pgcare.ErrInvalid)
	require.ErrorIs(t, pgcare.Migrate(ctx, nil, schema), pgcare.ErrInvalid)
}

// Every instance of a host calls Migrate at start-up, at once.
func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	schema := emptySchema(t, pool)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = pgcare.Migrate(ctx, pool, schema) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	v, err := pgcare.SchemaVersion(ctx, pool, schema)
	require.NoError(t, err)
	require.Equal(t, pgcare.LatestVersion, v)
}

// pgcare and pgqueue may share a schema.
func TestSharedSchemaWithPgqueue(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	schema := emptySchema(t, pool)
	require.NoError(t, pgqueue.Migrate(ctx, pool, schema))
	require.NoError(t, pgcare.Migrate(ctx, pool, schema))
	_, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: schema})
	require.NoError(t, err)
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	cal := caredrivertest.Policies()[0].Calendar
	other, err := sla.NewCalendar(sla.CalendarConfig{Hours: [7][]sla.Interval{time.Monday: {{Start: 0, End: time.Hour}}}})
	require.NoError(t, err)
	for name, cfg := range map[string]*pgcare.Config{
		"long schema":            {Schema: strings.Repeat("s", 64)},
		"calendar no name":       {Policies: []sla.Policy{{Calendar: cal}}},
		"two calendars":          {Policies: []sla.Policy{{Name: "p", Calendar: cal}, {Name: "p", Calendar: other}}},
		"two calendars, swapped": {Schema: "x", Policies: []sla.Policy{{Name: "q", Calendar: other}, {Name: "q", Calendar: cal}}},
	} {
		_, err := pgcare.New(ctx, pool, cfg)
		require.ErrorIs(t, err, pgcare.ErrInvalid, name)
	}
	_, err = pgcare.New(ctx, nil, nil)
	require.ErrorIs(t, err, pgcare.ErrInvalid)
}

// Two stores (two desk processes) on one schema share every state.
func TestTwoStoresShareState(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	cfg := &pgcare.Config{Schema: newSchema(t, pool), Policies: caredrivertest.Policies()}
	a, err := pgcare.New(ctx, pool, cfg)
	require.NoError(t, err)
	b, err := pgcare.New(ctx, pool, cfg)
	require.NoError(t, err)

	c := caredrivertest.Conversation("x:brand:shared")
	require.NoError(t, a.SaveConversation(ctx, &c, []care.SeenKey{{Key: "m1", Expires: t0.Add(time.Hour)}}, t0))
	got, err := b.Conversation(ctx, c.Key)
	require.NoError(t, err)
	require.Empty(t, caredrivertest.Diff(c, got))

	// b writes the next version; a's stale copy conflicts.
	got.Unanswered = 9
	require.NoError(t, b.SaveConversation(ctx, &got, nil, t0))
	require.ErrorIs(t, a.SaveConversation(ctx, &c, nil, t0), care.ErrConflict)
	ok, err := b.Seen(ctx, "m1", t0)
	require.NoError(t, err)
	require.True(t, ok)
	d := caredrivertest.Conversation("x:brand:other")
	require.ErrorIs(t, b.SaveConversation(ctx, &d, []care.SeenKey{{Key: "m1", Expires: t0.Add(time.Hour)}}, t0), care.ErrDuplicate)

	ok, err = a.MarkAcknowledged(ctx, c.Key, 3, t0)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.MarkAcknowledged(ctx, c.Key, 3, t0)
	require.NoError(t, err)
	require.False(t, ok)

	require.NoError(t, a.PutFollowUp(ctx, caredrivertest.FollowUp("f1", c.Key, t0)))
	fs, err := b.FollowUps(ctx, t0)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.Empty(t, caredrivertest.Diff(caredrivertest.FollowUp("f1", c.Key, t0), fs[0]))
	ok, err = b.TakeFollowUp(ctx, "f1")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = a.TakeFollowUp(ctx, "f1")
	require.NoError(t, err)
	require.False(t, ok)

	open, err := a.OpenConversations(ctx)
	require.NoError(t, err)
	require.Len(t, open, 1)
	require.EqualValues(t, 2, open[0].Version)
	require.Equal(t, 9, open[0].Unanswered)
}

// The intake the desk will run: the dedup key, the conversation and the
// queue item commit together or not at all.
func TestSaveConversationTx(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	q, err := pgqueue.New(pool, &pgqueue.Config{Schema: s.Schema(), DisableNotify: true})
	require.NoError(t, err)
	require.NoError(t, pgqueue.Migrate(ctx, pool, s.Schema()))
	t.Cleanup(q.Close)
	up := func(key string) queuedriver.UpsertParams {
		return queuedriver.UpsertParams{Key: key, Channel: "x", Score: 50, Now: t0,
			Weights: queuedriver.Weights{Score: 1, Slack: 0.5, Wait: 0.5, Horizon: 24 * time.Hour}}
	}
	intake := func(c *care.Conversation, msg string) func(pgx.Tx) error {
		return func(tx pgx.Tx) error {
			if err := s.SaveConversationTx(ctx, tx, c, []care.SeenKey{{Key: msg, Expires: t0.Add(time.Hour)}}, t0); err != nil {
				return err
			}
			_, err := q.UpsertTx(ctx, tx, up(c.Key))
			return err
		}
	}

	// Rolled back: neither the conversation, nor its key, nor the item.
	c := caredrivertest.Conversation("x:brand:tx")
	boom := errors.New("the host's own step failed")
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := intake(&c, "m1")(tx); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.EqualValues(t, 1, c.Version, "c.Version moved with the save, before the rollback")
	_, err = s.Conversation(ctx, c.Key)
	require.ErrorIs(t, err, care.ErrUnknownConversation)
	ok, err := s.Seen(ctx, "m1", t0)
	require.NoError(t, err)
	require.False(t, ok)
	_, err = q.Get(ctx, c.Key)
	require.ErrorIs(t, err, queuedriver.ErrNotFound)

	// Committed: all three.
	c = caredrivertest.Conversation("x:brand:tx")
	require.NoError(t, pgx.BeginFunc(ctx, pool, intake(&c, "m1")))
	got, err := s.Conversation(ctx, c.Key)
	require.NoError(t, err)
	require.Empty(t, caredrivertest.Diff(c, got))
	_, err = q.Get(ctx, c.Key)
	require.NoError(t, err)

	// A refused save writes nothing and leaves the transaction usable.
	d := caredrivertest.Conversation("x:brand:tx2")
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		require.ErrorIs(t, s.SaveConversationTx(ctx, tx, &d, []care.SeenKey{{Key: "m2", Expires: t0.Add(time.Hour)}, {Key: "m1", Expires: t0.Add(time.Hour)}}, t0), care.ErrDuplicate)
		require.Zero(t, d.Version)
		stale := c
		stale.Version = 0
		require.ErrorIs(t, s.SaveConversationTx(ctx, tx, &stale, nil, t0), care.ErrConflict)
		return intake(&d, "m3")(tx)
	}))
	for key, want := range map[string]bool{"m1": true, "m2": false, "m3": true} {
		ok, err := s.Seen(ctx, key, t0)
		require.NoError(t, err)
		require.Equal(t, want, ok, key)
	}
	got, err = s.Conversation(ctx, d.Key)
	require.NoError(t, err)
	require.EqualValues(t, 1, got.Version)

	require.ErrorIs(t, s.SaveConversationTx(ctx, nil, &d, nil, t0), pgcare.ErrInvalid)
}

// A policy's Calendar is restored from Config.Policies; one the store could
// not restore is refused before anything is written.
func TestPolicyCalendar(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	bare, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: s.Schema()})
	require.NoError(t, err)

	c := caredrivertest.Conversation("x:brand:cal")
	err = bare.SaveConversation(ctx, &c, []care.SeenKey{{Key: "m1", Expires: t0.Add(time.Hour)}}, t0)
	require.ErrorIs(t, err, pgcare.ErrInvalid)
	require.Zero(t, c.Version)
	_, err = s.Conversation(ctx, c.Key)
	require.ErrorIs(t, err, care.ErrUnknownConversation)

	// Same name, another calendar: refused too.
	other := c
	other.Policy.Calendar, err = sla.NewCalendar(sla.CalendarConfig{Hours: [7][]sla.Interval{time.Monday: {{Start: 0, End: time.Hour}}}})
	require.NoError(t, err)
	require.ErrorIs(t, s.SaveConversation(ctx, &other, nil, t0), pgcare.ErrInvalid)

	require.NoError(t, s.SaveConversation(ctx, &c, nil, t0))
	got, err := s.Conversation(ctx, c.Key)
	require.NoError(t, err)
	require.Same(t, caredrivertest.Policies()[0].Calendar, got.Policy.Calendar)
	_, err = bare.Conversation(ctx, c.Key)
	require.ErrorIs(t, err, pgcare.ErrInvalid, "a store that cannot restore the calendar says so")

	// A 24/7 policy needs nothing.
	c24 := caredrivertest.Conversation("x:brand:24x7")
	c24.Policy.Calendar = nil
	require.NoError(t, bare.SaveConversation(ctx, &c24, nil, t0))
	got, err = bare.Conversation(ctx, c24.Key)
	require.NoError(t, err)
	require.Nil(t, got.Policy.Calendar)
	require.Empty(t, caredrivertest.Diff(c24, got))
}

// Text that jsonb would refuse (a NUL character) round-trips, since the
// value is stored as json.
func TestOddText(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	c := caredrivertest.Conversation("x:brand:odd")
	c.Messages[0].Text = "nul\x00 byte, emoji 🧳, quote \" and backslash \\ and \u2028"
	c.Transcript[0].Text = c.Messages[0].Text
	require.NoError(t, s.SaveConversation(ctx, &c, nil, t0))
	got, err := s.Conversation(ctx, c.Key)
	require.NoError(t, err)
	require.Empty(t, caredrivertest.Diff(c, got))
}

// A closed pool is reported as unavailable: the caller retries later.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	pool := testPool(t)
	schema := newSchema(t, pool)
	own, err := pgxpool.New(ctx, pool.Config().ConnString())
	require.NoError(t, err)
	s, err := pgcare.New(ctx, own, &pgcare.Config{Schema: schema})
	require.NoError(t, err)
	own.Close()
	_, err = s.Conversation(ctx, "x:brand:any")
	require.True(t, pgcare.Retryable(err), "%v", err)
}
