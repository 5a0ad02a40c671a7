package twin_test

import (
	"fmt"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/twin"
)

// A program drives the twin: load a built-in scenario, run it to a time, break a
// component by hand, run on and see what changed.
func Example() {
	sc, err := twin.Load("teaming-lab")
	if err != nil {
		panic(err)
	}
	// Take the scenario's own failure out: this program breaks things itself.
	if err := sc.Set("failures.scheduled", "[]"); err != nil {
		panic(err)
	}
	tw, err := twin.New(sc, twin.Options{})
	if err != nil {
		panic(err)
	}
	tw.RunUntil(20 * sim.Second)
	before := tw.Snapshot()
	fmt.Println("srv-1:eth0 is", before.State("srv-1:eth0"))

	// The inter-switch uplink of edge-a fails; RSTP routes around it.
	if err := tw.FailNow("up-a", failures.Link); err != nil {
		panic(err)
	}
	tw.RunUntil(21 * sim.Second)
	after := tw.Snapshot()
	fmt.Println("up-a is", after.State("up-a"))
	for _, f := range after.Failovers {
		fmt.Printf("%s %s: detected after %.0f ms by %s at %s\n", f.Kind, f.Component,
			*f.DetectedAfterMs, f.Detections[0].Mechanism, f.Detections[0].By)
		for _, fo := range f.Flows {
			fmt.Printf("  %s %s out for %.0f ms\n", fo.Flow, fo.Direction, *fo.OutageMs)
		}
	}
	fmt.Println("web-1 now leaves edge-a by", after.Path("web-1")[1].From)
	// Output:
	// srv-1:eth0 is active
	// up-a is failed
	// link up-a: detected after 0 ms by stp at edge-a
	//   web-1 client-1 → srv-1 out for 20 ms
	//   web-1 srv-1 → client-1 out for 20 ms
	//   web-2 client-2 → srv-1 out for 20 ms
	//   web-2 srv-1 → client-2 out for 20 ms
	// web-1 now leaves edge-a by edge-a:24
}
