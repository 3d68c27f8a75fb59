package care

import (
	"regexp"
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
	if p, ok := compiledMeta.Load(region); ok {
		return p.(*phoneMeta)
	}
	md := phoneMetadata().regions[region]
	if md == nil {
		return nil
	}
	p, _ := compiledMeta.LoadOrStore(region, newPhoneMeta(md))
	return p.(*phoneMeta)
}

// metaFor is the library's getMetadataForRegionOrCallingCode.
func metaFor(cc int32, region string) *phoneMeta {
	if region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		return regionMeta(region)
	}
	if len(phonenumbers.GetRegionCodesForCountryCode(int(cc))) == 0 {
		return nil
	}
	key := nonGeoKey(cc)
	if p, ok := compiledMeta.Load(key); ok {
		return p.(*phoneMeta)
	}
	md := phoneMetadata().nonGeo[cc]
	if md == nil {
		return nil
	}
	p, _ := compiledMeta.LoadOrStore(key, newPhoneMeta(md))
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
	cc := p.GetCountryCode()
	nsn := phonenumbers.GetNationalSignificantNumber(p)
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
