package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

func TestGenerateSerialsContinueTheSeries(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	serialRE := regexp.MustCompile(`^[A-Z0-9]{1,10}-[0-9]{9}$`)
	next := map[string]int64{}
	check := func(p data.GenerateParams) data.Batch {
		t.Helper()
		b := mustGenerate(t, s, p)
		series := strings.ToUpper(p.Series)
		if b.Series != series || b.FirstNumber != next[series]+1 || b.Quantity != int64(p.Quantity) {
			t.Fatalf("batch %+v: want series %s from %d, %d cards", b, series, next[series]+1, p.Quantity)
		}
		cards := cardsWhere(allCards(t, s), func(c data.Card) bool { return c.BatchID == b.ID })
		if len(cards) != p.Quantity {
			t.Fatalf("batch %d has %d cards, want %d", b.ID, len(cards), p.Quantity)
		}
		seen := map[int64]bool{}
		for _, c := range cards {
			str := c.Serial.String()
			if !serialRE.MatchString(str) || str != fmt.Sprintf("%s-%09d", series, c.Serial.Number) {
				t.Errorf("serial %q is not SERIES-NNNNNNNNN", str)
			}
			if c.Serial.Series != series || c.Serial.Number < b.FirstNumber || c.Serial.Number > b.LastSerial().Number || seen[c.Serial.Number] {
				t.Errorf("serial %s outside %s..%s or repeated", c.Serial, b.FirstSerial(), b.LastSerial())
			}
			seen[c.Serial.Number] = true
		}
		next[series] = b.LastSerial().Number
		clk.advance(time.Second)
		return b
	}
	check(data.GenerateParams{Amount: 800, Quantity: 5, Series: "3"})
	check(data.GenerateParams{Amount: 800, Quantity: 7, Series: "3"})
	check(data.GenerateParams{Amount: 800, Quantity: 2, Series: "X1"})
	b := check(data.GenerateParams{Amount: 800, Quantity: 4, Series: "3"})
	check(data.GenerateParams{Amount: 800, Quantity: 3, Series: "x1"}) // lower case is the same series
	// Deleting the newest cards of a series does not give their numbers
	// away again: a printed stack stays one range.
	if _, err := s.Delete(ctx, data.Filter{Batch: b.ID}); err != nil {
		t.Fatal(err)
	}
	check(data.GenerateParams{Amount: 800, Quantity: 3, Series: "3"})
	if _, err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	check(data.GenerateParams{Amount: 800, Quantity: 1, Series: "3"})
	check(data.GenerateParams{Amount: 800, Quantity: 2, Series: "X1"})
	check(data.GenerateParams{Amount: 800, Quantity: 1, Series: "ABCDEFGHIJ"})
}

func TestGenerateRecordsTheBatch(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	exp := t0.Add(48 * time.Hour)
	p := data.GenerateParams{Amount: 1234, Currency: "eur", Quantity: 9, Series: "q7", PINLength: 14,
		CheckDigit: true, Reseller: "acme corp", ExpiresAt: exp}
	b := mustGenerate(t, s, p)
	batches, err := s.Batches(ctx)
	if err != nil || len(batches) != 1 {
		t.Fatalf("batches %v, %v", batches, err)
	}
	got := batches[0]
	if got.ID != b.ID || got.Series != "Q7" || got.FirstNumber != 1 || got.Quantity != 9 ||
		got.Amount != (data.Money{Minor: 1234, Currency: "EUR"}) || got.PINLength != 14 || !got.CheckDigit ||
		!got.ExpiresAt.Equal(exp) || !got.CreatedAt.Equal(t0) {
		t.Errorf("stored batch %+v, generated with %+v", got, p)
	}
	for _, c := range allCards(t, s) {
		if c.Amount != got.Amount || c.Reseller != "Acme Corp" || c.BatchID != b.ID || !c.ExpiresAt.Equal(exp) ||
			!c.CreatedAt.Equal(t0) || !c.ActivatedAt.IsZero() || c.ActivatedBy != "" || c.Blocked {
			t.Errorf("card %+v does not carry the batch's parameters", c)
		}
	}
	// The defaults: USD, 12-digit PINs, no check digit, no expiry.
	d := mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "D"})
	if d.Amount.Currency != data.DefaultCurrency || d.PINLength != data.DefaultPINLength || d.CheckDigit || !d.ExpiresAt.IsZero() {
		t.Errorf("defaults: %+v", d)
	}
}

