package pgcare_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care/caredrivertest"
	"github.com/socialcare/socialcare/care/pgcare"
)

var ctx = context.Background()

// testPool connects to the test database or skips the test.
func testPool(t testing.TB) *pgxpool.Pool { return pgcare.TestDB(t) }

// newSchema creates a fresh migrated schema, dropped when the test ends.
func newSchema(t testing.TB, pool *pgxpool.Pool) string {
	return pgcare.TestSchema(t, pool, "pgcare_test")
}

// newStore returns a Store in its own schema that knows the suite's
// policies.
func newStore(t testing.TB) (*pgcare.Store, *pgxpool.Pool) {
	t.Helper()
	pool := testPool(t)
	s, err := pgcare.New(ctx, pool, &pgcare.Config{Schema: newSchema(t, pool), Policies: caredrivertest.Policies()})
	require.NoError(t, err)
	return s, pool
}
