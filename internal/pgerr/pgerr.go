// Package pgerr classifies pgx errors for the PostgreSQL stores pgqueue and
// pgcare: which failures are transient (the connection dropped, the server
// is restarting, the transaction should be retried) and how each store wraps
// them at its boundary.
//
// It imports pgx, so only the PostgreSQL stores may import it: the in-memory
// path must not compile pgx.
package pgerr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Wrap wraps err for op with the calling package's name pkg as prefix
// ("pkg: op: err"). If err is a transient failure (Unavailable) and not a
// context error, unavailable is wrapped too ("pkg: op: unavailable: err"), so
// that callers can test it with errors.Is. Wrap returns nil for a nil err.
func Wrap(pkg, op string, err, unavailable error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w", pkg, op, err)
	}
	if Unavailable(err) {
		return fmt.Errorf("%s: %s: %w: %w", pkg, op, unavailable, err)
	}
	return fmt.Errorf("%s: %s: %w", pkg, op, err)
}

// Unavailable reports whether err is a connection-level or retry-me error.
func Unavailable(err error) bool {
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
