package pgcare

import (
	"errors"

	"github.com/socialcare/socialcare/internal/pgerr"
)

// ErrInvalid means a Config, an argument or a conversation the store cannot
// keep (a Policy whose Calendar is not in Config.Policies) was refused
// before any write. Test with errors.Is.
var ErrInvalid = errors.New("pgcare: invalid")

// ErrUnavailable means the database could not be reached or dropped the
// connection (a restart, a failover, a network fault) or asked the client
// to retry (a serialization failure or deadlock). A save may or may not have
// taken effect if the failure came after the statement was sent: reload the
// conversation before trying again (a retried save that did take effect
// fails with care.ErrConflict or care.ErrDuplicate, never writes twice).
// Test with errors.Is, or with Retryable.
var ErrUnavailable = errors.New("pgcare: database unavailable")

// Retryable reports whether err is a transient database failure worth
// retrying after a pause (it wraps ErrUnavailable).
func Retryable(err error) bool { return errors.Is(err, ErrUnavailable) }

// mapErr wraps err for op. pgx.ErrNoRows is not mapped here: its meaning
// depends on the operation, so callers map it first (to
// care.ErrUnknownConversation, care.ErrConflict...).
func mapErr(op string, err error) error { return pgerr.Wrap("pgcare", op, err, ErrUnavailable) }
