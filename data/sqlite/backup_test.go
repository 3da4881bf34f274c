package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// mustBackup makes a backup or fails the test.
func mustBackup(tb testing.TB, s *sqlite.Store, reason string) data.Backup {
	tb.Helper()
	b, err := s.CreateBackup(context.Background(), reason)
	if err != nil {
		tb.Fatalf("back up: %v", err)
	}
	return b
}

// backupPaths lists the paths Backups returns, oldest first.
func backupPaths(tb testing.TB, s *sqlite.Store) []string {
	tb.Helper()
	bs, err := s.Backups(context.Background())
	if err != nil {
		tb.Fatalf("backups: %v", err)
	}
	var out []string
	for _, b := range bs {
		out = append(out, b.Path)
	}
	return out
}

// dbFileSums is the sha256 of the database file and its WAL.
func dbFileSums(t *testing.T, s *sqlite.Store) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range []string{s.Path(), s.Path() + "-wal"} {
		if fileExists(p) {
			out = append(out, fileSum(t, p))
		}
	}
	return out
}

// noTemporaryFiles fails if the backups folder holds anything but backups.
func noTemporaryFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), "-journal") {
			t.Errorf("leftover in backups: %s", e.Name())
		}
	}
}

func TestBackupIsVerifiedAndListed(t *testing.T) {
	t.Parallel()
	s, _ := editFixture(t)
	ctx := context.Background()
	b := mustBackup(t, s, data.BackupManual)
	if b.Cards != 15 || b.Reason != data.BackupManual || !b.Created.Equal(s.Now()) || b.Size == 0 {
		t.Errorf("backup %+v", b)
	}
	checkSnapshotFile(t, s, b.Path)
	list, err := s.Backups(ctx)
	if err != nil || len(list) == 0 {
		t.Fatalf("backups %+v, %v", list, err)
	}
	if last := list[len(list)-1]; last.Path != b.Path || last.Cards != 15 || last.Size != b.Size {
		t.Errorf("newest backup listed %+v; want the one made, %+v", last, b)
	}
	noTemporaryFiles(t, s.BackupDir())
	// A backup of an unchanged database is the same backup.
	if again := mustBackup(t, s, data.BackupManual); again.Path != b.Path {
		t.Errorf("a second backup of the same state: %s, want %s", again.Path, b.Path)
	}
}

