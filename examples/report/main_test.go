package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/internal/devdata"
)

// datasetPath returns the project's real data set, which users' clones do
// not have: the test that uses it skips when it is absent, and the tests on
// the generated sample cover the same paths.
func datasetPath(t *testing.T) string { return devdata.Path(t) }

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// checkSVGs checks that the page embeds want SVG charts, each well-formed
// XML.
func checkSVGs(t *testing.T, page string, want int) {
	t.Helper()
	svgs := svgRE.FindAllString(page, -1)
	if len(svgs) != want {
		t.Fatalf("%d SVG charts, want %d", len(svgs), want)
	}
	for _, s := range svgs {
		d := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("chart is not well-formed XML: %v\n%.300s", err, s)
			}
		}
	}
}

func TestReportFromDataset(t *testing.T) {
	t.Parallel()
	data := datasetPath(t)
	out := filepath.Join(t.TempDir(), "report.html")
	var stdout bytes.Buffer
	if err := run([]string{"-data", data, "-out", out, "-tz", "Europe/London", "-scale", "50"}, &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "503 conversations") {
		t.Errorf("stdout: %q", stdout.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	checkSVGs(t, page, 3)
	for _, want := range []string{
		"New conversations by hour of week (Europe/London)",
		"22 records left out: negative or unreadable duration in the data.",
		"@RockstarSupport", "acknowledgement", "p99",
		"3018.00", // 503 interactions at 6 × 1 by phone
		"Social Maturity Index: 24 care teams on X is #SocialFirst",
		"Stay ahead: adopt new channels early.",
		"Forecast (same hour, last 4 weeks) and agents needed",
		"multiplied by 50.0",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "ZgotmplZ") {
		t.Error("the template escaped something it should not have")
	}
}

// TestReportFromSample runs the report as a newcomer does, with no flags
// but -out: on the generated sample, reproducibly.
func TestReportFromSample(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gen := func(name string, args ...string) string {
		out := filepath.Join(dir, name)
		var stdout bytes.Buffer
		if err := run(append(args, "-out", out), &stdout); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), "600 conversations") {
			t.Errorf("stdout: %q", stdout.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := gen("a.html")
	checkSVGs(t, page, 3)
	for _, want := range []string{
		"generated sample (-seed 1, -sample 600; made up, not real conversations)",
		"New conversations by hour of week (America/New_York)",
		"@NorthwindAir", "@TailspinToys", "acknowledgement", "p99",
		"3600.00", // 600 interactions at 6 × 1 by phone
		"Social Maturity Index: 4 care teams on X is",
		"Forecast (same hour, last 4 weeks) and agents needed",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "ZgotmplZ") || strings.Contains(page, "records left out") {
		t.Error("the sample report escaped something or left records out")
	}
	if again := gen("b.html"); again != page {
		t.Error("the same seed gave a different report")
	}
	if other := gen("c.html", "-seed", "2"); other == page {
		t.Error("seeds 1 and 2 gave the same report")
	}
}

// TestWriteSampleRoundTrip writes the sample in the -data format and reads
// it back: the real-data path gives the same report.
func TestWriteSampleRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	js := filepath.Join(dir, "sample.json")
	var first, second bytes.Buffer
	if err := run([]string{"-seed", "3", "-sample", "50", "-write-sample", js, "-out", filepath.Join(dir, "a.html")}, &first); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-data", js, "-out", filepath.Join(dir, "b.html")}, &second); err != nil {
		t.Fatal(err)
	}
	want := "report: 50 conversations, "
	if !strings.Contains(first.String(), "sample written to "+js) || !strings.Contains(first.String(), want) || !strings.Contains(second.String(), want) {
		t.Fatalf("stdout: %q then %q", first.String(), second.String())
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a.html"))
	b, _ := os.ReadFile(filepath.Join(dir, "b.html"))
	strip := func(b []byte) string { // the source line differs, nothing else
		return regexp.MustCompile(`(?m)^<p class="meta">.*$`).ReplaceAllString(string(b), "")
	}
	if strip(a) != strip(b) {
		t.Error("the sample read back with -data gives a different report")
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run([]string{"-h"}, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h: %v", err)
	}
	if code := exitCode(err, io.Discard); code != 0 {
		t.Errorf("-h exits %d, want 0", code)
	}
	for _, want := range []string{"Usage: report", "generated sample", "-data", "-csv", "-seed", "-write-sample"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
	var stderr bytes.Buffer
	if code := exitCode(errors.New("boom"), &stderr); code != 1 || stderr.String() != "report: boom\n" {
		t.Errorf("an error exits %d with %q", code, stderr.String())
	}
	if code := exitCode(nil, io.Discard); code != 0 {
		t.Errorf("success exits %d", code)
	}
}

func TestReportFromCSV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "arrivals.csv")
	csv := "timestamp,channel\n" +
		"2026-03-02T09:15:00Z,x\n" +
		"2026-03-02 09:45:00,facebook\n" +
		"2026-03-09T09:05:00+01:00\n" +
		"1772443800\n" + // Unix seconds: 2026-03-02T09:30:00Z
		"not a time,x\n"
	if err := os.WriteFile(in, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.html")
	var stdout bytes.Buffer
	if err := run([]string{"-csv", in, "-out", out, "-tz", "UTC", "-weeks", "2", "-reports", "never", "-adoption", "late", "-staff", "0", "-hours", "0"}, &stdout); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	checkSVGs(t, page, 3)
	for _, want := range []string{
		"<b>4</b>", // conversations
		"1 records left out: unreadable timestamp.",
		"arrivals only",
		"Mon 09:00",
		"Social Maturity Index: your brand is Observers",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, []byte("timestamp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-tz", "Mars/Olympus"},
		{"-data", filepath.Join(dir, "missing.json")},
		{"-csv", empty},
		{"-csv", filepath.Join(dir, "missing.csv")},
		{"stray"},
		{"-nope"},
		{"-data", filepath.Join(dir, "a.json"), "-csv", empty},
		{"-sample", "0"},
		{"-write-sample", filepath.Join(dir, "no", "such", "dir.json")},
	} {
		if err := run(append(args, "-out", filepath.Join(dir, "x.html")), io.Discard); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
	ok := filepath.Join(dir, "ok.csv")
	if err := os.WriteFile(ok, []byte("2026-03-02T09:15:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-reports", "daily"}, {"-adoption", "soon"}, {"-aht", "0s"}, {"-sl", "1.5"}, {"-scale", "0"}} {
		if err := run(append(args, "-csv", ok, "-out", filepath.Join(dir, "x.html")), io.Discard); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"01:26:55.0": time.Hour + 26*time.Minute + 55*time.Second,
		"00:00:07.5": 7500 * time.Millisecond,
		"30:00:00.":  30 * time.Hour,
	} {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-12:14:20.", "", "1:2", "a:b:c", "01:-1:00"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q): no error", in)
		}
	}
}

func TestReadConversations(t *testing.T) {
	t.Parallel()
	const js = `[{"dialogHeader": {"company": "Acme", "conversationDateTime": "2020-03-02T10:00:00.000Z", "duration": "00:40:00.0", "sessionID": "s1"},
	  "dialogContent": [
	    {"client": "ann", "datetime": "2020-03-02T10:00:00.000Z", "message": "my order?"},
	    {"agent": "Acme", "datetime": "2020-03-02T10:10:00.000Z", "message": "Looking into it ^JS"},
	    {"client": "ann", "datetime": "2020-03-02T10:20:00.000Z", "message": "thanks"}],
	  "agentURL": {"url_utterance": "Please give us a call at 555-0100"}},
	 {"dialogHeader": {"company": "Acme", "conversationDateTime": "2020-03-02T11:00:00.000Z", "duration": "-00:01:00.", "sessionID": "s2"},
	  "dialogContent": [], "agentURL": {}}]`
	in, err := readConversations(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if in.skipped != 1 || len(in.events) != 5 {
		t.Fatalf("skipped %d, %d events", in.skipped, len(in.events))
	}
	last := in.events[4]
	if !last.OffChannel || !last.At.Equal(time.Date(2020, 3, 2, 10, 40, 0, 0, time.UTC)) || last.Agent != "@Acme" {
		t.Errorf("resolution event %+v", last)
	}
	if _, err := readConversations(strings.NewReader(`{`)); err == nil {
		t.Error("bad JSON: no error")
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("timestamp,channel\n2026-03-02T09:15:00Z,x\n"))
	f.Add([]byte("1772443800\n\"2026-03-02 09:45:00\",facebook\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := readCSV(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(in.events) == 0 {
			t.Fatal("no error and no events")
		}
		for _, e := range in.events {
			if e.At.IsZero() || e.Conversation == "" || e.Channel == "" {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	f.Add("01:26:55.0")
	f.Add("-12:14:20.")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
	})
}
