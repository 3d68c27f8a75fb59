package analytics

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/socialcare/socialcare/maturity"
)

// The charts are hand-written SVG 1.1: standalone documents (with the xmlns
// attribute) that also embed inline in HTML. Every text is escaped.

var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func esc(s string) string { return html.EscapeString(s) }

// num formats v with at most one decimal.
func num(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// shade returns a colour from near-white (0) to dark blue (1).
func shade(f float64) string {
	f = math.Max(0, math.Min(1, f))
	lo, hi := [3]float64{247, 251, 255}, [3]float64{8, 48, 107}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(lo[i] + (hi[i]-lo[i])*f))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// WriteHeatmap writes an SVG heatmap of week: one row per day (Monday
// first), one column per hour, darker for more, each cell titled with its
// slot and value. unit names the values in the legend ("conversations").
func WriteHeatmap(w io.Writer, week Week, title, unit string) error {
	const (
		left, top = 48.0, 52.0
		cw, ch    = 30.0, 26.0
	)
	width, height := left+24*cw+16, top+7*ch+44
	maxV, _ := week.Max()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" role="img">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", esc(title))
	fmt.Fprintf(&b, `<text x="%g" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", left, esc(title))
	for h := 0; h < 24; h += 2 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="10" text-anchor="middle" fill="#555">%02d</text>`+"\n", left+float64(h)*cw+cw/2, top-8, h)
	}
	for d := range 7 {
		y := top + float64(d)*ch
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" text-anchor="end" fill="#333">%s</text>`+"\n", left-6, y+ch/2+4, dayNames[d])
		for h := range 24 {
			i := d*24 + h
			v := week[i]
			f := 0.0
			if maxV > 0 {
				f = v / maxV
			}
			x := left + float64(h)*cw
			fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="%s" stroke="#fff"><title>%s: %s</title></rect>`+"\n",
				x, y, cw, ch, shade(f), SlotName(i), num(v))
			if v > 0 {
				fill := "#222"
				if f > 0.55 {
					fill = "#fff"
				}
				fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="9" text-anchor="middle" fill="%s">%s</text>`+"\n", x+cw/2, y+ch/2+3, fill, num(v))
			}
		}
	}
	ly := top + 7*ch + 16
	for k := range 5 {
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="24" height="10" fill="%s"/>`+"\n", left+float64(k)*24, ly, shade(float64(k)/4))
	}
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" fill="#333">0 to %s %s per hour (total %s)</text>`+"\n", left+5*24+8, ly+9, num(maxV), esc(unit), num(week.Total()))
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// niceMax rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceMax(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// WriteStaffingChart writes an SVG of forecast arrivals per hour of week
// (bars, left axis) against the agents plan needs (a step line, right axis),
// and the scheduled agents after shrinkage (dashed).
func WriteStaffingChart(w io.Writer, forecast Week, plan *Plan, title string) error {
	const (
		left, right, top, bottom = 56.0, 56.0, 48.0, 56.0
		pw, ph                   = 840.0, 240.0
	)
	width, height := left+pw+right, top+ph+bottom
	fMax, _ := forecast.Max()
	fMax = niceMax(fMax * 1.1) // headroom above the highest bar
	sched := plan.Scheduled()
	aMax, _ := sched.Max()
	aMax = 4 * math.Ceil(aMax*1.1/4) // agents: whole numbers on the 4 ticks
	if aMax == 0 {
		aMax = 4
	}
	xs := pw / HoursPerWeek
	yF := func(v float64) float64 { return top + ph - v/fMax*ph }
	yA := func(v float64) float64 { return top + ph - v/aMax*ph }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" role="img">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", esc(title))
	fmt.Fprintf(&b, `<text x="%g" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", left, esc(title))
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="#fafafa" stroke="#ccc"/>`+"\n", left, top, pw, ph)
	for k := 0; k <= 4; k++ {
		y := top + ph - float64(k)/4*ph
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#e4e4e4"/>`+"\n", left, y, left+pw, y)
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="10" text-anchor="end" fill="#2b6cb0">%s</text>`+"\n", left-6, y+4, num(fMax*float64(k)/4))
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="10" fill="#c05621">%s</text>`+"\n", left+pw+6, y+4, num(aMax*float64(k)/4))
	}
	for i, v := range forecast {
		if v <= 0 {
			continue
		}
		x := left + float64(i)*xs
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#90cdf4"><title>%s: %s arrivals/h, %d agents</title></rect>`+"\n",
			x, yF(v), xs, top+ph-yF(v), SlotName(i), num(v), plan[i].Agents)
	}
	step := func(vals Week, attrs string) {
		b.WriteString(`<path fill="none" ` + attrs + ` d="`)
		for i, v := range vals {
			x := left + float64(i)*xs
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.2f %.2f L%.2f %.2f ", cmd, x, yA(v), x+xs, yA(v))
		}
		b.WriteString("\"/>\n")
	}
	step(plan.Agents(), `stroke="#dd6b20" stroke-width="2"`)
	step(sched, `stroke="#9c4221" stroke-width="1" stroke-dasharray="4 3"`)
	for d := range 7 {
		x := left + float64(d*24)*xs
		if d > 0 {
			fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#999" stroke-dasharray="2 2"/>`+"\n", x, top, x, top+ph)
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="11" text-anchor="middle" fill="#333">%s</text>`+"\n", x+12*xs, top+ph+16, dayNames[d])
	}
	ly := top + ph + 36
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="14" height="10" fill="#90cdf4"/><text x="%g" y="%g" font-size="11">forecast arrivals per hour (left)</text>`+"\n", left, ly, left+18, ly+9)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#dd6b20" stroke-width="2"/><text x="%g" y="%g" font-size="11">agents needed (right)</text>`+"\n", left+230, ly+5, left+250, ly+5, left+256, ly+9)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#9c4221" stroke-dasharray="4 3"/><text x="%g" y="%g" font-size="11">scheduled, with shrinkage (right)</text>`+"\n", left+400, ly+5, left+420, ly+5, left+426, ly+9)
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// WriteQuadrant writes the Social Maturity Index as an SVG: investment
// across, innovation up, both 0–100, split at threshold (maturity's default
// is 50), with the four quadrants named and the brand's position marked
// with label.
func WriteQuadrant(w io.Writer, investment, innovation, threshold float64, label string) error {
	const (
		left, top, size = 64.0, 48.0, 360.0
	)
	clamp := func(v float64) float64 { return math.Max(0, math.Min(100, v)) }
	x := func(v float64) float64 { return left + clamp(v)/100*size }
	y := func(v float64) float64 { return top + size - clamp(v)/100*size }
	width, height := left+size+40, top+size+56
	tx, ty := x(threshold), y(threshold)
	mine := maturity.QuadrantFor(investment >= threshold, innovation >= threshold)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" role="img">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title>Social Maturity Index: %s is %s</title>`+"\n", esc(label), esc(mine.String()))
	fmt.Fprintf(&b, `<text x="%g" y="22" font-size="15" font-weight="bold">Social Maturity Index</text>`+"\n", left)
	cells := []struct {
		q          maturity.Quadrant
		x, y, w, h float64
	}{
		{maturity.Observers, left, ty, tx - left, top + size - ty},
		{maturity.Conservatives, tx, ty, left + size - tx, top + size - ty},
		{maturity.Aspirants, left, top, tx - left, ty - top},
		{maturity.SocialFirst, tx, top, left + size - tx, ty - top},
	}
	for _, c := range cells {
		fill := "#f4f4f4"
		if c.q == mine {
			fill = "#e6fffa"
		}
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="%s" stroke="#888"/>`+"\n", c.x, c.y, c.w, c.h, fill)
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="13" text-anchor="middle" fill="#444">%s</text>`+"\n", c.x+c.w/2, c.y+18, esc(c.q.String()))
	}
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" text-anchor="middle">Investment (staff, time, executive reports) →</text>`+"\n", left+size/2, top+size+24)
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="12" text-anchor="middle" transform="rotate(-90 %g %g)">Innovation (early adoption, in-channel resolution) →</text>`+"\n", left-16, top+size/2, left-16, top+size/2)
	fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="10" fill="#666">0</text><text x="%g" y="%g" font-size="10" text-anchor="end" fill="#666">100</text>`+"\n", left, top+size+12, left+size, top+size+12)
	px, py := x(investment), y(innovation)
	fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="7" fill="#d53f8c" stroke="#fff" stroke-width="2"><title>%s: investment %s, innovation %s</title></circle>`+"\n", px, py, esc(label), num(math.Round(investment*10)/10), num(math.Round(innovation*10)/10))
	anchor, dx := "start", 10.0
	if px > left+size*0.7 {
		anchor, dx = "end", -10
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" font-weight="bold" text-anchor="%s" fill="#97266d">%s</text>`+"\n", px+dx, py-8, anchor, esc(label))
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// FormatDuration formats d for reports, rounded: "45s", "12m", "3h05m",
// "2d04h"; "—" for negative durations.
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "—"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 24*time.Hour:
		m := int(d.Round(time.Minute) / time.Minute)
		return fmt.Sprintf("%dh%02dm", m/60, m%60)
	}
	h := int(d.Round(time.Hour) / time.Hour)
	return fmt.Sprintf("%dd%02dh", h/24, h%24)
}