// TestRestoreKeepsRedemptions: a card redeemed after the backup stays
// redeemed by the same client at the same time, and a second redemption is
// refused; so does one redeemed and then deleted.
func TestRestoreKeepsRedemptions(t *testing.T) {
	t.Parallel()
	s, clk := editFixture(t)
	ctx := context.Background()
	all := allCards(t, s)
	p, q := cardBySerial(t, all, "C", 2), cardBySerial(t, all, "C", 3)
	// Mass edit two cards, then back up.
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{p.ID, q.ID}}, data.Edit{Reseller: "Acme Corp"}); err != nil {
		t.Fatal(err)
	}
	b := mustBackup(t, s, data.BackupManual)
	clk.advance(time.Hour)
	redeemedP, err := s.Redeem(ctx, p.PIN, "Client P")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeem(ctx, q.PIN, "Client Q"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, data.Filter{IDs: []int64{q.ID}}); err != nil {
		t.Fatal(err)
	}
	plan, err := s.RestorePlan(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Redemptions != 2 || plan.Deleted != 1 || plan.Added != 0 || plan.Current != 14 {
		t.Errorf("plan %+v; want 2 redemptions kept, 1 card brought back", plan)
	}
	clk.advance(time.Hour)
	res, err := s.Restore(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cards != 15 || res.Plan.Redemptions != 2 {
		t.Errorf("restore result %+v", res)
	}
	for _, c := range []struct {
		card   data.Card
		client string
	}{{p, "Client P"}, {q, "Client Q"}} {
		got, err := s.Card(ctx, c.card.ID)
		if err != nil {
			t.Fatalf("card %s after restore: %v", c.card.Serial, err)
		}
		if got.ActivatedBy != c.client || !got.ActivatedAt.Equal(redeemedP.ActivatedAt) || got.Reseller != "Acme Corp" {
			t.Errorf("card %s after restore: %+v; want redeemed by %s at %v", c.card.Serial, got, c.client, redeemedP.ActivatedAt)
		}
		_, err = s.Redeem(ctx, c.card.PIN, "Someone Else")
		wantErr(t, err, data.ErrAlreadyRedeemed, "second redemption of "+c.card.Serial.String())
	}
	// The history says what the restore replaced.
	h := newestHistory(t, s, 3)
	if h[0].Action != "redeem refused" || h[2].Action != "restore" || !strings.Contains(h[2].Detail, "2 redemptions") {
		t.Errorf("history %+v", h)
	}
}

// TestRestore: a restore brings back the backup's cards, batches and
// resellers, keeps the current history, batches and print runs, says what
// it would replace first, backs up the state it replaces, and can be undone.
func TestRestore(t *testing.T) {
	t.Parallel()
	s, clk := editFixture(t)
	ctx := context.Background()
	before := stateOf(t, s)
	b := mustBackup(t, s, data.BackupManual)
	batchesBefore := before.Batches
	clk.advance(time.Hour)
	if _, err := s.Delete(ctx, data.Filter{SerialTo: serialPtr("A", 4)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MassEdit(ctx, data.Filter{Batch: 3}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	mustAddReseller(t, s, "Gamma")
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 3, Series: "N", Reseller: "Gamma"})
	afterChanges := stateOf(t, s)

	sum := fileSum(t, b.Path)
	plan, err := s.RestorePlan(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	// C-1 was blocked already; C-2 to C-4 are blocked since.
	want := data.RestorePlan{Backup: plan.Backup, Current: 14, Added: 3, Changed: 3, Unblocked: 3, Deleted: 4, Edits: 3}
	if plan != want {
		t.Errorf("plan\n %+v\nwant\n %+v", plan, want)
	}
	if plan.Backup.Path != b.Path || plan.Backup.Cards != 15 || !plan.Backup.Created.Equal(b.Created) {
		t.Errorf("plan's backup %+v, want %+v", plan.Backup, b)
	}
	assertUnchanged(t, s, afterChanges)

	clk.advance(time.Hour)
	r, err := s.Restore(ctx, b.Path)
	if err != nil {
		t.Fatal(err)
	}
	restored := stateOf(t, s)
	if !reflect.DeepEqual(restored.Cards, before.Cards) {
		t.Errorf("restore: %d cards, want the %d of the backup, unchanged", len(restored.Cards), len(before.Cards))
	}
	if !reflect.DeepEqual(restored.Resellers, before.Resellers) {
		t.Errorf("restore: resellers %+v, want %+v", restored.Resellers, before.Resellers)
	}
	// The batches stay (N's serials are never handed out again).
	if !reflect.DeepEqual(restored.Batches, afterChanges.Batches) || len(restored.Batches) != len(batchesBefore)+1 {
		t.Errorf("restore: batches %+v, want the current ones", restored.Batches)
	}
	if r.Cards != 15 || r.Plan != want {
		t.Errorf("restore says %+v", r)
	}
	// The history is kept, with one entry for the restore on top.
	if !reflect.DeepEqual(restored.History[1:], afterChanges.History) {
		t.Errorf("restore did not keep the history: %d entries, had %d", len(restored.History), len(afterChanges.History))
	}
	if h := restored.History[0]; h.Action != "restore" || h.Cards != 15 || !h.At.Equal(clk.now()) ||
		!strings.Contains(h.Detail, filepath.Base(b.Path)) || !strings.Contains(h.Detail, "3 made since removed") {
		t.Errorf("restore history entry %+v", h)
	}
	// The state before was backed up, and the backup restored from is as it was.
	checkSnapshotFile(t, s, r.Before.Path)
	if r.Before.Reason != data.BackupBeforeRestore || r.Before.Cards != 14 {
		t.Errorf("before-restore backup %+v", r.Before)
	}
	if !slices.Equal(fileSum(t, b.Path), sum) {
		t.Error("restore changed the backup it restored")
	}
	// The restore can be undone.
	if _, err := s.Restore(ctx, r.Before.Path); err != nil {
		t.Fatal(err)
	}
	if got := allCards(t, s); !reflect.DeepEqual(got, afterChanges.Cards) {
		t.Error("restoring the before-restore backup did not undo the restore")
	}
	// Series N continues after the cards the first restore removed.
	if _, err := s.Restore(ctx, b.Path); err != nil {
		t.Fatal(err)
	}
	if nb := mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 1, Series: "N"}); nb.FirstNumber != 4 {
		t.Errorf("after the restore series N continues at %d, want 4", nb.FirstNumber)
	}
	ids := idsOf(allCards(t, s))
	if last := ids[len(ids)-1]; last <= 18 {
		t.Errorf("a card made after the restore has id %d, which was given before", last)
	}
	noTemporaryFiles(t, s.BackupDir())
}

// TestRestoreRefusals: a damaged (cut by one byte, one byte changed),
// foreign, newer or missing backup, or another program's file, is refused
// before anything is touched: the database file stays byte for byte as it
// was and no backup is made or removed.
func TestRestoreRefusals(t *testing.T) {
	t.Parallel()
	s, clk := editFixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("these are not cards\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, randomBytes(8192, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	otherProgram := filepath.Join(dir, "other.db")
	makeForeignDB(t, otherProgram, "")

	// Damaged backups, in place in backups/ under their own names.
	truncated := mustBackup(t, s, data.BackupManual).Path
	b, err := os.ReadFile(truncated)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	if _, err := s.Redeem(ctx, allCards(t, s)[5].PIN, "X"); err != nil {
		t.Fatal(err)
	}
	flipped := mustBackup(t, s, data.BackupManual).Path
	b, err = os.ReadFile(flipped)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(flipped, b, 0o600); err != nil {
		t.Fatal(err)
	}
	// Another database's backup, even under this database's file name.
	other, _ := openStoreAt(t, filepath.Join(t.TempDir(), "cards.db"))
	mustGenerate(t, other, data.GenerateParams{Amount: 100, Quantity: 2, Series: "O"})
	foreign := mustBackup(t, other, data.BackupManual).Path
	// A backup written by a newer version of the program.
	newer := filepath.Join(dir, "newer.db")
	if err := os.WriteFile(newer, mustRead(t, mustBackup(t, s, "test").Path), 0o600); err != nil {
		t.Fatal(err)
	}
	func() {
		db, err := sql.Open("sqlite", newer)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlite.SchemaVersion()+1)); err != nil {
			t.Fatal(err)
		}
	}()
	cases := []struct {
		path string
		want error
	}{
		{truncated, data.ErrBackupDamaged},
		{flipped, data.ErrBackupDamaged},
		{foreign, data.ErrForeignBackup},
		{filepath.Join(dir, "missing.db"), data.ErrBackupNotFound},
		{text, data.ErrNotDatabase},
		{garbage, data.ErrNotDatabase},
		{otherProgram, data.ErrNotDatabase},
		{newer, data.ErrNewerSchema},
		{s.Path(), data.ErrInvalid},
	}
	for _, c := range cases {
		before := stateOf(t, s)
		sums := dbFileSums(t, s)
		var sum []byte
		if fileExists(c.path) && c.path != s.Path() {
			sum = fileSum(t, c.path)
		}
		_, err := s.RestorePlan(ctx, c.path)
		wantErr(t, err, c.want, "restore plan of "+filepath.Base(c.path))
		_, err = s.Restore(ctx, c.path)
		wantErr(t, err, c.want, "restore "+filepath.Base(c.path))
		assertUnchanged(t, s, before)
		if !reflect.DeepEqual(sums, dbFileSums(t, s)) {
			t.Errorf("refused restore of %s changed the database file", filepath.Base(c.path))
		}
		if sum != nil && !slices.Equal(sum, fileSum(t, c.path)) {
			t.Errorf("restore of %s changed that file", c.path)
		}
		noTemporaryFiles(t, s.BackupDir())
	}
	// Neither damaged backup is listed.
	if got := backupPaths(t, s); slices.Contains(got, truncated) || slices.Contains(got, flipped) {
		t.Errorf("a damaged backup is listed: %v", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTwoFilesInOneFolderKeepTheirOwnBackups: cards.db, cards.old (a new
// database) and cards.copy (a copy of cards.db, with its identity) in one
// folder: each lists and prunes only its own backups.
func TestTwoFilesInOneFolderKeepTheirOwnBackups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, clkA := openStoreAt(t, filepath.Join(dir, "cards.db"))
	mustGenerate(t, a, data.GenerateParams{Amount: 100, Quantity: 3, Series: "A"})
	old, _ := openStoreAt(t, filepath.Join(dir, "cards.old"))
	mustGenerate(t, old, data.GenerateParams{Amount: 100, Quantity: 2, Series: "B"})
	oldBackup := mustBackup(t, old, data.BackupManual)
	if _, err := a.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cards.copy"), mustRead(t, a.Path()), 0o600); err != nil {
		t.Fatal(err)
	}
	cp, clkC := openStoreAt(t, filepath.Join(dir, "cards.copy"))
	copyBackup := mustBackup(t, cp, data.BackupManual)
	// A snapshot of the previous version named cards-…: cards.db's.
	legacy := filepath.Join(dir, "backups", "cards-20251201-120000-000000000-edit.db")
	if err := os.WriteFile(legacy, mustRead(t, mustBackup(t, a, "x").Path), 0o600); err != nil {
		t.Fatal(err)
	}
	// Thirty backups of cards.db over thirty days, and some of the copy.
	for i := range 30 {
		clkA.advance(24 * time.Hour)
		clkC.advance(24 * time.Hour)
		mustGenerate(t, a, data.GenerateParams{Amount: 100, Quantity: 1, Series: "A"})
		mustBackup(t, a, data.BackupDaily)
		if i%10 == 0 {
			mustGenerate(t, cp, data.GenerateParams{Amount: 100, Quantity: 1, Series: "C"})
			mustBackup(t, cp, data.BackupDaily)
		}
	}
	if got := backupPaths(t, old); !slices.Equal(got, []string{oldBackup.Path}) {
		t.Errorf("cards.old lists %v, want only its own %s", got, oldBackup.Path)
	}
	for _, p := range backupPaths(t, a) {
		if !strings.HasPrefix(filepath.Base(p), "cards.db.") {
			t.Errorf("cards.db lists %s", p)
		}
	}
	// The copy's: the first and three more (its first change found the
	// day's backup made already).
	copies := backupPaths(t, cp)
	if len(copies) != 4 || copies[0] != copyBackup.Path {
		t.Errorf("cards.copy lists %v, want its 4 backups", copies)
	}
	for _, p := range copies {
		if !strings.HasPrefix(filepath.Base(p), "cards.copy.") {
			t.Errorf("cards.copy lists %s", p)
		}
	}
	// The old snapshot is too old for cards.db's retention; cards.old's
	// one backup was never pruned.
	if !fileExists(oldBackup.Path) || fileExists(legacy) {
		t.Errorf("pruning: cards.old's backup there %v, the old snapshot there %v", fileExists(oldBackup.Path), fileExists(legacy))
	}
	if n := len(backupPaths(t, a)); n != data.KeepDaily+data.KeepWeekly {
		t.Errorf("cards.db keeps %d backups, want %d", n, data.KeepDaily+data.KeepWeekly)
	}
}

// TestRetention: of one backup a day over ten weeks and three more on the
// last day, the last day's four, the newest of each of the six days before
// and the newest of each of the four ISO weeks before those are kept.
func TestRetention(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t)
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.Local) // a Monday
	var made []data.Backup
	for day := range 70 {
		clk.set(start.AddDate(0, 0, day))
		mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 1, Series: "R"})
		made = append(made, mustBackup(t, s, data.BackupDaily))
	}
	for range 3 {
		clk.advance(time.Minute)
		mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 1, Series: "R"})
		made = append(made, mustBackup(t, s, data.BackupManual))
	}
	var want []string
	// Day 69 is a Sunday: the dailies are days 63..69, one ISO week, so
	// the weekly ones are the four Sundays before.
	for _, day := range []int{41, 48, 55, 62} {
		want = append(want, made[day].Path)
	}
	for day := 63; day < 69; day++ {
		want = append(want, made[day].Path)
	}
	for _, b := range made[69:] {
		want = append(want, b.Path)
	}
	got := backupPaths(t, s)
	if !slices.Equal(got, want) {
		t.Errorf("kept\n %v\nwant\n %v", got, want)
	}
	entries, _ := os.ReadDir(s.BackupDir())
	if len(entries) != len(want) {
		t.Errorf("backups folder holds %d files, want %d", len(entries), len(want))
	}
	if _, err := s.Backups(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestUnfinishedBackupsAreNeverListed: what an interrupted backup of this
// or the previous version leaves is not listed, and the next open removes
// it, but not the temporary file of a backup that is still running.
func TestUnfinishedBackupsAreNeverListed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 20, Series: "U"})
	good := mustBackup(t, s, data.BackupManual)
	dir := s.BackupDir()
	content := mustRead(t, good.Path)
	write := func(name string, b []byte, age time.Duration) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		mod := time.Now().Add(-age)
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
		return p
	}
	strays := []string{
		// The previous version's snapshot killed while written: empty, or
		// half written with its journal beside it.
		write("cards-20261101-100000-000000000-edit.db", nil, 2*time.Hour),
		write("cards-20261102-100000-000000000-edit.db", content[:len(content)/2], 2*time.Hour),
		write("cards-20261102-100000-000000000-edit.db-journal", content[:512], 2*time.Hour),
		write("cards-20261102-110000-000000000-delete.db", content[:len(content)-1], 2*time.Hour),
		// This version's temporary files of a process that is gone.
		write(".backup-999999999-0123456789ab.tmp", content[:len(content)/2], 0),
		write(".backup-999999999-0123456789ab.tmp-journal", content[:512], 0),
		write(".restore-999999999-0123456789ab.tmp", content, 0),
	}
	// A backup still being written by a running process (this one).
	running := write(fmt.Sprintf(".backup-%d-0123456789ab.tmp", os.Getpid()), content[:1024], 0)
	// A complete snapshot of the previous version is listed.
	legacy := write("cards-20261103-100000-000000000-delete.db", content, 2*time.Hour)
	if got := backupPaths(t, s); !slices.Equal(got, []string{good.Path, legacy}) {
		t.Errorf("listed %v, want only %v", got, []string{good.Path, legacy})
	}
	s.Close()
	s2, _ := openStoreAt(t, path)
	for _, p := range strays {
		if fileExists(p) {
			t.Errorf("after reopening, %s is still there", filepath.Base(p))
		}
	}
	if !fileExists(running) {
		t.Error("reopening removed the temporary file of a running backup")
	}
	os.Remove(running)
	if got := backupPaths(t, s2); !slices.Contains(got, good.Path) || !slices.Contains(got, legacy) {
		t.Errorf("after reopening: %v", got)
	}
}

