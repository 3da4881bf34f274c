package export

import (
	"context"
	"testing"

	"topupcards/data"
)

func TestVoidLook(t *testing.T) {
	s := voidFixture(t)
	ctx := context.Background()
	s.AddReseller(ctx, "Ольга Žofia Łódź Telecom")
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 100000, Quantity: 40, Series: "LONGSERIES", Reseller: "Ольга Žofia Łódź Telecom", PINLength: 16}, nil); err != nil {
		t.Fatal(err)
	}
	cards := allCards(t, s, data.Filter{Batch: 3})
	s.Redeem(ctx, cards[0].PIN, "A client with a rather long name, Ltd.")
	if _, err := Export(ctx, s, data.Filter{Batch: 1}, "/tmp/look/first.xlsx", Options{IncludeVoid: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(ctx, s, data.Filter{}, "/tmp/look/all.xlsx", Options{IncludeVoid: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Export(ctx, s, data.Filter{}, "/tmp/look/six.xlsx", Options{IncludeVoid: true, Across: 6, Paper: PaperLetter}); err != nil {
		t.Fatal(err)
	}
}
