package care

import (
	"regexp"
	"slices"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The phone guard reads a parsed number's type as libphonenumber's
// GetNumberType and IsValidNumberForRegion do, from the library's own
// metadata and with the same patterns, but with each pattern compiled
// once per region: the library builds each pattern's text and looks its
// compiled form up in a shared cache at every use, and runs it twice per
// number type (once to check that the length is possible, once to match).
// TestPhoneTypesMatchTheLibrary holds these functions to the library's.

// phoneMeta is one region's (or non-geographical entity's) metadata, with
// its patterns compiled.
type phoneMeta struct {
	countryCode int32
	leading     *regexp.Regexp // nil when the region has no leading digits
	sameMobile  bool           // fixed-line and mobile numbers share a pattern
	// prefix is the national prefix for parsing, anchored at the start
	// (nil when none), and transform its transform rule.
	prefix    *regexp.Regexp
	transform string
	// localOnly are the general description's lengths possible only
	// locally.
	localOnly []int32
	// general, then the types in the order the library tries them.
	general, premium, tollFree, sharedCost, voip, personal, pager, uan, voicemail, fixed, mobile phoneDesc
}

// phoneDesc is one number type's description: its possible lengths
// (none: any) and its pattern, anchored at both ends.
type phoneDesc struct {
	lengths []int32
	re      *regexp.Regexp
}

func newPhoneDesc(d *phonenumbers.PhoneNumberDesc) phoneDesc {
	return phoneDesc{lengths: d.GetPossibleLength(), re: regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$")}
}

// matches is the library's isNumberMatchingDesc: a possible length, and
// the pattern.
func (d *phoneDesc) matches(nsn string) bool {
	if len(d.lengths) > 0 {
		found := false
		for _, l := range d.lengths {
			if int32(len(nsn)) == l {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return d.re.MatchString(nsn)
}

func newPhoneMeta(m *phonenumbers.PhoneMetadata) *phoneMeta {
	p := &phoneMeta{countryCode: m.GetCountryCode(), sameMobile: m.GetSameMobileAndFixedLinePattern(),
		general: newPhoneDesc(m.GetGeneralDesc()), premium: newPhoneDesc(m.GetPremiumRate()), tollFree: newPhoneDesc(m.GetTollFree()),
		sharedCost: newPhoneDesc(m.GetSharedCost()), voip: newPhoneDesc(m.GetVoip()), personal: newPhoneDesc(m.GetPersonalNumber()),
		pager: newPhoneDesc(m.GetPager()), uan: newPhoneDesc(m.GetUan()), voicemail: newPhoneDesc(m.GetVoicemail()),
		fixed: newPhoneDesc(m.GetFixedLine()), mobile: newPhoneDesc(m.GetMobile())}
	p.transform, p.localOnly = m.GetNationalPrefixTransformRule(), m.GetGeneralDesc().GetPossibleLengthLocalOnly()
	if np := m.GetNationalPrefixForParsing(); len(np) > 0 {
		p.prefix = regexp.MustCompile("^(?:" + np + ")")
	}
	if ld := m.GetLeadingDigits(); len(ld) > 0 {
		p.leading = regexp.MustCompile("^(?:" + ld + ")")
	}
	return p
}

// phoneMetadata is the library's metadata by region and by the calling
// code of non-geographical entities, as the library indexes it.
var phoneMetadata = sync.OnceValue(func() (m struct {
	regions map[string]*phonenumbers.PhoneMetadata
	nonGeo  map[int32]*phonenumbers.PhoneMetadata
}) {
	m.regions, m.nonGeo = map[string]*phonenumbers.PhoneMetadata{}, map[int32]*phonenumbers.PhoneMetadata{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return m // the library cannot load it either: it panics at init
	}
	for _, md := range coll.GetMetadata() {
		if md.GetId() == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
			m.nonGeo[md.GetCountryCode()] = md
		} else {
			m.regions[md.GetId()] = md
		}
	}
	return m
})

// compiledMeta holds the phoneMeta of each region (by its code, "US")
// and non-geographical entity (by its nonGeoKey) compiled so far.
var compiledMeta sync.Map

// nonGeoKey is compiledMeta's key for the non-geographical entity with
// calling code cc.
type nonGeoKey int32

// regionMeta is the library's getMetadataForRegion: nil for a region it
// does not support.
func regionMeta(region string) *phoneMeta {
	if region == "" || !phonenumbers.GetSupportedRegions()[region] {
		return nil
	}
	return compiled(region, func() *phonenumbers.PhoneMetadata { return phoneMetadata().regions[region] })
}

// metaFor is the library's getMetadataForRegionOrCallingCode.
func metaFor(cc int32, region string) *phoneMeta {
	if region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		return regionMeta(region)
	}
	if len(phonenumbers.GetRegionCodesForCountryCode(int(cc))) == 0 {
		return nil
	}
	return compiled(nonGeoKey(cc), func() *phonenumbers.PhoneMetadata { return phoneMetadata().nonGeo[cc] })
}

// compiled returns the phoneMeta compiledMeta holds under key, compiling
// it from the metadata md returns the first time (nil when md returns
// none).
func compiled(key any, md func() *phonenumbers.PhoneMetadata) *phoneMeta {
	if p, ok := compiledMeta.Load(key); ok {
		return p.(*phoneMeta)
	}
	m := md()
	if m == nil {
		return nil
	}
	p, _ := compiledMeta.LoadOrStore(key, newPhoneMeta(m))
	return p.(*phoneMeta)
}

// numberType is the library's getNumberTypeHelper.
func (m *phoneMeta) numberType(nsn string) phonenumbers.PhoneNumberType {
	switch {
	case !m.general.matches(nsn):
		return phonenumbers.UNKNOWN
	case m.premium.matches(nsn):
		return phonenumbers.PREMIUM_RATE
	case m.tollFree.matches(nsn):
		return phonenumbers.TOLL_FREE
	case m.sharedCost.matches(nsn):
		return phonenumbers.SHARED_COST
	case m.voip.matches(nsn):
		return phonenumbers.VOIP
	case m.personal.matches(nsn):
		return phonenumbers.PERSONAL_NUMBER
	case m.pager.matches(nsn):
		return phonenumbers.PAGER
	case m.uan.matches(nsn):
		return phonenumbers.UAN
	case m.voicemail.matches(nsn):
		return phonenumbers.VOICEMAIL
	case m.fixed.matches(nsn):
		if m.sameMobile || m.mobile.matches(nsn) {
			return phonenumbers.FIXED_LINE_OR_MOBILE
		}
		return phonenumbers.FIXED_LINE
	case !m.sameMobile && m.mobile.matches(nsn):
		return phonenumbers.MOBILE
	}
	return phonenumbers.UNKNOWN
}

// phoneType is the library's GetNumberType(p).
func phoneType(p *phonenumbers.PhoneNumber) phonenumbers.PhoneNumberType {
	return numberTypeOf(p.GetCountryCode(), phonenumbers.GetNationalSignificantNumber(p))
}

// numberTypeOf is GetNumberType of the number with calling code cc and
// national significant number nsn.
func numberTypeOf(cc int32, nsn string) phonenumbers.PhoneNumberType {
	// GetRegionCodeForNumber: the only region of the calling code, or the
	// first whose leading digits match or whose metadata gives the number
	// a type (which is then the answer: the same metadata, the same
	// number).
	regions := phonenumbers.GetRegionCodesForCountryCode(int(cc))
	region := ""
	switch len(regions) {
	case 0:
	case 1:
		region = regions[0]
	default:
		for _, r := range regions {
			m := regionMeta(r)
			if m == nil {
				continue // cannot happen: the library's metadata has every region it maps
			}
			if m.leading != nil {
				if m.leading.MatchString(nsn) {
					region = r
					break
				}
			} else if t := m.numberType(nsn); t != phonenumbers.UNKNOWN {
				return t
			}
		}
	}
	m := metaFor(cc, region)
	if m == nil {
		return phonenumbers.UNKNOWN
	}
	return m.numberType(nsn)
}

// validForRegion is the library's IsValidNumberForRegion(p, region).
func validForRegion(p *phonenumbers.PhoneNumber, region string) bool {
	cc := p.GetCountryCode()
	m := metaFor(cc, region)
	if m == nil || region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY && cc != m.countryCode {
		return false
	}
	return m.numberType(phonenumbers.GetNationalSignificantNumber(p)) != phonenumbers.UNKNOWN
}

// plusType is GetNumberType(Parse("+"+n, "ZZ")) for n, ASCII digits; ok
// is false when Parse fails. It reads n as the parser does a number with
// a "+" and nothing but digits (no extension, no punctuation to drop):
// the first one to three digits that are a calling code, then the rest
// with the region's national prefix stripped when what remains has a
// possible length; the national significant number is that rest, since
// the parser keeps its leading zeros (ItalianLeadingZero).
func plusType(n string) (t phonenumbers.PhoneNumberType, ok bool) {
	if len(n) <= phonenumbers.MIN_LENGTH_FOR_NSN || n[0] == '0' {
		return phonenumbers.UNKNOWN, false // too short after the "+", or no calling code starts with 0
	}
	cc, i := 0, 1
	for ; i <= phonenumbers.MAX_LENGTH_COUNTRY_CODE && i <= len(n); i++ {
		cc = cc*10 + int(n[i-1]-'0')
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 0 {
			break
		}
	}
	if i > phonenumbers.MAX_LENGTH_COUNTRY_CODE || i > len(n) {
		return phonenumbers.UNKNOWN, false
	}
	national := n[i:]
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN {
		return phonenumbers.UNKNOWN, false
	}
	if m := metaFor(int32(cc), phonenumbers.GetRegionCodeForCountryCode(cc)); m != nil {
		if cut := m.stripNationalPrefix(national); m.lengthKeeps(cut) {
			national = cut
		}
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN || len(national) > phonenumbers.MAX_LENGTH_FOR_NSN {
		return phonenumbers.UNKNOWN, false
	}
	return numberTypeOf(int32(cc), national), true
}

// stripNationalPrefix is the library's
// maybeStripNationalPrefixAndCarrierCode: num without its national
// prefix (transformed by the region's rule, if it has one), unless that
// would turn a number of the region's pattern into one that is not.
func (m *phoneMeta) stripNationalPrefix(num string) string {
	if len(num) == 0 || m.prefix == nil || !m.prefix.MatchString(num) {
		return num
	}
	viable := m.general.re.MatchString(num)
	groups := m.prefix.FindStringSubmatchIndex(num)
	if n := len(groups)/2 - 1; m.transform == "" || groups[n*2] < 0 {
		if viable && !m.general.re.MatchString(num[groups[1]:]) {
			return num
		}
		return num[groups[1]:]
	}
	out := m.prefix.ReplaceAllString(num, m.transform)
	if viable && !m.general.re.MatchString(out) {
		return num
	}
	return out
}

// lengthKeeps reports whether the parser keeps a number stripped of its
// national prefix: the library's testNumberLength for the general
// description is neither too short, possible only locally, nor an
// invalid length.
func (m *phoneMeta) lengthKeeps(num string) bool {
	lengths, n := m.general.lengths, int32(len(num))
	if lengths[0] == -1 || slices.Contains(m.localOnly, n) {
		return false // a type with no numbers, or possible locally only
	}
	switch {
	case n == lengths[0]:
		return true
	case n < lengths[0]:
		return false // too short
	case n > lengths[len(lengths)-1]:
		return true // too long
	}
	return slices.Contains(lengths[1:], n)
}
