package pgqueue_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
)

// dbURLEnv names the variable that points the tests at a PostgreSQL
// database, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const dbURLEnv = "SOCIALCARE_TEST_DATABASE_URL"

// testPool connects to the test database or skips the test.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv(dbURLEnv)
	if url == "" {
		t.Skipf("pgqueue: %s is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests", dbURLEnv)
	}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = 20
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// newSchema creates a fresh migrated schema, dropped when the test ends.
func newSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "pgqueue_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	require.NoError(t, pgqueue.Migrate(ctx, pool, schema))
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// newStore returns a Store in its own schema.
func newStore(t testing.TB, cfg *pgqueue.Config) (*pgqueue.Store, *pgxpool.Pool) {
	t.Helper()
	pool := testPool(t)
	var c pgqueue.Config
	if cfg != nil {
		c = *cfg
	}
	c.Schema = newSchema(t, pool)
	s, err := pgqueue.New(pool, &c)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, pool
}
