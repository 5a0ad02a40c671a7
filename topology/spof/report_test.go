package spof_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"dctwin/topology"
	"dctwin/topology/spof"
	"dctwin/twin"
)

// teaming-lab has 21 components of the classes the analysis fails: 14 links (isl,
// core-isl, up-a, up-b, the two NIC cables of srv-1 and the cables of six phones and
// two clients), 2 NICs, 4 switches and 1 host; no modules, power supplies, enclosures
// or storage.
func TestReviewCountsAndKeepsTheSerious(t *testing.T) {
	sc, err := twin.Load("teaming-lab")
	if err != nil {
		t.Fatal(err)
	}
	rep := spof.Review(sc.Topology())
	if rep.Checked != 21 {
		t.Errorf("checked %d components, want 21", rep.Checked)
	}
	serious := 0
	for _, r := range spof.Analyze(sc.Topology()) {
		if r.Serious() {
			serious++
		}
	}
	if len(rep.Results) != serious || serious == 0 {
		t.Errorf("%d results, want the %d serious ones", len(rep.Results), serious)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b, sc.File); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("teaming-lab.yaml: %d of 21 components are single points of failure\n", serious); !strings.HasPrefix(b.String(), want) {
		t.Errorf("heading: %q, want %q", strings.SplitN(b.String(), "\n", 2)[0], want)
	}
}

// accessSwitchFailure is what a dead access switch does in a small data center: its
// three phones lose the PBX, the voicemail VM and each other; a client on another port
// of it loses the web server only; the PBX's own host (cabled to it alone) is down.
func accessSwitchFailure() spof.Result {
	phone := func(name string, others ...string) spof.Impact {
		return spof.Impact{Item: spof.Item{Name: name, Kind: "endpoint"}, Effect: spof.Isolated,
			LosesContactWith: append(others, "pbx-a", "vm-voicemail")}
	}
	return spof.Result{
		Component: topology.Component{Class: topology.ClassSwitch, Name: "acc-1",
			Pos: topology.Pos{File: "dc.yaml", Line: 12, Col: 7}},
		Impacts: []spof.Impact{
			phone("phone-1", "phone-2", "phone-3"),
			{Item: spof.Item{Name: "srv-2", Kind: "host", Role: "pbx"}, Effect: spof.Down},
			{Item: spof.Item{Name: "client-1", Kind: "endpoint"}, Effect: spof.Isolated, LosesContactWith: []string{"web-1"}},
			phone("phone-2", "phone-1", "phone-3"),
			phone("phone-3", "phone-1", "phone-2"),
			{Item: spof.Item{Name: "pbx-b", Kind: "vm", Role: "pbx"}, Effect: spof.HARestart},
		},
		ServicesDegraded: []string{"pbx"},
	}
}

func TestIsolatedGroups(t *testing.T) {
	gs := accessSwitchFailure().IsolatedGroups()
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2: %+v", len(gs), gs)
	}
	names := func(g spof.IsolatedGroup) string {
		var s []string
		for _, im := range g.Items {
			s = append(s, im.Item.Name)
		}
		return strings.Join(s, " ")
	}
	if got := names(gs[0]); got != "phone-1 phone-2 phone-3" || strings.Join(gs[0].From, " ") != "pbx-a vm-voicemail" {
		t.Errorf("first group %s from %v, want the three phones from pbx-a and vm-voicemail", got, gs[0].From)
	}
	if got := names(gs[1]); got != "client-1" || strings.Join(gs[1].From, " ") != "web-1" {
		t.Errorf("second group %s from %v, want client-1 from web-1", got, gs[1].From)
	}
}

func TestReportWriteText(t *testing.T) {
	rep := spof.Report{Checked: 40, Results: []spof.Result{accessSwitchFailure()}}
	var b bytes.Buffer
	if err := rep.WriteText(&b, "dc.yaml"); err != nil {
		t.Fatal(err)
	}
	want := `dc.yaml: 1 of 40 components are single points of failure

switch acc-1  (dc.yaml:12:7)
  services degraded: pbx
  down: srv-2 (host, pbx)
  down until HA restart: pbx-b (vm, pbx)
  isolated: phone-1 (endpoint), phone-2 (endpoint), phone-3 (endpoint)
    from 2 others: pbx-a, vm-voicemail
  isolated: client-1 (endpoint)
    from 1 other: web-1
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// A group cut off from more than ten others names ten and counts the rest.
func TestReportAbbreviatesLongLists(t *testing.T) {
	var lost []string
	for i := 1; i <= 13; i++ {
		lost = append(lost, fmt.Sprintf("h%02d", i))
	}
	r := spof.Result{Component: topology.Component{Class: topology.ClassLink, Name: "l"},
		Impacts: []spof.Impact{{Item: spof.Item{Name: "e", Kind: "endpoint"}, Effect: spof.Isolated, LosesContactWith: lost}}}
	var b bytes.Buffer
	if err := (spof.Report{Checked: 1, Results: []spof.Result{r}}).WriteText(&b, "f"); err != nil {
		t.Fatal(err)
	}
	if want := "from 13 others: h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, ... (3 more)\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("got\n%s\nwant a last line %q", b.String(), want)
	}
}

// The JSON object names the scenario, counts what was checked and lists the results
// (an empty list, not null, when there are none).
func TestReportWriteJSON(t *testing.T) {
	for _, rep := range []spof.Report{{Checked: 40, Results: []spof.Result{accessSwitchFailure()}}, {Checked: 3}} {
		var b bytes.Buffer
		if err := rep.WriteJSON(&b, "dc"); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Scenario string `json:"scenario"`
			Checked  int    `json:"components_checked"`
			Results  []struct {
				Component struct{ Class, Name string }
				Impacts   []struct {
					Item   struct{ Name string }
					Effect string
				}
			} `json:"results"`
		}
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		if got.Scenario != "dc" || got.Checked != rep.Checked || len(got.Results) != len(rep.Results) ||
			!strings.Contains(b.String(), `"results": [`) {
			t.Errorf("JSON %+v from\n%s", got, b.String())
		}
		if len(got.Results) > 0 && (got.Results[0].Component.Name != "acc-1" || got.Results[0].Impacts[1].Effect != "down") {
			t.Errorf("result %+v", got.Results[0])
		}
	}
}
