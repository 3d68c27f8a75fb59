// Command govaderref records the reference sentiment scores that the
// sentiment package's tests compare against, from
// github.com/jonreiter/govader, the Go port of VADER that the package
// reproduces. It is a module of its own so that the library, and the go.sum
// of everyone who imports it, does not depend on govader (whose go.mod
// pulls gonum and its plotting libraries).
//
// From this directory:
//
//	go run .           # rewrites ../../testdata/golden_generated.tsv, and
//	                   # golden_devdata.tsv when the real data set is beside the module
//	go test -fuzz FuzzAgainstGovader -fuzztime 1m   # compare on fuzzed texts
//	go test -run '^$' -bench . -count 8 | tee bench.txt   # sentiment vs govader, same run
//
// Record again only when the generator (internal/corpus) changes on
// purpose; a score that changes otherwise is a regression.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jonreiter/govader"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority/sentiment/internal/corpus"
)

func main() {
	out := flag.String("out", filepath.Join("..", "..", "testdata"), "directory of the golden files")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "govaderref:", err)
		os.Exit(1)
	}
}

func record(a *govader.SentimentIntensityAnalyzer, texts []string) []corpus.Golden {
	seen := map[string]bool{}
	var out []corpus.Golden
	for _, t := range texts {
		k := corpus.Key(t)
		if seen[k] {
			continue
		}
		seen[k] = true
		s := a.PolarityScores(t)
		out = append(out, corpus.Golden{Key: k, Compound: s.Compound, Negative: s.Negative, Neutral: s.Neutral, Positive: s.Positive})
	}
	return out
}

func write(path string, header []string, recs []corpus.Golden) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := corpus.WriteGolden(f, header, recs); err != nil {
		f.Close()
		return err
	}
	fmt.Printf("govaderref: %d scores -> %s\n", len(recs), path)
	return f.Close()
}

func run(dir string) error {
	a := govader.NewSentimentIntensityAnalyzer()
	const ref = "github.com/jonreiter/govader v0.0.0-20250429093935-f6505c8d03cc"
	texts := append(append([]string(nil), corpus.EdgeCases...), corpus.Generate(corpus.Seed, corpus.N)...)
	if err := write(filepath.Join(dir, corpus.GeneratedFile), []string{
		"VADER scores recorded from " + ref + " by priority/sentiment/internal/govaderref.",
		fmt.Sprintf("Texts: corpus.EdgeCases, then corpus.Generate(%d, %d). Columns: key (corpus.Key), compound, negative, neutral, positive.", corpus.Seed, corpus.N),
	}, record(a, texts)); err != nil {
		return err
	}
	path, err := devdata.Find()
	if err != nil {
		fmt.Printf("govaderref: %v; %s left as it is\n", err, corpus.DevDataFile)
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	msgs, err := devdata.Parse(b)
	if err != nil {
		return err
	}
	var real []string
	for _, m := range msgs {
		real = append(real, m.Text)
	}
	return write(filepath.Join(dir, corpus.DevDataFile), []string{
		"VADER scores recorded from " + ref + " by priority/sentiment/internal/govaderref.",
		"Texts: every customer message of the project's real data set (twitter-care dev.json, kept outside the repository), keyed by corpus.Key so that the texts stay out of it.",
	}, record(a, real))
}
