// Command report turns care conversations into an HTML report: volume by
// hour of week in the audience's time zone, response and resolution times
// with SLA attainment, cost per interaction, an Erlang C staffing plan
// against the forecast, and the brand's place on the Social Maturity Index.
//
// It runs out of the box on a sample it generates (made-up conversations of
// four care teams on X over five weeks, the same for the same -seed). On
// real data, -data reads conversations in the twitter-care JSON format (a
// JSON array of conversations, each with a dialogHeader, the dialogContent
// turns and the agent's final turn in agentURL; -write-sample writes the
// sample in that format, as an example) and -csv reads a CSV of arrival
// timestamps. It writes one self-contained HTML file (inline SVG, no
// scripts, no network) and prints its path:
//
//	go run ./examples/report
//	go run ./examples/report -seed 7 -tz Europe/London -out /tmp/care.html
//	go run ./examples/report -data conversations.json
//	go run ./examples/report -csv arrivals.csv -aht 8m
//	go run ./examples/report -h
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // -tz works on machines without a time zone database

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/maturity"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout), os.Stderr))
}

// exitCode is 0 for success and for -h (the usage was printed), and 1,
// with the error on stderr, for anything else.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	}
	fmt.Fprintln(stderr, "report:", err)
	return 1
}

// options are the command-line flags.
type options struct {
	data, csv, out, tz string
	seed               uint64
	sample             int
	writeSample        string
	weeks              int
	scale              float64
	aht, within        time.Duration
	serviceLevel       float64
	maxOccupancy       float64
	shrinkage          float64
	staff, hours       float64
	reports, adoption  string
	brand              string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.data, "data", "", "conversations in the twitter-care JSON format (see -write-sample) instead of the generated sample")
	fs.StringVar(&o.csv, "csv", "", "CSV of arrival timestamps (RFC 3339 or \"2006-01-02 15:04:05\" UTC; optional second column: channel) instead of the generated sample")
	fs.Uint64Var(&o.seed, "seed", 1, "generated sample: the seed; the same seed gives the same sample")
	fs.IntVar(&o.sample, "sample", 600, "generated sample: number of conversations")
	fs.StringVar(&o.writeSample, "write-sample", "", "also write the generated sample to this `file`, in the -data format")
	fs.StringVar(&o.out, "out", filepath.Join(os.TempDir(), "socialcare-report.html"), "where to write the HTML report")
	fs.StringVar(&o.tz, "tz", "America/New_York", "the audience's time zone, for hours of the week")
	fs.IntVar(&o.weeks, "weeks", 4, "forecast: average the same hour over the last `N` weeks of data")
	fs.Float64Var(&o.scale, "scale", 1, "staffing: multiply the forecast by this factor (what if volume grew)")
	fs.DurationVar(&o.aht, "aht", 6*time.Minute, "average handle time of one conversation")
	fs.DurationVar(&o.within, "within", 30*time.Minute, "service-level target: answered within this time")
	fs.Float64Var(&o.serviceLevel, "sl", 0.8, "service-level target: share answered within -within")
	fs.Float64Var(&o.maxOccupancy, "occupancy", 0.85, "occupancy cap")
	fs.Float64Var(&o.shrinkage, "shrinkage", 0.3, "share of paid time agents are unavailable")
	fs.Float64Var(&o.staff, "staff", 2, "maturity questionnaire: dedicated social care agents (FTE)")
	fs.Float64Var(&o.hours, "hours", 80, "maturity questionnaire: hours of social care a week")
	fs.StringVar(&o.reports, "reports", "monthly", "maturity questionnaire: executive reports (never, occasionally, monthly, weekly)")
	fs.StringVar(&o.adoption, "adoption", "mainstream", "maturity questionnaire: adoption of new networks (never, late, mainstream, early)")
	fs.StringVar(&o.brand, "brand", "", "brand name on the charts (default: from the data)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: report [flags]\n\nWrites an HTML report on care conversations: volume by hour of week, response\ntimes and SLA attainment, cost, an Erlang C staffing plan and the Social\nMaturity Index.\n\n%s\n\nFlags:\n", sampleNote)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q (flags come as -name value; see -h)", fs.Args())
	case o.data != "" && o.csv != "":
		return o, errors.New("-data and -csv both given: pass one of them, or neither for the generated sample")
	case o.sample < 1 || o.sample > 1_000_000:
		return o, fmt.Errorf("-sample %d: pass a number of conversations from 1 to 1000000", o.sample)
	}
	return o, nil
}

