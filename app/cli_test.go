package app

// Tests of the command line as a new user would use it: every command on a
// real SQLite file in t.TempDir(), asserting on what it prints, its exit
// status, and what the file holds afterwards (read back through the command
// line itself).

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
	"topupcards/export"
)

// csvHeader is the header `list --format csv` writes, as the issue fixes it.
const csvHeader = "status,serial,amount,currency,pin,reseller,expires_at,activated_by,activated_at,created_at,batch"

// cliResult is what one run of the command line did.
type cliResult struct {
	code   int
	stdout string
	stderr string
}

// runArgs runs the command line with args exactly as given.
func runArgs(t *testing.T, args ...string) cliResult {
	t.Helper()
	return runCLI(&CLI{}, args...)
}

func runCLI(c *CLI, args ...string) cliResult {
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	code := c.Run(args)
	return cliResult{code, out.String(), errb.String()}
}

// cli is the command line over one database file.
type cli struct {
	t  *testing.T
	db string
}

// newCLI returns a command line over a new database file in t.TempDir().
// Dates are shown and read in UTC unless a test sets another zone.
func newCLI(t *testing.T) *cli {
	t.Helper()
	inZone(t, time.UTC)
	return &cli{t: t, db: filepath.Join(t.TempDir(), "cards.db")}
}

// inZone makes loc the local time zone for the rest of the test.
func inZone(t *testing.T, loc *time.Location) {
	t.Helper()
	old := time.Local
	time.Local = loc
	t.Cleanup(func() { time.Local = old })
}

// run runs `topupcards CMD --db DB ARGS...`.
func (c *cli) run(cmd string, args ...string) cliResult {
	c.t.Helper()
	return runArgs(c.t, append([]string{cmd, "--db", c.db}, args...)...)
}

