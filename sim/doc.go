// Package sim is dctwin's discrete-event kernel: simulated time, an event queue with
// cancellable timers, SimPy-style processes and events, resources, named random
// streams and a trace hook. It knows nothing about data centers and imports the
// standard library only.
//
// A Simulation is one simulated world. Its clock is a Time, an int64 count of
// nanoseconds, so that ordering is exact and runs are reproducible; events that fall
// due at the same instant run by Priority (Urgent, Normal, Late, Last), then in the
// order they were scheduled.
//
// Models are written in either of two styles, and mix them freely. Callbacks: After
// and At run a function once; a Timer runs one that can be stopped and re-armed
// without allocating, as protocol timers are all the time. Processes: Process starts a
// coroutine that Sleeps and Waits on an Event; events succeed or fail with a value,
// AnyOf and AllOf combine them, and Interrupt wakes a process with an *Interrupt (a
// host failing under the work that ran on it). Resource, Container and Store are the
// shared things processes queue for.
//
// Run, RunUntil and Step advance the clock. Rand hands out random streams by name,
// each derived from the master seed and its name, so that adding a component does
// not shift the numbers another one draws. Models report what happens as Records
// (Report); Observers receive them, which is how the twin's measurements, reports
// and front ends all read the same trace.
package sim
