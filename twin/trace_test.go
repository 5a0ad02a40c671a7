package twin_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

// A line of the event log: seconds to the microsecond in 12 columns, two spaces, "s",
// the subject padded to 20 columns, then the record's own text.
func TestTraceLineString(t *testing.T) {
	r := network.PacketTraced{Flow: "web-1", Direction: "srv-1 → client-1", Seq: 3, Delivered: true,
		Delay: 38181 * sim.Nanosecond, Path: 4}
	got := twin.NewTraceLine(10608*sim.Microsecond, r).String()
	want := "    0.010608 s  web-1                srv-1 → client-1 packet 3 delivered after 38.181µs over 4 links"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if ev := twin.NewEvent(10608*sim.Microsecond, r); ev.TraceLine().String() != want {
		t.Errorf("an event's line %q differs", ev.TraceLine().String())
	}
}

// TraceTo with an empty filter writes the whole trace: every record the simulation
// reports, the same lines an observer on the kernel sees.
func TestTraceToWritesEveryRecord(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	var viaTwin, viaKernel bytes.Buffer
	tw.TraceTo(&viaTwin, twin.Filter{})
	tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		fmt.Fprintln(&viaKernel, twin.NewTraceLine(at, r))
	}))
	tw.RunUntil(11 * sim.Second)
	if viaTwin.String() != viaKernel.String() {
		t.Fatal("TraceTo and a kernel observer wrote different logs")
	}
	if !strings.Contains(viaTwin.String(), "   10.090000 s  srv-1                team switchover srv-1:eth0 -> srv-1:eth1") {
		t.Errorf("no switchover at 10.09 s (miimon 100 ms, first poll after the failure):\n%s", viaTwin.String())
	}
}

// TracePackets with PacketsOf: web-1 sends 1200-byte packets at 2 Mbit/s, one every
// 1200·8 / 2e6 s = 4.8 ms per direction. srv-1's NIC fails at 10 s and miimon switches
// over at 10.090 s; srv-1 → client-1 sends at 1.008 ms + k·4.8 ms (its first packet),
// so packets k = 2084 … 2101 (numbered from 1: 2085 … 2102) fall into [10 s, 10.090 s):
// 18 lost, then delivered again.
func TestTracePacketsOfOneFlow(t *testing.T) {
	tw := builtinTwin(t, "teaming-lab")
	if err := tw.TracePackets("nope"); err == nil || !strings.Contains(err.Error(), `no flow "nope" in teaming-lab (flows: web-1, web-2)`) {
		t.Errorf("unknown flow: %v", err)
	}
	if err := tw.TracePackets("web-1"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw.TraceTo(&b, twin.PacketsOf("web-1"))
	tw.RunUntil(10200 * sim.Millisecond)
	var lost []string
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if !strings.Contains(l, " web-1 ") || !strings.Contains(l, " packet ") {
			t.Fatalf("not a packet line of web-1: %q", l)
		}
		if strings.Contains(l, "srv-1 → client-1") && strings.Contains(l, " lost: ") {
			lost = append(lost, l)
		}
	}
	if !strings.HasPrefix(b.String(), "    0.001008 s  web-1                srv-1 → client-1 packet 1 delivered") {
		t.Errorf("first line: %.100q", b.String())
	}
	if len(lost) != 18 || !strings.Contains(lost[0], "packet 2085 lost") || !strings.Contains(lost[17], "packet 2102 lost") {
		t.Errorf("%d packets lost from srv-1 to client-1, want 2085 … 2102:\n%s", len(lost), strings.Join(lost, "\n"))
	}
}