// ok runs a command that must succeed and returns what it printed.
func (c *cli) ok(cmd string, args ...string) string {
	c.t.Helper()
	r := c.run(cmd, args...)
	if r.code != ExitOK {
		c.t.Fatalf("topupcards %s %s: exit %d, stderr %q", cmd, strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// fails runs a command that must exit with code and print a one-line reason
// on stderr containing every one of want; it returns that line.
func (c *cli) fails(code int, want []string, cmd string, args ...string) string {
	c.t.Helper()
	r := c.run(cmd, args...)
	checkFailure(c.t, r, code, want, cmd+" "+strings.Join(args, " "))
	return r.stderr
}

func checkFailure(t *testing.T, r cliResult, code int, want []string, what string) {
	t.Helper()
	if r.code != code {
		t.Errorf("topupcards %s: exit %d, want %d (stdout %q, stderr %q)", what, r.code, code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "topupcards: ") || !strings.HasSuffix(r.stderr, "\n") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("topupcards %s: stderr is not one line \"topupcards: reason\": %q", what, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(strings.ToLower(r.stderr), strings.ToLower(w)) {
			t.Errorf("topupcards %s: stderr %q does not say %q", what, r.stderr, w)
		}
	}
}

// csvRow is one card of `list --format csv`, by column name.
type csvRow map[string]string

// list runs `list --format csv ARGS...` and returns the rows in order.
func (c *cli) list(args ...string) []csvRow {
	c.t.Helper()
	out := c.ok("list", append([]string{"--format", "csv"}, args...)...)
	return parseCSV(c.t, out)
}

func parseCSV(t *testing.T, out string) []csvRow {
	t.Helper()
	if first, _, _ := strings.Cut(out, "\n"); strings.TrimSuffix(first, "\r") != csvHeader {
		t.Fatalf("csv header is %q, want %q", first, csvHeader)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("list --format csv is not CSV: %v\n%s", err, out)
	}
	var rows []csvRow
	for _, rec := range recs[1:] {
		r := csvRow{}
		for i, name := range recs[0] {
			r[name] = rec[i]
		}
		rows = append(rows, r)
	}
	return rows
}

// serials lists the serials of rows in order.
func serials(rows []csvRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r["serial"]
	}
	return out
}

// bySerial finds the row of a serial.
func bySerial(t *testing.T, rows []csvRow, serial string) csvRow {
	t.Helper()
	for _, r := range rows {
		if r["serial"] == serial {
			return r
		}
	}
	t.Fatalf("no card %s among %v", serial, serials(rows))
	return nil
}

// state is everything the command line can show of the database; a usage
// error must leave it as it was.
func (c *cli) state() string {
	c.t.Helper()
	return c.ok("list", "--format", "csv") + c.ok("resellers") + c.ok("history", "--limit", "1000") + c.ok("backups")
}

// sample fills the database with 12 cards of every kind, all through the
// command line:
//
//	batch 1: 3-000000001..5, 8.00 USD, "Reseller 1", expires 2099-01-31
//	batch 2: AB-000000001..4, 25.50 EUR, "reseller two", 16-digit PINs with check digit
//	batch 3: 3-000000006..8, 100.00 USD, no reseller, expires 2098-06-30 12:00
//
// 3-1 is redeemed by "Rose Orig", 3-2 by "Jürgen Öztürk", AB-1 by "ali";
// 3-3 is blocked and 3-4 expired (its expiry set to 2020-01-01). It returns
// the PIN of every serial.
func (c *cli) sample() map[string]string {
	c.t.Helper()
	c.ok("resellers", "add", "Reseller 1")
	c.ok("resellers", "add", "reseller two")
	c.ok("generate", "--amount", "8.00", "--quantity", "5", "--series", "3", "--reseller", "Reseller 1", "--expiry", "2099-01-31")
	c.ok("generate", "--amount", "25.50", "--quantity", "4", "--series", "AB", "--currency", "EUR",
		"--reseller", "reseller two", "--pin-length", "16", "--check-digit")
	c.ok("generate", "--amount", "100", "--quantity", "3", "--series", "3", "--expiry", "2098-06-30T12:00")
	pins := map[string]string{}
	for _, r := range c.list() {
		pins[r["serial"]] = r["pin"]
	}
	c.ok("redeem", "--pin", pins["3-000000001"], "--client", "Rose Orig")
	c.ok("redeem", "--pin", pins["3-000000002"], "--client", "Jürgen Öztürk")
	c.ok("redeem", "--pin", pins["AB-000000001"], "--client", "ali")
	c.ok("edit", "--serial-from", "3-000000003", "--serial-to", "3-000000003", "--block")
	c.ok("edit", "--serial-from", "3-000000004", "--serial-to", "3-000000004", "--expiry", "2020-01-01")
	return pins
}

// create makes an empty card database (commands that only read refuse a
// missing one).
func (c *cli) create() {
	c.t.Helper()
	s, err := sqlite.Open(context.Background(), c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	s.Close()
}

func TestResellers(t *testing.T) {
	c := newCLI(t)
	c.create()
	if out := c.ok("resellers"); !strings.Contains(out, "No resellers yet") {
		t.Errorf("resellers on a new database: %q", out)
	}
	if out := c.ok("resellers", "add", "Reseller 1"); out != "Added reseller \"Reseller 1\".\n" {
		t.Errorf("resellers add: %q", out)
	}
	c.ok("resellers", "add", "  Corner   Shop ")
	c.fails(ExitRefused, []string{"exists already"}, "resellers", "add", "reseller 1")
	c.ok("generate", "--amount", "8", "--quantity", "3", "--series", "1", "--reseller", "Reseller 1")

	out := c.ok("resellers", "list")
	want := regexp.MustCompile(`(?m)^Reseller\s+Cards\nCorner Shop\s+0\nReseller 1\s+3\n$`)
	if !want.MatchString(out) {
		t.Errorf("resellers list:\n%s", out)
	}

	if out := c.ok("resellers", "rename", "Reseller 1", "Main Dealer"); !strings.Contains(out, `"Main Dealer"`) {
		t.Errorf("resellers rename: %q", out)
	}
	for _, r := range c.list() {
		if r["reseller"] != "Main Dealer" {
			t.Errorf("after rename, card %s belongs to %q", r["serial"], r["reseller"])
		}
	}
	c.fails(ExitRefused, []string{"exists already"}, "resellers", "rename", "Main Dealer", "corner shop")
	c.fails(ExitRefused, []string{"no reseller named"}, "resellers", "rename", "Nobody", "Somebody")

	c.fails(ExitRefused, []string{"still owns 3 cards"}, "resellers", "remove", "Main Dealer")
	if out := c.ok("resellers", "remove", "Corner Shop"); !strings.Contains(out, "Removed reseller") {
		t.Errorf("resellers remove: %q", out)
	}
	if out := c.ok("resellers"); strings.Contains(out, "Corner Shop") || !strings.Contains(out, "Main Dealer") {
		t.Errorf("after remove:\n%s", out)
	}
	c.fails(ExitRefused, []string{"no reseller named"}, "resellers", "remove", "Corner Shop")
}

func TestGenerate(t *testing.T) {
	c := newCLI(t)
	out := c.ok("generate", "--amount", "8.00", "--quantity", "100", "--series", "3")
	if !strings.HasPrefix(out, "Generated batch 1: 100 cards of 8.00 USD, serials 3-000000001 to 3-000000100, total 800.00 USD.\n") {
		t.Errorf("generate said %q", out)
	}
	if !strings.Contains(out, "Odds that one random PIN guess hits a live card: 1 in ") {
		t.Errorf("generate does not state the odds: %q", out)
	}
	rows := c.list()
	if len(rows) != 100 {
		t.Fatalf("%d cards, want 100", len(rows))
	}
	pins := map[string]bool{}
	for i, r := range rows {
		if want := "3-" + pad9(i+1); r["serial"] != want {
			t.Errorf("card %d has serial %s, want %s", i, r["serial"], want)
		}
		if !regexp.MustCompile(`^\d{12}$`).MatchString(r["pin"]) {
			t.Errorf("PIN %q is not 12 digits", r["pin"])
		}
		pins[r["pin"]] = true
		if r["amount"] != "8.00" || r["currency"] != "USD" || r["status"] != "new" || r["reseller"] != "" ||
			r["expires_at"] != "" || r["batch"] != "1" {
			t.Errorf("card %v", r)
		}
	}
	if len(pins) != 100 {
		t.Errorf("%d distinct PINs among 100 cards", len(pins))
	}

	t.Run("every option", func(t *testing.T) {
		c.ok("resellers", "add", "Reseller 1")
		out := c.ok("generate", "--amount", "1,250.5", "--quantity", "10", "--series", "3", "--currency", "eur",
			"--pin-length", "16", "--check-digit", "--reseller", "reseller 1", "--expiry", "2099-01-31")
		if !strings.HasPrefix(out, "Generated batch 2: 10 cards of 1250.50 EUR, serials 3-000000101 to 3-000000110, total 12505.00 EUR.") {
			t.Errorf("generate said %q", out)
		}
		rows := c.list("--batch", "2")
		if len(rows) != 10 {
			t.Fatalf("%d cards in batch 2", len(rows))
		}
		for _, r := range rows {
			if len(r["pin"]) != 16 || !data.LuhnValid(r["pin"]) {
				t.Errorf("PIN %q: want 16 digits ending in a Luhn check digit", r["pin"])
			}
			if r["amount"] != "1250.50" || r["currency"] != "EUR" || r["reseller"] != "Reseller 1" ||
				r["expires_at"] != "2099-01-31T23:59:59Z" {
				t.Errorf("card %v", r)
			}
		}
		out = c.ok("generate", "--amount", "5", "--quantity", "1", "--series", "x9", "--expiry", "2099-03-01T08:30")
		if !strings.Contains(out, "serials X9-000000001 to X9-000000001") {
			t.Errorf("generate said %q", out)
		}
		if r := c.list("--batch", "3"); len(r) != 1 || r[0]["expires_at"] != "2099-03-01T08:30:00Z" {
			t.Errorf("batch 3: %v", r)
		}
	})

	t.Run("expiry is the end of the day in local time", func(t *testing.T) {
		inZone(t, time.FixedZone("IST", 5*3600+1800))
		c.ok("generate", "--amount", "1", "--quantity", "1", "--series", "TZ", "--expiry", "2099-01-31")
		rows := c.list("--serial-from", "TZ", "--serial-to", "TZ")
		if len(rows) != 1 || rows[0]["expires_at"] != "2099-01-31T18:29:59Z" {
			t.Fatalf("expiry 2099-01-31 at +05:30 stored as %v, want 2099-01-31T18:29:59Z", rows)
		}
		table := c.ok("list", "--serial-from", "TZ", "--serial-to", "TZ")
		if !strings.Contains(table, "2099-01-31 23:59:59 +0530") {
			t.Errorf("table does not show the expiry in local time with the offset:\n%s", table)
		}
	})

	t.Run("warning", func(t *testing.T) {
		r := c.run("generate", "--amount", "1", "--quantity", "200", "--series", "W", "--pin-length", "8")
		if r.code != ExitOK || !strings.HasPrefix(r.stderr, "warning: a random 8-digit guess") {
			t.Errorf("exit %d, stderr %q: want a warning about the odds", r.code, r.stderr)
		}
	})

	t.Run("guessable batch refused", func(t *testing.T) {
		before := c.state()
		c.fails(ExitRefused, []string{"5-digit", "longer PIN"}, "generate", "--amount", "1", "--quantity", "1001", "--series", "G", "--pin-length", "5")
		if c.state() != before {
			t.Error("a refused generate changed the database")
		}
	})

	t.Run("unknown reseller refused", func(t *testing.T) {
		before := c.state()
		c.fails(ExitRefused, []string{"no reseller named \"nobody\""}, "generate", "--amount", "1", "--quantity", "1", "--series", "G", "--reseller", "Nobody")
		if c.state() != before {
			t.Error("a refused generate changed the database")
		}
	})

	t.Run("progress on a terminal", func(t *testing.T) {
		r := runCLI(&CLI{Terminal: true}, "generate", "--db", c.db, "--amount", "1", "--quantity", "10000", "--series", "P", "--pin-length", "14")
		if r.code != ExitOK || !strings.Contains(r.stderr, "generating: 100% (10000 of 10000 cards") {
			t.Errorf("exit %d, stderr %q: want progress", r.code, r.stderr)
		}
		r = runCLI(&CLI{}, "generate", "--db", c.db, "--amount", "1", "--quantity", "10000", "--series", "P", "--pin-length", "14")
		if r.code != ExitOK || r.stderr != "" {
			t.Errorf("not a terminal: exit %d, stderr %q: want no progress", r.code, r.stderr)
		}
	})
}

// parseNum reads an amount such as 8.00 as minor units, or a whole number.
func parseNum(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func pad9(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 9-len(s)) + s
}

func TestListFormats(t *testing.T) {
	c := newCLI(t)
	c.create()
	if rows := c.list(); len(rows) != 0 {
		t.Errorf("new database lists %d cards", len(rows))
	}
	if out := c.ok("list", "--format", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("json of no cards: %q", out)
	}
	pins := c.sample()
	start := time.Now().UTC().Add(-time.Minute)

	t.Run("csv", func(t *testing.T) {
		out := c.ok("list", "--format", "csv")
		if !strings.HasPrefix(out, csvHeader+"\r\n") && !strings.HasPrefix(out, csvHeader+"\n") {
			t.Errorf("csv starts %q", out[:min(len(out), 120)])
		}
		if strings.Join(export.ListHeader, ",") != csvHeader {
			t.Errorf("export.ListHeader is %v", export.ListHeader)
		}
		rows := parseCSV(t, out)
		if len(rows) != 12 {
			t.Fatalf("%d rows, want 12", len(rows))
		}
		r := bySerial(t, rows, "3-000000001")
		if r["status"] != "activated" || r["amount"] != "8.00" || r["currency"] != "USD" || r["pin"] != pins["3-000000001"] ||
			r["reseller"] != "Reseller 1" || r["expires_at"] != "2099-01-31T23:59:59Z" || r["activated_by"] != "Rose Orig" ||
			r["batch"] != "1" {
			t.Errorf("redeemed card: %v", r)
		}
		for _, col := range []string{"activated_at", "created_at"} {
			at, err := time.Parse(time.RFC3339, r[col])
			if err != nil || !strings.HasSuffix(r[col], "Z") || at.Before(start) || at.After(time.Now().Add(time.Minute)) {
				t.Errorf("%s = %q: want RFC 3339 in UTC, about now", col, r[col])
			}
		}
		r = bySerial(t, rows, "3-000000006")
		if r["status"] != "new" || r["amount"] != "100.00" || r["reseller"] != "" || r["activated_by"] != "" ||
			r["activated_at"] != "" || r["expires_at"] != "2098-06-30T12:00:00Z" || r["batch"] != "3" {
			t.Errorf("new card without reseller: %v", r)
		}
		if r := bySerial(t, rows, "AB-000000002"); r["amount"] != "25.50" || r["currency"] != "EUR" || r["expires_at"] != "" {
			t.Errorf("card without expiry: %v", r)
		}
		for serial, status := range map[string]string{"3-000000003": "blocked", "3-000000004": "expired", "AB-000000001": "activated"} {
			if got := bySerial(t, rows, serial)["status"]; got != status {
				t.Errorf("%s: status %s, want %s", serial, got, status)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		var cards []map[string]any
		if err := json.Unmarshal([]byte(c.ok("list", "--format", "json")), &cards); err != nil {
			t.Fatalf("list --format json: %v", err)
		}
		if len(cards) != 12 {
			t.Fatalf("%d cards", len(cards))
		}
		// Every card says in JSON what it says in CSV.
		rows := c.list()
		for i, card := range cards {
			for _, col := range strings.Split(csvHeader, ",") {
				got := card[col]
				if f, ok := got.(float64); ok {
					got = strconv.FormatFloat(f, 'f', -1, 64)
				}
				if got != rows[i][col] {
					t.Errorf("card %s: json %s is %v, csv says %q", rows[i]["serial"], col, card[col], rows[i][col])
				}
			}
			if card["amount_minor"] != float64(parseNum(t, rows[i]["amount"])) {
				t.Errorf("card %s: amount_minor %v, amount %s", rows[i]["serial"], card["amount_minor"], rows[i]["amount"])
			}
		}
		first := cards[0]
		if first["serial"] != "3-000000001" || first["amount"] != "8.00" || first["currency"] != "USD" ||
			first["pin"] != pins["3-000000001"] || first["status"] != "activated" || first["activated_by"] != "Rose Orig" ||
			first["expires_at"] != "2099-01-31T23:59:59Z" || first["reseller"] != "Reseller 1" || first["batch"] != 1.0 {
			t.Errorf("first card: %v", first)
		}
	})

	t.Run("table", func(t *testing.T) {
		out := c.ok("list")
		lines := strings.Split(out, "\n")
		if !regexp.MustCompile(`^Status\s+Serial Number\s+Amount\s+PIN Code\s+Reseller\s+Expiry Date\s+Activated\s+Created on\s+Batch$`).MatchString(lines[0]) {
			t.Errorf("table header %q", lines[0])
		}
		line := lineWith(t, out, "3-000000001")
		p := pins["3-000000001"]
		grouped := p[:4] + " " + p[4:8] + " " + p[8:]
		for _, want := range []string{"activated", "8.00 USD", grouped, "Reseller 1", "2099-01-31 23:59:59 +0000",
			"Rose Orig " + time.Now().UTC().Format("2006-01-02")} {
			if !strings.Contains(line, want) {
				t.Errorf("table row %q does not show %q", line, want)
			}
		}
		if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000\s+1$`).MatchString(line) {
			t.Errorf("table row %q: want the creation time like 2018-05-11 15:08:17 +0000 (ISO), then the batch", line)
		}
		ab := pins["AB-000000002"]
		if line := lineWith(t, out, "AB-000000002"); !strings.Contains(line, ab[:4]+" "+ab[4:8]+" "+ab[8:12]+" "+ab[12:]) ||
			!strings.Contains(line, "25.50 EUR") {
			t.Errorf("table row %q", line)
		}
		if line := lineWith(t, out, "3-000000006"); strings.Count(line, "—") != 2 {
			t.Errorf("a card without reseller and not activated shows — twice: %q", line)
		}
		if !strings.Contains(out, "12 cards match (all cards)") || !strings.Contains(out, "340.00 USD face value") {
			t.Errorf("table summary:\n%s", out)
		}
		if out := c.ok("list", "--format", "table", "--limit", "2"); !strings.Contains(out, "showing the first 2") {
			t.Errorf("table with --limit:\n%s", out)
		}
	})
}

// lineWith returns the one line of out that contains s.
func lineWith(t *testing.T, out, s string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	t.Fatalf("no line contains %q:\n%s", s, out)
	return ""
}

func TestListFilters(t *testing.T) {
	c := newCLI(t)
	pins := c.sample()
	today := time.Now().Format("2006-01-02")
	p5 := pins["3-000000005"]
	s3 := func(n ...int) []string {
		var out []string
		for _, i := range n {
			out = append(out, "3-"+pad9(i))
		}
		return out
	}
	ab := func(n ...int) []string {
		var out []string
		for _, i := range n {
			out = append(out, "AB-"+pad9(i))
		}
		return out
	}
	all := append(s3(1, 2, 3, 4, 5, 6, 7, 8), ab(1, 2, 3, 4)...)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, all},
		{[]string{"--serial-from", "3-000000002", "--serial-to", "3-000000004"}, s3(2, 3, 4)},
		{[]string{"--serial-from", "3-7"}, append(s3(7, 8), ab(1, 2, 3, 4)...)},
		{[]string{"--serial-to", "AB-000000001"}, append(s3(1, 2, 3, 4, 5, 6, 7, 8), ab(1)...)},
		{[]string{"--serial-from", "3", "--serial-to", "3"}, s3(1, 2, 3, 4, 5, 6, 7, 8)},
		{[]string{"--serial-from", "ab-2", "--serial-to", "ab"}, ab(2, 3, 4)},
		{[]string{"--pin", p5}, s3(5)},
		{[]string{"--pin", p5[:4] + " " + p5[4:8] + " " + p5[8:]}, s3(5)},
		{[]string{"--pin", p5[:4] + "-" + p5[4:8] + "-" + p5[8:]}, s3(5)},
		{[]string{"--pin", "000000000000"}, nil},
		{[]string{"--status", "new"}, append(s3(5, 6, 7, 8), ab(2, 3, 4)...)},
		{[]string{"--status", "activated"}, append(s3(1, 2), ab(1)...)},
		{[]string{"--status", "expired"}, s3(4)},
		{[]string{"--status", "blocked"}, s3(3)},
		{[]string{"--status", "Blocked"}, s3(3)},
		{[]string{"--reseller", "Reseller 1"}, s3(1, 2, 3, 4, 5)},
		{[]string{"--reseller", "RESELLER TWO"}, ab(1, 2, 3, 4)},
		{[]string{"--reseller", "Nobody"}, nil},
		{[]string{"--amount-from", "10", "--amount-to", "30.00"}, ab(1, 2, 3, 4)},
		{[]string{"--amount-from", "25.50", "--amount-to", "25.50"}, ab(1, 2, 3, 4)},
		{[]string{"--amount-from", "100"}, s3(6, 7, 8)},
		{[]string{"--amount-to", "8"}, s3(1, 2, 3, 4, 5)},
		{[]string{"--expiry-from", "2099-01-01"}, s3(1, 2, 3, 5)},
		{[]string{"--expiry-to", "2098-12-31"}, s3(4, 6, 7, 8)},
		{[]string{"--expiry-from", "2098-06-30", "--expiry-to", "2098-06-30"}, s3(6, 7, 8)},
		{[]string{"--expiry-from", "2098-06-30T12:01"}, s3(1, 2, 3, 5)},
		{[]string{"--expiry-to", "2099-01-31"}, s3(1, 2, 3, 4, 5, 6, 7, 8)},
		{[]string{"--client", "rose"}, s3(1)},
		{[]string{"--client", "JÜRGEN"}, s3(2)},
		{[]string{"--client", "Ali"}, ab(1)},
		{[]string{"--client", "i"}, append(s3(1), ab(1)...)},
		{[]string{"--activated-from", today}, append(s3(1, 2), ab(1)...)},
		{[]string{"--activated-to", today}, append(s3(1, 2), ab(1)...)},
		{[]string{"--activated-from", "2000-01-01", "--activated-to", "2000-12-31"}, nil},
		{[]string{"--batch", "2"}, ab(1, 2, 3, 4)},
		{[]string{"--batch", "9"}, nil},
		{[]string{"--status", "new", "--reseller", "reseller 1"}, s3(5)},
		{[]string{"--status", "new", "--amount-from", "50", "--serial-to", "3-000000007"}, s3(6, 7)},
		{[]string{"--limit", "3"}, s3(1, 2, 3)},
		{[]string{"--status", "new", "--limit", "2"}, s3(5, 6)},
		{[]string{"--limit", "0"}, all},
	} {
		got := serials(c.list(tc.args...))
		if !slices.Equal(got, tc.want) {
			t.Errorf("list %s:\n got %v\nwant %v", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	// The table says which cards match, in words, and how many.
	out := c.ok("list", "--status", "new", "--reseller", "reseller 1")
	if !strings.Contains(out, `1 cards match (status new, reseller "reseller 1")`) {
		t.Errorf("table summary:\n%s", out)
	}
}

func TestListSort(t *testing.T) {
	c := newCLI(t)
	c.sample()
	c.ok("generate", "--amount", "0.99", "--quantity", "2", "--series", "Z")
	statusRank := map[string]int{"new": 0, "activated": 1, "expired": 2, "blocked": 3}
	number := func(s string) int64 { return parseNum(t, s) }
	when := func(s string) int64 {
		if s == "" {
			return 0
		}
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("not an RFC 3339 time: %q", s)
		}
		return at.Unix()
	}
	cmp := func(a, b int64) int {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	strCmp := func(a, b string) int { return strings.Compare(a, b) }
	compare := map[string]func(a, b csvRow) int{
		"status": func(a, b csvRow) int { return cmp(int64(statusRank[a["status"]]), int64(statusRank[b["status"]])) },
		"serial": func(a, b csvRow) int {
			as, an, _ := strings.Cut(a["serial"], "-")
			bs, bn, _ := strings.Cut(b["serial"], "-")
			if c := strCmp(as, bs); c != 0 {
				return c
			}
			return cmp(number(an), number(bn))
		},
		"amount":     func(a, b csvRow) int { return cmp(number(a["amount"]), number(b["amount"])) },
		"currency":   func(a, b csvRow) int { return strCmp(a["currency"], b["currency"]) },
		"pin":        func(a, b csvRow) int { return strCmp(a["pin"], b["pin"]) },
		"reseller":   func(a, b csvRow) int { return strCmp(strings.ToLower(a["reseller"]), strings.ToLower(b["reseller"])) },
		"expires_at": func(a, b csvRow) int { return cmp(when(a["expires_at"]), when(b["expires_at"])) },
		"activated_by": func(a, b csvRow) int {
			return strCmp(strings.ToLower(a["activated_by"]), strings.ToLower(b["activated_by"]))
		},
		"activated_at": func(a, b csvRow) int { return cmp(when(a["activated_at"]), when(b["activated_at"])) },
		"created_at":   func(a, b csvRow) int { return cmp(when(a["created_at"]), when(b["created_at"])) },
		"batch":        func(a, b csvRow) int { return cmp(number(a["batch"]), number(b["batch"])) },
	}
	for _, col := range strings.Split(csvHeader, ",") {
		less := compare[col]
		asc := c.list("--sort", col)
		if len(asc) != 14 {
			t.Fatalf("--sort %s: %d rows", col, len(asc))
		}
		for i := 1; i < len(asc); i++ {
			if less(asc[i-1], asc[i]) > 0 {
				t.Errorf("--sort %s: %s (%q) comes before %s (%q)", col, asc[i-1]["serial"], asc[i-1][col], asc[i]["serial"], asc[i][col])
			}
		}
		desc := c.list("--sort", col+":desc")
		rev := slices.Clone(serials(desc))
		slices.Reverse(rev)
		if !slices.Equal(rev, serials(asc)) {
			t.Errorf("--sort %s:desc is not the reverse of --sort %s:\n%v\n%v", col, col, serials(desc), serials(asc))
		}
		if col != "created_at" && less(asc[0], asc[len(asc)-1]) == 0 {
			t.Errorf("--sort %s: the sample should have different values in this column", col)
		}
		// Upper case and an explicit :asc mean the same.
		if got := serials(c.list("--sort", strings.ToUpper(col)+":asc")); !slices.Equal(got, serials(asc)) {
			t.Errorf("--sort %s:asc differs from --sort %s", strings.ToUpper(col), col)
		}
	}
	// The sort combines with a filter and the other formats.
	if got := serials(c.list("--status", "new", "--sort", "amount:desc", "--limit", "3")); !slices.Equal(got, []string{"3-000000008", "3-000000007", "3-000000006"}) {
		t.Errorf("new cards by amount, descending, first 3: %v", got)
	}
	table := c.ok("list", "--sort", "amount", "--limit", "1")
	if !strings.Contains(table, "Z-000000001") || !strings.Contains(table, "0.99 USD") {
		t.Errorf("table sorted by amount:\n%s", table)
	}
}

func TestRedeem(t *testing.T) {
	c := newCLI(t)
	pins := c.sample()

	p := pins["3-000000005"]
	out := c.ok("redeem", "--pin", p[:4]+" "+p[4:8]+"-"+p[8:], "--client", "  Mary   Ann ")
	if out != "Redeemed 8.00 USD on card 3-000000005 for Mary Ann.\n" {
		t.Errorf("redeem said %q", out)
	}
	r := c.list("--pin", p)[0]
	if r["status"] != "activated" || r["activated_by"] != "Mary Ann" || r["activated_at"] == "" {
		t.Errorf("after redeem: %v", r)
	}
	out = c.ok("redeem", "--pin", pins["AB-000000002"], "--client", "Zoë")
	if out != "Redeemed 25.50 EUR on card AB-000000002 for Zoë.\n" {
		t.Errorf("redeem said %q", out)
	}

	typo := pins["AB-000000003"]
	last := (typo[15]-'0'+1)%10 + '0'
	typo = typo[:15] + string(rune(last))
	for _, tc := range []struct {
		name, pin string
		want      []string
	}{
		{"already activated", pins["3-000000001"], []string{"3-000000001", "already activated by Rose Orig on " + time.Now().UTC().Format("2006-01-02")}},
		{"again", p, []string{"already activated by Mary Ann"}},
		{"not found", "1111 2222 3333", []string{"no card has this PIN"}},
		{"typo", typo, []string{"mistyped"}},
		{"expired", pins["3-000000004"], []string{"3-000000004", "expired on 2020-01-01 23:59:59 +0000"}},
		{"blocked", pins["3-000000003"], []string{"3-000000003", "blocked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := c.list()
			c.fails(ExitRefused, tc.want, "redeem", "--pin", tc.pin, "--client", "Eve")
			if after := c.list(); !slices.EqualFunc(before, after, func(a, b csvRow) bool { return a["status"] == b["status"] && a["activated_by"] == b["activated_by"] }) {
				t.Error("a refused redemption changed a card")
			}
		})
	}
	// Refusals are in the history too.
	if h := c.ok("history", "--limit", "1"); !strings.Contains(h, "redeem refused") {
		t.Errorf("history:\n%s", h)
	}
}

func TestEdit(t *testing.T) {
	t.Run("expiry set and clear", func(t *testing.T) {
		c := newCLI(t)
		c.sample()
		out := c.ok("edit", "--batch", "2", "--expiry", "2099-12-31")
		if !regexp.MustCompile(`^Changed 4 cards \(batch 2\): expiry set to 2099-12-31 23:59.\nThis is #\d+ in the history; to take it back: topupcards undo \d+ --yes\n$`).MatchString(out) {
			t.Errorf("edit said %q", out)
		}
		for _, r := range c.list() {
			want := map[string]string{"3-000000004": "2020-01-01T23:59:59Z", "3-000000006": "2098-06-30T12:00:00Z",
				"3-000000007": "2098-06-30T12:00:00Z", "3-000000008": "2098-06-30T12:00:00Z"}[r["serial"]]
			switch {
			case r["batch"] == "2":
				want = "2099-12-31T23:59:59Z"
			case want == "":
				want = "2099-01-31T23:59:59Z"
			}
			if r["expires_at"] != want {
				t.Errorf("%s expires %q, want %q", r["serial"], r["expires_at"], want)
			}
		}
		c.ok("edit", "--status", "expired", "--expiry", "2099-06-30T18:00")
		if r := c.list("--serial-from", "3-4", "--serial-to", "3-4"); r[0]["expires_at"] != "2099-06-30T18:00:00Z" || r[0]["status"] != "new" {
			t.Errorf("expired card given a new expiry: %v", r[0])
		}
	})

	t.Run("each option", func(t *testing.T) {
		c := newCLI(t)
		c.sample()
		c.ok("edit", "--batch", "1", "--clear-expiry")
		for _, r := range c.list("--batch", "1") {
			if r["expires_at"] != "" {
				t.Errorf("%s still expires %s", r["serial"], r["expires_at"])
			}
		}
		if got := c.list("--status", "expired"); len(got) != 0 {
			t.Errorf("cards without expiry are expired: %v", serials(got))
		}

		c.ok("edit", "--batch", "3", "--reseller", "reseller TWO")
		for _, r := range c.list("--batch", "3") {
			if r["reseller"] != "reseller two" {
				t.Errorf("%s belongs to %q", r["serial"], r["reseller"])
			}
		}

		c.ok("edit", "--filter-reseller", "Reseller 1", "--reseller", "reseller two")
		if got := c.list("--reseller", "Reseller 1"); len(got) != 0 {
			t.Errorf("Reseller 1 still owns %v", serials(got))
		}
		if got := c.list("--reseller", "reseller two"); len(got) != 12 {
			t.Errorf("reseller two owns %d cards, want 12", len(got))
		}

		out := c.ok("edit", "--pin", c.list("--serial-from", "3-5", "--serial-to", "3-5")[0]["pin"], "--block")
		if !strings.HasPrefix(out, "Changed 1 cards (PIN "+data.MaskPIN(c.list("--serial-from", "3-5", "--serial-to", "3-5")[0]["pin"])+"): blocked.\nThis is #") {
			t.Errorf("edit of one card said %q", out)
		}
		if got := serials(c.list("--status", "blocked")); !slices.Equal(got, []string{"3-000000003", "3-000000005"}) {
			t.Errorf("blocked: %v", got)
		}
		c.ok("edit", "--status", "blocked", "--unblock")
		if got := c.list("--status", "blocked"); len(got) != 0 {
			t.Errorf("still blocked: %v", serials(got))
		}

		// Redeemed cards keep their status whatever the edit.
		c.ok("edit", "--all", "--block")
		if got := serials(c.list("--status", "activated")); !slices.Equal(got, []string{"3-000000001", "3-000000002", "AB-000000001"}) {
			t.Errorf("activated after blocking all: %v", got)
		}
		if got := c.list("--status", "blocked"); len(got) != 9 {
			t.Errorf("%d blocked after blocking all, want 9", len(got))
		}
	})

	t.Run("all options at once", func(t *testing.T) {
		c := newCLI(t)
		c.sample()
		out := c.ok("edit", "--all", "--expiry", "2099-05-01T10:00", "--reseller", "Reseller 1", "--block")
		if !strings.HasPrefix(out, "Changed 12 cards (all cards): expiry set to 2099-05-01 10:00, reseller set to \"Reseller 1\", blocked.\n") ||
			!strings.Contains(out, "topupcards undo") {
			t.Errorf("edit said %q", out)
		}
		for _, r := range c.list() {
			if r["expires_at"] != "2099-05-01T10:00:00Z" || r["reseller"] != "Reseller 1" ||
				(r["status"] != "blocked" && r["status"] != "activated") {
				t.Errorf("after edit --all: %v", r)
			}
		}
		if h := c.ok("history", "--limit", "1"); !strings.Contains(h, "edit") || !strings.Contains(h, "mass edit of 12 cards") {
			t.Errorf("history:\n%s", h)
		}
	})

	t.Run("refused", func(t *testing.T) {
		c := newCLI(t)
		c.sample()
		before := c.state()
		c.fails(ExitRefused, []string{"no reseller named"}, "edit", "--all", "--reseller", "Nobody")
		if c.state() != before {
			t.Error("a refused edit changed the database")
		}
	})
}

func TestDelete(t *testing.T) {
	c := newCLI(t)
	c.sample()
	before := c.state()
	c.fails(ExitUsage, []string{"4 cards", "--yes"}, "delete", "--batch", "2")
	c.fails(ExitUsage, []string{"12 cards", "--yes"}, "delete", "--all")
	if c.state() != before {
		t.Fatal("delete without --yes changed the database")
	}

	out := c.ok("delete", "--batch", "2", "--yes")
	if !regexp.MustCompile(`^Deleted 4 cards \(batch 2\).\nThis is #\d+ in the history; to take it back: topupcards undo \d+ --yes\n$`).MatchString(out) {
		t.Errorf("delete said %q", out)
	}
	if got := serials(c.list()); len(got) != 8 || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "AB") }) {
		t.Errorf("after deleting batch 2: %v", got)
	}

	if out := c.ok("delete", "--status", "blocked", "--yes"); !strings.HasPrefix(out, "Deleted 1 cards (status blocked).") {
		t.Errorf("delete said %q", out)
	}

	out = c.ok("delete", "--all", "--yes")
	if !strings.HasPrefix(out, "Deleted 7 cards (all cards).") {
		t.Errorf("delete --all said %q", out)
	}
	if got := c.list(); len(got) != 0 {
		t.Errorf("after delete --all: %v", serials(got))
	}
	if r := c.ok("resellers"); !strings.Contains(r, "Reseller 1") {
		t.Errorf("delete --all removed the resellers:\n%s", r)
	}
	// Serial numbers continue after a delete: a series never reuses a number.
	if out := c.ok("generate", "--amount", "1", "--quantity", "1", "--series", "3"); !strings.Contains(out, "3-000000009") {
		t.Errorf("generate after delete --all: %q", out)
	}
	h := c.ok("history")
	for _, want := range []string{"deleted 4 cards", "deleted 7 cards", "all cards", "batch 2"} {
		if !strings.Contains(h, want) {
			t.Errorf("history does not say %q:\n%s", want, h)
		}
	}
	if out := c.ok("delete", "--batch", "99", "--yes"); out != "Deleted 0 cards (batch 99).\n" {
		t.Errorf("delete of nothing said %q", out)
	}
}

func TestHistory(t *testing.T) {
	c := newCLI(t)
	c.create()
	if out := c.ok("history"); strings.TrimSpace(out) != "ID  When  Action  Cards  Undo  What  Which cards" {
		t.Errorf("history of a new database: %q", out)
	}
	c.sample()
	out := c.ok("history")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// resellers ×2, generate ×3, redeem ×3, edit ×2
	if len(lines) != 11 {
		t.Fatalf("history has %d lines, want a header and 10 entries:\n%s", len(lines), out)
	}
	for i, want := range []string{"edit", "edit", "redeem", "redeem", "redeem", "generate", "generate", "generate", "reseller", "reseller"} {
		if f := strings.Fields(lines[i+1]); len(f) < 5 || f[4] != want {
			t.Errorf("history line %d: %q, want action %s", i+1, lines[i+1], want)
		}
	}
	if !regexp.MustCompile(`^4 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000  generate\s+4 +generated batch 2: 4 × 25.50 EUR`).MatchString(lines[7]) {
		t.Errorf("history line %q", lines[7])
	}
	if !strings.Contains(lines[1], "serial 3-000000004 to 3-000000004") || !strings.Contains(lines[3], "PIN ") {
		t.Errorf("history does not say which cards:\n%s", out)
	}
	if out := c.ok("history", "--limit", "2"); strings.Count(out, "\n") != 3 {
		t.Errorf("history --limit 2:\n%s", out)
	}
}

func TestUsageErrorsChangeNothing(t *testing.T) {
	c := newCLI(t)
	c.sample()
	c.ok("delete", "--batch", "3", "--yes") // one snapshot
	before := c.state()
	gen := func(extra ...string) []string {
		return append([]string{"generate", "--amount", "8", "--quantity", "5", "--series", "3"}, extra...)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"bogus"}, []string{`unknown command "bogus"`}},
		{[]string{"list", "--bogus"}, []string{"-bogus"}},
		{[]string{"generate", "--bogus", "1"}, []string{"-bogus"}},
		{[]string{"redeem", "--bogus"}, []string{"-bogus"}},
		{[]string{"edit", "--all", "--block", "--bogus"}, []string{"-bogus"}},
		{[]string{"delete", "--all", "--yes", "--bogus"}, []string{"-bogus"}},
		{[]string{"resellers", "--bogus"}, []string{"-bogus"}},
		{[]string{"history", "--bogus"}, []string{"-bogus"}},
		{[]string{"backups", "--bogus"}, []string{"-bogus"}},
		{[]string{"generate", "--amount", "8.001", "--quantity", "5", "--series", "3"}, []string{"--amount", "two decimals"}},
		{[]string{"generate", "--amount", "eight", "--quantity", "5", "--series", "3"}, []string{"--amount", "not a number"}},
		{[]string{"generate", "--amount", "-8", "--quantity", "5", "--series", "3"}, []string{"--amount"}},
		{[]string{"generate", "--amount", "0", "--quantity", "5", "--series", "3"}, []string{"more than 0"}},
		{[]string{"generate", "--amount", "1000000.01", "--quantity", "5", "--series", "3"}, []string{"more than 1000000.00"}},
		{[]string{"generate", "--quantity", "5"}, []string{"--amount, --series missing"}},
		{[]string{"generate"}, []string{"--amount, --quantity, --series missing"}},
		{[]string{"generate", "--amount", "8", "--quantity", "many", "--series", "3"}, []string{"-quantity"}},
		{[]string{"generate", "--amount", "8", "--quantity", "-5", "--series", "3"}, []string{"quantity -5"}},
		{[]string{"generate", "--amount", "8", "--quantity", "1000001", "--series", "3"}, []string{"quantity 1000001"}},
		{gen("--series", "TOOLONGSERIES"), []string{"longer than 10"}},
		{gen("--series", "3-A"), []string{"only letters"}},
		{gen("--pin-length", "4"), []string{"PIN length 4"}},
		{gen("--pin-length", "21"), []string{"PIN length 21"}},
		{gen("--currency", "XYZ"), []string{"ISO 4217"}},
		{gen("--expiry", "2099-02-30"), []string{"--expiry", "YYYY-MM-DD"}},
		{gen("--expiry", "31/01/2099"), []string{"--expiry", "YYYY-MM-DD"}},
		{gen("--expiry", "2001-01-31"), []string{"in the past"}},
		{gen("extra"), []string{`unexpected "extra"`}},
		{[]string{"list", "--status", "lost"}, []string{"--status", "new, activated, expired or blocked"}},
		{[]string{"list", "--sort", "colour"}, []string{"--sort", "status, serial, amount"}},
		{[]string{"list", "--sort", "amount:up"}, []string{"--sort", "asc or desc"}},
		{[]string{"list", "--format", "xml"}, []string{"--format", "table, csv or json"}},
		{[]string{"list", "--limit", "-1"}, []string{"--limit"}},
		{[]string{"list", "--limit", "ten"}, []string{"-limit"}},
		{[]string{"list", "--amount-from", "5", "--amount-to", "1"}, []string{"amount range", "swap"}},
		{[]string{"list", "--amount-from", "1.23456"}, []string{"--amount-from"}},
		{[]string{"generate", "--amount", "5000.5", "--currency", "XOF", "--quantity", "1", "--series", "X"}, []string{"--amount", "XOF has no decimals"}},
		{[]string{"generate", "--amount", "0.5005", "--currency", "KWD", "--quantity", "1", "--series", "X"}, []string{"--amount", "KWD has three decimals"}},
		{[]string{"list", "--amount-to", "x"}, []string{"--amount-to"}},
		{[]string{"list", "--expiry-from", "2099-02-01", "--expiry-to", "2099-01-01"}, []string{"expiry date range", "swap"}},
		{[]string{"list", "--activated-from", "2099-02-01", "--activated-to", "2099-01-01"}, []string{"activation date range"}},
		{[]string{"list", "--expiry-from", "tomorrow"}, []string{"--expiry-from", "YYYY-MM-DD"}},
		{[]string{"list", "--expiry-to", "2099-1-1"}, []string{"--expiry-to"}},
		{[]string{"list", "--activated-from", "2026-13-01"}, []string{"--activated-from"}},
		{[]string{"list", "--activated-to", "yesterday"}, []string{"--activated-to"}},
		{[]string{"list", "--serial-from", "3-x"}, []string{"--serial-from"}},
		{[]string{"list", "--serial-to", "!"}, []string{"--serial-to"}},
		{[]string{"list", "--serial-from", "3-9", "--serial-to", "3-1"}, []string{"serial range", "swap"}},
		{[]string{"list", "--pin", "12ab"}, []string{"--pin", "only digits"}},
		{[]string{"list", "--batch", "-3"}, []string{"--batch"}},
		{[]string{"list", "--batch", "two"}, []string{"-batch"}},
		{[]string{"list", "extra"}, []string{`unexpected "extra"`}},
		{[]string{"redeem", "--pin", "1234 5678 9012"}, []string{"--client"}},
		{[]string{"redeem", "--client", "Rose"}, []string{"--pin"}},
		{[]string{"redeem", "--pin", "1234", "--client", "   "}, []string{"--client"}},
		{[]string{"redeem", "--pin", "12ab", "--client", "Rose"}, []string{"only digits"}},
		{[]string{"redeem", "--pin", "123456789012345678901", "--client", "Rose"}, []string{"at most 20"}},
		{[]string{"edit", "--expiry", "2099-01-01"}, []string{"--all"}},
		{[]string{"edit", "--all"}, []string{"nothing to change"}},
		{[]string{"edit", "--batch", "1"}, []string{"nothing to change"}},
		{[]string{"edit", "--all", "--batch", "1", "--block"}, []string{"contradict"}},
		{[]string{"edit", "--all", "--block", "--unblock"}, []string{"contradict"}},
		{[]string{"edit", "--all", "--expiry", "2099-01-01", "--clear-expiry"}, []string{"contradict"}},
		{[]string{"edit", "--all", "--expiry", "soon"}, []string{"--expiry"}},
		{[]string{"edit", "--status", "lost", "--block"}, []string{"--status"}},
		{[]string{"delete", "--yes"}, []string{"--all"}},
		{[]string{"delete", "--all", "--batch", "1", "--yes"}, []string{"contradict"}},
		{[]string{"delete", "--batch", "1"}, []string{"--yes"}},
		{[]string{"delete", "--status", "lost", "--yes"}, []string{"--status"}},
		{[]string{"resellers", "add"}, []string{"resellers add takes 1"}},
		{[]string{"resellers", "add", "   "}, []string{"empty"}},
		{[]string{"resellers", "rename", "Reseller 1"}, []string{"resellers rename takes 2"}},
		{[]string{"resellers", "frobnicate"}, []string{`unknown "frobnicate"`}},
		{[]string{"history", "--limit", "0"}, []string{"--limit"}},
		{[]string{"history", "extra"}, []string{`unexpected "extra"`}},
		{[]string{"backups", "restore"}, []string{"restore FILE --yes"}},
		{[]string{"backups", "restore", "x.db"}, []string{"--yes"}},
		{[]string{"backups", "frobnicate"}, []string{"restore FILE --yes"}},
	} {
		args := append([]string{tc.args[0], "--db", c.db}, tc.args[1:]...)
		r := runArgs(t, args...)
		checkFailure(t, r, ExitUsage, tc.want, strings.Join(tc.args, " "))
		if r.stdout != "" {
			t.Errorf("topupcards %s: printed %q on stdout", strings.Join(tc.args, " "), r.stdout)
		}
	}
	for _, args := range [][]string{{"--bogus"}, {"--db"}, {}} {
		r := runArgs(t, args...)
		checkFailure(t, r, ExitUsage, nil, strings.Join(args, " "))
	}
	if after := c.state(); after != before {
		t.Errorf("usage errors changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestUsageErrorMakesNoDatabase(t *testing.T) {
	inZone(t, time.UTC)
	for _, tc := range []struct {
		args []string
	}{
		{args: []string{"list", "--status", "lost"}},
		{args: []string{"list", "--sort", "colour"}},
		{args: []string{"list", "--format", "xml"}},
		{args: []string{"list", "--amount-from", "5", "--amount-to", "1"}},
		{args: []string{"generate", "--amount", "x", "--quantity", "1", "--series", "3"}},
		{args: []string{"generate", "--amount", "1", "--series", "3"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "1", "--series", "3", "--expiry", "soon"}},
		{args: []string{"edit", "--all"}},
		{args: []string{"edit", "--all", "--block", "--unblock"}},
		{args: []string{"redeem", "--pin", "1234"}},
		{args: []string{"delete", "--yes"}},
		{args: []string{"resellers", "add"}},
		{args: []string{"resellers", "frobnicate"}},
		{args: []string{"history", "--limit", "0"}},
		{args: []string{"backups", "restore", "x.db"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "1", "--series", "TOOLONGSERIES"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "1", "--series", "3", "--currency", "XYZ"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "-5", "--series", "3"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "1", "--series", "3", "--pin-length", "4"}},
		{args: []string{"generate", "--amount", "1", "--quantity", "1", "--series", "3", "--expiry", "2001-01-01"}},
		{args: []string{"redeem", "--pin", "12ab", "--client", "Rose"}},
		{args: []string{"resellers", "add", "   "}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "typo", "cards.db")
			r := runArgs(t, append([]string{tc.args[0], "--db", db}, tc.args[1:]...)...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d (%q)", r.code, ExitUsage, r.stderr)
			}
			if _, err := os.Stat(filepath.Dir(db)); err == nil {
				t.Errorf("the usage error created %s", db)
			}
		})
	}
}

