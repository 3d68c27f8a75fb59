package pgqueue

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/socialcare/socialcare/internal/pgerr"
	"github.com/socialcare/socialcare/queue/queuedriver"
)

// ErrUnavailable means the database could not be reached or dropped the
// connection (a restart, a failover, a network fault) or asked the client to
// retry (a serialization failure or deadlock). The operation may or may not
// have taken effect if the failure came after the statement was sent; every
// pgqueue operation is safe to retry in the sense that a retried lease
// operation fails with ErrLeaseLost rather than acting twice. Test with
// errors.Is, or with Retryable.
var ErrUnavailable = errors.New("pgqueue: database unavailable")

// ErrInvalid is wrapped by the errors New returns for a bad argument. It is
// queue.ErrInvalid (and queuedriver.ErrInvalid): test either with
// errors.Is.
var ErrInvalid = queuedriver.ErrInvalid

// Retryable reports whether err is a transient database failure worth
// retrying after a pause (it wraps ErrUnavailable).
func Retryable(err error) bool { return errors.Is(err, ErrUnavailable) }

// LeaseLostError lists the keys whose leases were lost in a batch
// operation. It matches queuedriver.ErrLeaseLost with errors.Is.
type LeaseLostError struct {
	// Keys are the items whose lease was not current, in the order given.
	Keys []string
}

// Error implements error.
func (e *LeaseLostError) Error() string {
	return fmt.Sprintf("pgqueue: lease lost for %d item(s): %s", len(e.Keys), strings.Join(e.Keys, ", "))
}

// Is reports whether target is queuedriver.ErrLeaseLost.
func (e *LeaseLostError) Is(target error) bool { return target == queuedriver.ErrLeaseLost }

// mapErr wraps err for op, mapping pgx errors to queuedriver's sentinels at
// the boundary. pgx.ErrNoRows is not mapped here: its meaning depends on the
// operation, so callers map it first.
func mapErr(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrNotFound)
	}
	return pgerr.Wrap("pgqueue", op, err, ErrUnavailable)
}