func TestGeneratePINs(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	lengths := []struct {
		length int
		check  bool
		n      int
	}{{5, false, 50}, {5, true, 20}, {12, false, 300}, {12, true, 300}, {13, true, 100}, {20, false, 100}, {20, true, 100}}
	for i, l := range lengths {
		mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: l.n, Series: fmt.Sprintf("P%d", i),
			PINLength: l.length, CheckDigit: l.check})
	}
	batches, err := s.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byBatch := map[int64]data.Batch{}
	for _, b := range batches {
		byBatch[b.ID] = b
	}
	seen := map[string]bool{}
	validWithout := 0
	all := allCards(t, s)
	for _, c := range all {
		b := byBatch[c.BatchID]
		if len(c.PIN) != b.PINLength {
			t.Errorf("PIN %q of batch %d: %d digits, want %d", c.PIN, b.ID, len(c.PIN), b.PINLength)
		}
		for _, r := range c.PIN {
			if r < '0' || r > '9' {
				t.Errorf("PIN %q has a non-digit", c.PIN)
			}
		}
		if seen[c.PIN] {
			t.Errorf("PIN %q used twice", c.PIN)
		}
		seen[c.PIN] = true
		if b.CheckDigit && !data.LuhnValid(c.PIN) {
			t.Errorf("PIN %q of a check-digit batch fails the Luhn check", c.PIN)
		}
		if !b.CheckDigit && b.PINLength == 12 && data.LuhnValid(c.PIN) {
			validWithout++
		}
	}
	// Without a check digit about one PIN in ten passes the Luhn check by
	// chance; all of them passing would mean the flag is ignored.
	if validWithout > 100 {
		t.Errorf("%d of 300 PINs without check digit pass the Luhn check", validWithout)
	}
	// The database itself refuses a second card with the same PIN.
	_, err = s.DB().Exec(`INSERT INTO cards (series, number, pin, amount, currency, batch_id, created_at)
		VALUES ('ZZ', 1, ?, 100, 'USD', ?, 0)`, all[0].PIN, all[0].BatchID)
	if err == nil {
		t.Error("the database accepted a duplicate PIN")
	}
}

// chi2SF is the survival function of the chi-square distribution with k
// degrees of freedom (the regularized upper incomplete gamma Q(k/2, x/2)).
func chi2SF(x float64, k int) float64 {
	a, z := float64(k)/2, x/2
	// Series for the lower regularized gamma P(a, z).
	term := 1 / a
	sum := term
	for n := 1; n < 10000 && term > sum*1e-17; n++ {
		term *= z / (a + float64(n))
		sum += term
	}
	lg, _ := math.Lgamma(a)
	return 1 - math.Exp(-z+a*math.Log(z)-lg)*sum
}

func TestChi2SF(t *testing.T) {
	// Known values: the median of chi-square with 2 degrees of freedom is
	// 2 ln 2, and its survival function is exp(-x/2).
	for _, x := range []float64{0.5, 2 * math.Ln2, 10, 30} {
		if got, want := chi2SF(x, 2), math.Exp(-x/2); math.Abs(got-want) > 1e-12 {
			t.Errorf("chi2SF(%g, 2) = %g, want %g", x, got, want)
		}
	}
	// 21.666 is the 1% critical value for 9 degrees of freedom.
	if got := chi2SF(21.666, 9); math.Abs(got-0.01) > 1e-4 {
		t.Errorf("chi2SF(21.666, 9) = %g, want 0.01", got)
	}
}

