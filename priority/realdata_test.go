package priority_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/priority"
)

// labelled is one customer turn of dev.json with its urgency label.
type labelled struct {
	id      string // "<conversation>:<turn>"
	conv    int
	text    string
	urgency string // urgent, normal or low
}

// loadUrgency reads dev.json's customer turns and urgency-labels.tsv
// beside it, skipping when either is absent.
func loadUrgency(t *testing.T) []labelled {
	t.Helper()
	path := devdata.Path(t)
	tsv := filepath.Join(filepath.Dir(path), "urgency-labels.tsv")
	f, err := os.Open(tsv)
	if err != nil {
		t.Skipf("urgency labels %s are absent (they are not shipped with the module); skipping: %v", tsv, err)
	}
	defer f.Close()
	labels := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 2 {
			continue
		}
		labels[cols[0]] = cols[1]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var convs []struct {
		DialogContent []struct {
			Client  string `json:"client"`
			Message string `json:"message"`
		} `json:"dialogContent"`
	}
	if err := json.Unmarshal(devdata.Read(t), &convs); err != nil {
		t.Fatal(err)
	}
	var out []labelled
	for ci, c := range convs {
		for ti, turn := range c.DialogContent {
			if turn.Client == "" {
				continue
			}
			id := strconv.Itoa(ci) + ":" + strconv.Itoa(ti)
			if l, ok := labels[id]; ok {
				out = append(out, labelled{id: id, conv: ci, text: turn.Message, urgency: l})
			}
		}
	}
	if len(out) == 0 || len(out) != len(labels) {
		t.Fatalf("%d labelled turns matched of %d labels: the data set changed?", len(out), len(labels))
	}
	return out
}

// auc is the probability that a random positive scores above a random
// negative (ties count half): the ROC AUC.
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

// rankReport holds the ranking figures of one set of scored turns.
type rankReport struct {
	n, urgent          int
	aucUrgent, aucLow  float64
	topQuarter, top10  float64 // share of urgent turns in the top quarter / tenth
	urgentInTopQuarter int
}

func rank(values []float64, labels []string) rankReport {
	var r rankReport
	var urgent, rest, normal, low []float64
	for i, v := range values {
		switch labels[i] {
		case "urgent":
			urgent = append(urgent, v)
			rest = append(rest, 0)[:len(rest)]
		case "normal":
			normal = append(normal, v)
		case "low":
			low = append(low, v)
		}
		if labels[i] != "urgent" {
			rest = append(rest, v)
		}
	}
	r.n, r.urgent = len(values), len(urgent)
	r.aucUrgent, r.aucLow = auc(urgent, rest), auc(normal, low)
	// The top quarter is the first n/4 turns in descending score; ties at
	// the boundary are shared out in proportion (an expected value).
	sorted := slices.Clone(values)
	slices.SortFunc(sorted, func(a, b float64) int { return -cmpFloat(a, b) })
	share := func(frac float64) (float64, float64) {
		k := int(frac * float64(len(sorted)))
		if k == 0 || len(urgent) == 0 {
			return 0, 0
		}
		cut := sorted[k-1]
		above, at := 0, 0
		for _, v := range sorted {
			if v > cut {
				above++
			} else if v == cut {
				at++
			}
		}
		var got float64
		for _, u := range urgent {
			if u > cut {
				got++
			} else if u == cut {
				got += float64(k-above) / float64(at)
			}
		}
		return got, got / float64(len(urgent))
	}
	var q float64
	q, r.topQuarter = share(0.25)
	r.urgentInTopQuarter = int(q + 0.5)
	_, r.top10 = share(0.10)
	return r
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestRealDataUrgency scores every labelled customer turn of dev.json as
// an X mention with no author data, and reports the ranking against the
// urgency labels: ROC AUC urgent-vs-rest and normal-vs-low, the share of
// urgent turns in the top quarter and top tenth of scores, on the whole
// set and on the two halves (even conversations, used to tune the
// patterns; odd ones, held out). It checks the whole set against the
// targets: AUC urgent-vs-rest at least 0.85 and 80% of urgent turns in
// the top quarter.
func TestRealDataUrgency(t *testing.T) {
	t.Parallel()
	data := loadUrgency(t)
	r := mustNew(t, nil)
	base := mustNew(t, &priority.Config{Disabled: []string{priority.SignalSituation}})
	type part struct {
		name   string
		keep   func(l labelled) bool
		values []float64
		bvals  []float64
		labels []string
	}
	parts := []*part{
		{name: "all", keep: func(labelled) bool { return true }},
		{name: "tune (even conversations)", keep: func(l labelled) bool { return l.conv%2 == 0 }},
		{name: "held out (odd conversations)", keep: func(l labelled) bool { return l.conv%2 == 1 }},
	}
	scores := make([]priority.Score, len(data))
	for i, l := range data {
		in := priority.Input{Text: l.text, Channel: "x"}
		scores[i] = r.Score(now, &in)
		b := base.Score(now, &in)
		for _, p := range parts {
			if p.keep(l) {
				p.values = append(p.values, scores[i].Value)
				p.bvals = append(p.bvals, b.Value)
				p.labels = append(p.labels, l.urgency)
			}
		}
	}
	for _, p := range parts {
		x, b := rank(p.values, p.labels), rank(p.bvals, p.labels)
		t.Logf("%s: %d turns, %d urgent\n  with situations: AUC urgent-vs-rest %.3f, normal-vs-low %.3f; urgent in top quarter %.1f%% (%d), top tenth %.1f%%\n  without (baseline): AUC urgent-vs-rest %.3f, normal-vs-low %.3f; urgent in top quarter %.1f%%, top tenth %.1f%%",
			p.name, x.n, x.urgent, x.aucUrgent, x.aucLow, 100*x.topQuarter, x.urgentInTopQuarter, 100*x.top10,
			b.aucUrgent, b.aucLow, 100*b.topQuarter, 100*b.top10)
	}
	all := rank(parts[0].values, parts[0].labels)
	if all.aucUrgent < 0.85 {
		t.Errorf("AUC urgent-vs-rest %.3f, want at least 0.85", all.aucUrgent)
	}
	if all.topQuarter < 0.80 {
		t.Errorf("%.1f%% of urgent turns in the top quarter, want at least 80%%", 100*all.topQuarter)
	}
	if testing.Verbose() && os.Getenv("SITUATION_TUNE") != "" {
		// Misses on the tuning half only, to generalise from.
		sorted := slices.Clone(parts[1].values)
		slices.SortFunc(sorted, func(a, b float64) int { return -cmpFloat(a, b) })
		cut := sorted[len(sorted)/4-1]
		for i, l := range data {
			if l.conv%2 != 0 {
				continue
			}
			if (l.urgency == "urgent") != (scores[i].Value >= cut) {
				fmt.Printf("%s %-6s %5.1f %.140q\n      %s\n", l.id, l.urgency, scores[i].Value, l.text, scores[i].Explain())
			}
		}
	}
}
