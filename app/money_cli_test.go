package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIMoneyIsPlain: the command line takes and writes amounts plainly,
// with each currency's own decimals and no grouping, and dates as ISO,
// whatever the locale of the environment.
func TestCLIMoneyIsPlain(t *testing.T) {
	t.Setenv("LANG", "de_DE.UTF-8")
	t.Setenv("LC_ALL", "de_DE.UTF-8")
	c := newCLI(t)
	out := c.ok("generate", "--amount", "5000", "--currency", "XOF", "--quantity", "3", "--series", "X", "--expiry", "2099-01-31 18:00")
	if !strings.HasPrefix(out, "Generated batch 1: 3 cards of 5000 XOF, serials X-000000001 to X-000000003, total 15000 XOF.") {
		t.Errorf("generate XOF said %q", out)
	}
	out = c.ok("generate", "--amount", "0.500", "--currency", "kwd", "--quantity", "2", "--series", "K")
	if !strings.HasPrefix(out, "Generated batch 2: 2 cards of 0.500 KWD, serials K-000000001 to K-000000002, total 1.000 KWD.") {
		t.Errorf("generate KWD said %q", out)
	}
	c.ok("generate", "--amount", "1,234.50", "--currency", "EUR", "--quantity", "1", "--series", "E")
	c.ok("generate", "--amount", "500", "--currency", "JPY", "--quantity", "1", "--series", "J")
	want := map[string][2]string{ // serial: amount, amount_minor as CSV says
		"X-000000001": {"5000", "5000"}, "K-000000001": {"0.500", "500"}, "E-000000001": {"1234.50", "123450"}, "J-000000001": {"500", "500"},
	}
	for _, r := range c.list() {
		if w, ok := want[r["serial"]]; ok && r["amount"] != w[0] {
			t.Errorf("CSV %s: amount %q, want %q", r["serial"], r["amount"], w[0])
		}
	}
	table := c.ok("list")
	for _, w := range []string{"5000 XOF", "0.500 KWD", "1234.50 EUR", "500 JPY", "2099-01-31 18:00:00 ",
		"15000 XOF face value", "1.000 KWD face value"} {
		if !strings.Contains(table, w) {
			t.Errorf("list does not show %q:\n%s", w, table)
		}
	}
	js := c.ok("list", "--format", "json", "--serial-from", "K-1", "--serial-to", "K-1")
	if !strings.Contains(js, `"amount":"0.500"`) || !strings.Contains(js, `"amount_minor":500`) {
		t.Errorf("json %s", js)
	}
	// One search bound for every currency: 0.5 finds the KWD cards, 500
	// the JPY card, and 5000 the XOF cards.
	for bound, n := range map[string]int{"0.5": 2, "500": 1, "5000": 3, "1234.5": 1} {
		if rows := c.list("--amount-from", bound, "--amount-to", bound); len(rows) != n {
			t.Errorf("--amount-from/to %s: %d cards, want %d", bound, len(rows), n)
		}
	}
}

// TestCLIExportLocale: voucher sheets from the command line are plain
// unless --locale names one; a CSV takes no locale.
func TestCLIExportLocale(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext not found; install poppler-utils")
		}
		t.Skip("pdftotext not found; install poppler-utils")
	}
	c := newCLI(t)
	c.ok("generate", "--amount", "5000", "--currency", "XOF", "--quantity", "1", "--series", "X", "--expiry", "2099-01-31 18:00")
	c.ok("generate", "--amount", "0.5", "--currency", "KWD", "--quantity", "1", "--series", "K")
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"5000 XOF", "0.500 KWD", "Valid until 2099-01-31 18:00"}},
		{[]string{"--locale", "de-DE"}, []string{"5.000 XOF", "0,500 KWD", "Valid until 31.01.2099 18:00"}},
		{[]string{"--locale", "en-US"}, []string{"5,000 XOF", "0.500 KWD", "Valid until 01/31/2099 6:00 PM"}},
	} {
		out := filepath.Join(dir, strings.Join(append([]string{"v"}, tc.args...), "-")+".pdf")
		c.ok("export", append([]string{"--out", out}, tc.args...)...)
		text, err := exec.Command("pdftotext", "-layout", out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(text), w) {
				t.Errorf("export %v: the PDF does not show %q:\n%s", tc.args, w, text)
			}
		}
	}
	c.fails(ExitUsage, []string{"--locale", ".csv"}, "export", "--out", filepath.Join(dir, "c.csv"), "--locale", "de-DE")
}