// TestPINDigitsUniform generates 20,000 12-digit PINs and tests with a
// chi-square test that each digit occurs equally often, overall and at
// every position (modulo bias or a skipped leading zero would show). The
// thresholds are p < 1e-7 per test: a correct generator fails this about
// once in a million runs.
func TestPINDigitsUniform(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const cards, length = 20_000, 12
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: cards, Series: "U", PINLength: length})
	var overall [10]float64
	var perPos [length][10]float64
	rows, err := s.DB().Query("SELECT pin FROM cards")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var pin string
		if err := rows.Scan(&pin); err != nil {
			t.Fatal(err)
		}
		for i := range length {
			d := pin[i] - '0'
			overall[d]++
			perPos[i][d]++
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != cards {
		t.Fatalf("%d PINs, want %d", n, cards)
	}
	chi2 := func(counts [10]float64, total float64) float64 {
		exp := total / 10
		var x float64
		for _, c := range counts {
			x += (c - exp) * (c - exp) / exp
		}
		return x
	}
	const pMin = 1e-7
	if x := chi2(overall, cards*length); chi2SF(x, 9) < pMin {
		t.Errorf("digits overall %v: chi-square %.1f, p = %.2g", overall, x, chi2SF(x, 9))
	}
	for i, counts := range perPos {
		if x := chi2(counts, cards); chi2SF(x, 9) < pMin {
			t.Errorf("digits at position %d %v: chi-square %.1f, p = %.2g", i+1, counts, x, chi2SF(x, 9))
		}
	}
}

func TestGenerateBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	mustAddReseller(t, s, "Acme Corp")
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "1"})
	ok := data.GenerateParams{Amount: 800, Quantity: 2, Series: "1", Reseller: "Acme Corp", ExpiresAt: t0.Add(time.Hour)}
	cases := []struct {
		name string
		edit func(p *data.GenerateParams)
		want error
	}{
		{"amount 0", func(p *data.GenerateParams) { p.Amount = 0 }, data.ErrInvalid},
		{"amount negative", func(p *data.GenerateParams) { p.Amount = -100 }, data.ErrInvalid},
		{"amount above 1,000,000.00", func(p *data.GenerateParams) { p.Amount = 100_000_001 }, data.ErrInvalid},
		{"quantity 0", func(p *data.GenerateParams) { p.Quantity = 0 }, data.ErrInvalid},
		{"quantity 1,000,001", func(p *data.GenerateParams) { p.Quantity = 1_000_001 }, data.ErrInvalid},
		{"series empty", func(p *data.GenerateParams) { p.Series = " " }, data.ErrInvalid},
		{"series with a dash", func(p *data.GenerateParams) { p.Series = "A-1" }, data.ErrInvalid},
		{"series with a space", func(p *data.GenerateParams) { p.Series = "A 1" }, data.ErrInvalid},
		{"series non-ASCII", func(p *data.GenerateParams) { p.Series = "Ž1" }, data.ErrInvalid},
		{"series 11 characters", func(p *data.GenerateParams) { p.Series = "ABCDEFGHIJK" }, data.ErrInvalid},
		{"PIN length 4", func(p *data.GenerateParams) { p.PINLength = 4 }, data.ErrInvalid},
		{"PIN length 21", func(p *data.GenerateParams) { p.PINLength = 21 }, data.ErrInvalid},
		{"expiry in the past", func(p *data.GenerateParams) { p.ExpiresAt = t0.Add(-time.Second) }, data.ErrInvalid},
		{"expiry now", func(p *data.GenerateParams) { p.ExpiresAt = t0 }, data.ErrInvalid},
		{"unknown reseller", func(p *data.GenerateParams) { p.Reseller = "Nobody" }, data.ErrNotFound},
		{"unknown currency", func(p *data.GenerateParams) { p.Currency = "XYZ" }, data.ErrInvalid},
		{"currency not a code", func(p *data.GenerateParams) { p.Currency = "dollars" }, data.ErrInvalid},
	}
	// The valid parameters are accepted by the planner; each case breaks
	// exactly one thing.
	if _, err := s.PlanBatch(ctx, ok); err != nil {
		t.Fatalf("plan of valid parameters: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk.set(t0)
			p := ok
			c.edit(&p)
			before := stateOf(t, s)
			_, err := s.PlanBatch(ctx, p)
			wantErr(t, err, c.want, "plan")
			progressed := false
			_, err = s.Generate(ctx, p, func(done, total int) { progressed = true })
			wantErr(t, err, c.want, "generate")
			if progressed {
				t.Error("progress reported for a refused batch")
			}
			if err != nil && strings.TrimSpace(err.Error()) == "" {
				t.Error("empty error message")
			}
			assertUnchanged(t, s, before)
		})
	}
}

