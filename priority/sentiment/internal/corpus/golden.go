package corpus

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Files of recorded reference scores, in priority/sentiment/testdata.
const (
	// GeneratedFile holds the scores of EdgeCases and Generate(Seed, N).
	GeneratedFile = "golden_generated.tsv"
	// DevDataFile holds the scores of every customer message of the
	// project's real data set, keyed by hash: the texts stay out of the
	// repository.
	DevDataFile = "golden_devdata.tsv"
)

// Golden is the reference score of one text.
type Golden struct {
	// Key is the text's Key.
	Key                                   string
	Compound, Negative, Neutral, Positive float64
}

// Key identifies a text without revealing it: the first 16 hex digits of
// its SHA-256.
func Key(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:8])
}

// WriteGolden writes recs, one per line ("key compound negative neutral
// positive", tab-separated, shortest exact decimals), after header lines
// written as "# " comments.
func WriteGolden(w io.Writer, header []string, recs []Golden) error {
	bw := bufio.NewWriter(w)
	for _, h := range header {
		fmt.Fprintf(bw, "# %s\n", h)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, g := range recs {
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\n", g.Key, f(g.Compound), f(g.Negative), f(g.Neutral), f(g.Positive))
	}
	return bw.Flush()
}

// ReadGolden reads what WriteGolden wrote, keyed by Key.
func ReadGolden(r io.Reader) (map[string]Golden, error) {
	out := map[string]Golden{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("corpus: golden line %d: %d fields, want 5", line, len(f))
		}
		var v [4]float64
		for i := range v {
			x, err := strconv.ParseFloat(f[i+1], 64)
			if err != nil {
				return nil, fmt.Errorf("corpus: golden line %d: %w", line, err)
			}
			v[i] = x
		}
		out[f[0]] = Golden{Key: f[0], Compound: v[0], Negative: v[1], Neutral: v[2], Positive: v[3]}
	}
	return out, sc.Err()
}
