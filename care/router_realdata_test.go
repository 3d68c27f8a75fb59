package care_test

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

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/internal/devdata"
)

// routed is one customer turn of dev.json with its routing labels.
type routed struct {
	id, brand, text    string
	conv               int
	primary, secondary string // label loops: service, product, content, legal, executives
}

// loadRouting reads dev.json's customer turns and routing-labels.tsv
// beside it, skipping when either is absent.
func loadRouting(t *testing.T) []routed {
	t.Helper()
	path := devdata.Path(t)
	tsv := filepath.Join(filepath.Dir(path), "routing-labels.tsv")
	f, err := os.Open(tsv)
	if err != nil {
		t.Skipf("routing labels %s are absent (they are not shipped with the module); skipping: %v", tsv, err)
	}
	defer f.Close()
	type label struct{ brand, primary, secondary string }
	labels := map[string]label{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 4 {
			continue
		}
		labels[cols[0]] = label{cols[1], cols[2], cols[3]}
	}
	require.NoError(t, sc.Err())
	var convs []struct {
		DialogContent []struct {
			Client  string `json:"client"`
			Message string `json:"message"`
		} `json:"dialogContent"`
	}
	require.NoError(t, json.Unmarshal(devdata.Read(t), &convs))
	var out []routed
	for ci, c := range convs {
		for ti, turn := range c.DialogContent {
			if turn.Client == "" {
				continue
			}
			id := strconv.Itoa(ci) + ":" + strconv.Itoa(ti)
			if l, ok := labels[id]; ok {
				out = append(out, routed{id: id, brand: l.brand, text: turn.Message, conv: ci, primary: l.primary, secondary: l.secondary})
			}
		}
	}
	require.NotEmpty(t, out)
	require.Len(t, out, len(labels), "labels that match no customer turn: the data set changed?")
	return out
}

// labelLoops are the label names of the default loops.
var labelLoops = []string{"service", "product", "content", "legal", "executives"}

func labelOf(loop string) string {
	if loop == "customer-service" {
		return "service"
	}
	return loop
}

// routingReport holds the figures of one set of routed turns.
type routingReport struct {
	n, correct, allService, setCorrect, setAllService int
	confusion                                         map[[2]string]int // label primary, routed primary
	involved, primaryOnly                             map[string]*prf   // per label loop
}

type prf struct{ tp, fp, fn int }

func (p *prf) String() string {
	prec, rec := "  n/a", "  n/a"
	if p.tp+p.fp > 0 {
		prec = fmt.Sprintf("%5.1f%%", 100*float64(p.tp)/float64(p.tp+p.fp))
	}
	if p.tp+p.fn > 0 {
		rec = fmt.Sprintf("%5.1f%%", 100*float64(p.tp)/float64(p.tp+p.fn))
	}
	return fmt.Sprintf("precision %s recall %s (tp %d, fp %d, fn %d)", prec, rec, p.tp, p.fp, p.fn)
}

func (p *prf) rates() (float64, float64) {
	var prec, rec float64
	if p.tp+p.fp > 0 {
		prec = float64(p.tp) / float64(p.tp+p.fp)
	}
	if p.tp+p.fn > 0 {
		rec = float64(p.tp) / float64(p.tp+p.fn)
	}
	return prec, rec
}

func newRoutingReport() *routingReport {
	r := &routingReport{confusion: map[[2]string]int{}, involved: map[string]*prf{}, primaryOnly: map[string]*prf{}}
	for _, l := range labelLoops {
		r.involved[l], r.primaryOnly[l] = &prf{}, &prf{}
	}
	return r
}

func (r *routingReport) add(row routed, d care.Decision) {
	got := labelOf(d.Loop.Name)
	gotSet := []string{got}
	for _, n := range d.Inform {
		gotSet = append(gotSet, labelOf(n.Loop.Name))
	}
	wantSet := []string{row.primary}
	if row.secondary != "" {
		wantSet = append(wantSet, row.secondary)
	}
	r.n++
	r.confusion[[2]string{row.primary, got}]++
	if got == row.primary {
		r.correct++
	}
	if row.primary == "service" {
		r.allService++
	}
	slices.Sort(gotSet)
	slices.Sort(wantSet)
	if slices.Equal(gotSet, wantSet) {
		r.setCorrect++
	}
	if len(wantSet) == 1 && wantSet[0] == "service" {
		r.setAllService++
	}
	for _, l := range labelLoops {
		count := func(p *prf, want, have bool) {
			switch {
			case want && have:
				p.tp++
			case have:
				p.fp++
			case want:
				p.fn++
			}
		}
		count(r.involved[l], slices.Contains(wantSet, l), slices.Contains(gotSet, l))
		count(r.primaryOnly[l], row.primary == l, got == l)
	}
}

