package care

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFind checks that the personal-data detector never panics on outside
// text and reports only substrings of it.
func FuzzFind(f *testing.F) {
	d, err := NewDetector(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"mail a@b.co", "+1 312 555 0147", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "account 12345678", "https://x.y/12345678901", "phone: 01120738976", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range d.Find(s) {
			if !strings.Contains(s, p.Text) {
				t.Fatalf("%q is not in %q", p.Text, s)
			}
		}
	})
}

// FuzzListener checks that mention matching and signature parsing never
// panic on outside text.
func FuzzListener(f *testing.F) {
	l, err := NewListener(&ListeningConfig{Brands: []string{"Skyways", "Sky Ways Air"}, Handles: []string{"skyways"}})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"@skyways hi", "skywasy", "sk1ways ^JS", "Ø -Richard", "@", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range l.Mentions(s) {
			if m.Distance > 2 || m.Brand == "" {
				t.Fatalf("bad mention %+v", m)
			}
		}
		if sig, ok := ParseSignature(s); ok && (!utf8.ValidString(sig.Who) || sig.Who == "") {
			t.Fatalf("bad signature %+v", sig)
		}
	})
}
