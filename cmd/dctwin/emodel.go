package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

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
				return writeCodecTable(out, asJSON)
			}
			flags := cmd.Flags()
			var codec *emodel.Codec
			if flags.Changed("codec") {
				c, err := emodel.LookupCodec(codecName)
				if err != nil {
					return usageError{fmt.Errorf("--codec: %w", err)}
				}
				if c.Wideband {
					return usageError{fmt.Errorf("--codec %s: %s is a wideband (7 kHz) codec; G.107.1 rates it on the wideband scale, "+
						"which is not comparable with this narrowband calculator, and G.113 gives it no narrowband Ie/Bpl", codecName, c.Name)}
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
				if !flags.Changed("ta") {
					p.Ta = delay
				}
				if !flags.Changed("t") {
					p.T = delay
				}
				if !flags.Changed("tr") {
					p.Tr = 2 * delay
				}
			}
			if err := p.Validate(); err != nil {
				var re *emodel.RangeError
				if errors.As(err, &re) {
					return usageError{rangeFlagError(re)}
				}
				return usageError{err}
			}
			r := emodel.R(p)
			if !finiteRating(r) {
				// Validate keeps every input in its permitted range, where the formulas are
				// finite (workloads/emodel's range tests sweep them); a NaN here is a bug.
				panic(fmt.Sprintf("emodel: rating not finite for permitted inputs %+v: %+v", p, r))
			}
			var notes []string
			if codec != nil && !codec.BplTabulated && p.Ppl > 0 && !flags.Changed("bpl") {
				notes = append(notes, fmt.Sprintf("G.113 gives no Bpl for %s; the stand-in %g (G.711 without concealment) is used", codec.Name, codec.Bpl))
			}
			if asJSON {
				return writeEmodelJSON(out, p, r, codec, notes)
			}
			writeEmodelText(out, p, r, codec, notes)
			return nil
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

// finiteRating reports whether every term of a rating is a finite number.
func finiteRating(r emodel.Rating) bool {
	for _, v := range []float64{r.No, r.Ro, r.Iolr, r.Ist, r.Iq, r.Is, r.Idte, r.Idle, r.Idd, r.Id, r.IeEff, r.A, r.R, r.MOS} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
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

// num prints a term with two decimals, without the "-0.00" that a tiny negative (Ist at
// the defaults is −0.0007) would otherwise show.
func num(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if s == "-0.00" {
		return "0.00"
	}
	return s
}

func writeEmodelText(w io.Writer, p emodel.Params, r emodel.Rating, codec *emodel.Codec, notes []string) {
	cat := emodel.CategoryOf(r.R)
	fmt.Fprintf(w, "R    %s\n", num(r.R))
	fmt.Fprintf(w, "MOS  %s  (G.107 Annex B)\n", num(r.MOS))
	fmt.Fprintf(w, "G.109 category: %s, user satisfaction: %s\n", cat.Quality, strings.ToLower(cat.Satisfaction))
	fmt.Fprintln(w)

	codecText := ""
	if codec != nil {
		codecText = codec.Name + ", "
	}
	term := func(name string, v float64, format string, args ...any) {
		fmt.Fprintf(w, "  %-8s %7s   %s\n", name, num(v), fmt.Sprintf(format, args...))
	}
	fmt.Fprintln(w, "R = Ro − Is − Id − Ie,eff + A")
	term("Ro", r.Ro, "basic signal-to-noise ratio (No = %s dBm0p)", num(r.No))
	term("Is", r.Is, "simultaneous impairments = Iolr + Ist + Iq")
	term("  Iolr", r.Iolr, "too low overall loudness (OLR = SLR + RLR = %g dB)", p.SLR+p.RLR)
	term("  Ist", r.Ist, "non-optimum sidetone (STMR %g dB)", p.STMR)
	term("  Iq", r.Iq, "quantizing distortion (qdu %g)", p.Qdu)
	term("Id", r.Id, "delay impairments = Idte + Idle + Idd")
	term("  Idte", r.Idte, "talker echo (TELR %g dB, T %g ms)", p.TELR, p.T)
	term("  Idle", r.Idle, "listener echo (WEPL %g dB, Tr %g ms)", p.WEPL, p.Tr)
	term("  Idd", r.Idd, "absolute delay (Ta %g ms, sT %g, mT %g ms)", p.Ta, p.ST, p.MT)
	term("Ie,eff", r.IeEff, "equipment and packet loss (%sIe %g, Bpl %g, Ppl %g %%, BurstR %g)",
		codecText, p.Ie, p.Bpl, p.Ppl, p.BurstR)
	term("A", r.A, "advantage factor")

	if p.Ta > 0 {
		fmt.Fprintf(w, "\nOne-way delay %g ms: %s\n", p.Ta, emodel.DelayBandOf(p.Ta).Verdict)
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// emodelReport is the JSON form: the rating's terms at the top level (R, MOS, Ro, Is,
// Id, Ie_eff and the sub-terms), then the verdicts and the inputs used.
type emodelReport struct {
	emodel.Rating
	Category     string        `json:"category"`
	Satisfaction string        `json:"satisfaction"`
	DelayBand    string        `json:"delay_band,omitempty"`
	Codec        string        `json:"codec,omitempty"`
	Notes        []string      `json:"notes,omitempty"`
	Params       emodel.Params `json:"params"`
}

func writeEmodelJSON(w io.Writer, p emodel.Params, r emodel.Rating, codec *emodel.Codec, notes []string) error {
	cat := emodel.CategoryOf(r.R)
	rep := emodelReport{Rating: r, Category: cat.Quality, Satisfaction: cat.Satisfaction, Notes: notes, Params: p}
	if p.Ta > 0 {
		rep.DelayBand = emodel.DelayBandOf(p.Ta).Verdict
	}
	if codec != nil {
		rep.Codec = codec.Name
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// codecRow is one codec with its bandwidth at the usual packetization, for --list-codecs.
type codecRow struct {
	emodel.Codec
	PacketsPerSecond float64 `json:"packets_per_second"`
	IPKbps           float64 `json:"ip_kbps"`
	EthernetKbps     float64 `json:"ethernet_kbps"`
}

func writeCodecTable(w io.Writer, asJSON bool) error {
	var rows []codecRow
	for _, c := range emodel.Codecs() {
		pps, err := c.PacketsPerSecond(0)
		if err != nil {
			return err
		}
		ip, _ := c.Bandwidth(0, 0)
		eth, _ := c.Bandwidth(0, emodel.EthernetBytes)
		rows = append(rows, codecRow{c, pps, ip / 1000, eth / 1000})
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "codec\tIe\tBpl\tframe ms\tB/frame\tpacket ms\tkbit/s\tcodec delay ms\tIP kbit/s\tEthernet kbit/s\taliases")
	for _, r := range rows {
		ie, bpl := fmt.Sprintf("%g", r.Ie), fmt.Sprintf("%g", r.Bpl)
		switch {
		case r.Wideband:
			ie, bpl = "WB", "WB"
		case !r.BplTabulated:
			bpl += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%g\t%d\t%g\t%g\t%g\t%.1f\t%.1f\t%s\n", r.Name, ie, bpl, r.FrameMs, r.FrameBytes,
			r.PacketMs, r.BitrateKbps, r.DelayMs, r.IPKbps, r.EthernetKbps, strings.Join(r.Aliases, " "))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, `
Ie, Bpl: G.113 Appendix I. * no G.113 Bpl found: the G.711-without-concealment value 4.3
stands in. WB: wideband codec, rated on the G.107.1 scale, not comparable with narrowband
R; this calculator refuses it. Bandwidth: one direction, (payload + 40 B IP/UDP/RTP
[+ 18 B Ethernet]) · 8 · packets per second, at the usual packetization.`)
	return nil
}
