package main

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"dctwin/workloads/emodel"
)

// emodelFlag ties a command-line flag to one G.107 input. The flag is the G.107 symbol
// in lower case, so that a planner reading the standard finds the knob by its name.
type emodelFlag struct {
	field *float64
	about string
}

func newEmodelCmd() *cobra.Command {
	p := emodel.Defaults()
	var (
		codecName          string
		delay              float64
		asJSON, listCodecs bool
	)
	inputs := []emodelFlag{
		{&p.SLR, "SLR, send loudness rating, dB"},
		{&p.RLR, "RLR, receive loudness rating, dB"},
		{&p.STMR, "STMR, sidetone masking rating, dB"},
		{&p.LSTR, "LSTR, listener sidetone rating, dB (G.107: LSTR = STMR + Dr; set it when you change either)"},
		{&p.Ds, "Ds, D-value of the telephone, send side"},
		{&p.Dr, "Dr, D-value of the telephone, receive side"},
		{&p.TELR, "TELR, talker echo loudness rating, dB"},
		{&p.WEPL, "WEPL, weighted echo path loss, dB"},
		{&p.T, "T, mean one-way delay of the echo path, ms"},
		{&p.Tr, "Tr, round-trip delay in a 4-wire loop, ms"},
		{&p.Ta, "Ta, absolute one-way delay in echo-free connections, ms"},
		{&p.Qdu, "qdu, number of quantizing distortion units"},
		{&p.Ie, "Ie, equipment impairment factor of the codec (G.113)"},
		{&p.Bpl, "Bpl, packet-loss robustness factor of the codec (G.113)"},
		{&p.Ppl, "Ppl, packet-loss probability, percent"},
		{&p.BurstR, "BurstR, burst ratio: 1 random loss, > 1 bursty loss"},
		{&p.Nc, "Nc, circuit noise referred to 0 dBr, dBm0p"},
		{&p.Nfor, "Nfor, noise floor at the receive side, dBmp"},
		{&p.Ps, "Ps, room noise at the send side, dB(A)"},
		{&p.Pr, "Pr, room noise at the receive side, dB(A)"},
		{&p.A, "A, advantage factor: 0 wirebound, ≤ 5 in-building mobility, ≤ 10 vehicle, ≤ 20 satellite"},
		{&p.ST, "sT, delay sensitivity of Idd (G.107 2014+)"},
		{&p.MT, "mT, minimum perceivable absolute delay, ms (G.107 2014+)"},
	}

	cmd := &cobra.Command{
		Use:   "emodel",
		Short: "Rate call quality with the ITU-T G.107 E-model (R, MOS, impairments)",
		Long: `Computes the ITU-T G.107 E-model rating R of a narrowband (3.1 kHz handset) call,
its impairment breakdown R = Ro − Is − Id − Ie,eff + A, the MOS (G.107 Annex B), the
G.109 user-satisfaction category and, for a one-way delay, the G.114 planning band.

Every G.107 input is a flag named after its symbol in lower case (--slr, --ta, --ppl,
--burstr, ...); unset inputs keep the G.107 Table 3 defaults, which give R = 93.2.
Values outside the permitted ranges of G.107 Table 3 (shown with each flag) are refused
with exit status 2. Nfor, which the table gives no range, takes Nc's; sT and mT, which
G.107 gives only as named classes, are kept where the Idd formula stays meaningful.

--codec NAME takes Ie and Bpl from the G.113 Appendix I codec table (see --list-codecs);
an explicit --ie or --bpl overrides the table. Plain g711 means G.711 without packet-loss
concealment; say g711-plc when the phones conceal losses.

--delay MS is the one-way mouth-to-ear delay. It sets Ta = MS, and it assumes an
echo-controlled connection whose echo returns from the far end: the talker-echo path
delay T = MS and the listener-echo round trip Tr = 2·MS. An explicit --ta, --t or --tr
overrides the value --delay gives it.`,
		Example: `  dctwin emodel                                   # all defaults: R ≈ 93.2, MOS ≈ 4.41
  dctwin emodel --ta 250 --ppl 2 --codec g729a
  dctwin emodel --codec g711-plc --delay 180 --ppl 1 --burstr 2
  dctwin emodel --list-codecs
  dctwin emodel --json --codec g711 --ppl 1`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if listCodecs {
				rows, err := emodel.CodecTable()
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(out, rows)
				}
				return emodel.WriteCodecTable(out, rows)
			}
			// A codec and a delay stand for several inputs; an input given by its own
			// flag wins over them.
			flags := cmd.Flags()
			var codec *emodel.Codec
			if flags.Changed("codec") {
				c, err := emodel.LookupCodec(codecName)
				if err != nil {
					return usageError{fmt.Errorf("--codec: %w", err)}
				}
				if err := c.CheckNarrowband(); err != nil {
					return usageError{fmt.Errorf("--codec %s: %w", codecName, err)}
				}
				codec = &c
				if !flags.Changed("ie") {
					p.Ie = c.Ie
				}
				if !flags.Changed("bpl") {
					p.Bpl = c.Bpl
				}
			}
			if flags.Changed("delay") {
				if !(delay >= 0 && delay <= 500) {
					return usageError{fmt.Errorf("--delay %g: the one-way delay must be 0 … 500 ms (the permitted range of Ta and T)", delay)}
				}
				ta, t, tr := emodel.DelayInputs(delay)
				if !flags.Changed("ta") {
					p.Ta = ta
				}
				if !flags.Changed("t") {
					p.T = t
				}
				if !flags.Changed("tr") {
					p.Tr = tr
				}
			}
			a, err := emodel.Assess(p, codec)
			if err != nil {
				var re *emodel.RangeError
				if errors.As(err, &re) {
					return usageError{rangeFlagError(re)}
				}
				return usageError{err}
			}
			if asJSON {
				return writeJSON(out, a)
			}
			return a.WriteText(out)
		},
	}

	f := cmd.Flags()
	ranges := map[string]emodel.Range{}
	for _, rg := range emodel.Ranges() {
		ranges[rg.Symbol] = rg
	}
	for _, in := range inputs {
		symbol, _, _ := strings.Cut(in.about, ",")
		f.Float64Var(in.field, strings.ToLower(symbol), *in.field, in.about+rangeHelp(ranges[symbol]))
	}
	f.StringVar(&codecName, "codec", "", "codec from the G.113 table: sets --ie and --bpl (see --list-codecs)")
	f.Float64Var(&delay, "delay", 0, "one-way mouth-to-ear delay, ms: sets Ta = delay and, for an echo-controlled connection, T = delay and Tr = 2·delay")
	f.BoolVar(&asJSON, "json", false, "print one JSON object (with --list-codecs: a JSON array)")
	f.BoolVar(&listCodecs, "list-codecs", false, "print the codec table (Ie, Bpl, framing, delay, bandwidth) and exit")
	f.SortFlags = false
	return cmd
}

// rangeFlagError words a range error in terms of the flag the user typed.
func rangeFlagError(re *emodel.RangeError) error {
	flag := "--" + strings.ToLower(re.Symbol)
	if math.IsInf(re.Min, -1) && math.IsInf(re.Max, 1) {
		return fmt.Errorf("%s %g: must be a finite number", flag, re.Value)
	}
	unit := ""
	if re.Unit != "" {
		unit = " " + re.Unit
	}
	return fmt.Errorf("%s %g: %s must be within %g … %g%s (the permitted range)", flag, re.Value, re.Symbol, re.Min, re.Max, unit)
}

// rangeHelp renders a permitted range for a flag's help text.
func rangeHelp(r emodel.Range) string {
	if math.IsInf(r.Min, -1) && math.IsInf(r.Max, 1) {
		return ""
	}
	return fmt.Sprintf(" [%g … %g]", r.Min, r.Max)
}
