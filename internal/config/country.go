package config

import (
	"strings"
	"unicode"
)

// countryAliases maps common short and long forms (in countryKey form) to the
// default spelling of a country. An alias applies only when its country is
// configured.
var countryAliases = map[string]string{
	"burma":                        "Burma/Myanmar",
	"myanmar":                      "Burma/Myanmar",
	"myanmarburma":                 "Burma/Myanmar",
	"republicoftheunionofmyanmar":  "Burma/Myanmar",
	"kampuchea":                    "Cambodia",
	"kingdomofcambodia":            "Cambodia",
	"china":                        "Yunnan/Guangxi/China",
	"prc":                          "Yunnan/Guangxi/China",
	"peoplesrepublicofchina":       "Yunnan/Guangxi/China",
	"yunnan":                       "Yunnan/Guangxi/China",
	"guangxi":                      "Yunnan/Guangxi/China",
	"laos":                         "Lao PDR",
	"lao":                          "Lao PDR",
	"laopdr":                       "Lao PDR",
	"laopeoplesdemocraticrepublic": "Lao PDR",
	"kingdomofthailand":            "Thailand",
	"vietnam":                      "Vietnam",
	"socialistrepublicofvietnam":   "Vietnam",
}

// countryKey folds a country name for comparison: lower case, without spaces,
// dots, hyphens, apostrophes and parentheses ("Viet Nam" → "vietnam",
// "Lao P.D.R." → "laopdr").
func countryKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CountryName returns the configured spelling of the country s names. It
// matches without regard to case, spaces or punctuation; a part of a name
// with slashes ("Burma", "Myanmar", "Yunnan", "China"); and common short
// forms ("Laos", "Lao" → "Lao PDR"; "Viet Nam" → "Vietnam"). The second
// result is false when s names no configured country.
func (c Config) CountryName(s string) (string, bool) {
	k := countryKey(s)
	if k == "" {
		return "", false
	}
	for _, name := range c.Network.Countries {
		if countryKey(name) == k {
			return name, true
		}
	}
	if !strings.Contains(k, "/") {
		for _, name := range c.Network.Countries {
			for _, part := range strings.Split(name, "/") {
				if countryKey(part) == k {
					return name, true
				}
			}
		}
	}
	if canon, ok := countryAliases[strings.ReplaceAll(k, "/", "")]; ok {
		// The alias names a default country; match the configured name that
		// shares a part with it ("Burma" → "Myanmar" when that is configured).
		for _, name := range c.Network.Countries {
			if sharePart(name, canon) {
				return name, true
			}
		}
	}
	return "", false
}

// sharePart reports whether the slash-separated names a and b have a part in common.
func sharePart(a, b string) bool {
	for _, pa := range strings.Split(a, "/") {
		for _, pb := range strings.Split(b, "/") {
			if k := countryKey(pa); k != "" && k == countryKey(pb) {
				return true
			}
		}
	}
	return false
}
