package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// The helper process: the test binary run again with -test.run=^TestHelperProcess$
// and helperEnv set to a command. It talks to its parent on stdin/stdout.
const helperEnv = "TOPUPCARDS_TEST_HELPER"

// TestHelperProcess is not a test: it is what helper subprocesses run.
//
//	redeem DB PIN CLIENT: open DB, print "ready", wait for a line on stdin,
//	  redeem PIN for CLIENT and print "redeemed" or "refused: REASON".
//	backup DB: open DB (which may make the day's backup), print "ready",
//	  then make backups without end, printing "made PATH" after each.
//	generate DB N: open DB, generate N cards in series K with a small page
//	  cache and print "progress DONE" each time progress is reported past 0.
func TestHelperProcess(t *testing.T) {
	args := strings.Fields(os.Getenv(helperEnv))
	if len(args) == 0 {
		t.Skip("only runs as a helper subprocess")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, args[1])
	if err != nil {
		fmt.Printf("open: %v\n", err)
		os.Exit(3)
	}
	switch args[0] {
	case "redeem":
		fmt.Println("ready")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			fmt.Printf("stdin: %v\n", err)
			os.Exit(3)
		}
		if _, err := s.Redeem(ctx, args[2], args[3]); err != nil {
			fmt.Printf("refused: %v\n", err)
		} else {
			fmt.Println("redeemed")
		}
	case "backup":
		fmt.Println("ready")
		for i := 0; ; i++ {
			b, err := s.CreateBackup(ctx, fmt.Sprintf("test%d", i%3))
			if err != nil {
				fmt.Printf("backup: %v\n", err)
				os.Exit(3)
			}
			fmt.Printf("made %s\n", b.Path)
		}
	case "generate":
		n, _ := strconv.Atoi(args[2])
		// A small page cache on the one connection, so that the batch
		// spills into the WAL long before it commits, as a million cards
		// do with the store's normal cache.
		// The integrity check (and the day's backup) first, so that the one
		// connection left is the one the batch is written on.
		if err := s.Check(ctx); err != nil {
			fmt.Printf("check: %v\n", err)
			os.Exit(3)
		}
		if err := s.DailyBackup(ctx); err != nil {
			fmt.Printf("daily backup: %v\n", err)
			os.Exit(3)
		}
		s.DB().SetMaxOpenConns(1)
		if _, err := s.DB().Exec("PRAGMA cache_size = 50"); err != nil {
			fmt.Printf("cache size: %v\n", err)
			os.Exit(3)
		}
		_, err := s.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: n, Series: "K", PINLength: 16},
			func(done, total int) {
				if done > 0 {
					fmt.Printf("progress %d\n", done)
				}
			})
		fmt.Printf("generated: %v\n", err)
	}
	s.Close()
	os.Exit(0)
}

// helper starts the test binary as a helper subprocess.
func helper(t *testing.T, args ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(args, " "))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, stdin, bufio.NewReader(stdout)
}

// readLine reads one line of a helper's output, failing on EOF.
func readLine(t *testing.T, r *bufio.Reader, who string) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("%s: read output: %v (got %q)", who, err, line)
	}
	return strings.TrimSpace(line)
}

func TestRedeemConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 3, Series: "3"})
	target := allCards(t, s)[1]
	const n = 8
	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	procs := make([]proc, n)
	for i := range procs {
		// Typed as printed, with dashes between the groups.
		pin := strings.ReplaceAll(data.GroupPIN(target.PIN), " ", "-")
		cmd, stdin, out := helper(t, "redeem", path, pin, fmt.Sprintf("process-%d", i))
		procs[i] = proc{cmd, stdin, out}
	}
	// Wait until every process has the database open, then let them all go.
	for i, p := range procs {
		if line := readLine(t, p.out, fmt.Sprintf("process %d", i)); line != "ready" {
			t.Fatalf("process %d: %q", i, line)
		}
	}
	for _, p := range procs {
		if _, err := io.WriteString(p.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
	results := make([]string, n)
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line, _ := p.out.ReadString('\n')
			results[i] = strings.TrimSpace(line)
			p.cmd.Wait()
		}()
	}
	wg.Wait()
	winner := -1
	for i, r := range results {
		switch {
		case r == "redeemed":
			if winner >= 0 {
				t.Errorf("processes %d and %d both redeemed the card", winner, i)
			}
			winner = i
		case strings.HasPrefix(r, "refused: ") && strings.Contains(r, "already activated"):
		default:
			t.Errorf("process %d: %q", i, r)
		}
	}
	if winner < 0 {
		t.Fatalf("no process redeemed the card: %q", results)
	}
	c, err := s.Card(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.ActivatedBy != fmt.Sprintf("process-%d", winner) {
		t.Errorf("card activated by %q, the winner was process-%d", c.ActivatedBy, winner)
	}
	if h := newestHistory(t, s, n); len(h) != n {
		t.Errorf("history has %d entries for %d attempts", len(h), n)
	}
}

func TestGenerationKilledMidwayLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cards.db")
	s, _ := openStoreAt(t, path)
	mustGenerate(t, s, data.GenerateParams{Amount: 800, Quantity: 25, Series: "3", CheckDigit: true})
	before := stateOf(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd, _, out := helper(t, "generate", path, "300000")
	type line struct {
		s   string
		err error
	}
	lines := make(chan line, 1)
	go func() {
		for {
			l, err := out.ReadString('\n')
			lines <- line{strings.TrimSpace(l), err}
			if err != nil {
				return
			}
		}
	}()
	// Kill it once it reports progress past killAt: the batch is then
	// half-written inside its transaction, part of it already in the WAL
	// file. (The timer is a guard against a hung helper, not an assertion
	// on speed.)
	const killAt = 20_000
	guard := time.After(2 * time.Minute)
	for killed := false; !killed; {
		select {
		case l := <-lines:
			if l.err != nil {
				t.Fatalf("helper ended before reporting progress: %q, %v", l.s, l.err)
			}
			done, err := strconv.Atoi(strings.TrimPrefix(l.s, "progress "))
			if err != nil {
				t.Fatalf("helper: %q", l.s)
			}
			if done >= killAt {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		case <-guard:
			t.Fatal("helper reported no progress")
		}
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("helper was not killed by the signal: %v", err)
	}
	for l := range lines {
		if strings.HasPrefix(l.s, "generated") {
			t.Fatalf("the helper finished its batch before it was killed: %q", l.s)
		}
		if l.err != nil {
			break
		}
	}
	// The uncommitted part of the batch is on disk: reopening must ignore it.
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() == 0 {
		t.Fatalf("no uncommitted pages in the WAL when the helper was killed (%v, %v); the test proves nothing", info, err)
	}

	s2, _ := openStoreAt(t, path)
	var check string
	if err := s2.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q, %v", check, err)
	}
	after := stateOf(t, s2)
	after.Snapshots = before.Snapshots // reopening made the day's backup
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after the killed generation the store holds %d cards, %d batches, %d history entries; before %d, %d, %d",
			len(after.Cards), len(after.Batches), len(after.History), len(before.Cards), len(before.Batches), len(before.History))
	}
	// The database works and the series K starts at 1: nothing of the
	// killed batch was kept.
	b := mustGenerate(t, s2, data.GenerateParams{Amount: 100, Quantity: 2, Series: "K"})
	if b.FirstNumber != 1 {
		t.Errorf("series K continues at %d after a killed batch, want 1", b.FirstNumber)
	}
}
