package check

import (
	"time"

	"dctwin/topology"
)

// Ranges the equipment and the standards allow for timers and speeds. A value outside
// them is one a real device would refuse, or one that would make the run meaningless
// (a poll every 0 s).
const (
	// 802.1D timer ranges (reference-facts §5): hello 1–10 s, max age 6–40 s, forward
	// delay 4–30 s.
	minSTPHello, maxSTPHello = time.Second, 10 * time.Second
	minMaxAge, maxMaxAge     = 6 * time.Second, 40 * time.Second
	minFwdDelay, maxFwdDelay = 4 * time.Second, 30 * time.Second
	// MAC aging: vendors allow 10 s to 1,000,000 s (reference-facts §5).
	minMACAging, maxMACAging = 10 * time.Second, 1_000_000 * time.Second
	// MinPollInterval is the shortest miimon or heartbeat interval dctwin simulates:
	// 1 ms. Linux counts miimon in milliseconds (bonding.rst), so nothing real is shorter,
	// and shorter periods only multiply events.
	MinPollInterval = time.Millisecond
	// MaxMissed bounds missed heartbeats: Linux arp_missed_max is 1–255 (reference-facts
	// §4.1).
	MaxMissed = 255
	// MinSpeed is the slowest port dctwin accepts, 1 kbit/s; 0 would carry nothing.
	MinSpeed = 1000
)

// values reviews timers and speeds against what devices accept.
func (r *reporter) values() {
	t := r.t
	for _, s := range t.Switches {
		if s.SpanningTree == topology.NoSTP {
			continue
		}
		r.inRange(s.Source, "stp.hello", "switch "+s.Name+" STP hello", s.STP.Hello, minSTPHello, maxSTPHello)
		r.inRange(s.Source, "stp.max_age", "switch "+s.Name+" STP max age", s.STP.MaxAge, minMaxAge, maxMaxAge)
		r.inRange(s.Source, "stp.forward_delay", "switch "+s.Name+" STP forward delay", s.STP.ForwardDelay, minFwdDelay, maxFwdDelay)
	}
	for _, s := range t.Switches {
		r.inRange(s.Source, "mac_aging", "switch "+s.Name+" MAC aging", s.MACAging, minMACAging, maxMACAging)
	}
	for _, l := range t.Links {
		if !l.Implicit && l.Speed < MinSpeed {
			r.add(BadValue, l.PosOf("speed"), "link %s has speed %d bit/s; a link needs at least 1k", l.Name, l.Speed)
		}
	}
	for _, h := range t.Hosts {
		for _, n := range h.NICs {
			if n.Speed < MinSpeed {
				r.add(BadValue, n.PosOf("speed"), "NIC %s has speed %d bit/s; a NIC needs at least 1k", n.FullName(), n.Speed)
			}
		}
		for _, tm := range h.Teams {
			d := tm.Detection
			switch d.Method {
			case topology.MIIMon:
				r.atLeast(tm.Source, "detection.interval", "team "+tm.Name+" miimon interval", d.Interval, MinPollInterval)
			case topology.Heartbeat, topology.Beacon:
				r.atLeast(tm.Source, "detection.interval", "team "+tm.Name+" "+string(d.Method)+" interval", d.Interval, MinPollInterval)
				if d.Missed < 1 || d.Missed > MaxMissed {
					r.add(BadValue, tm.PosOf("detection.missed"), "team %s: missed %d heartbeats; expected 1..%d",
						tm.Name, d.Missed, MaxMissed)
				}
			}
		}
	}
	for _, g := range t.Gateways {
		r.atLeast(g.Source, "hello", "gateway "+g.Name+" hello", g.Hello, time.Millisecond)
		if g.Dead != 0 && g.Dead <= g.Hello {
			r.add(BadValue, g.PosOf("dead"), "gateway %s: dead interval %v is not longer than hello %v; the backup "+
				"would take over between two adverts of a healthy master", g.Name, g.Dead, g.Hello)
		}
	}
}

func (r *reporter) inRange(src topology.Source, key, what string, v, lo, hi time.Duration) {
	if v < lo || v > hi {
		r.add(BadValue, src.PosOf(key), "%s %v; expected %v to %v", what, v, lo, hi)
	}
}

func (r *reporter) atLeast(src topology.Source, key, what string, v, lo time.Duration) {
	if v < lo {
		r.add(BadValue, src.PosOf(key), "%s %v; expected at least %v", what, v, lo)
	}
}
