package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

// TestFeedbackLoop checks what the example promises to show.
func TestFeedbackLoop(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`→ content \(rule "broken content".*owner team content, answered by customer-service`),
		regexp.MustCompile(`deadlines: acknowledge by Mon 09:30, resolve by Mon 17:00`),
		regexp.MustCompile(`escalation: content-editor at Mon 17:00, then head-of-content at Mon 21:00`),
		regexp.MustCompile(`→ legal \(rule "legal threat".*owner team legal`),
		regexp.MustCompile(`escalation: general-counsel at Tue 09:05, then ceo-office at Wed 09:05`),
		regexp.MustCompile(`Tue 09:05  x:skyways:t-901 ESCALATED: legal deadline passed: step 1, general-counsel told, moved to team general-counsel`),
		regexp.MustCompile(`Grace Okafor \(general-counsel\) takes @rob_pratt`),
		regexp.MustCompile(`handed off by eva to customer-service`),
		regexp.MustCompile(`Cara Mendes \(customer-service\) takes Dana Kim`),
		regexp.MustCompile(`acknowledged automatically`),
		regexp.MustCompile(`\^CM`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output does not match %s\n%s", want, s)
		}
	}
	if regexp.MustCompile(`post-77 ESCALATED`).MatchString(s) {
		t.Error("the content loop was resolved in time and must not escalate")
	}
}
