package pgqueue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgqueue: %s: %w", op, queuedriver.ErrNotFound)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("pgqueue: %s: %w", op, err)
	}
	if unavailable(err) {
		return fmt.Errorf("pgqueue: %s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("pgqueue: %s: %w", op, err)
}

// unavailable reports whether err is a connection-level or retry-me error.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutdown, crash, cannot connect now
			return true
		case pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock
			return true
		case pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.Is(err, pgconn.ErrConnClosed):
		return true
	case pgconn.SafeToRetry(err), pgconn.Timeout(err):
		return true
	}
	// pgx reports a connection that died mid-exchange with messages such
	// as "conn closed" or "failed to receive message" without a typed
	// error.
	msg := err.Error()
	for _, s := range []string{"conn closed", "failed to receive message", "failed to write", "connection reset", "broken pipe", "unexpected EOF", "closed pool"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