func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(o.tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	var in input
	switch {
	case o.csv != "":
		f, err := os.Open(o.csv)
		if err != nil {
			return err
		}
		in, err = readCSV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.csv, err)
		}
		in.source = o.csv
	case o.data != "":
		f, err := os.Open(o.data)
		if err != nil {
			return fmt.Errorf("-data: %w (omit -data to use the generated sample)", err)
		}
		in, err = readConversations(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.data, err)
		}
		in.source = o.data
	default:
		ds := sample(o.seed, o.sample)
		if o.writeSample != "" {
			b, err := json.MarshalIndent(ds, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(o.writeSample, append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("-write-sample: %w", err)
			}
			fmt.Fprintf(stdout, "report: sample written to %s\n", o.writeSample)
		}
		in, err = fromDialogs(ds)
		if err != nil {
			return err
		}
		in.source = sampleName(o.seed, o.sample)
	}
	if o.brand != "" {
		in.brand = o.brand
	}
	page, err := build(in, loc, o)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		return err
	}
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %d conversations, %d events -> %s\n", page.Report.Conversations, page.Report.Events, o.out)
	return nil
}

// input is what a source yields.
type input struct {
	source  string
	brand   string
	events  []analytics.Event
	skipped int    // conversations left out, with why
	skipWhy string // e.g. "negative duration in the data"
}

// dialog is one conversation of the twitter-care JSON format: a header
// (company, start time, duration as h:m:s), the turns (each by a client or
// an agent handle, with a time) and the agent's final turn, which has no
// time of its own (the conversation's start plus its duration).
type dialog struct {
	Header struct {
		Company  string `json:"company"`
		Start    string `json:"conversationDateTime"`
		Duration string `json:"duration"`
		Session  string `json:"sessionID"`
	} `json:"dialogHeader"`
	Content []turn `json:"dialogContent"`
	Final   struct {
		Utterance string `json:"url_utterance"`
	} `json:"agentURL"`
}

// turn is one message of a dialog.
type turn struct {
	Client   string `json:"client,omitempty"`
	Agent    string `json:"agent,omitempty"`
	DateTime string `json:"datetime"`
	Message  string `json:"message"`
}

// offChannel spots a reply that sends the customer to another channel: a
// heuristic for the in-channel resolution rate. Direct messages stay in the
// social channel.
var offChannel = regexp.MustCompile(`(?i)\b(call us|give us a call|phone|e-?mail us|contact form|visit (a|our|the|your)( \w+)? store)\b`)

// parseDuration reads the dataset's "01:26:55.0" (h:m:s).
func parseDuration(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(strings.TrimSuffix(parts[2], "."), 64)
	if err := errors.Join(err1, err2, err3); err != nil || h < 0 || h > 1e6 || m < 0 || m > 1e6 || !(sec >= 0 && sec < 1e9) {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second)), nil
}

// readConversations turns each conversation into events: every customer
// turn Arrived, every timed agent turn Replied, and the final agent turn
// (which has no timestamp of its own) Replied and Resolved at the start plus
// the conversation's duration. Agents are the care teams' handles.
func readConversations(r io.Reader) (input, error) {
	var ds []dialog
	if err := json.NewDecoder(r).Decode(&ds); err != nil {
		return input{}, fmt.Errorf("%w (want the twitter-care JSON format: see -write-sample)", err)
	}
	return fromDialogs(ds)
}

// fromDialogs turns conversations into events, as readConversations.
func fromDialogs(ds []dialog) (input, error) {
	in := input{skipWhy: "negative or unreadable duration in the data"}
	companies := map[string]int{}
	for i, d := range ds {
		id := d.Header.Session
		if id == "" {
			id = "conversation-" + strconv.Itoa(i)
		}
		start, err := time.Parse(time.RFC3339, d.Header.Start)
		if err != nil {
			return input{}, fmt.Errorf("conversation %s: %w", id, err)
		}
		dur, err := parseDuration(d.Header.Duration)
		if err != nil {
			in.skipped++
			continue
		}
		companies[d.Header.Company]++
		team := "@" + d.Header.Company
		var evs []analytics.Event
		last := start
		var texts []string
		for _, turn := range d.Content {
			at, err := time.Parse(time.RFC3339, turn.DateTime)
			if err != nil {
				return input{}, fmt.Errorf("conversation %s: %w", id, err)
			}
			if at.After(last) {
				last = at
			}
			if turn.Agent != "" {
				evs = append(evs, analytics.Event{Kind: analytics.Replied, Conversation: id, Channel: "x", Agent: team, At: at})
				texts = append(texts, turn.Message)
			} else {
				evs = append(evs, analytics.Event{Kind: analytics.Arrived, Conversation: id, Channel: "x", At: at})
			}
		}
		end := start.Add(dur)
		if end.Before(last) {
			end = last
		}
		texts = append(texts, d.Final.Utterance)
		evs = append(evs,
			analytics.Event{Kind: analytics.Replied, Conversation: id, Channel: "x", Agent: team, At: end},
			analytics.Event{Kind: analytics.Resolved, Conversation: id, Channel: "x", Agent: team, At: end,
				OffChannel: offChannel.MatchString(strings.Join(texts, "\n"))})
		in.events = append(in.events, evs...)
	}
	in.brand = fmt.Sprintf("%d care teams on X", len(companies))
	return in, nil
}

