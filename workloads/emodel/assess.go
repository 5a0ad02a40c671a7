package emodel

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Assessment is a rating with what a planner reads from it: the G.109 category and
// user satisfaction, the G.114 band of the one-way delay, the codec and notes on the
// inputs. Its JSON form (what `dctwin emodel --json` prints) has the rating's terms at
// the top level (R, MOS, Ro, Is, Id, Ie_eff and the sub-terms), then the verdicts and
// the inputs used.
type Assessment struct {
	Rating
	Category     string `json:"category"`
	Satisfaction string `json:"satisfaction"`
	// DelayBand is the G.114 verdict on Ta, empty when Ta is 0.
	DelayBand string `json:"delay_band,omitempty"`
	// Codec is the name of the codec whose Ie and Bpl the inputs carry, if one was named.
	Codec  string   `json:"codec,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	Params Params   `json:"params"`
}

// Assess checks p against the permitted ranges (a *RangeError for the first input
// outside them), rates it and words the verdicts. codec is the codec whose Ie and Bpl
// p carries, or nil; a wideband codec is refused (CheckNarrowband). When p uses the
// stand-in Bpl of a codec for which G.113 gives none, and there is loss for it to
// matter, a note says so.
func Assess(p Params, codec *Codec) (Assessment, error) {
	if codec != nil {
		if err := codec.CheckNarrowband(); err != nil {
			return Assessment{}, err
		}
	}
	if err := p.Validate(); err != nil {
		return Assessment{}, err
	}
	r := R(p)
	if !finite(r) {
		// Validate keeps every input in its permitted range, where the formulas are
		// finite (the range tests sweep them); a NaN here is a bug.
		panic(fmt.Sprintf("emodel: rating not finite for permitted inputs %+v: %+v", p, r))
	}
	cat := CategoryOf(r.R)
	a := Assessment{Rating: r, Category: cat.Quality, Satisfaction: cat.Satisfaction, Params: p}
	if p.Ta > 0 {
		a.DelayBand = DelayBandOf(p.Ta).Verdict
	}
	if codec != nil {
		a.Codec = codec.Name
		if !codec.BplTabulated && p.Ppl > 0 && p.Bpl == codec.Bpl {
			a.Notes = append(a.Notes, fmt.Sprintf("G.113 gives no Bpl for %s; the stand-in %g (G.711 without concealment) is used",
				codec.Name, codec.Bpl))
		}
	}
	return a, nil
}

// finite reports whether every term of a rating is a finite number.
func finite(r Rating) bool {
	for _, v := range []float64{r.No, r.Ro, r.Iolr, r.Ist, r.Iq, r.Is, r.Idte, r.Idle, r.Idd, r.Id, r.IeEff, r.A, r.R, r.MOS} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// CheckNarrowband returns an error for a wideband codec: this package rates
// narrowband connections, and G.113 gives a wideband codec no narrowband Ie and Bpl.
func (c Codec) CheckNarrowband() error {
	if c.Wideband {
		return fmt.Errorf("%s is a wideband (7 kHz) codec; G.107.1 rates it on the wideband scale, "+
			"which is not comparable with this narrowband calculator, and G.113 gives it no narrowband Ie/Bpl", c.Name)
	}
	return nil
}

// WriteText writes the assessment for a planner: R, MOS and the G.109 category first,
// then the breakdown R = Ro − Is − Id − Ie,eff + A with the inputs behind each term,
// the G.114 verdict on the delay and the notes.
func (a Assessment) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	p, r := a.Params, a.Rating
	fmt.Fprintf(b, "R    %s\n", num(r.R))
	fmt.Fprintf(b, "MOS  %s  (G.107 Annex B)\n", num(r.MOS))
	fmt.Fprintf(b, "G.109 category: %s, user satisfaction: %s\n", a.Category, strings.ToLower(a.Satisfaction))
	fmt.Fprintln(b)

	codecText := ""
	if a.Codec != "" {
		codecText = a.Codec + ", "
	}
	term := func(name string, v float64, format string, args ...any) {
		fmt.Fprintf(b, "  %-8s %7s   %s\n", name, num(v), fmt.Sprintf(format, args...))
	}
	fmt.Fprintln(b, "R = Ro − Is − Id − Ie,eff + A")
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

	if a.DelayBand != "" {
		fmt.Fprintf(b, "\nOne-way delay %g ms: %s\n", p.Ta, a.DelayBand)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
	return b.Flush()
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

// CodecRow is a codec with its one-direction bandwidth at its usual packetization.
type CodecRow struct {
	Codec
	PacketsPerSecond float64 `json:"packets_per_second"`
	IPKbps           float64 `json:"ip_kbps"`       // payload and IP/UDP/RTP headers
	EthernetKbps     float64 `json:"ethernet_kbps"` // and the Ethernet header and FCS
}

// CodecTable returns the codec table (Codecs) with each codec's bandwidth.
func CodecTable() ([]CodecRow, error) {
	var rows []CodecRow
	for _, c := range Codecs() {
		pps, err := c.PacketsPerSecond(0)
		if err != nil {
			return nil, err
		}
		ip, _ := c.Bandwidth(0, 0)
		eth, _ := c.Bandwidth(0, EthernetBytes)
		rows = append(rows, CodecRow{c, pps, ip / 1000, eth / 1000})
	}
	return rows, nil
}

// WriteCodecTable writes codec rows as an aligned table for a planner, with a legend:
// where Ie and Bpl come from, which Bpl is a stand-in (*), which codecs are wideband
// (WB) and how the bandwidth is counted.
func WriteCodecTable(w io.Writer, rows []CodecRow) error {
	b := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
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
	fmt.Fprintln(b, `
Ie, Bpl: G.113 Appendix I. * no G.113 Bpl found: the G.711-without-concealment value 4.3
stands in. WB: wideband codec, rated on the G.107.1 scale, not comparable with narrowband
R; this calculator refuses it. Bandwidth: one direction, (payload + 40 B IP/UDP/RTP
[+ 18 B Ethernet]) · 8 · packets per second, at the usual packetization.`)
	return b.Flush()
}
