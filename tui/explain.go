package tui

import (
	"strings"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/ha"
	"dctwin/topology/network"
	"dctwin/twin"
	"dctwin/workloads/uc"
)

// kindGloss says in a few words what a failure kind breaks, next to it in the
// failure-kind menu, so that a learner tells a guest crash from a hang without the
// README at hand.
var kindGloss = map[failures.Kind]string{
	failures.Link:          "cable cut",
	failures.LinkOneWay:    "one direction dark",
	failures.NIC:           "adapter dead",
	failures.SwitchPort:    "port dead",
	failures.Switch:        "switch dead",
	failures.Module:        "module dead",
	failures.PSU:           "power supply dead",
	failures.Enclosure:     "all blades, modules",
	failures.Host:          "crash, power loss",
	failures.HostHang:      "hangs, carrier up",
	failures.HostIsolation: "mgmt network lost",
	failures.Storage:       "array or datastore",
	failures.StoragePath:   "paths to storage",
	failures.VM:            "guest crashes",
	failures.VMHang:        "guest hangs",
}

// explain says in one line, for a learner, why a step of a failover matters. The
// timers quoted are the defaults of reference-facts §4 and §5; a scenario may set
// others, and the event itself says what happened.
func explain(r sim.Record) string {
	switch r := r.(type) {
	case failures.Injected:
		return "the component breaks; nothing has noticed yet"
	case failures.Refused:
		return "the failure could not happen (no such component, or it was already down)"
	case failures.Repaired:
		return "the component works again; the mechanisms must notice before traffic returns"
	case network.ComponentFailed:
		return "the component stops forwarding and its links go dark"
	case network.CarrierChanged:
		if r.Up {
			return "light returns on the port: the PHY reports carrier up"
		}
		return "the PHY loses the signal: the port reports carrier down at once"
	case network.Detected:
		switch r.Mechanism {
		case network.ByCarrier:
			return "the driver passes carrier loss to the team at once (no polling)"
		case network.ByMIIMon:
			return "miimon polls the link state every interval; this poll saw the change"
		case network.ByHeartbeat:
			return "probes through the member went unanswered for the missed count"
		case network.ByBeacon:
			return "the member's beacons and the others' stopped crossing for the missed count"
		case network.ByLACP:
			return "LACPDUs from the partner stopped: after 3 periods the member leaves the bundle"
		case network.BySTP:
			return "spanning tree stopped hearing BPDUs on its root port and recomputes"
		case network.ByVRRP:
			return "the backup stopped hearing the master's adverts (3 × hello + skew) and takes over"
		case network.ByUplinkTracking:
			return "all uplinks of the module are down: it switches off its blade ports"
		}
		return "a detection mechanism noticed the change"
	case network.TeamSwitchover:
		if r.To == "" {
			return "no member is left: the host is cut off"
		}
		return "the team moves its traffic (and its MAC) to another NIC"
	case network.GratuitousARP:
		return "an unsolicited ARP from the new port makes every switch re-learn the MAC there"
	case network.MACChanged:
		switch r.Change {
		case network.MACMoved:
			return "the switch saw the MAC arrive on another port and points its entry there"
		case network.MACAged:
			return "nothing refreshed the entry within the aging time: frames to it are flooded"
		}
		return "the switch learns where the MAC is from a frame's source address"
	case network.FDBFlushed:
		return "entries behind a changed port are removed, so traffic floods until re-learned"
	case network.PortStateChanged:
		return "spanning tree moves the port: only forwarding ports carry traffic"
	case network.TopologyChanged:
		return "a topology change: bridges flush (RSTP) or shorten the aging of (STP) their tables"
	case network.AggregateMemberChanged:
		return "the link aggregate adds or drops a member; flows hash over those left"
	case network.GatewayStateChanged:
		if r.Master {
			return "this router now answers for the virtual gateway address and MAC"
		}
		return "this router stops answering for the gateway"
	case network.UplinkTrackingChanged:
		return "uplink failure detection makes blades see carrier loss and fail over"
	case network.FlowDown:
		return "packets of this direction stop arriving: the outage starts"
	case network.FlowUp:
		return "packets arrive again: the outage ends, measured from the failure"
	case network.LinkCongested:
		return "offered load exceeds the link's capacity: packets are dropped"
	case network.SwitchBooting:
		return "power is back: the switch boots before its ports come up"
	case network.SwitchBooted:
		return "the switch has booted: ports come up and spanning tree converges"
	case twin.HostBooting:
		return "power is back: the host boots before it carries traffic"
	case twin.HostBooted:
		return "the host has booted"
	case twin.VMStateChanged:
		switch r.State {
		case twin.VMRunning:
			return "the VM runs: its virtual switch announces its MAC so the switches find it"
		case twin.VMBooting:
			return "the VM powers on: the guest boots before it serves"
		case twin.VMStunned:
			return "the VM is paused for a switchover: it neither sends nor receives"
		case twin.VMStalled:
			return "the VM's disk I/O has no path that carries it: the guest waits and serves nothing"
		case twin.VMHung:
			return "the guest hangs: the VM stays powered on but sends nothing, and its VMware Tools heartbeats stop"
		case twin.VMFailed:
			if strings.HasPrefix(r.Reason, "guest crashed") {
				return "the guest crashed (a kernel panic, a blue screen): its own crash handling reboots it or halts it (on_guest_crash)"
			}
		}
		return "the VM stops: everything it served is unreachable"
	case twin.GuestRebooting:
		return "the guest's crash handling restarts it at once (Windows' automatic restart, Linux's kdump): it boots without HA, and VM monitoring leaves a booting guest alone"
	case twin.VMClusterFailover:
		if r.SplitBrain {
			return "the standby heard no heartbeats and took over although the active VM still runs: both consider themselves active (split brain) until they hear each other again"
		}
		return "the application's standby VM heard no heartbeats for its timeout and takes over the service"
	case twin.VMClusterServing:
		return "the service is served again: the standby has started it and taken the service address"
	case twin.VMClusterSplitBrainOver:
		return "the two VMs hear each other again: the one that took over, which clients have reached since, keeps the service; the other steps down"
	case twin.VMotionStarted:
		return "vMotion copies the VM's memory to the other host while it runs; the guest keeps dirtying pages"
	case twin.VMotionRound:
		return "each pre-copy round sends the pages dirtied during the one before, until the rest fits the 500 ms goal"
	case twin.VMotionStalled:
		if r.Stalled {
			return "the copy's path over the vMotion network is down: the copy waits, and gives up after the timeout"
		}
		return "the vMotion network delivers again: the copy goes on where it stopped"
	case twin.VMotionDone:
		if r.Aborted != "" {
			return "the migration failed: the VM keeps running where it was"
		}
		return "the VM was stunned only for the last dirty pages and its device state, then resumed on the target"
	case twin.MaintenanceChanged:
		return "a host in maintenance runs no VMs: DRS moved them away by vMotion, HA restarts nothing onto it"
	case twin.FTTakeover:
		return "the FT secondary, in lockstep with the primary, heard no heartbeats over the logging network and goes live: only the detection is lost"
	case twin.FTProtection:
		if r.Protected {
			return "a new secondary runs in lockstep on another host: the VM is protected again"
		}
		return "the VM runs without a secondary: a failure of its host now costs an HA restart or more"
	case ha.MasterElected:
		if r.Handover != "" {
			return "a host in maintenance mode cannot be HA master: the role goes to another host at once, nobody failed"
		}
		return "the slaves heard no master for 10 s and elected a new one (15 s); it restarts the old master's VMs 10 s later"
	case ha.HostDeclaredDead:
		return "the HA master heard no heartbeats for the failure detection time (and no datastore heartbeats): it restarts the host's VMs"
	case ha.HostAlive:
		return "no network heartbeats, but the host still writes its heartbeat datastore: isolated or partitioned, so HA restarts nothing"
	case ha.HostIsolated:
		return "the host hears no HA agent and cannot ping its isolation address: it applies the isolation response after the policy delay"
	case ha.IsolationEnded:
		return "the host hears the cluster again"
	case ha.IsolationResponseApplied:
		return "the isolated host powers its VMs off so that the master can restart them elsewhere"
	case ha.VMRestarting:
		return "HA powers the VM on on the surviving host with the most free memory that fits it"
	case ha.VMRestartFailed:
		return "no host had room (or the VM's files are locked, or its priority is disabled): HA retries at 2, 6, 14 and 30 min"
	case ha.VMReset:
		return "VM monitoring heard no guest heartbeats for 30 s and resets the VM"
	case twin.AdmissionRefused:
		return "HA admission control keeps capacity free for restarts: this power-on would eat into it (HA's own restarts are not refused)"
	case twin.ManagementInterface:
		if r.Up {
			return "the host's management network is back: HA hears it again"
		}
		return "the host's management VMkernel interface is down: HA's heartbeats and isolation pings stop while the host and its VMs run on"
	case network.RARP:
		return "notify switches: a RARP from the VM's uplink re-points the switches' MAC entry"
	case network.VNICMoved:
		return "the virtual switch moved the vNIC to another uplink of its team"
	case network.Shotgun:
		if r.On {
			return "with two uplinks beacon probing cannot blame either: frames go out on both"
		}
		return "beacons get through again: the virtual switch uses its uplinks normally"
	case twin.NodeReachability:
		if r.Reachable {
			return "the node reaches its default gateway again"
		}
		return "the node can no longer reach its default gateway: its services are cut off"
	case uc.CallDropped:
		return "no RTP for the PBX's timeout: the call is cut off"
	case uc.CallDegraded:
		return "the call's interval MOS fell under the threshold: users hear it"
	case uc.CallFailedSetup:
		return "the call could not be set up"
	case twin.StoragePathDead:
		return "multipathing saw no I/O complete on the path for its path failover time and gives it up"
	case twin.StoragePathFailover:
		return "the host sends its I/O down another path: the stalled VMs carry on"
	case twin.StoragePathRestored:
		return "the path works again; it waits as a standby (I/O stays on the path in use)"
	case twin.StorageIOStalled:
		return "the active path carries nothing: I/O waits until multipathing gives the path up"
	case twin.APDDeclared:
		return "no path for the APD timeout (140 s by default): the host declares All-Paths-Down"
	case twin.APDExited:
		return "a path carries I/O again: All-Paths-Down is over"
	case twin.APDResponse:
		return "HA's VM Component Protection acts on a VM in All-Paths-Down after its delay (3 min by default)"
	case twin.DatastoreLost:
		return "the array or datastore is gone: every VM on it fails; HA restarts them once a host reaches it"
	}
	return ""
}