// TestBackupKilledAtRandomPoints kills a process that makes backups (and
// the day's backup when it opens the database) at random moments. After
// each kill, reopening lists only backups that pass the full check, leaves
// no temporary file, and the database is intact.
func TestBackupKilledAtRandomPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 10_000, Series: "K"})
	want := allCards(t, s)
	s.Close()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	made := 0
	for i := range 8 {
		cmd, _, out := helper(t, "backup", path)
		delay := time.Duration(rng.IntN(600)) * time.Millisecond
		lines := make(chan string, 100)
		go func() {
			for {
				l, err := out.ReadString('\n')
				if err != nil {
					close(lines)
					return
				}
				lines <- strings.TrimSpace(l)
			}
		}()
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		for l := range lines {
			if strings.HasPrefix(l, "made ") {
				made++
			}
		}
		s, _ := openStoreAt(t, path)
		ctx := context.Background()
		var check string
		if err := s.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Fatalf("kill %d: integrity check %q, %v", i, check, err)
		}
		if got := allCards(t, s); !reflect.DeepEqual(got, want) {
			t.Fatalf("kill %d: the cards changed", i)
		}
		listed := backupPaths(t, s)
		for _, p := range listed {
			if _, err := s.RestorePlan(ctx, p); err != nil {
				t.Errorf("kill %d after %v: listed backup %s fails its check: %v", i, delay, filepath.Base(p), err)
			}
		}
		entries, _ := os.ReadDir(s.BackupDir())
		for _, e := range entries {
			if !slices.Contains(listed, filepath.Join(s.BackupDir(), e.Name())) {
				t.Errorf("kill %d after %v: %s in backups/ is not a listed backup", i, delay, e.Name())
			}
		}
		s.Close()
	}
	t.Logf("%d backups finished before the kills", made)
}

