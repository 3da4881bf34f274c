package data

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// oddRune reports whether r must not be part of a name a person types:
// control characters (ESC, BEL, BS, DEL, ...), which a terminal acts on,
// and the bidirectional overrides and isolates, which make text read
// differently from what it holds.
func oddRune(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 ||
		r == 0x200E || r == 0x200F || r == 0xFEFF || r == utf8.RuneError
}

// CheckText refuses text with control characters or invalid UTF-8 in it;
// what names the field for the message ("reseller name").
func CheckText(what, text string) error {
	if !utf8.ValidString(text) {
		return errf(ErrInvalid, "%s is not valid UTF-8 text; type it again", what)
	}
	for _, r := range text {
		if oddRune(r) {
			return errf(ErrInvalid, "%s %s holds a control character (%U); type it again without it", what, Quote(text), r)
		}
	}
	return nil
}

// MaxQuoted is how much of a person's input a message repeats.
const MaxQuoted = 80

// Quote is s as a message repeats it: quoted, control characters escaped,
// cut to MaxQuoted characters.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > MaxQuoted {
		s = string([]rune(s)[:MaxQuoted]) + "…"
	}
	return strconv.Quote(s)
}

// Printable is s with every control character and bidirectional override
// written as an escape (\x1b, \u202e), for showing stored text that an
// older version let in on a terminal or a screen.
func Printable(s string) string {
	if !strings.ContainsFunc(s, oddRune) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		case oddRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case oddRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
