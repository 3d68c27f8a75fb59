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
	section := s[strings.Index(s, "Order served"):strings.Index(s, "Replies against")]
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
		regexp.MustCompile(`@stranded_sam .*keyword "stranded"`),
		regexp.MustCompile(`@dianaprince .*vip "@dianaprince"`),
		regexp.MustCompile(`@travelwithmaya .*influencer "250000 followers"`),
		regexp.MustCompile(`@carlos_r .*moved to DM: personal data in public`),
		regexp.MustCompile(`\^(AS|BO)`),
		regexp.MustCompile(`all\s+acknowledge\s+30\s+\d+\s+\d+%`),
	} {
		if !want.MatchString(s) {
			t.Errorf("output does not match %s", want)
		}
	}
}