func TestGenerateGuessabilityGuard(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	// 1,001 cards fill 1.001% of the 100,000 five-digit PINs.
	before := stateOf(t, s)
	p := data.GenerateParams{Amount: 100, Quantity: 1001, Series: "G", PINLength: 5}
	pl, err := s.PlanBatch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Refusal == "" || !strings.Contains(pl.Refusal, "longer") {
		t.Errorf("plan of 1,001 five-digit PINs: refusal %q; want one that suggests a longer PIN", pl.Refusal)
	}
	_, err = s.Generate(ctx, p, nil)
	wantErr(t, err, data.ErrGuessable, "generate 1,001 five-digit PINs")
	assertUnchanged(t, s, before)

	// 1,000 is exactly 1%: allowed, but the odds (1 in 100) get a warning.
	p.Quantity = 1000
	pl, err = s.PlanBatch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Refusal != "" || pl.Warning == "" || pl.Space != 1e5 || pl.Odds != 1000/1e5 {
		t.Errorf("plan of 1,000 five-digit PINs: %+v; want a warning, no refusal", pl)
	}

	// Cards already made count: 600 now, then 401 more would pass 1%.
	p.Quantity = 600
	mustGenerate(t, s, p)
	p.Quantity = 401
	before = stateOf(t, s)
	_, err = s.Generate(ctx, p, nil)
	wantErr(t, err, data.ErrGuessable, "generate 401 more five-digit PINs after 600")
	assertUnchanged(t, s, before)
	p.Quantity = 400
	pl, err = s.PlanBatch(ctx, p)
	if err != nil || pl.Refusal != "" || pl.Used != 600 || pl.Live != 600 {
		t.Errorf("plan of 400 more: %+v, %v; want allowed with 600 used and live", pl, err)
	}

	// With a check digit only four digits are random: 101 cards fill more
	// than 1% of 10,000.
	_, err = s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 101, Series: "H", PINLength: 5, CheckDigit: true}, nil)
	wantErr(t, err, data.ErrGuessable, "generate 101 five-digit PINs with check digit")

	// 12-digit PINs: odds far better than one in a million, no warning.
	pl, err = s.PlanBatch(ctx, data.GenerateParams{Amount: 100, Quantity: 1000, Series: "I"})
	if err != nil || pl.Warning != "" || pl.Refusal != "" {
		t.Errorf("plan of 1,000 twelve-digit PINs: %+v, %v", pl, err)
	}
	// Just worse than one in a million: 1,001 cards of 9 digits.
	pl, err = s.PlanBatch(ctx, data.GenerateParams{Amount: 100, Quantity: 1001, Series: "I", PINLength: 9})
	if err != nil || pl.Warning == "" || pl.Refusal != "" {
		t.Errorf("plan of 1,001 nine-digit PINs: %+v, %v; want a warning", pl, err)
	}
	pl, err = s.PlanBatch(ctx, data.GenerateParams{Amount: 100, Quantity: 1000, Series: "I", PINLength: 9})
	if err != nil || pl.Warning != "" {
		t.Errorf("plan of 1,000 nine-digit PINs (odds exactly 1e-6): %+v, %v; want no warning", pl, err)
	}
}

