package data

import (
	"strings"
	"time"
)

// Date layouts people type.
const (
	DateLayout     = "2006-01-02"
	DateTimeLayout = "2006-01-02T15:04"
)

// ParseDate reads "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (a space may stand for
// the T) in loc. A bare date means the start of that day, or with endOfDay
// its last second (an expiry date "2027-01-31" is valid all that day).
func ParseDate(s string, endOfDay bool, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if loc == nil {
		loc = time.Local
	}
	if d, err := time.ParseInLocation(DateLayout, t, loc); err == nil {
		if endOfDay {
			return d.AddDate(0, 0, 1).Add(-time.Second), nil
		}
		return d, nil
	}
	if d, err := time.ParseInLocation(DateTimeLayout, strings.Replace(t, " ", "T", 1), loc); err == nil {
		return d, nil
	}
	return time.Time{}, errf(ErrInvalid, "date %q: write it as YYYY-MM-DD (2027-01-31) or YYYY-MM-DDTHH:MM (2027-01-31T18:00)", s)
}

// FormatTime writes a time as the seed's table does, in local time with the
// offset: "05/11/2018 15:08:17 +0000".
func FormatTime(t time.Time) string { return t.Local().Format("01/02/2006 15:04:05 -0700") }

// FormatDay writes a date as the seed's Activated column does: "05/03/2018".
func FormatDay(t time.Time) string { return t.Local().Format("01/02/2006") }
