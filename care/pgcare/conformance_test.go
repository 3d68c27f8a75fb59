package pgcare_test

import (
	"testing"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caredrivertest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	caredrivertest.RunConformanceTests(t, func(t *testing.T) care.Store {
		s, _ := newStore(t)
		return s
	})
}
