package data

// CurrencyTotal is the face value of the matched cards in one currency.
type CurrencyTotal struct {
	Currency   string
	Cards      int64
	Face       int64 // minor units, all matched cards
	Unredeemed int64 // minor units, matched cards not activated yet
}

// Summary counts the cards a filter matches and totals their face value.
type Summary struct {
	Cards  int64
	Totals []CurrencyTotal // by currency code
}

// StatusTotal is the number and face value of the matched cards of one
// status in one currency.
type StatusTotal struct {
	Status   Status
	Currency string
	Cards    int64
	Face     int64 // minor units
}

// Cursor marks where a page ended, for keyset paging: the sort keys of the
// last row and its id. The zero Cursor starts at the beginning.
type Cursor struct {
	Keys []any
	ID   int64
}

// IsZero reports whether c is the start.
func (c Cursor) IsZero() bool { return c.ID == 0 && c.Keys == nil }
