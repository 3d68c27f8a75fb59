package situation_test

import (
	"testing"

	"github.com/socialcare/socialcare/internal/benchtext"
	"github.com/socialcare/socialcare/situation"
)

// BenchmarkDetect measures the built-in detector on one message, reusing
// the result's storage as the desk does.
func BenchmarkDetect(b *testing.B) {
	d := mustNew(b, nil)
	benchTexts := benchtext.Tweets()
	var r situation.Result
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.DetectInto(&situation.Input{Text: benchTexts[i%len(benchTexts)]}, &r)
	}
}
