package emodel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"dctwin/workloads/emodel"
)

// DelayInputs is the "T = Ta, Tr = 2·Ta" case of reference-facts 1.9: with the other
// inputs at their defaults, Ta 150 / 200 / 300 / 400 ms rate 89.54 / 85.80 / 72.67 /
// 62.25.
func TestDelayInputs(t *testing.T) {
	for _, c := range []struct{ delay, r float64 }{{150, 89.54}, {200, 85.80}, {300, 72.67}, {400, 62.25}} {
		p := emodel.Defaults()
		p.Ta, p.T, p.Tr = emodel.DelayInputs(c.delay)
		if p.Ta != c.delay || p.T != c.delay || p.Tr != 2*c.delay {
			t.Errorf("DelayInputs(%g) = Ta %g, T %g, Tr %g", c.delay, p.Ta, p.T, p.Tr)
		}
		near(t, "R", emodel.R(p).R, c.r, 0.006)
	}
}

// The defaults rate as reference-facts 1.9 tabulates them, term by term (Ist, −0.0007,
// prints as 0.00, not -0.00); with Ta 0 there is no G.114 line.
func TestAssessmentTextAtTheDefaults(t *testing.T) {
	a, err := emodel.Assess(emodel.Defaults(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `R    93.21
MOS  4.41  (G.107 Annex B)
G.109 category: Best, user satisfaction: very satisfied

R = Ro − Is − Id − Ie,eff + A
  Ro         94.77   basic signal-to-noise ratio (No = -61.18 dBm0p)
  Is          1.41   simultaneous impairments = Iolr + Ist + Iq
    Iolr      0.44   too low overall loudness (OLR = SLR + RLR = 10 dB)
    Ist       0.00   non-optimum sidetone (STMR 15 dB)
    Iq        0.97   quantizing distortion (qdu 1)
  Id          0.15   delay impairments = Idte + Idle + Idd
    Idte      0.00   talker echo (TELR 65 dB, T 0 ms)
    Idle      0.15   listener echo (WEPL 110 dB, Tr 0 ms)
    Idd       0.00   absolute delay (Ta 0 ms, sT 1, mT 100 ms)
  Ie,eff      0.00   equipment and packet loss (Ie 0, Bpl 4.3, Ppl 0 %, BurstR 1)
  A           0.00   advantage factor
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// G.729A at Ta 250 ms and 2 % loss: Idd(250) with defaults is 93.21 − 84.29 = 8.92
// (reference-facts 1.9, echo-free row), and Ie,eff = 11 + 84·2/(2 + 19) = 19 (eq. 7-29),
// so R = 93.21 − 8.92 − 19 = 65.29: G.109 "Low", G.114's 150–400 ms band.
func TestAssessG729AtQuarterSecond(t *testing.T) {
	c, err := emodel.LookupCodec("g729a")
	if err != nil {
		t.Fatal(err)
	}
	p := emodel.Defaults()
	p.Ie, p.Bpl, p.Ta, p.Ppl = c.Ie, c.Bpl, 250, 2
	a, err := emodel.Assess(p, &c)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "R", a.R, 65.29, 0.01)
	near(t, "Idd", a.Idd, 8.92, 0.01)
	near(t, "Ie,eff", a.IeEff, 19, 1e-9)
	near(t, "MOS", a.MOS, 3.37, 0.005)
	if a.Category != "Low" || a.Codec != "G.729A+VAD" || !strings.HasPrefix(a.DelayBand, "150–400 ms") || len(a.Notes) != 0 {
		t.Errorf("assessment %+v", a)
	}
	var b bytes.Buffer
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"R    65.29\n", "(G.729A+VAD, Ie 11, Bpl 19, Ppl 2 %, BurstR 1)",
		"\nOne-way delay 250 ms: 150–400 ms: acceptable only if"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"R", "MOS", "Ro", "Is", "Id", "Ie_eff", "No", "Iolr", "Ist", "Iq",
		"Idte", "Idle", "Idd", "A", "category", "satisfaction", "delay_band", "codec", "params"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
}

// Assess refuses what it cannot rate: an input outside its permitted range (a
// *RangeError naming it) and a wideband codec.
func TestAssessRefuses(t *testing.T) {
	p := emodel.Defaults()
	p.Ta = 600
	var re *emodel.RangeError
	if _, err := emodel.Assess(p, nil); !errors.As(err, &re) || re.Symbol != "Ta" {
		t.Errorf("Ta 600: %v", err)
	}
	wb, err := emodel.LookupCodec("g722")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emodel.Assess(emodel.Defaults(), &wb); err == nil || !strings.Contains(err.Error(), "wideband") {
		t.Errorf("G.722: %v", err)
	}
}

// G.728 has no G.113 Bpl: rated with the stand-in under loss, a note says so; without
// loss Bpl does not matter, and a Bpl of the user's own is not the stand-in.
func TestAssessNotesTheStandInBpl(t *testing.T) {
	c, err := emodel.LookupCodec("g728")
	if err != nil {
		t.Fatal(err)
	}
	if c.BplTabulated {
		t.Fatal("G.728 has a tabulated Bpl now; pick another codec for this test")
	}
	for _, x := range []struct {
		ppl, bpl float64
		note     bool
	}{{1, c.Bpl, true}, {0, c.Bpl, false}, {1, 10, false}} {
		p := emodel.Defaults()
		p.Ie, p.Bpl, p.Ppl = c.Ie, x.bpl, x.ppl
		a, err := emodel.Assess(p, &c)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(a.Notes) == 1 && strings.Contains(a.Notes[0], "G.113 gives no Bpl for G.728"); got != x.note {
			t.Errorf("Ppl %g, Bpl %g: notes %q", x.ppl, x.bpl, a.Notes)
		}
	}
}

// The codec table's bandwidth matches Cisco's per-call figures (reference-facts 2):
// G.711 and G.729 at 20 ms 87.2 and 31.2 kbit/s with Ethernet, G.723.1 6.3k 21.9.
func TestCodecTable(t *testing.T) {
	rows, err := emodel.CodecTable()
	if err != nil {
		t.Fatal(err)
	}
	eth := map[string]float64{}
	for _, r := range rows {
		eth[r.Name] = r.EthernetKbps
	}
	near(t, "G.711", eth["G.711"], 87.2, 1e-9)
	near(t, "G.729A+VAD", eth["G.729A+VAD"], 31.2, 1e-9)
	near(t, "G.723.1-6.3k", eth["G.723.1-6.3k"], 21.9, 0.05)
	var b bytes.Buffer
	if err := emodel.WriteCodecTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if !strings.HasPrefix(lines[0], "codec ") || len(lines) < len(rows)+1 {
		t.Fatalf("table:\n%s", b.String())
	}
	for _, want := range []string{"G.711+PLC     0   25.1", "G.728         7   4.3*", "G.722         WB  WB", "87.2", "31.2", "21.9",
		"* no G.113 Bpl found"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
