package topology

import "time"

// Shared storage as the run sees it: an array holds datastores (the VMs' disks); a
// host reaches the array by paths. An array with ports is on the network: each port is
// a target interface (an iSCSI portal or an NFS server address) cabled to a switch
// port in the array's storage VLAN, and a host's path to it is its VMkernel interface
// in that VLAN talking to that port, so the network decides whether a path works. An
// array without ports is reached by one path per host that nothing in the network
// model can cut (Fibre Channel fabrics are not modelled as links: its paths fail only
// by a storage-path failure or with the array).

// StoragePort is one network port of a storage array: a target interface in the
// array's VLAN, cabled to Connect.
type StoragePort struct {
	Name    string
	Connect PortRef
	Source
}

// Datastore is a datastore (a LUN or an NFS export with a file system) on an array.
type Datastore struct {
	Name  string
	Array string
	Source
}

// DefaultPathFailover is how long a host's multipathing takes from the moment its
// active path stops carrying I/O to declaring it dead and sending I/O down another
// path: 30 s, dctwin's choice (the reference facts give no figure; it is of the order
// of a SCSI command timeout, which a guest rides out). During it the VMs' I/O stalls.
const DefaultPathFailover = 30 * time.Second

// DefaultAPDTimeout is how long after a host lost its last path to a device it
// declares All-Paths-Down: 140 s (ESXi's Misc.APDTimeout, reference-facts §6.1).
const DefaultAPDTimeout = 140 * time.Second

// DefaultAPDDelay is how long HA's VM Component Protection waits after APD is
// declared before its response: 3 min (reference-facts §6.1: ≈5 min 20 s in all).
const DefaultAPDDelay = 3 * time.Minute

// APD responses of HA's VM Component Protection (vSphere's "datastore with APD").
const (
	// APDDisabled does nothing: the VMs stay stalled until a path returns.
	APDDisabled = "disabled"
	// APDEvents only reports the APD (vSphere's "issue events").
	APDEvents = "events"
	// APDRestartConservative powers the VMs off and restarts them elsewhere only when
	// another host reaches the datastore and has room for them.
	APDRestartConservative = "restart-conservative"
	// APDRestartAggressive powers them off even when no host can take them now.
	APDRestartAggressive = "restart-aggressive"
)

// DefaultAPDResponse is disabled: VM Component Protection is off unless a cluster
// turns it on (dctwin's choice, as vSphere 6 ships it; the reference facts give the
// delay, not the default response).
const DefaultAPDResponse = APDDisabled

// OnNetwork reports whether the array's paths are network flows (it has ports).
func (s *Storage) OnNetwork() bool { return len(s.Ports) > 0 }

// PortDevice is the name of the network device that stands for one port of an array
// ("san-1/ctrl-a"): a port is an interface of its own with its own address.
func (s *Storage) PortDevice(port string) string { return s.Name + "/" + port }

// Port finds a port of the array by name.
func (s *Storage) Port(name string) *StoragePort {
	for i := range s.Ports {
		if s.Ports[i].Name == name {
			return &s.Ports[i]
		}
	}
	return nil
}

// DatastoreNames lists the array's datastores; an array written without any has one
// of its own name.
func (s *Storage) DatastoreNames() []string {
	if len(s.Datastores) == 0 {
		return []string{s.Name}
	}
	out := make([]string, len(s.Datastores))
	for i, d := range s.Datastores {
		out[i] = d.Name
	}
	return out
}

// Datastore finds a datastore by name, or nil.
func (t *Topology) Datastore(name string) *Datastore { d, _ := t.index[name].(*Datastore); return d }

// ArrayOf is the array a VM disk location (an array or a datastore name) is on, or nil
// for a local disk or a name that is neither.
func (t *Topology) ArrayOf(disk string) *Storage {
	if s := t.StorageArray(disk); s != nil {
		return s
	}
	if d := t.Datastore(disk); d != nil {
		return t.StorageArray(d.Array)
	}
	return nil
}

// DatastoreOf is the datastore a VM disk location names: the datastore itself, or an
// array's first datastore; "" for a local disk or an unknown name.
func (t *Topology) DatastoreOf(disk string) string {
	if d := t.Datastore(disk); d != nil {
		return d.Name
	}
	if s := t.StorageArray(disk); s != nil {
		return s.DatastoreNames()[0]
	}
	return ""
}

// wireStorage cables each port of an array to its switch port, in the array's VLAN
// (untagged, as an endpoint's access port).
func (t *Topology) wireStorage() {
	for _, s := range t.Storage {
		for _, p := range s.Ports {
			if p.Connect == (PortRef{}) {
				continue
			}
			var vlans []string
			if s.VLAN != "" {
				vlans = []string{s.VLAN}
			}
			t.AddLink(&Link{A: PortRef{s.Name, p.Name}, B: p.Connect, Speed: DefaultStoragePortSpeed, Duplex: Full,
				Latency: DefaultLinkLatency, VLANs: vlans, Implicit: true, Source: Source{Pos: p.PosOf("connect")}})
		}
	}
}

// DefaultStoragePortSpeed is an array port's speed: 10 Gbit/s (dctwin's choice; the
// paths carry no modelled load, so it only sets a frame's serialization delay).
const DefaultStoragePortSpeed = 10_000_000_000
