package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"dctwin/topology/check"
	"dctwin/tui"
	"dctwin/twin"
)

// tuiOptions are the flags of `dctwin tui`.
type tuiOptions struct {
	seed    uint64
	sets    []string
	logFile string
	paused  bool
	speed   float64
	force   bool
}

func newTUICmd() *cobra.Command {
	var o tuiOptions
	cmd := &cobra.Command{
		Use:   "tui [FILE|NAME]",
		Short: "Watch a scenario live in the terminal: fail things by key, see failovers, rewind",
		Long: `Opens the terminal UI on a scenario (default: teaming-lab). The simulation runs at
real time (+ and - change the speed, space pauses); select a component in the tree and
press f to fail it: the failover table, the path of its flows and the call quality show
what the mechanisms did. b steps back before the latest notable event (the run is
replayed with the same seed and your actions), :save FILE writes the session as a
scenario that 'dctwin run FILE' replays. ? shows every key.

Needs a terminal of at least 60×16 (100×30 shows every pane at once). Nothing is
printed while it runs; --log FILE keeps a log.`,
		Example: `  dctwin                          # the TUI on teaming-lab, when run in a terminal
  dctwin tui classic-dc
  dctwin tui ./my-dc.yaml --seed 7 --paused
  dctwin tui teaming-lab --set topology.hosts[srv-1].teams[bond0].detection.method=carrier`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := defaultScenario
			if len(args) == 1 {
				arg = args[0]
			}
			if !isTerminal(os.Stdin) || !isTerminal(cmd.OutOrStdout()) {
				return exitError{code: exitFailure, msg: "dctwin tui needs a terminal (stdin and stdout); without one, 'dctwin run " + arg + "' prints the report"}
			}
			return runTUI(cmd, arg, o)
		},
	}
	cmd.Flags().Uint64Var(&o.seed, "seed", 0, "master random seed (default: the scenario's run.seed)")
	addSetFlag(cmd, &o.sets)
	cmd.Flags().StringVar(&o.logFile, "log", "", "write a log (slog text) to this file; nothing is printed while the TUI runs")
	cmd.Flags().BoolVar(&o.paused, "paused", false, "start paused (space runs)")
	cmd.Flags().Float64Var(&o.speed, "speed", 1, "start at this speed, × real time (0.1 to 1000)")
	cmd.Flags().BoolVar(&o.force, "force", false, "open even if 'dctwin check' finds errors, to see what the mistakes do")
	return cmd
}

// runTUI loads a scenario, builds its session and shows the TUI. Load and build errors
// are printed before the screen is taken, with their positions.
func runTUI(cmd *cobra.Command, arg string, o tuiOptions) error {
	if o.speed < 0.1 || o.speed > 1000 {
		return usageError{fmt.Errorf("--speed %g: from 0.1 to 1000 (× real time)", o.speed)}
	}
	// A large scenario takes seconds to load and build: say so before the screen is
	// taken, so that a blank terminal is never all there is.
	stderr := cmd.ErrOrStderr()
	fmt.Fprintf(stderr, "loading %s …\n", arg)
	sc, err := loadScenario(cmd, arg, false, o.sets)
	if err != nil {
		return err
	}
	opt := twin.Options{Force: o.force}
	if cmd.Flags().Changed("seed") {
		opt.Seed, opt.SeedSet = o.seed, true
	}
	notice := ""
	if fs := twin.Check(sc); fs.Count(check.Error) > 0 {
		if !o.force {
			return configErrors(sc, fs, arg, o.sets, "add --force to open it anyway")
		}
		notice = fmt.Sprintf("%s has %s (%s); opened with --force to show what they cost", sc.Name, countErrors(fs.Count(check.Error)), checkCommand(arg, o.sets))
		fmt.Fprintln(stderr, notice)
	}
	fmt.Fprintf(stderr, "building the twin …\n")
	logW := io.Discard
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		logW = f
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logW, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)
	sess, err := tui.NewSession(sc, opt)
	if err != nil {
		return err
	}
	err = tui.Run(sess, tui.Options{Paused: o.paused, Speed: o.speed, Notice: notice}, nil, nil)
	if errors.Is(err, tui.ErrPanic) {
		return exitError{code: exitInternal, msg: err.Error()}
	}
	return err
}
