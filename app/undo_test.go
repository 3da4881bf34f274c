package app

import (
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
)

// opOf reads the history number from an edit's or delete's output.
func opOf(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`topupcards undo (\d+) --yes`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no undo hint in %q", out)
	}
	return m[1]
}

func TestUndo(t *testing.T) {
	c := newCLI(t)
	pins := c.sample()
	// Edit batch 1, redeem one of its cards, undo the edit: the card stays
	// redeemed and cannot be redeemed again.
	edit := opOf(t, c.ok("edit", "--serial-from", "3-000000005", "--serial-to", "3-000000008", "--clear-expiry", "--reseller", "reseller two"))
	c.ok("redeem", "--pin", pins["3-000000005"], "--client", "Mary")

	before := c.state()
	c.fails(ExitUsage, []string{"undo #" + edit + " would take back", "mass edit of 4 cards", "--yes"}, "undo", edit)
	if c.state() != before {
		t.Fatal("undo without --yes changed the database")
	}
	if out := c.ok("undo", edit, "--yes"); !strings.HasPrefix(out, "Undid #"+edit+": 0 deleted cards put back, 4 cards given their values before") {
		t.Errorf("undo said %q", out)
	}
	r := bySerial(t, c.list(), "3-000000005")
	if r["status"] != "activated" || r["activated_by"] != "Mary" || r["reseller"] != "Reseller 1" || r["expires_at"] != "2099-01-31T23:59:59Z" {
		t.Errorf("after undo: %v", r)
	}
	c.fails(ExitRefused, []string{"already activated"}, "redeem", "--pin", pins["3-000000005"], "--client", "Bob")
	if r := bySerial(t, c.list(), "3-000000006"); r["reseller"] != "" || r["expires_at"] != "2098-06-30T12:00:00Z" {
		t.Errorf("after undo: %v", r)
	}

	// Refusals exit 1 and change nothing.
	before = c.state()
	c.fails(ExitRefused, []string{"undone already"}, "undo", edit, "--yes")
	c.fails(ExitRefused, []string{"no such entry"}, "undo", "999", "--yes")
	c.fails(ExitRefused, []string{"a redemption is never undone"}, "undo", "6", "--yes")
	c.fails(ExitUsage, []string{"give the number"}, "undo", "twelve", "--yes")
	c.fails(ExitUsage, []string{"give the number"}, "undo", "--yes")
	if c.state() != before {
		t.Fatal("a refused undo changed the database")
	}

	// A delete after an edit: the edit's undo is refused and names the card.
	block := opOf(t, c.ok("edit", "--batch", "2", "--block"))
	del := opOf(t, c.ok("delete", "--serial-from", "AB-000000004", "--serial-to", "AB-000000004", "--yes"))
	before = c.state()
	c.fails(ExitRefused, []string{"AB-000000004 (deleted since by #" + del + ")", "undo the later changes first"}, "undo", block, "--yes")
	if c.state() != before {
		t.Fatal("a refused undo changed the database")
	}
	if out := c.ok("undo", "#"+del, "--yes"); !strings.Contains(out, "1 deleted cards put back") {
		t.Errorf("undo of the delete said %q", out)
	}
	c.ok("undo", block, "--yes")
	if got := c.list("--status", "blocked"); len(got) != 1 {
		t.Errorf("blocked after undoing the block: %v", serials(got))
	}

	// history: id first, an Undo column; csv with id,at,action,cards,undo,detail.
	out := c.ok("history", "--limit", "3")
	if !regexp.MustCompile(`(?m)^ID\s+When\s+Action\s+Cards\s+Undo\s+What`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^`+del+`\s.*delete\s+1\s+undone by #\d+\s+deleted 1 cards`).MatchString(out) {
		t.Errorf("history:\n%s", out)
	}
	recs, err := csv.NewReader(strings.NewReader(c.ok("history", "--format", "csv", "--limit", "1000"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "id,at,action,cards,undo,detail" {
		t.Errorf("csv header %v", recs[0])
	}
	undoable := map[string]string{}
	for _, rec := range recs[1:] {
		undoable[rec[0]] = rec[2] + ":" + rec[4]
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(rec[1]) {
			t.Errorf("csv time %q", rec[1])
		}
	}
	if undoable[edit] != "edit:no" || undoable["10"] != "edit:yes" || undoable["6"] != "redeem:no" {
		t.Errorf("csv undo column: %v", undoable)
	}
	c.fails(ExitUsage, []string{"--format"}, "history", "--format", "xml")
}

func TestSettingsJournalDays(t *testing.T) {
	c := newCLI(t)
	c.sample()
	if out := c.ok("settings"); !strings.HasPrefix(out, "journal-days 90\t") {
		t.Errorf("settings: %q", out)
	}
	if out := c.ok("settings", "journal-days", "30"); out != "Edits and deletes can now be undone for 30 days.\n" {
		t.Errorf("settings journal-days 30: %q", out)
	}
	if out := c.ok("settings"); !strings.HasPrefix(out, "journal-days 30\t") {
		t.Errorf("settings: %q", out)
	}
	before := c.state()
	c.fails(ExitUsage, []string{"1 to 3650"}, "settings", "journal-days", "0")
	c.fails(ExitUsage, []string{"1 to 3650"}, "settings", "journal-days", "many")
	c.fails(ExitUsage, []string{"journal-days N"}, "settings", "colour", "red")
	if c.state() != before {
		t.Fatal("a refused setting changed the database")
	}
}
