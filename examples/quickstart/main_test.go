package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestQuickstart runs the scripted morning and checks what the README
// promises it shows.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for i, line := range strings.Split(s, "\n") {
		if n := len([]rune(line)); n > 100 {
			t.Errorf("line %d has %d columns, more than 100: %q", i+1, n, line)
		}
	}
	section := s[strings.Index(s, "Order served"):strings.Index(s, "Why each score")]
	rank := func(who string) int {
		t.Helper()
		for _, line := range strings.Split(section, "\n") {
			if strings.Contains(line, who) {
				n, err := strconv.Atoi(strings.Fields(line)[0])
				if err != nil {
					t.Fatalf("no rank in %q", line)
				}
				return n
			}
		}
		t.Fatalf("%s was never served:\n%s", who, section)
		return 0
	}
	if rank("@stranded_sam") > rank("@jmiller_travels") {
		t.Error("the stranded passenger was served after the price question")
	}
	for _, top := range []string{"@dianaprince", "@travelwithmaya"} {
		for _, ordinary := range []string{"@jmiller_travels", "@fernanda_lima", "@bob_b", "@ktchen"} {
			if rank(top) > rank(ordinary) {
				t.Errorf("%s served after the ordinary question of %s", top, ordinary)
			}
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`keyword "stranded" \+45`),
		regexp.MustCompile(`vip "@dianaprince" \+100`),
		regexp.MustCompile(`influencer "250000 followers"`),
		regexp.MustCompile(`urgency = score \+ 0.5 per minute waited`),
		// The desk's own scheduler acknowledges what nobody claimed in
		// time: attainment is the desk's, every target met.
		regexp.MustCompile(`@jmiller_travels\s+x\s+08:00\s+08:15\s+15m\s+30m\s+met\s+desk \(auto\)`),
		regexp.MustCompile(`all\s+acknowledge\s+30\s+30\s+100%`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output does not match %s", want)
		}
	}
}
