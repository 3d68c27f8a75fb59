package care

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestPhoneTypesMatchTheLibrary holds phoneType and validForRegion to
// libphonenumber's GetNumberType and IsValidNumberForRegion: on the
// example number of every type of every region and non-geographical
// entity, on those numbers with a digit changed, added or dropped, and on
// random numbers, with and without a "+", read for the detector's default
// regions and for random ones.
func TestPhoneTypesMatchTheLibrary(t *testing.T) {
	t.Parallel()
	var regions []string
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
		phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	var examples []string // "+" and the digits
	for _, r := range regions {
		for _, ty := range types {
			if p := phonenumbers.GetExampleNumberForType(r, ty); p != nil {
				examples = append(examples, phonenumbers.Format(p, phonenumbers.E164))
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if p := phonenumbers.GetExampleNumberForNonGeoEntity(cc); p != nil {
			examples = append(examples, phonenumbers.Format(p, phonenumbers.E164))
		}
	}
	slices.Sort(examples)
	if len(examples) < 1000 {
		t.Fatalf("only %d example numbers", len(examples))
	}
	rng := rand.New(rand.NewPCG(7, 11))
	var texts []string
	for _, e := range examples {
		d := e[1:]
		i := rng.IntN(len(d))
		texts = append(texts, e, d, "+"+d[:i]+strconv.Itoa(rng.IntN(10))+d[i+1:], "+"+d+strconv.Itoa(rng.IntN(10)), "+"+d[:len(d)-1])
	}
	for range 20_000 {
		b := make([]byte, 4+rng.IntN(14))
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		if rng.IntN(2) == 0 {
			texts = append(texts, "+"+string(b))
		} else {
			texts = append(texts, string(b))
		}
	}
	// plusType against the parser, on every "+" number above and on each
	// example with a national prefix (0, 1, 8 or the region's) put back
	// after its calling code.
	plusTyped := 0
	for _, e := range examples {
		p := mustParse(t, e)
		cc := strconv.Itoa(int(p.GetCountryCode()))
		np := phonenumbers.GetNddPrefixForRegion(phonenumbers.GetRegionCodeForNumber(p), true)
		for _, pre := range []string{"0", "1", "8", "06", np} {
			texts = append(texts, "+"+cc+pre+e[1+len(cc):])
		}
	}
	// And, for each example, random numbers that start as it does after
	// its calling code, with or without a national prefix, of every length
	// (too short and too long ones included).
	for _, e := range examples {
		p := mustParse(t, e)
		cc := strconv.Itoa(int(p.GetCountryCode()))
		nat := e[1+len(cc):]
		np := phonenumbers.GetNddPrefixForRegion(phonenumbers.GetRegionCodeForNumber(p), true)
		tries := 12
		if m := regionMeta(phonenumbers.GetRegionCodeForNumber(p)); m != nil && m.transform != "" {
			tries = 400 // the rare regions whose national prefix transforms the number
		}
		for range tries {
			b := []byte([]string{"", "0", np, np + np}[rng.IntN(4)] + nat[:rng.IntN(len(nat)+1)])
			for len(b) < 1+rng.IntN(19) {
				b = append(b, byte('0'+rng.IntN(10)))
			}
			texts = append(texts, "+"+cc+string(b))
		}
	}
	for _, text := range texts {
		if !strings.HasPrefix(text, "+") {
			continue
		}
		want, ok := phonenumbers.UNKNOWN, false
		if p, err := phonenumbers.Parse(text, "ZZ"); err == nil {
			want, ok = phonenumbers.GetNumberType(p), true
		}
		got, gotOK := plusType(text[1:])
		if got != want || gotOK != ok {
			t.Fatalf("%q: plusType gives %v, %v; the parser %v, %v", text, got, gotOK, want, ok)
		}
		if got != phonenumbers.UNKNOWN {
			plusTyped++
		}
	}
	if plusTyped < 2000 {
		t.Fatalf("only %d numbers with a \"+\" typed", plusTyped)
	}
	for _, n := range []string{"", "1", "12", "0123456789", "999999", "1234", "80012345678", "8001234567890123456"} {
		_, err := phonenumbers.Parse("+"+n, "ZZ")
		if _, ok := plusType(n); ok != (err == nil) {
			t.Fatalf("+%s: plusType says %v, the parser fails with %v", n, ok, err)
		}
	}
	def := []string{"US", "CA", "GB", "IE", "AU", "IN", "DE", "FR", "ES", "IT", "NL", "BR", "MX"}
	typed, valid := 0, 0
	for i, text := range texts {
		reading := def[i%len(def)]
		if i%3 == 0 {
			reading = regions[rng.IntN(len(regions))]
		}
		p, err := phonenumbers.Parse(text, reading)
		if err != nil {
			continue
		}
		if got, want := phoneType(p), phonenumbers.GetNumberType(p); got != want {
			t.Fatalf("%q read for %s: phoneType gives %v, GetNumberType %v", text, reading, got, want)
		} else if got != phonenumbers.UNKNOWN {
			typed++
		}
		for _, r := range []string{reading, phonenumbers.GetRegionCodeForNumber(p), regions[rng.IntN(len(regions))], phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY, "ZZ", ""} {
			if got, want := validForRegion(p, r), phonenumbers.IsValidNumberForRegion(p, r); got != want {
				t.Fatalf("%q read for %s: validForRegion(%q) gives %v, IsValidNumberForRegion %v", text, reading, r, got, want)
			} else if got {
				valid++
			}
		}
	}
	if typed < 2000 || valid < 2000 {
		t.Fatalf("only %d numbers typed and %d valid: the sample does not try both answers", typed, valid)
	}
}

func mustParse(t *testing.T, text string) *phonenumbers.PhoneNumber {
	t.Helper()
	p, err := phonenumbers.Parse(text, "ZZ")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