// TestReasonsEndWithAdvice: a refusal's one line ends with what to do, not
// with the name of the error's kind appended by %w (": invalid input").
func TestReasonsEndWithAdvice(t *testing.T) {
	c := newCLI(t)
	c.ok("resellers", "add", "Reseller 1")
	c.ok("generate", "--amount", "1", "--quantity", "1", "--series", "3", "--reseller", "Reseller 1")
	var bad []string
	check := func(r cliResult) {
		t.Helper()
		if r.code == ExitOK {
			t.Fatalf("succeeded: %q", r.stdout)
		}
		for _, kind := range []error{data.ErrInvalid, data.ErrResellerInUse, data.ErrNotDatabase, data.ErrNewerSchema, data.ErrNotFound} {
			if strings.HasSuffix(strings.TrimSpace(r.stderr), ": "+kind.Error()) {
				bad = append(bad, strings.TrimSpace(r.stderr))
			}
		}
	}
	check(c.run("generate", "--amount", "1", "--quantity", "1", "--series", "3", "--expiry", "2001-01-01"))
	check(c.run("resellers", "remove", "Reseller 1"))
	check(runArgs(t, "list", "--db", t.TempDir()))
	check(c.run("redeem", "--pin", "1111 2222 3333", "--client", "Rose"))
	if len(bad) > 0 {
		t.Errorf("messages end with the kind's text after the advice: %s", strings.Join(bad, " | "))
	}
}

