package scenario_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/scenarios"
)

// sameDecoding decodes data with the flow-item reader and with the YAML library alone
// and reports how they differ ("" if not): the values and every recorded position, or
// the error messages with their positions.
func sameDecoding(t *testing.T, file string, data []byte) (fast int, diff string) {
	t.Helper()
	withReader, st1, err1 := scenario.DecodeWithFlowItems(file, data, true)
	library, st2, err2 := scenario.DecodeWithFlowItems(file, data, false)
	n := st1.FlowRead
	switch {
	case st1.Written != st2.Written || st1.Expanded != st2.Expanded:
		// the alias budget of the items after must be the same
		return n, fmt.Sprintf("the reader counted %d values (%d expanded), the library %d (%d)",
			st1.Written, st1.Expanded, st2.Written, st2.Expanded)
	case (err1 == nil) != (err2 == nil):
		return n, fmt.Sprintf("reader error %v, library error %v", err1, err2)
	case err1 != nil && err1.Error() != err2.Error():
		return n, fmt.Sprintf("reader error\n%v\nlibrary error\n%v", err1, err2)
	case err1 == nil && !reflect.DeepEqual(withReader, library):
		return n, fmt.Sprintf("reader %+v\nlibrary %+v", withReader, library)
	}
	return n, ""
}

// The generated data centers are read by the flow-item reader, every item of them,
// and give what the library gives.
func TestFlowItemsMatchTheLibraryOnTheFabric(t *testing.T) {
	for _, f := range []scenarios.Fabric{
		{Switches: 8, Hosts: 40, Flows: 80, Duration: 60e9, Seed: 3},
		{Switches: 12, Hosts: 60, Flows: 100, Phones: 200, VLANs: 3, Detection: "heartbeat", Duration: 60e9, Seed: 5},
	} {
		var b bytes.Buffer
		if _, err := f.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		n, diff := sameDecoding(t, "fabric.yaml", b.Bytes())
		if diff != "" {
			t.Fatalf("%+v: %s", f, diff)
		}
		// every "- {" line is an item the reader takes
		if want := len(itemLine.FindAll(b.Bytes(), -1)); n != want {
			t.Errorf("%+v: the reader took %d of %d items", f, n, want)
		}
	}
}

// Random items of every list the file reads item by item, written with the mistakes
// and corners of YAML the reader must leave to the library (keywords, numbers in other
// bases, quotes with escapes, anchors, tags, unknown and repeated keys, odd spacing,
// comments): the reader and the library give the same values and positions, or the
// same errors.
func TestFlowItemsMatchTheLibraryOnRandomItems(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	sections := []struct {
		path []string
		typ  reflect.Type
	}{
		{[]string{"topology", "vlans"}, reflect.TypeFor[scenario.VLANSpec]()},
		{[]string{"topology", "switches"}, reflect.TypeFor[scenario.SwitchSpec]()},
		{[]string{"topology", "links"}, reflect.TypeFor[scenario.LinkSpec]()},
		{[]string{"topology", "hosts"}, reflect.TypeFor[scenario.HostSpec]()},
		{[]string{"topology", "enclosures"}, reflect.TypeFor[scenario.EnclosureSpec]()},
		{[]string{"topology", "storage"}, reflect.TypeFor[scenario.StorageSpec]()},
		{[]string{"topology", "clusters"}, reflect.TypeFor[scenario.ClusterSpec]()},
		{[]string{"topology", "vms"}, reflect.TypeFor[scenario.VMSpec]()},
		{[]string{"topology", "endpoints"}, reflect.TypeFor[scenario.EndpointSpec]()},
		{[]string{"topology", "gateways"}, reflect.TypeFor[scenario.GatewaySpec]()},
		{[]string{"workloads", "flows"}, reflect.TypeFor[scenario.Flow]()},
		{[]string{"workloads", "calls", "groups"}, reflect.TypeFor[scenario.CallGroup]()},
		{[]string{"workloads", "calls", "pbxs"}, reflect.TypeFor[scenario.PBXSpec]()},
		{[]string{"failures", "scheduled"}, reflect.TypeFor[scenario.ScheduledFailure]()},
		{[]string{"failures", "random"}, reflect.TypeFor[scenario.RandomFailure]()},
	}
	fast, items, errs := 0, 0, 0
	for file := range 2000 {
		var b strings.Builder
		b.WriteString("version: 1\n")
		// sections in schema order, each at most once
		var prev []string
		for _, s := range sections {
			if rng.IntN(4) != 0 {
				continue
			}
			for i, p := range s.path[:len(s.path)-1] {
				if i >= len(prev)-1 || prev[i] != p {
					fmt.Fprintf(&b, "%s%s:\n", strings.Repeat("  ", i), p)
					prev = nil
				}
			}
			prev = s.path
			fmt.Fprintf(&b, "%s%s:\n", strings.Repeat("  ", len(s.path)-1), s.path[len(s.path)-1])
			indent := strings.Repeat("  ", len(s.path))
			for range 1 + rng.IntN(5) {
				items++
				fmt.Fprintf(&b, "%s-%s%s%s\n", indent, pick(rng, " ", " ", " ", "  "), randomValue(rng, s.typ, 0),
					pick(rng, "", "", "", "", "", "", " ", " # a note", "\t", "   "))
				switch rng.IntN(12) {
				case 0:
					fmt.Fprintf(&b, "%s# a comment\n", indent)
				case 1:
					b.WriteString("\n")
				}
			}
		}
		n, diff := sameDecoding(t, "random.yaml", []byte(b.String()))
		if diff != "" {
			t.Fatalf("file %d:\n%s\n%s", file, b.String(), diff)
		}
		if _, _, err := scenario.DecodeWithFlowItems("random.yaml", []byte(b.String()), false); err != nil {
			errs++
		}
		fast += n
	}
	// both ways must have been taken often, or the comparison says little
	if fast < items/4 || fast > items*9/10 || errs < 200 {
		t.Errorf("the reader took %d of %d items; %d of 2000 files had errors", fast, items, errs)
	}
	t.Logf("the reader took %d of %d items; %d of 2000 files had errors", fast, items, errs)
}

