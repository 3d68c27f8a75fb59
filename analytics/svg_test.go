package analytics_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/analytics"
	"github.com/stretchr/testify/require"
)

// wellFormed parses doc as XML to the end and returns the root element's
// name and the number of elements.
func wellFormed(t *testing.T, doc []byte) (root string, elements int) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "not well-formed XML:\n%s", doc)
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				require.Empty(t, root, "more than one root element")
				root = el.Name.Local
				require.Equal(t, "http://www.w3.org/2000/svg", el.Name.Space)
			}
			depth++
			elements++
		case xml.EndElement:
			depth--
		}
	}
	require.Zero(t, depth)
	return root, elements
}

func TestHeatmapSVG(t *testing.T) {
	t.Parallel()
	var w analytics.Week
	w[analytics.Slot(time.Monday, 9)] = 12
	w[analytics.Slot(time.Sunday, 23)] = 2.5
	var b bytes.Buffer
	require.NoError(t, analytics.WriteHeatmap(&b, w, `Volume <"Acme & Co">`, "conversations"))
	root, n := wellFormed(t, b.Bytes())
	require.Equal(t, "svg", root)
	require.Greater(t, n, 168)
	s := b.String()
	require.Contains(t, s, "Volume &lt;&#34;Acme &amp; Co&#34;&gt;")
	require.Contains(t, s, "<title>Mon 09:00: 12</title>")
	require.Contains(t, s, "<title>Sun 23:00: 2.5</title>")
	require.Contains(t, s, "0 to 12 conversations per hour (total 14.5)")

	var empty bytes.Buffer
	require.NoError(t, analytics.WriteHeatmap(&empty, analytics.Week{}, "", ""))
	wellFormed(t, empty.Bytes())
}

func TestStaffingChartSVG(t *testing.T) {
	t.Parallel()
	s, err := analytics.NewStaffer(330*time.Second, &analytics.StaffingConfig{Within: 30 * time.Second})
	require.NoError(t, err)
	var f analytics.Week
	for h := 8; h < 20; h++ {
		f[analytics.Slot(time.Wednesday, h)] = float64(20 * (h - 7))
	}
	p, err := s.Plan(f)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, analytics.WriteStaffingChart(&b, f, &p, "Staffing & forecast"))
	root, _ := wellFormed(t, b.Bytes())
	require.Equal(t, "svg", root)
	require.Contains(t, b.String(), "Wed 19:00: 240 arrivals/h, 27 agents")
	require.Equal(t, 2, strings.Count(b.String(), "<path "))

	var z bytes.Buffer
	var zp analytics.Plan
	require.NoError(t, analytics.WriteStaffingChart(&z, analytics.Week{}, &zp, ""))
	wellFormed(t, z.Bytes())
}

func TestQuadrantSVG(t *testing.T) {
	t.Parallel()
	tests := []struct {
		inv, innov float64
		want       string
	}{
		{80, 70, "#SocialFirst"}, {20, 10, "Observers"}, {90, 20, "Conservatives"}, {10, 95, "Aspirants"},
		{50, 50, "#SocialFirst"}, {-5, 130, "Aspirants"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		require.NoError(t, analytics.WriteQuadrant(&b, tt.inv, tt.innov, 50, "Brand <&>"))
		wellFormed(t, b.Bytes())
		require.Contains(t, b.String(), "<title>Social Maturity Index: Brand &lt;&amp;&gt; is "+tt.want+"</title>")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSVGWriteErrors(t *testing.T) {
	t.Parallel()
	var p analytics.Plan
	require.Error(t, analytics.WriteHeatmap(failWriter{}, analytics.Week{}, "", ""))
	require.Error(t, analytics.WriteStaffingChart(failWriter{}, analytics.Week{}, &p, ""))
	require.Error(t, analytics.WriteQuadrant(failWriter{}, 1, 1, 50, ""))
}
