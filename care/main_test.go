package care_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// desk's Run, a lease's timer or a channel's retry must all end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
