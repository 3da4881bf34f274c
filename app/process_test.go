package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The command line as a real process: the test binary run again with
// cliEnv set runs CLI.Run on the arguments after "--" and exits with its
// status, as main does (without the window). Signals, exit codes, files
// left behind and what reaches stdout and stderr are the real ones.
const cliEnv = "TOPUPCARDS_TEST_CLI"

// TestCLIProcess is not a test: it is what cliProcess runs.
func TestCLIProcess(t *testing.T) {
	if os.Getenv(cliEnv) == "" {
		t.Skip("only runs as a command-line subprocess")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit((&CLI{Stdout: os.Stdout, Stderr: os.Stderr}).Run(args))
}

// cliProcess starts `topupcards ARGS...` as a subprocess.
func cliProcess(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestCLIProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, &out, &errb
}

// runProcess runs `topupcards ARGS...` to its end (at most a minute, a
// guard against a hang, not a measure) and returns what it did.
func runProcess(t *testing.T, args ...string) cliResult {
	t.Helper()
	cmd, out, errb := cliProcess(t, args...)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("topupcards %s hung", strings.Join(args, " "))
	}
	return cliResult{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}