// odd picks one of the usual values, or one of the odd ones once in a while.
func odd(rng *rand.Rand, usual []string, odd ...string) string {
	if rng.IntN(80) == 0 {
		return odd[rng.IntN(len(odd))]
	}
	return usual[rng.IntN(len(usual))]
}

var itemLine = regexp.MustCompile(`(?m)^ *- \{`)

func pick(rng *rand.Rand, choices ...string) string { return choices[rng.IntN(len(choices))] }

// randomValue writes a flow-style value for type t: usually a valid one, sometimes
// one of the corners of YAML.
func randomValue(rng *rand.Rand, t reflect.Type, depth int) string {
	if rng.IntN(200) == 0 {
		return pick(rng, "~", "null", "", "[]", "{}", "[a, b]", "{x: 1}", "&a x", "*a", "!!str x", "&b {name: a}",
			"a b", "\"a\\\"b\"", "'it''s'", "'x: y'", "x:y", "-1", "+1", ".5", "\"\"", "yes", "True", "@x", "`x`", "|", ">",
			"%x", "? x", "a#b", "a # c", "\"é\"", "1e3", "0x1F", "0o17", "0b101", "007", "1_000", "1.", "1.0", "-.inf",
			".NaN", "99999999999999999999", "9223372036854775808", "'1'", "\"0\"")
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[scenario.Duration]():
		return odd(rng, []string{"100ms", "1s", "0", "1h30m", "200ms", "\"5s\"", "'2m'", "1.5s", "0s", "1h"}, "10", "-1s", "abc")
	case reflect.TypeFor[scenario.Bandwidth]():
		return odd(rng, []string{"1G", "100M", "64k", "87200", "\"87200\"", "2.5Mbps", "10G", "1T", "'1G'", "7"}, "1.5", "0x10", "-1k", "x")
	case reflect.TypeFor[scenario.FailureKind]():
		return odd(rng, []string{"link", "nic", "switch", "link-one-way"}, "bogus")
	}
	switch t.Kind() {
	case reflect.String:
		return odd(rng, []string{fmt.Sprintf("srv-%d", rng.IntN(100)), "eth0", "eth1", "10.0.0.0/24", "\"acc-1:14\"", "'x y'",
			"1e5", "a_b", "A.b/c", "x-", "\"\"", "''", "nft", "lacp", "rstp", "servers", "\"srv-1\"", "'srv-2'", "e5",
			"inf", "nan", "1.2.3", "1-2", "v1", "srv_3", "x.", "Nan", "Inf", "0x1G", "1G", "1_x"},
			"true", "null", "12", "12.5", "Null", "0x1F", "FALSE", "0b11")
	case reflect.Int, reflect.Int64, reflect.Uint64:
		return odd(rng, []string{"0", "1", "48", "72", "101", "123456789012345678", "2", "9"},
			"-1", "007", "0x10", "1_000", "1.0", "1.5", "99999999999999999999", "9223372036854775807",
			"9223372036854775808", "\"12\"", "true", "abc", "1e3", "0o7", "+3")
	case reflect.Float64:
		return odd(rng, []string{"0", "1", "0.5", "2.75", "3.14159265358979", "64", "0.1", "1234567890.12345", "10", "0.0"},
			"1e3", "-1", "\".5\"", "1.", "00.5", "123456789012345678", "nan", ".inf", "1_0.5", "0x1p-2", "1.5e300")
	case reflect.Bool:
		return odd(rng, []string{"true", "false"}, "True", "yes", "1", "\"true\"", "FALSE", "~")
	case reflect.Slice:
		var parts []string
		for range rng.IntN(4) {
			parts = append(parts, randomValue(rng, t.Elem(), depth+1))
		}
		return "[" + strings.Join(parts, pick(rng, ", ", ", ", ",", " , ", ",  ")) + "]"
	case reflect.Struct:
		var keys []string
		for i := 0; i < t.NumField(); i++ {
			if k := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; k != "" && k != "-" {
				keys = append(keys, k)
			}
		}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		keys = keys[:rng.IntN(len(keys)+1)]
		if depth > 2 {
			keys = keys[:min(len(keys), 2)]
		}
		var parts []string
		for _, k := range keys {
			f, _ := t.FieldByNameFunc(func(name string) bool {
				sf, _ := t.FieldByName(name)
				return strings.Split(sf.Tag.Get("yaml"), ",")[0] == k
			})
			parts = append(parts, k+pick(rng, ": ", ": ", ": ", ":  ")+randomValue(rng, f.Type, depth+1))
		}
		switch rng.IntN(200) {
		case 0:
			parts = append(parts, "bogus: 1")
		case 1:
			if len(parts) > 0 {
				parts = append(parts, parts[0])
			}
		case 2:
			parts = append(parts, "<<: {name: m}")
		}
		return pick(rng, "{", "{", "{", "{ ") + strings.Join(parts, pick(rng, ", ", ", ", ", ", ",", " , ")) + pick(rng, "}", "}", "}", " }")
	}
	return "x"
}