func TestGenerateCancelledLeavesNothing(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 5, Series: "C"})
	for _, at := range []int{0, 1000, 4000, 5000} {
		t.Run(fmt.Sprintf("cancel at %d", at), func(t *testing.T) {
			before := stateOf(t, s)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 5000, Series: "C"}, func(done, total int) {
				if done >= at {
					cancel()
				}
			})
			wantErr(t, err, context.Canceled, "generate cancelled")
			assertUnchanged(t, s, before)
		})
	}
	// The store is still usable and the series continues where it was.
	b := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 2, Series: "C"})
	if b.FirstNumber != 6 {
		t.Errorf("after cancelled batches the series continues at %d, want 6", b.FirstNumber)
	}
}

func TestGenerateReportsProgress(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	for _, q := range []int{1, 999, 2500} {
		var calls [][2]int
		mustGenerateProgress(t, s, data.GenerateParams{Amount: 100, Quantity: q, Series: "R"}, func(done, total int) {
			calls = append(calls, [2]int{done, total})
		})
		if len(calls) == 0 {
			t.Fatalf("quantity %d: no progress reported", q)
		}
		for i, c := range calls {
			if c[1] != q || c[0] < 0 || c[0] > q || i > 0 && c[0] < calls[i-1][0] {
				t.Errorf("quantity %d: progress %v", q, calls)
				break
			}
		}
		if last := calls[len(calls)-1]; last != [2]int{q, q} {
			t.Errorf("quantity %d: last progress %v, want %d of %d", q, last, q, q)
		}
	}
}

func mustGenerateProgress(t *testing.T, s *sqlite.Store, p data.GenerateParams, progress data.Progress) data.Batch {
	t.Helper()
	b, err := s.Generate(context.Background(), p, progress)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return b
}

func TestGenerateExpiryMustBeFutureOnTheStoreClock(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	exp := t0.Add(time.Hour)
	clk.set(exp.Add(time.Second))
	_, err := s.Generate(context.Background(), data.GenerateParams{Amount: 1, Quantity: 1, Series: "T", ExpiresAt: exp}, nil)
	if !errors.Is(err, data.ErrInvalid) {
		t.Errorf("expiry an hour ago on the store's clock: %v", err)
	}
	clk.set(exp.Add(-time.Second))
	mustGenerate(t, s, data.GenerateParams{Amount: 1, Quantity: 1, Series: "T", ExpiresAt: exp})
}

func TestGenerateRefusesToOverflowTheSeries(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	// A series whose numbers reach 999,999,994 (made directly: generating
	// that many cards would take too long for a test).
	if _, err := s.DB().Exec(`INSERT INTO batches (series, first_number, quantity, amount, currency, pin_length, created_at)
		VALUES ('F', 999999990, 5, 100, 'USD', 12, 0)`); err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, s)
	_, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 6, Series: "F"}, nil)
	wantErr(t, err, data.ErrInvalid, "generate past serial 999999999")
	assertUnchanged(t, s, before)
	b := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 5, Series: "F"})
	if b.LastSerial().Number != data.MaxSerialNumber || b.LastSerial().String() != "F-999999999" {
		t.Errorf("last serial %s, want F-999999999", b.LastSerial())
	}
}

// TestGenerateNeverShort fills the allowed 1% of the five-digit PINs: about
// five draws collide with a PIN already taken and must be drawn again, and
// the batch still has every card, each with its own PIN.
func TestGenerateNeverShort(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	b := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 1000, Series: "S", PINLength: 5})
	var n, distinct, minNum, maxNum int64
	if err := s.DB().QueryRow("SELECT count(*), count(DISTINCT pin), min(number), max(number) FROM cards WHERE batch_id = ?",
		b.ID).Scan(&n, &distinct, &minNum, &maxNum); err != nil {
		t.Fatal(err)
	}
	if n != 1000 || distinct != 1000 || minNum != 1 || maxNum != 1000 {
		t.Errorf("batch of 1,000: %d cards, %d PINs, serials %d..%d", n, distinct, minNum, maxNum)
	}
}
