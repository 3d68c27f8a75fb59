package main

// reportHTML is the page: one self-contained file, inline SVG and CSS, no
// scripts and nothing fetched from the network.
const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1040px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta { color: #666; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: right; }
th { background: #f4f6f8; }
td:first-child, th:first-child { text-align: left; }
tr.total td { font-weight: bold; background: #fafafa; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 10em; }
.card b { display: block; font-size: 1.5em; }
.quad { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
.note { color: #666; font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.Brand}} · {{.Source}} · {{.From}} to {{.To}} · hours in {{.Zone}}</p>

<div class="cards">
<div class="card">conversations<b>{{.Report.Conversations}}</b></div>
<div class="card">customer messages<b>{{.Report.Messages}}</b></div>
<div class="card">busiest hour<b>{{.Peak}}</b></div>
<div class="card">cost per interaction<b>{{money .Costs.PerInteraction}} {{.Costs.Currency}}</b></div>
</div>
{{if .Skipped}}<p class="note">{{.Skipped}} records left out: {{.SkipWhy}}.</p>{{end}}

<h2>When the audience writes</h2>
{{.Heatmap}}
<p class="note">Each cell counts the conversations that started in that hour of the week, over the whole period, in {{.Zone}} wall-clock time (daylight saving handled).</p>

<h2>How fast the desk answers</h2>
{{if .HasResponses}}
<table>
<tr><th rowspan="2">channel</th><th rowspan="2">conversations</th><th colspan="3">acknowledgement</th><th colspan="3">first response</th><th colspan="3">resolution</th></tr>
<tr><th>p50</th><th>p90</th><th>p99</th><th>p50</th><th>p90</th><th>p99</th><th>p50</th><th>p90</th><th>p99</th></tr>
{{range $i, $r := .Rows}}<tr{{if eq $i 0}} class="total"{{end}}><td>{{$r.Name}}</td><td>{{$r.Conversations}}</td>{{range $r.Ack}}<td>{{.}}</td>{{end}}{{range $r.First}}<td>{{.}}</td>{{end}}{{range $r.Resolve}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<table>
<tr><th>channel</th><th>acknowledged within SLA</th><th>resolved within SLA</th><th>reply to each message p50</th><th>p90</th><th>resolved in channel</th></tr>
{{range $i, $r := .Rows}}<tr{{if eq $i 0}} class="total"{{end}}><td>{{$r.Name}}</td><td>{{$r.AckSLA}}</td><td>{{$r.ResolveSLA}}</td><td>{{index $r.Reply 0}}</td><td>{{index $r.Reply 1}}</td><td>{{$r.ResolvedShare}}</td></tr>
{{end}}</table>
<p class="note">Times run from the customer's first message. SLA targets: acknowledge within 30 minutes on X (12 hours on Facebook pages and e-mail), resolve within 24 hours.</p>

<h3>By agent</h3>
<table>
<tr><th>agent</th><th>conversations</th><th>first response p50</th><th>p90</th><th>reply p50</th><th>reply p90</th><th>resolution p50</th><th>ack SLA met</th><th>resolve SLA met</th></tr>
{{range .AgentRows}}<tr><td>{{.Name}}</td><td>{{.Conversations}}</td><td>{{index .First 0}}</td><td>{{index .First 1}}</td><td>{{index .Reply 0}}</td><td>{{index .Reply 1}}</td><td>{{index .Resolve 0}}</td><td>{{.AckSLA}}</td><td>{{.ResolveSLA}}</td></tr>
{{end}}</table>
{{if .MoreAgents}}<p class="note">…and {{.MoreAgents}} more.</p>{{end}}
{{else}}
<p>The input has arrivals only (no replies), so there are no response times to show.</p>
{{end}}

<h2>What it costs</h2>
<table>
<tr><th>channel</th><th>interactions</th><th>unit cost</th><th>cost</th><th>same by phone</th></tr>
{{range .Costs.Channels}}<tr><td>{{.Channel}}</td><td>{{.Interactions}}</td><td>{{money .UnitCost}}</td><td>{{money .Cost}}</td><td>{{money .PhoneCost}}</td></tr>
{{end}}<tr class="total"><td>total</td><td>{{.Costs.Interactions}}</td><td>{{money .Costs.PerInteraction}}</td><td>{{money .Costs.Total}}</td><td>{{money .Costs.PhoneEquivalent}}</td></tr>
</table>
<p class="note">Amounts in {{.Costs.Currency}}. Social care costs about 1 per interaction, the phone six times that: {{money .Costs.Savings}} saved.</p>

<h2 id="staffing">How many agents, and when</h2>
{{.Staffing}}
<p>Forecast: {{num .ForecastTotal}} conversations next week (each hour is the average of the same hour over the last {{.Weeks}} weeks{{if ne .Scale 1.0}}, multiplied by {{num .Scale}}{{end}}).
Target: {{pct1 .ServiceLevel}} answered within {{.Within}}, handle time {{.AHT}}, occupancy at most {{pct1 .MaxOccupancy}}, shrinkage {{pct1 .Shrinkage}}.
Busiest forecast hour: {{.StaffingPeakSlot}}, {{num .StaffingPeak.ArrivalsPerHour}} conversations an hour, {{.StaffingPeak.Agents}} agent(s) on the desk ({{.StaffingPeak.Scheduled}} on the rota), set by {{.StaffingPeak.Limit}}.
The week needs {{.AgentHours}} agent-hours on the desk, {{.Scheduled}} scheduled.</p>
<p class="note">Agents by Erlang C; at least one agent every hour, because 57% of customers expect the same service at night and at weekends.</p>

<h2 id="smi">Social Maturity Index</h2>
<div class="quad">
{{.Quadrant}}
<div>
<p><b>{{.Maturity.Quadrant}}</b>: investment {{num .Maturity.Investment}}, innovation {{num .Maturity.Innovation}} (of 100; 50 and above is high).</p>
<ul>{{range .Maturity.Recommendations}}<li>{{.}}</li>{{end}}</ul>
<table>
<tr><th>factor</th><th>value</th><th>score</th><th>weight</th><th>from</th></tr>
{{range .Maturity.Factors}}<tr><td>{{.Axis}}: {{.Name}}</td><td>{{num2 .Value}}</td><td>{{num2 .Score}}</td><td>{{num2 .Weight}}</td><td>{{.Source}}</td></tr>
{{end}}</table>
<p class="note">Measured from the data: channels in use and the in-channel resolution rate ({{pct1 .OffChannelPct}} of resolutions sent the customer to the phone, e-mail or a store). The rest comes from the questionnaire flags of the report command.</p>
</div>
</div>

<p class="meta">Generated by socialcare examples/report as of {{.Generated}}.</p>
</body>
</html>
`
