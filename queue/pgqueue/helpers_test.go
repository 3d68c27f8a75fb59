package pgqueue_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/queue/pgqueue"
)

// dbURLEnv names the variable that points the tests at a PostgreSQL
// database, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const dbURLEnv = "SOCIALCARE_TEST_DATABASE_URL"

// testPool connects to the test database or skips the test.
func testPool(t testing.TB) *pgxpool.Pool { return pgqueue.TestDB(t) }

// newSchema creates a fresh migrated schema, dropped when the test ends.
func newSchema(t testing.TB, pool *pgxpool.Pool) string {
	return pgqueue.TestSchema(t, pool, "pgqueue_test")
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
