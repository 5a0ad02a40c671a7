package twin

import (
	"fmt"
	"io"
	"strings"

	"dctwin/sim"
)

// NewTraceLine presents a record as a line of the event log.
func NewTraceLine(at sim.Time, r sim.Record) TraceLine {
	return TraceLine{At: at, Subject: r.Subject(), What: r.String(), Record: r}
}

// TraceLine presents an event as a line of the event log.
func (e Event) TraceLine() TraceLine {
	return TraceLine{At: e.At, Subject: e.Subject, What: e.Text, Record: e.Record}
}

// String formats the line as the event log of `dctwin run --trace` shows it: the
// simulated time in seconds to the microsecond, right-aligned in 12 columns, the
// subject in 20 and what happened, so that a log reads down its columns.
func (l TraceLine) String() string {
	return fmt.Sprintf("%12.6f s  %-20s %s", l.At.Seconds(), l.Subject, l.What)
}

// TraceTo writes every event from now on that passes the filter to w, one line each
// (TraceLine.String), until the subscription it returns is cancelled. An empty filter
// writes the whole trace; PacketsOf(flow) the packets TracePackets reports for one
// flow.
func (tw *Twin) TraceTo(w io.Writer, f Filter) *Subscription {
	return tw.Subscribe(f, func(ev Event) {
		fmt.Fprintln(w, ev.TraceLine())
	})
}

// PacketsOf selects the packet events of one flow (see TracePackets).
func PacketsOf(flow string) Filter {
	return Filter{Kinds: []EventKind{"packet"}, Subject: flow}
}

// TracePackets reports every packet of a flow, in both directions, as an event of kind
// "packet": delivered after what delay over how many links, or lost and why. It is a
// teaching aid: one event per packet and direction, so keep such runs short. A name that is not a flow of the running twin is an error that lists the
// flows of the scenario.
func (tw *Twin) TracePackets(flow string) error {
	f := tw.Net.Flow(flow)
	if f == nil {
		var names []string
		for _, fl := range tw.Scenario.Spec.Workloads.Flows {
			names = append(names, fl.Name)
		}
		return fmt.Errorf("no flow %q in %s (flows: %s)", flow, tw.Scenario.Name, strings.Join(names, ", "))
	}
	f.TracePackets(true)
	return nil
}
