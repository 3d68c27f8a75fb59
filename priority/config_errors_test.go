package priority_test

import (
	"errors"
	"testing"

	"github.com/socialcare/socialcare/priority"
)

// TestErrInvalid: a bad configuration answers the package's ErrInvalid, as
// every constructor of the library does, and the narrower ErrInvalidConfig.
func TestErrInvalid(t *testing.T) {
	t.Parallel()
	_, err := priority.New(&priority.Config{ChannelPoints: map[string]float64{"x": -1}})
	if !errors.Is(err, priority.ErrInvalid) || !errors.Is(err, priority.ErrInvalidConfig) {
		t.Fatalf("New with a negative channel point: %v, want ErrInvalid and ErrInvalidConfig", err)
	}
	_, err = priority.ParseConfig([]byte(`{`))
	if !errors.Is(err, priority.ErrInvalid) {
		t.Fatalf("ParseConfig of a broken document: %v, want ErrInvalid", err)
	}
	if !errors.Is(priority.ErrInvalidConfig, priority.ErrInvalid) {
		t.Fatal("ErrInvalidConfig does not wrap ErrInvalid")
	}
}
