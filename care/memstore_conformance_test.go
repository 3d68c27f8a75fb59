package care_test

import (
	"testing"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caredrivertest"
)

// TestMemStoreConformance runs the care.Store conformance suite against
// the in-memory store.
func TestMemStoreConformance(t *testing.T) {
	t.Parallel()
	caredrivertest.RunConformanceTests(t, func(t *testing.T) care.Store {
		return care.NewMemStore()
	})
}

// TestMemStoreConformanceZeroValue runs it against the zero MemStore,
// which is documented as ready to use.
func TestMemStoreConformanceZeroValue(t *testing.T) {
	t.Parallel()
	caredrivertest.RunConformanceTests(t, func(t *testing.T) care.Store {
		return new(care.MemStore)
	})
}
