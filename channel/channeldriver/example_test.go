package channeldriver_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
)

// Adapters report throttling with a RateLimitError carrying the reset time.
func ExampleRateLimitError() {
	var err error = &channeldriver.RateLimitError{Reset: time.Date(2026, 11, 22, 9, 15, 0, 0, time.UTC)}
	var rl *channeldriver.RateLimitError
	fmt.Println(errors.As(err, &rl), rl.Reset.Format(time.Kitchen), channeldriver.AdComment)
	// Output:
	// true 9:15AM ad-comment
}
