package twin

import (
	"fmt"
	"reflect"

	"dctwin/sim"
)

// The trace records of shared storage (storage.go).

func init() {
	// Registered here rather than in events.go's table, so that storage stays in its
	// own files; the kinds follow that table's conventions.
	for _, k := range []struct {
		t       reflect.Type
		kind    EventKind
		notable bool
	}{
		{reflect.TypeFor[StoragePathDead](), "storage-path", true},
		{reflect.TypeFor[StoragePathFailover](), "storage-path", true},
		{reflect.TypeFor[StoragePathRestored](), "storage-path", false},
		{reflect.TypeFor[StorageIOStalled](), "storage-io", true},
		{reflect.TypeFor[APDDeclared](), "apd", true},
		{reflect.TypeFor[APDExited](), "apd", true},
		{reflect.TypeFor[APDResponse](), "apd-response", true},
		{reflect.TypeFor[DatastoreLost](), "storage-lost", true},
	} {
		eventKinds[k.t] = struct {
			kind    EventKind
			notable bool
		}{k.kind, k.notable}
	}
}

// storageNotable reports whether a storage record belongs in a failure's timeline
// (observe.go's notable, for the records of this file).
func storageNotable(r sim.Record) bool {
	switch r.(type) {
	case StoragePathDead, StoragePathFailover, StoragePathRestored, StorageIOStalled, APDDeclared, APDExited, APDResponse, DatastoreLost:
		return true
	}
	return false
}

// StoragePathDead is reported when a host's multipathing gives a path up, the array's
// path_failover after it stopped carrying I/O.
type StoragePathDead struct {
	Host, Path string
	After      sim.Time
}

// Subject names the path ("hv-1→san-1/ctrl-a"): each path a host gives up is a
// detection of its own.
func (r StoragePathDead) Subject() string { return r.Path }

// String implements sim.Record.
func (r StoragePathDead) String() string {
	return fmt.Sprintf("dead: no I/O for %v (path failover time of %s)", r.After, r.Host)
}

// DetectionMechanism names multipathing as what noticed (failures.Detection).
func (r StoragePathDead) DetectionMechanism() string { return "multipathing" }

// DetectedDown is true: a dead path is a failure noticed.
func (r StoragePathDead) DetectedDown() bool { return true }

// StoragePathFailover is reported when a host's I/O to an array moves to another path.
type StoragePathFailover struct {
	Host, Array, From, To string
}

// Subject names the host.
func (r StoragePathFailover) Subject() string { return r.Host }

// String implements sim.Record.
func (r StoragePathFailover) String() string {
	return fmt.Sprintf("I/O to %s moves from path %s to %s", r.Array, r.From, r.To)
}

// StoragePathRestored is reported when a dead path carries I/O again (it becomes
// standby: multipathing keeps I/O on the path it uses).
type StoragePathRestored struct{ Host, Path string }

// Subject names the host.
func (r StoragePathRestored) Subject() string { return r.Host }

// String implements sim.Record.
func (r StoragePathRestored) String() string {
	return fmt.Sprintf("storage path %s works again (standby)", r.Path)
}

// StorageIOStalled is reported when a host's active path to an array stops carrying
// I/O: the VMs whose disks are there stall.
type StorageIOStalled struct {
	Host, Array string
	VMs         int
}

// Subject names the host.
func (r StorageIOStalled) Subject() string { return r.Host }

// String implements sim.Record.
func (r StorageIOStalled) String() string {
	vms := fmt.Sprintf("%d VMs stall", r.VMs)
	if r.VMs == 1 {
		vms = "1 VM stalls"
	}
	return fmt.Sprintf("I/O to %s stalls: its active path carries nothing (%s)", r.Array, vms)
}

// APDDeclared is reported when a host declares All-Paths-Down for an array,
// apd_timeout after its last path stopped carrying I/O.
type APDDeclared struct {
	Host, Array string
	After       sim.Time
}

// Subject names the host.
func (r APDDeclared) Subject() string { return r.Host }

// String implements sim.Record.
func (r APDDeclared) String() string {
	return fmt.Sprintf("All-Paths-Down declared for %s: no path for %v", r.Array, r.After)
}

// DetectionMechanism names APD handling as what noticed (failures.Detection).
func (r APDDeclared) DetectionMechanism() string { return "APD" }

// DetectedDown is true: APD is a failure noticed.
func (r APDDeclared) DetectedDown() bool { return true }

// APDExited is reported when a path to an array carries I/O again after APD.
type APDExited struct{ Host, Array string }

// Subject names the host.
func (r APDExited) Subject() string { return r.Host }

// String implements sim.Record.
func (r APDExited) String() string {
	return fmt.Sprintf("All-Paths-Down for %s ended: a path is back", r.Array)
}

// APDResponse is HA's VM Component Protection acting on a VM stalled in APD.
type APDResponse struct {
	Host, VM, Response, Action string
}

// Subject names the VM.
func (r APDResponse) Subject() string { return r.VM }

// String implements sim.Record.
func (r APDResponse) String() string {
	return fmt.Sprintf("HA APD response (%s) on %s: %s", r.Response, r.Host, r.Action)
}

// DatastoreLost is reported when an array or datastore fails: the hosts' I/O to it
// fails at once, and its VMs with it.
type DatastoreLost struct {
	Storage string
	VMs     int
}

// Subject names the array or datastore.
func (r DatastoreLost) Subject() string { return r.Storage }

// String implements sim.Record.
func (r DatastoreLost) String() string {
	return fmt.Sprintf("storage %s lost: I/O to it fails, %d VMs fail", r.Storage, r.VMs)
}

// DetectionMechanism names the hosts' failing I/O as what noticed.
func (r DatastoreLost) DetectionMechanism() string { return "storage I/O error" }

// DetectedDown is true: a lost datastore is a failure noticed.
func (r DatastoreLost) DetectedDown() bool { return true }
