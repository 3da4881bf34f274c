package data

import "github.com/bojanz/currency"

// isoDate is the Go layout of an ISO 8601 date, which every date field
// accepts whatever the locale.
const isoDate = "2006-01-02"

// Numeric date layouts of CLDR's "short" date patterns with a four-digit
// year, by language and by language-region where the region differs
// (neither Go nor the libraries this program uses carry CLDR's date
// patterns). A locale not listed writes ISO dates.
var (
	datesByLanguage = map[string]string{
		"en": "01/02/2006", "de": "02.01.2006", "fr": "02/01/2006", "es": "02/01/2006", "it": "02/01/2006",
		"pt": "02/01/2006", "nl": "02-01-2006", "ru": "02.01.2006", "uk": "02.01.2006", "pl": "02.01.2006",
		"cs": "02.01.2006", "sk": "02.01.2006", "tr": "02.01.2006", "fi": "02.01.2006", "nb": "02.01.2006",
		"no": "02.01.2006", "da": "02.01.2006", "ro": "02.01.2006", "bg": "02.01.2006", "hr": "02.01.2006",
		"sr": "02.01.2006", "sl": "02.01.2006", "et": "02.01.2006", "lv": "02.01.2006", "kk": "02.01.2006",
		"az": "02.01.2006", "ka": "02.01.2006", "hy": "02.01.2006", "el": "02/01/2006", "ar": "02/01/2006",
		"he": "02.01.2006", "id": "02/01/2006", "ms": "02/01/2006", "vi": "02/01/2006", "th": "02/01/2006",
		"hi": "02/01/2006", "bn": "02/01/2006", "ur": "02/01/2006", "fa": "2006/01/02", "sw": "02/01/2006",
		"ha": "02/01/2006", "yo": "02/01/2006", "wo": "02/01/2006", "am": "02/01/2006", "fil": "01/02/2006",
		"sv": "2006-01-02", "lt": "2006-01-02", "hu": "2006. 01. 02.", "zh": "2006/01/02", "ja": "2006/01/02",
		"ko": "2006. 01. 02.",
	}
	datesByRegion = map[string]string{
		"en-GB": "02/01/2006", "en-IE": "02/01/2006", "en-AU": "02/01/2006", "en-NZ": "02/01/2006",
		"en-IN": "02/01/2006", "en-NG": "02/01/2006", "en-KE": "02/01/2006", "en-GH": "02/01/2006",
		"en-ZA": "2006/01/02", "en-CA": "2006-01-02", "fr-CA": "2006-01-02", "fr-CH": "02.01.2006",
		"de-CH": "02.01.2006", "it-CH": "02.01.2006", "nl-BE": "02/01/2006", "en-SG": "02/01/2006",
		"en-UG": "02/01/2006", "en-TZ": "02/01/2006", "zh-TW": "2006/01/02", "zh-HK": "02/01/2006",
		"es-US": "01/02/2006", "en-001": "02/01/2006", "en-150": "02/01/2006",
	}
	// Twelve-hour clocks ("6:00 PM"); everyone else writes 18:00.
	twelveHours = map[string]bool{
		"en-US": true, "en": true, "en-CA": true, "en-AU": true, "en-NZ": true, "en-IN": true, "en-PH": true,
		"fil": true, "es-US": true, "ar": true, "hi": true, "bn": true, "ur": true, "ko": true,
	}
)

// dateLayouts returns the numeric date layout and the clock layout of l.
func dateLayouts(l currency.Locale) (date, clock string) {
	full := l.Language
	if l.Territory != "" {
		full += "-" + l.Territory
	}
	date = datesByRegion[full]
	if date == "" {
		date = datesByLanguage[l.Language]
	}
	if date == "" {
		date = isoDate
	}
	clock = "15:04"
	if twelveHours[full] || (l.Territory == "" || l.Territory == "US") && twelveHours[l.Language] {
		clock = "3:04 PM"
	}
	return date, clock
}