func (r *routingReport) String() string {
	var b strings.Builder
	pct := func(a, n int) float64 { return 100 * float64(a) / float64(n) }
	fmt.Fprintf(&b, "%d turns. Primary loop accuracy %.1f%% (all-service %.1f%%, +%.1f points); loop-set accuracy %.1f%% (all-service %.1f%%, +%.1f points)\n",
		r.n, pct(r.correct, r.n), pct(r.allService, r.n), pct(r.correct, r.n)-pct(r.allService, r.n),
		pct(r.setCorrect, r.n), pct(r.setAllService, r.n), pct(r.setCorrect, r.n)-pct(r.setAllService, r.n))
	b.WriteString("  per loop, involved (primary or informed vs primary or secondary label):\n")
	for _, l := range labelLoops {
		fmt.Fprintf(&b, "    %-10s %s\n", l, r.involved[l])
	}
	b.WriteString("  per loop, primary only:\n")
	for _, l := range labelLoops {
		fmt.Fprintf(&b, "    %-10s %s\n", l, r.primaryOnly[l])
	}
	b.WriteString("  confusion of primaries (rows: label, columns: routed):\n            ")
	for _, l := range labelLoops {
		fmt.Fprintf(&b, "%11s", l)
	}
	for _, want := range labelLoops {
		fmt.Fprintf(&b, "\n    %-10s", want)
		for _, got := range labelLoops {
			fmt.Fprintf(&b, "%11d", r.confusion[[2]string{want, got}])
		}
	}
	return b.String()
}

// TestRouterRealData routes every labelled customer turn of dev.json with
// the default router and reports, against the routing labels, the primary
// loop's accuracy beside sending everything to customer service, each
// loop's precision and recall (a loop is involved when it is the primary
// or an informed loop; the label's when it is the primary or secondary),
// and the confusion matrix of primaries: on the whole set, on the half used
// to tune the patterns (even conversations) and on the held-out half (odd
// ones), and without the eBay rows that dominate legal and executives.
// Content has too few rows for a rate; its rows are listed one by one. It
// logs where the whole set misses the targets (precision and recall of at
// least 80% for product, legal and executives, involved; a primary
// accuracy at least 8 points above all-service), and fails below the
// figures already reached, as a regression guard.
func TestRouterRealData(t *testing.T) {
	t.Parallel()
	data := loadRouting(t)
	r, err := care.NewRouter(nil)
	require.NoError(t, err)
	parts := []struct {
		name string
		keep func(routed) bool
		rep  *routingReport
	}{
		{"all", func(routed) bool { return true }, newRoutingReport()},
		{"tune (even conversations)", func(x routed) bool { return x.conv%2 == 0 }, newRoutingReport()},
		{"held out (odd conversations)", func(x routed) bool { return x.conv%2 == 1 }, newRoutingReport()},
		{"without eBay", func(x routed) bool {
			return !strings.EqualFold(x.brand, "ebay") && !strings.EqualFold(x.brand, "askebay")
		}, newRoutingReport()},
	}
	decisions := make([]care.Decision, len(data))
	for i, row := range data {
		decisions[i] = r.Route(channel.Message{Channel: channel.X, Text: row.text}, 0)
		for _, p := range parts {
			if p.keep(row) {
				p.rep.add(row, decisions[i])
			}
		}
	}
	for _, p := range parts {
		t.Logf("%s: %s", p.name, p.rep)
	}
	for i, row := range data {
		if row.primary == "content" || row.secondary == "content" || labelOf(decisions[i].Loop.Name) == "content" ||
			slices.ContainsFunc(decisions[i].Inform, func(n care.Notice) bool { return n.Loop.Name == "content" }) {
			t.Logf("content: %s label %s+%s; %s\n    %.120q", row.id, row.primary, row.secondary, decisions[i].Explain(), row.text)
		}
	}
	// The targets of the issue are not all met (see the log); the test
	// fails on a regression below the figures reached, and logs the gap.
	all := parts[0].rep
	floors := map[string][2]float64{"product": {0.80, 0.54}, "legal": {0.75, 0.80}, "executives": {0.80, 0.65}} // precision, recall
	for _, l := range []string{"product", "legal", "executives"} {
		p, rc := all.involved[l].rates()
		if p < 0.8 || rc < 0.8 {
			t.Logf("target not met: %s precision %.1f%%, recall %.1f%% (target: both at least 80%%)", l, 100*p, 100*rc)
		}
		if f := floors[l]; p < f[0] || rc < f[1] {
			t.Errorf("%s: precision %.1f%%, recall %.1f%%: below the floor %.0f%%/%.0f%% reached before", l, 100*p, 100*rc, 100*f[0], 100*f[1])
		}
	}
	gain := 100 * float64(all.correct-all.allService) / float64(all.n)
	if gain < 8 {
		t.Logf("target not met: primary accuracy is %.1f points above all-service (target: at least 8)", gain)
	}
	if gain < 2 {
		t.Errorf("primary accuracy is %.1f points above all-service: below the floor of 2 reached before", gain)
	}
	if os.Getenv("SITUATION_TUNE") != "" {
		// Mistakes on the tuning half only, to generalise from.
		for i, row := range data {
			d := decisions[i]
			got := []string{labelOf(d.Loop.Name)}
			for _, n := range d.Inform {
				got = append(got, labelOf(n.Loop.Name))
			}
			want := []string{row.primary}
			if row.secondary != "" {
				want = append(want, row.secondary)
			}
			if row.conv%2 == 0 && strings.Join(got, "+") != strings.Join(want, "+") {
				fmt.Printf("%s want %s got %s: %.130q\n    %s\n", row.id, strings.Join(want, "+"), strings.Join(got, "+"), row.text, d.Explain())
			}
		}
	}
}