// TestBackupBeforeMigrationAndOldSnapshotsRestore: opening a database of
// schema 5 (the previous version) backs it up before upgrading it; that
// backup and the previous version's snapshots are listed and restore.
func TestBackupBeforeMigrationAndOldSnapshotsRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "cards.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	files, err := filepath.Glob(filepath.Join("migrations", "000[12345]_*.sql"))
	if err != nil || len(files) != 5 {
		t.Fatalf("migrations 1 to 5: %v, %v", files, err)
	}
	for _, name := range files {
		if _, err := db.Exec(string(mustRead(t, name))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", sqlite.ApplicationID), "PRAGMA user_version = 5",
		`INSERT INTO batches (id, series, first_number, quantity, amount, currency, pin_length, created_at)
			VALUES (1, 'V', 1, 3, 500, 'USD', 12, 1767000000)`,
		`INSERT INTO cards (id, series, number, pin, amount, currency, batch_id, created_at) VALUES
			(1, 'V', 1, '111122223333', 500, 'USD', 1, 1767000000), (2, 'V', 2, '111122224444', 500, 'USD', 1, 1767000000),
			(3, 'V', 3, '111122225555', 500, 'USD', 1, 1767000000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	// The previous version's snapshot of it.
	if err := os.MkdirAll(filepath.Join(dir, "backups"), 0o700); err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "backups", "cards-20260101-090000-000000000-edit.db")
	if err := os.WriteFile(legacy, mustRead(t, path), 0o600); err != nil {
		t.Fatal(err)
	}
	s, clk := openStoreAt(t, path)
	bs, err := s.Backups(ctx)
	if err != nil || len(bs) != 2 || !bs[0].Legacy || bs[1].Reason != data.BackupBeforeUpgrade || bs[1].Cards != 3 {
		t.Fatalf("backups after the upgrade: %+v, %v", bs, err)
	}
	all := allCards(t, s)
	clk.advance(time.Hour)
	if _, err := s.Redeem(ctx, all[0].PIN, "Early Client"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if _, err := s.Restore(ctx, b.Path); err != nil {
			t.Fatalf("restore %s: %v", filepath.Base(b.Path), err)
		}
		got := allCards(t, s)
		if len(got) != 3 || got[0].ActivatedBy != "Early Client" {
			t.Errorf("after restoring %s: %+v", filepath.Base(b.Path), got)
		}
		_, err := s.Redeem(ctx, all[0].PIN, "Again")
		wantErr(t, err, data.ErrAlreadyRedeemed, "redeem after restoring "+filepath.Base(b.Path))
	}
	// A snapshot without identity outside backups/ cannot be told apart
	// from another database's.
	outside := filepath.Join(t.TempDir(), "cards-20260101-090000-000000000-edit.db")
	if err := os.WriteFile(outside, mustRead(t, legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.Restore(ctx, outside)
	wantErr(t, err, data.ErrForeignBackup, "restore of a snapshot without identity from elsewhere")
}

// TestDailyBackupOnce: opening a database for writing makes the day's
// backup once.
func TestDailyBackupOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	if got := backupPaths(t, s); len(got) != 0 {
		t.Errorf("a new database has backups: %v", got)
	}
	mustGenerate(t, s, data.GenerateParams{Amount: 100, Quantity: 2, Series: "D"})
	s.Close()
	// Opening and reading makes no backup: reading never waits for one.
	s, _ = openStoreAt(t, path)
	allCards(t, s)
	if got := backupPaths(t, s); len(got) != 0 {
		t.Errorf("opening to read made a backup: %v", got)
	}
	s.Close()
	// The first change of the day makes the day's backup, once.
	for range 3 {
		s, _ = openStoreAt(t, path)
		mustAddReseller(t, s, fmt.Sprintf("R%d", time.Now().UnixNano()))
		s.Close()
	}
	s, _ = openStoreAt(t, path)
	got := backupPaths(t, s)
	if len(got) != 1 || !strings.Contains(got[0], ".daily.") {
		t.Errorf("after three changes in a day: %v, want one daily backup", got)
	}
}