func TestDatabaseLocation(t *testing.T) {
	inZone(t, time.UTC)
	dir := t.TempDir()
	envDB := filepath.Join(dir, "env", "cards.db")
	flagDB := filepath.Join(dir, "flag", "cards.db")
	t.Setenv("TOPUPCARDS_DB", envDB)

	if r := runArgs(t, "resellers", "add", "From Env"); r.code != ExitOK {
		t.Fatalf("resellers add with TOPUPCARDS_DB: exit %d, %q", r.code, r.stderr)
	}
	st, err := os.Stat(envDB)
	if err != nil {
		t.Fatalf("TOPUPCARDS_DB not used: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("new database has mode %v, want 0600 (PINs are money)", st.Mode().Perm())
	}
	if r := runArgs(t, "resellers", "add", "From Flag", "--db", flagDB); r.code != ExitOK {
		t.Fatalf("resellers add --db: exit %d, %q", r.code, r.stderr)
	}
	if r := runArgs(t, "--db", flagDB, "resellers", "add", "Flag First"); r.code != ExitOK {
		t.Fatalf("--db before the command: exit %d, %q", r.code, r.stderr)
	}
	env := runArgs(t, "resellers").stdout
	flag := runArgs(t, "resellers", "--db", flagDB).stdout
	if !strings.Contains(env, "From Env") || strings.Contains(env, "From Flag") || strings.Contains(env, "Flag First") {
		t.Errorf("database of TOPUPCARDS_DB:\n%s", env)
	}
	if !strings.Contains(flag, "From Flag") || !strings.Contains(flag, "Flag First") || strings.Contains(flag, "From Env") {
		t.Errorf("database of --db:\n%s", flag)
	}

	// A file that is not a database is refused and left as it was.
	notDB := filepath.Join(dir, "notes.txt")
	content := []byte("shopping list: milk, eggs, and a very long line to pass one hundred bytes of SQLite header........")
	if err := os.WriteFile(notDB, content, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, "list", "--db", notDB)
	checkFailure(t, r, ExitRefused, []string{"not a SQLite database"}, "list --db notes.txt")
	if got, _ := os.ReadFile(notDB); !bytes.Equal(got, content) {
		t.Error("opening a file that is not a database changed it")
	}

	// So is a folder, and a database written by a newer version.
	r = runArgs(t, "list", "--db", dir)
	checkFailure(t, r, ExitRefused, []string{"is a folder"}, "list --db FOLDER")
	db, err := sql.Open("sqlite", flagDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer, err := os.ReadFile(flagDB)
	if err != nil {
		t.Fatal(err)
	}
	r = runArgs(t, "resellers", "add", "Too Old", "--db", flagDB)
	checkFailure(t, r, ExitRefused, []string{"schema version 99", "update Top-up Cards"}, "resellers add --db NEWER")
	if got, _ := os.ReadFile(flagDB); !bytes.Equal(got, newer) {
		t.Error("opening a database of a newer version changed it")
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		r := runArgs(t, args...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, "topupcards generate --amount") || r.stderr != "" {
			t.Errorf("topupcards %s: exit %d, stdout %q, stderr %q", args[0], r.code, r.stdout, r.stderr)
		}
	}
	db := filepath.Join(t.TempDir(), "cards.db")
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"generate", []string{"-amount", "-quantity", "-series", "-currency", "-pin-length", "-check-digit", "-reseller", "-expiry", "-db"}},
		{"list", []string{"-serial-from", "-status", "-client", "-batch", "-sort", "-limit", "-format", "-db"}},
		{"redeem", []string{"-pin", "-client", "-db"}},
		{"edit", []string{"-all", "-expiry", "-clear-expiry", "-reseller", "-filter-reseller", "-block", "-unblock"}},
		{"delete", []string{"-all", "-yes", "-batch"}},
		{"resellers", []string{"add NAME", "-db"}},
		{"history", []string{"-limit"}},
		{"backups", []string{"restore FILE --yes", "-yes"}},
		{"export", []string{"-out", "-db"}},
	} {
		for _, h := range []string{"-h", "--help"} {
			r := runArgs(t, tc.cmd, h, "--db", db)
			if r.code != ExitOK || r.stderr != "" || !strings.HasPrefix(r.stdout, "Usage: topupcards "+tc.cmd+" ") {
				t.Errorf("topupcards %s %s: exit %d, stdout %q, stderr %q", tc.cmd, h, r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("topupcards %s %s does not mention %s:\n%s", tc.cmd, h, w, r.stdout)
				}
			}
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("-h created the database")
	}
	if r := runArgs(t, "--version"); r.code != ExitOK || r.stdout != "topupcards "+Version+"\n" {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
}

// --printed narrows every FILTER command to cards printed before, or never.
func TestPrintedFilter(t *testing.T) {
	c := newCLI(t)
	c.ok("generate", "--amount", "5", "--quantity", "6", "--series", "3")
	c.ok("generate", "--amount", "5", "--quantity", "4", "--series", "4")
	s, err := sqlite.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordPrintRun(context.Background(), data.Filter{Batch: 2}, data.PrintRun{Format: data.PrintXLSX, Path: "x.xlsx"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	count := func(args ...string) int {
		out := c.ok("list", append([]string{"--format", "csv"}, args...)...)
		return strings.Count(out, "\n") - 1
	}
	if n := count("--printed", "yes"); n != 4 {
		t.Errorf("printed yes: %d cards, want 4", n)
	}
	if n := count("--printed", "no"); n != 6 {
		t.Errorf("printed no: %d cards, want 6", n)
	}
	if n := count("--printed", "never", "--serial-from", "3-2", "--serial-to", "3-3"); n != 2 {
		t.Errorf("never printed in a range: %d cards, want 2", n)
	}
	c.fails(ExitUsage, []string{"--printed"}, "list", "--printed", "maybe")
}

// export --out FILE.pdf writes voucher sheets on the chosen stock and records
// a print run: a second run is marked REPRINT, and --printed finds them.
func TestExportPDFCommand(t *testing.T) {
	c := newCLI(t)
	c.ok("generate", "--amount", "8", "--quantity", "12", "--series", "3")
	dir := t.TempDir()
	out := c.ok("export", "--batch", "1", "--layout", "cards-a4-10up", "--cut-marks", "--out", filepath.Join(dir, "a.pdf"))
	if !strings.Contains(out, "Exported 12 cards") || !strings.Contains(out, "3 pages") || strings.Contains(out, "REPRINT") {
		t.Errorf("first export: %q", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "a.pdf"))
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %v", err)
	}
	out = c.ok("export", "--serial-from", "3-1", "--serial-to", "3-5", "--paper", "letter", "--out", filepath.Join(dir, "b.pdf"))
	if !strings.Contains(out, "5 cards were printed before and are marked REPRINT") {
		t.Errorf("reprint: %q", out)
	}
	if got := strings.Count(c.ok("list", "--printed", "yes", "--format", "csv"), "\n") - 1; got != 12 {
		t.Errorf("printed: %d", got)
	}
	c.fails(ExitUsage, []string{"--layout"}, "export", "--batch", "1", "--layout", "cards-a4-10up", "--out", filepath.Join(dir, "c.xlsx"))
	c.fails(ExitUsage, []string{"layout"}, "export", "--batch", "1", "--layout", "napkin", "--out", filepath.Join(dir, "c.pdf"))
	if _, err := os.Stat(filepath.Join(dir, "c.pdf")); err == nil {
		t.Error("a refused export wrote a file")
	}
}
