package care

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// referenceTopics is Topics written plainly: a keyword is found when each
// of its "+"-joined parts occurs as consecutive words of words(text).
func referenceTopics(topics []Topic, text string) []string {
	ws := words(text)
	var out []string
	for _, t := range topics {
		for _, k := range t.Keywords {
			all := true
			for _, p := range strings.Split(k, "+") {
				if pw := trimmedWords(p); len(pw) > 0 && !containsPhrase(ws, pw) {
					all = false
				}
			}
			if all {
				out = append(out, t.Name+":"+k)
				break
			}
		}
	}
	return out
}

// FuzzTopics checks that Router.Topics finds what the plain reference
// finds, on any text.
func FuzzTopics(f *testing.F) {
	for _, s := range []string{
		"My VIDEO is broken... and the page is 404", "can't log in. NOT WORKING!", "not ... working",
		"Über ÇA: refund — charged twice", "Ärger: billing; Court.", "video+broken", "É o CEO? président of",
		"İstanbul i̇ DOWN", "$5 refund.", "a..b down.", "typo... typo",
	} {
		f.Add(s)
	}
	r, err := NewRouter(nil)
	if err != nil {
		f.Fatal(err)
	}
	topics := DefaultTopics()
	f.Fuzz(func(t *testing.T, text string) {
		names, kws := r.Topics(text)
		var got []string
		for i := range names {
			got = append(got, names[i]+":"+kws[i])
		}
		want := referenceTopics(topics, text)
		if !slices.Equal(got, want) {
			t.Fatalf("Topics(%q) = %v, the reference finds %v", text, got, want)
		}
	})
}

// FuzzReasonString checks that a reason quotes its evidence as
// strconv.Quote does.
func FuzzReasonString(f *testing.F) {
	for _, s := range []string{"charged me twice", `say "hi"`, `a\\b`, "tab\there", "não", "", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, evidence string) {
		want := "situation churn (" + strconv.Quote(evidence) + ")"
		if got := reasonString("situation ", "churn", evidence); got != want {
			t.Fatalf("reasonString(%q) = %s, want %s", evidence, got, want)
		}
	})
}
