package memqueue_test

import (
	"testing"

	"github.com/socialcare/socialcare/queue/memqueue"
	"github.com/socialcare/socialcare/queue/queuedriver"
	"github.com/socialcare/socialcare/queue/queuedrivertest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	queuedrivertest.RunConformanceTests(t, func(t *testing.T) queuedriver.Store { return memqueue.New() })
}
