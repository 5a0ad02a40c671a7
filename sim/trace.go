package sim

// Record is one typed trace record that a model reports: a link going down, a team
// switching over, a call dropping. Models define their own record types; front ends
// type-switch on them.
type Record interface {
	// Subject names the component the record is about.
	Subject() string
	// String describes what happened in a line of the event log.
	String() string
}

// Observer receives every record a model reports, stamped with the simulated time.
type Observer interface {
	Observe(at Time, r Record)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(at Time, r Record)

// Observe calls f.
func (f ObserverFunc) Observe(at Time, r Record) { f(at, r) }

// AddObserver registers o to receive every record from now on.
func (s *Simulation) AddObserver(o Observer) { s.observers = append(s.observers, o) }

// Observed reports whether anyone listens, so models can skip building records nobody
// reads.
func (s *Simulation) Observed() bool { return len(s.observers) > 0 }

// Report hands r to every observer at the current time.
func (s *Simulation) Report(r Record) {
	for _, o := range s.observers {
		o.Observe(s.now, r)
	}
}
