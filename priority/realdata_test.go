package priority_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority"
)

// urgentWords finds the words the issue names (outage, stranded,
// cancelled, refund and their inflections), independently of the scorer's
// own normaliser.
var urgentWords = regexp.MustCompile(`(?i)\b(outages?|stranded|cancel{1,2}ed|cancel{1,2}ation|refund(s|ed)?)\b`)

// TestRealData scores every customer message of dev.json as an X mention
// and checks that messages with outage, stranded, cancelled or refund
// words land in the top quartile. It prints the score distribution.
func TestRealData(t *testing.T) {
	t.Parallel()
	msgs := devdata.Messages(t)
	r := mustNew(t, nil)
	type scored struct {
		text  string
		score priority.Score
	}
	all := make([]scored, len(msgs))
	values := make([]float64, len(msgs))
	for i, m := range msgs {
		all[i] = scored{m.Text, r.Score(now, &priority.Input{Text: m.Text, Channel: "x", Author: priority.Author{Handle: m.Client}})}
		values[i] = all[i].score.Value
	}
	slices.Sort(values)
	q := func(p float64) float64 { return values[int(p*float64(len(values)-1))] }
	q3 := q(0.75)
	t.Logf("%d customer messages; score min %.1f, p25 %.1f, median %.1f, p75 %.1f, p90 %.1f, max %.1f",
		len(values), values[0], q(0.25), q(0.5), q3, q(0.9), values[len(values)-1])
	var hist strings.Builder
	for lo := 0.0; lo < 140; lo += 10 {
		n := 0
		for _, v := range values {
			if v >= lo && v < lo+10 {
				n++
			}
		}
		fmt.Fprintf(&hist, "\n  [%3.0f,%3.0f) %4d %s", lo, lo+10, n, strings.Repeat("#", (n+4)/5))
	}
	t.Logf("distribution:%s", hist.String())

	urgent, missed := 0, 0
	for _, s := range all {
		if !urgentWords.MatchString(s.text) {
			continue
		}
		urgent++
		// Top quartile: strictly above 75% of the messages' scores.
		if s.score.Value <= q3 {
			missed++
			t.Errorf("not in the top quartile (%.1f <= p75 %.1f): %q\n  %s", s.score.Value, q3, s.text, s.score.Explain())
		}
	}
	t.Logf("%d messages with outage/stranded/cancelled/refund words, %d outside the top quartile", urgent, missed)
	if urgent == 0 {
		t.Fatal("no message with the urgent words: the data set changed?")
	}
}