// FuzzFlowItem: whatever one item line says, in whichever list, the reader and the
// library agree (values and positions, or errors).
func FuzzFlowItem(f *testing.F) {
	for _, s := range []string{
		"{name: f-1, from: srv-1, to: srv-2, rate: 2M, packet_size: 1200}",
		"{name: srv-1, kind: rack, nics: [{name: eth0, speed: 1G, vlans: [servers], connect: \"acc-1:14\"}], teams: [{name: bond0, members: [eth0, eth1], mode: nft, primary: eth0, failback: true, detection: {method: miimon, interval: 100ms}, gratuitous_arp: 3}]}",
		"{name: acc-1, layer: 2, ports: 48, spanning_tree: rstp, portfast: true, stp: {hello: 2s}}",
		"{name: g, bhca: 1.5, erlangs: 0.1, mix: {internal: 0.5, trunk: 0.5}}",
		"{name: 'a', id: 007}", "{a: b, a: c}", "{name: &x a, id: *x}",
	} {
		f.Add(s, uint8(0))
	}
	lists := []string{"topology:\n  hosts:\n", "topology:\n  switches:\n", "workloads:\n  flows:\n",
		"workloads:\n  calls:\n    groups:\n", "topology:\n  vlans:\n", "failures:\n  scheduled:\n"}
	f.Fuzz(func(t *testing.T, item string, list uint8) {
		if strings.ContainsAny(item, "\n\r") {
			return
		}
		head := lists[int(list)%len(lists)]
		indent := strings.Repeat(" ", strings.Count(head, "\n")*2)
		data := "version: 1\n" + head + indent + "- " + item + "\n" + indent + "- {name: after}\n"
		if _, diff := sameDecoding(t, "fuzz.yaml", []byte(data)); diff != "" {
			t.Fatalf("%q:\n%s", data, diff)
		}
	})
}
