// Package twin is the assembled digital twin: a scenario (package scenario) built onto
// one simulation, with its network, failures, calls and measurements, and the API that
// front ends and programs drive it through.
//
// Build and run:
//
//	sc, _ := twin.Load("teaming-lab")          // a built-in scenario, or a file path
//	tw, _ := twin.New(sc, twin.Options{})      // refuses what check calls an error
//	tw.Run()                                   // or RunUntil, Step, RunToNotable, RunContext
//	tw.Report().WriteText(os.Stdout)           // or encode it as JSON, or read Metrics
//
// Look: Snapshot copies the state at one instant (every device, port, link, team,
// gateway and flow with its path; the failures in force; calls with their MOS; the
// failovers measured so far), cheaply enough to take one per frame; taking it changes
// nothing. Subscribe delivers events (typed records of the trace, each with a kind from
// one registry: see EventKinds) as they happen, filtered by kind and subject; Recent
// keeps the latest notable ones. TraceTo writes events as the lines of the event log
// (TraceLine), and TracePackets follows every packet of one flow.
//
// Change: FailNow, RepairNow and ScheduleFailure break and repair components while the
// twin runs. They go through the failure injector, so that what a user does is in the
// trace, measured and reported like a scheduled failure, and in the journal. Replay
// rebuilds a session from its journal (the TUI's rewind), and SessionSpec turns it into
// a scenario that `dctwin run` reproduces report for report (the TUI's save).
//
// Virtual machines: every VM is a device of its own on its host's virtual switch, with a
// state (VM, VMs, OnVMChange). StartVM, StopVM and MoveVM are the operations the
// availability mechanisms are built from: HA restarts (the FDM agents of topology/ha,
// over the twin's own management network; ha.go), FT takeovers (ft.go) and
// application pairs' failovers (vmcluster.go). The report lists per failure each VM's
// outage with what brought it back, and each application pair's service outage.
// MigrateVM moves a running VM live by pre-copy (topology/vmotion) over a flow between
// the hosts' vMotion interfaces, so its time depends on what the network gives, then
// stuns it with MoveVM (vmotion.go); EnterMaintenance empties a host the way DRS would
// and ExitMaintenance takes it back (maintenance.go). Both are in the journal, and
// scenarios schedule them as failures.scheduled kinds migrate and maintenance.
//
// Demand, DRS and DPM: a VM may declare a CPU and memory demand that follows a daily
// profile; the hypervisors' utilisation, and with it their power draw and energy, then
// follows the VMs on them (demand.go). In clusters with DRS or DPM enabled,
// topology/drs decides every drs.interval: fully automated DRS migrates VMs to even
// out the load, DPM empties hosts by migration and powers them off when the demand
// fits on fewer, and on again when it rises (dpm.go). The report lists DPM's power
// actions after the live migrations, which include DRS's and DPM's.
//
// Shared storage (storage.go): each hypervisor reaches its arrays by paths, flows over
// the storage VLAN to the arrays' ports or, for an array without ports, paths only a
// storage-path failure cuts. Multipathing moves I/O to another path after a path
// failover time, a host without paths declares All-Paths-Down, and HA's APD response
// restarts its VMs elsewhere; meanwhile the VMs are stalled. StoragePaths lists every
// path and its state; HA restarts VMs only where their datastore is reachable, and a
// host writes its heartbeat datastore only while a path carries I/O.
//
// Vary: a Scenario's Set overrides any setting by path before the twin is built
// ("topology.hosts[srv-1].teams[bond0].detection.method=carrier"); Options override
// the run's seed and duration.
//
// The same scenario, seed and journal always give the same events and report, byte for
// byte, whatever the stepping, the snapshots taken or GOMAXPROCS.
package twin
