package scenario_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
)

// Reading a block-style file item by item must give exactly what parsing it in one
// piece gives (the reference): the same values and the same positions of every item
// and key, for every built-in scenario and a generated data center.
func TestItemByItemReadingMatchesTheWholeFileParse(t *testing.T) {
	texts := map[string][]byte{}
	for _, name := range scenarios.Names() {
		data, err := scenarios.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		texts[name+".yaml"] = data
	}
	var fab bytes.Buffer
	f := scenarios.Fabric{Switches: 8, Hosts: 40, Flows: 80, Duration: 60e9, Seed: 3}
	if _, err := f.WriteTo(&fab); err != nil {
		t.Fatal(err)
	}
	texts["fabric.yaml"] = fab.Bytes()
	for file, data := range texts {
		if !scenario.IsBlockStyle(data) {
			t.Errorf("%s is not read item by item", file)
			continue
		}
		chunked, err := scenario.DecodeDocument(file, data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		whole, err := scenario.DecodeWhole(file, data)
		if err != nil {
			t.Fatalf("%s (whole): %v", file, err)
		}
		if !reflect.DeepEqual(chunked, whole) {
			ja, _ := json.Marshal(chunked)
			jb, _ := json.Marshal(whole)
			a, b := string(ja), string(jb)
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			t.Errorf("%s: item by item differs from the whole parse near\n  item by item: %s\n  whole:        %s",
				file, a[max(0, i-200):min(len(a), i+200)], b[max(0, i-200):min(len(b), i+200)])
		}
	}
}

// Hostile files end in a positioned error, quickly and in little memory.
func TestHostileFilesAreRefusedWithAPosition(t *testing.T) {
	deep := "version: 1\ntopology:\n  vlans:\n" + strings.Repeat(" ", 300) + "- x\n"
	for _, c := range []struct{ name, text, want string }{
		{"unclosed brackets", strings.Repeat("[", 30000), "x.yaml:1:33: lists and mappings nested more than 32 deep"},
		{"deep indentation", deep, "x.yaml:4:257: indented more than 256 columns"},
		{"billion laughs", "version: 1\nworkloads:\n  flows: &a [{name: a}]\nx: &b [*a, *a, *a]\n", "unknown field \"x\""},
		{"alias before anchor", "version: 1\nrun: {seed: *s}\n", "alias *s has no anchor &s before it"},
		{"item too big", "version: 1\ntopology:\n  vlans:\n    - {name: \"" + strings.Repeat("v", scenario.MaxItemBytes) + "\"}\n", "x.yaml:4:5: this item has 1024 KiB"},
		{"flow style too big", "{version: 1, topology: {vlans: [" + strings.Repeat("{name: v},", scenario.MaxWholeBytes/10) + "]}}", "is not in block style"},
	} {
		_, err := scenario.Parse("x.yaml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// TestTooManyVLANs: a file of more VLANs than 802.1Q has ids is refused at the first
// one too many, with its position, without loading the rest.
func TestTooManyVLANs(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\ntopology:\n  vlans:\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "    - {name: v%d, id: %d}\n", i, i%4094+1)
	}
	_, err := scenario.Parse("vlans.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "vlans.yaml:4098:5") || !strings.Contains(err.Error(), "at most 4094") {
		t.Errorf("5,000 VLANs: %v", err)
	}
}