// readCSV reads one arrival per row: a timestamp in the first column and an
// optional channel in the second. A first row that does not parse as a
// timestamp is taken as a header.
func readCSV(r io.Reader) (input, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	in := input{brand: "your brand", skipWhy: "unreadable timestamp"}
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return input{}, err
		}
		if len(rec) == 0 || strings.TrimSpace(rec[0]) == "" {
			continue
		}
		at, err := parseTimestamp(rec[0])
		if err != nil {
			if row == 1 {
				continue // header
			}
			in.skipped++
			continue
		}
		ch := "unknown"
		if len(rec) > 1 && strings.TrimSpace(rec[1]) != "" {
			ch = strings.TrimSpace(rec[1])
		}
		in.events = append(in.events, analytics.Event{Kind: analytics.Arrived, Conversation: "row-" + strconv.Itoa(row), Channel: ch, At: at})
	}
	if len(in.events) == 0 {
		return input{}, errors.New("no timestamps found")
	}
	return in, nil
}

func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC(), nil // Unix seconds
	}
	return time.Time{}, fmt.Errorf("unreadable timestamp %q", s)
}

// page is what the template shows.
type page struct {
	Title, Source, Brand, Zone string
	Generated, From, To        string
	Skipped                    int
	SkipWhy                    string
	Report                     analytics.Report
	HasResponses               bool
	Rows                       []row
	AgentRows                  []row
	MoreAgents                 int
	Peak                       string
	Heatmap                    template.HTML
	Staffing                   template.HTML
	StaffingPeak               analytics.Staffing
	StaffingPeakSlot           string
	AgentHours, Scheduled      int
	Weeks                      int
	Scale                      float64
	ForecastTotal              float64
	AHT, Within                string
	ServiceLevel, MaxOccupancy float64
	Shrinkage                  float64
	Maturity                   maturity.Result
	Quadrant                   template.HTML
	Costs                      analytics.Costs
	OffChannelPct              float64
}

// row is one line of the response-time table.
type row struct {
	Name                              string
	Conversations                     int
	Ack, First, Reply, Resolve        [3]string // p50, p90, p99
	AckSLA, ResolveSLA, ResolvedShare string
}

func durs(d analytics.Durations) [3]string {
	if d.Count == 0 {
		return [3]string{"—", "—", "—"}
	}
	return [3]string{analytics.FormatDuration(d.P50), analytics.FormatDuration(d.P90), analytics.FormatDuration(d.P99)}
}

func pct(a analytics.Attainment) string {
	if a.Met+a.Breached == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", a.Percent())
}

func toRow(s analytics.Stats, name string) row {
	r := row{Name: name, Conversations: s.Conversations,
		Ack: durs(s.Acknowledge), First: durs(s.FirstResponse), Reply: durs(s.Reply), Resolve: durs(s.Resolution),
		AckSLA: pct(s.AcknowledgeSLA), ResolveSLA: pct(s.ResolveSLA), ResolvedShare: "—"}
	if s.Resolved > 0 {
		r.ResolvedShare = fmt.Sprintf("%.0f%%", 100*float64(s.Resolved-s.OffChannel)/float64(s.Resolved))
	}
	return r
}

func parseCadence(s string) (maturity.Cadence, error) {
	for c := maturity.ReportsNever; c <= maturity.ReportsWeekly; c++ {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("-reports %q: want never, occasionally, monthly or weekly", s)
}

func parseAdoption(s string) (maturity.Adoption, error) {
	for a := maturity.AdoptsNever; a <= maturity.AdoptsEarly; a++ {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, fmt.Errorf("-adoption %q: want never, late, mainstream or early", s)
}

func build(in input, loc *time.Location, o options) (*page, error) {
	a, err := analytics.New(&analytics.Config{Location: loc})
	if err != nil {
		return nil, err
	}
	if _, err := a.IngestBatch(in.events); err != nil {
		return nil, err
	}
	if len(in.events) == 0 {
		return nil, errors.New("no events in the input")
	}
	// The report is made as of the last event: nothing after it is known.
	probe := a.Report(time.Time{})
	now := probe.To.Add(time.Second)
	r := a.Report(now)

	p := &page{
		Title: "Social care report", Source: in.source, Brand: in.brand, Zone: loc.String(),
		Generated: now.In(loc).Format("2 Jan 2006 15:04 MST"),
		From:      r.From.In(loc).Format("2 Jan 2006"), To: r.To.In(loc).Format("2 Jan 2006"), Skipped: in.skipped, SkipWhy: in.skipWhy,
		Report: r, Costs: r.Costs, Weeks: o.weeks,
		HasResponses: r.Overall.Acknowledge.Count > 0 || r.Overall.Resolution.Count > 0,
		AHT:          analytics.FormatDuration(o.aht), Within: analytics.FormatDuration(o.within),
		ServiceLevel: 100 * o.serviceLevel, MaxOccupancy: 100 * o.maxOccupancy, Shrinkage: 100 * o.shrinkage,
	}
	p.Rows = append(p.Rows, toRow(r.Overall, "all channels"))
	for _, s := range r.ByChannel {
		p.Rows = append(p.Rows, toRow(s, s.Name))
	}
	agents := slices.Clone(r.ByAgent)
	slices.SortStableFunc(agents, func(x, y analytics.Stats) int { return y.Conversations - x.Conversations })
	const maxAgents = 12
	for i, s := range agents {
		if i == maxAgents {
			p.MoreAgents = len(agents) - maxAgents
			break
		}
		p.AgentRows = append(p.AgentRows, toRow(s, s.Name))
	}
	if r.Overall.Resolved > 0 {
		p.OffChannelPct = 100 * float64(r.Overall.OffChannel) / float64(r.Overall.Resolved)
	}
	_, peak := r.Volume.Max()
	p.Peak = analytics.SlotName(peak)

	var b bytes.Buffer
	if err := analytics.WriteHeatmap(&b, r.Volume, "New conversations by hour of week ("+loc.String()+")", "conversations"); err != nil {
		return nil, err
	}
	p.Heatmap = template.HTML(b.String()) // generated and escaped by analytics

	forecast, err := a.Forecast(now, o.weeks)
	if err != nil {
		return nil, err
	}
	if !(o.scale > 0) {
		return nil, fmt.Errorf("-scale %v: must be positive", o.scale)
	}
	for i := range forecast {
		forecast[i] *= o.scale
	}
	p.ForecastTotal = forecast.Total()
	p.Scale = o.scale
	staffer, err := analytics.NewStaffer(o.aht, &analytics.StaffingConfig{
		ServiceLevel: o.serviceLevel, Within: o.within, MaxOccupancy: o.maxOccupancy, Shrinkage: negZero(o.shrinkage),
	})
	if err != nil {
		return nil, err
	}
	plan, err := staffer.Plan(forecast)
	if err != nil {
		return nil, err
	}
	b.Reset()
	title := fmt.Sprintf("Forecast (same hour, last %d weeks) and agents needed", o.weeks)
	if err := analytics.WriteStaffingChart(&b, forecast, &plan, title); err != nil {
		return nil, err
	}
	p.Staffing = template.HTML(b.String())
	p.AgentHours = plan.AgentHours()
	sched := plan.Scheduled()
	p.Scheduled = int(sched.Total())
	_, fpeak := forecast.Max()
	p.StaffingPeak, p.StaffingPeakSlot = plan[fpeak], analytics.SlotName(fpeak)

	cadence, err := parseCadence(o.reports)
	if err != nil {
		return nil, err
	}
	adoption, err := parseAdoption(o.adoption)
	if err != nil {
		return nil, err
	}
	measured := r.Measured()
	p.Maturity, err = maturity.Assess(maturity.Input{
		Questionnaire: maturity.Questionnaire{DedicatedStaff: o.staff, HoursPerWeek: o.hours,
			ExecutiveReports: cadence, EarlyAdoption: adoption},
		Measured: &measured,
	})
	if err != nil {
		return nil, err
	}
	b.Reset()
	if err := analytics.WriteQuadrant(&b, p.Maturity.Investment, p.Maturity.Innovation, 50, in.brand); err != nil {
		return nil, err
	}
	p.Quadrant = template.HTML(b.String())
	return p, nil
}

// negZero maps a shrinkage of 0 from the command line to the Staffer's "none".
func negZero(v float64) float64 {
	if v == 0 {
		return -1
	}
	return v
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"money": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"pct1":  func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" },
	"num":   func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"num2":  func(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) },
}).Parse(reportHTML))
