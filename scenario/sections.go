package scenario

import (
	"context"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"dctwin/topology"
)

// SchemaVersion is the scenario format this dctwin reads (`version: 1`).
const SchemaVersion = 1

// Spec is a whole scenario file as written.
type Spec struct {
	Version         int          `yaml:"version"`
	Topology        TopologySpec `yaml:"topology"`
	Workloads       Workloads    `yaml:"workloads"`
	Failures        Failures     `yaml:"failures"`
	Run             Run          `yaml:"run"`
	topology.Source `yaml:"-"`
}

// Workloads is the `workloads:` section: traffic flows and, for unified communications,
// call groups. The UC and network issues extend these structures.
type Workloads struct {
	Flows []Flow `yaml:"flows"`
	Calls Calls  `yaml:"calls"`
}

// Flow is a constant-rate stream between two devices (endpoints, hosts, VMs):
// `{name: web-1, from: client-1, to: web-a, rate: 2M, packet_size: 1200}`.
type Flow struct {
	Name       string    `yaml:"name"`
	From       string    `yaml:"from"`
	To         string    `yaml:"to"`
	Rate       Bandwidth `yaml:"rate"`
	PacketSize int       `yaml:"packet_size"` // bytes
	// Bidirectional (default true) sends the same stream back; false makes a one-way
	// stream (syslog, backup, multicast video) whose receiver never sends, so switches
	// can age its MAC out and flood the stream.
	Bidirectional   *bool `yaml:"bidirectional"`
	topology.Source `yaml:"-"`
}

// Calls is the `calls:` block: user groups whose phones place calls through a PBX, and
// the servers calls can terminate at.
type Calls struct {
	Groups []CallGroup `yaml:"groups"`
	// PBXs describes PBXs that are clusters or have a channel limit; a group's pbx that is
	// not listed is a single node with unlimited channels.
	PBXs []PBXSpec `yaml:"pbxs"`
	// Gateway, Voicemail and Conference are the media servers trunk, voicemail and
	// conference calls terminate at (their media flows to them).
	Gateway    *ServerSpec `yaml:"gateway"`
	Voicemail  *ServerSpec `yaml:"voicemail"`
	Conference *ServerSpec `yaml:"conference"`
	// RTPTimeout is the PBX's RTP inactivity timeout (default 60 s).
	RTPTimeout Duration `yaml:"rtp_timeout"`
	// PostDialDelay is the time from the INVITE reaching the PBX until media flows.
	PostDialDelay Duration `yaml:"post_dial_delay"`
	// MOSInterval is the span of a call's interval MOS, by which it counts as degraded
	// (default 8 s, the interval of Cisco phones' MOS LQK; at least one second).
	MOSInterval     Duration `yaml:"mos_interval"`
	topology.Source `yaml:"-"`
}

// PBXSpec is an IP-PBX: `{name: pbx, nodes: [pbx-a, pbx-b], channels: 200}`.
type PBXSpec struct {
	Name            string   `yaml:"name"`
	Nodes           []string `yaml:"nodes"`
	Channels        int      `yaml:"channels"`
	FailoverDelay   Duration `yaml:"failover_delay"`
	topology.Source `yaml:"-"`
}

// ServerSpec is a media server: `{node: mgw, channels: 30}` (0 channels: unlimited).
type ServerSpec struct {
	Node            string `yaml:"node"`
	Channels        int    `yaml:"channels"`
	topology.Source `yaml:"-"`
}

// MixSpec gives the relative shares of a group's calls by destination.
type MixSpec struct {
	Internal        float64 `yaml:"internal"`
	OtherGroup      float64 `yaml:"other_group"`
	Trunk           float64 `yaml:"trunk"`
	Voicemail       float64 `yaml:"voicemail"`
	Conference      float64 `yaml:"conference"`
	topology.Source `yaml:"-"`
}

// CallGroup is a group of endpoints with a call load given either as busy-hour call
// attempts per station (bhca) or as offered erlangs per station.
type CallGroup struct {
	Name      string   `yaml:"name"`
	Endpoints []string `yaml:"endpoints"`
	// Stations is how many phones each endpoint stands for (default 1); each phone is
	// busy while in a call.
	Stations     int      `yaml:"stations"`
	BHCA         float64  `yaml:"bhca"`
	Erlangs      float64  `yaml:"erlangs"`
	HoldingTime  Duration `yaml:"holding_time"`
	Codec        string   `yaml:"codec"`
	PBX          string   `yaml:"pbx"`
	JitterBuffer Duration `yaml:"jitter_buffer"`
	// JitterBufferMode is fixed (default: jitter_buffer is the playout delay) or
	// adaptive (grows with the delay variation seen, up to 200 ms).
	JitterBufferMode string `yaml:"jitter_buffer_mode"`
	// HoldingDistribution is exponential (default) or lognormal.
	HoldingDistribution string `yaml:"holding_distribution"`
	// Packetization is the audio packet interval (default 20 ms).
	Packetization Duration `yaml:"packetization"`
	// Mix says where calls go; without it, all calls are internal.
	Mix *MixSpec `yaml:"mix"`
	// Video makes every call of the group a video call: room (a 2 Mbit/s room system)
	// or telepresence (three 1080p screens, 15 Mbit/s); either buffers 25 ms against
	// jitter unless jitter_buffer says otherwise.
	Video           string `yaml:"video"`
	topology.Source `yaml:"-"`
}

// Failures is the `failures:` section: scheduled failures and random failures per class.
type Failures struct {
	Scheduled []ScheduledFailure `yaml:"scheduled"`
	Random    []RandomFailure    `yaml:"random"`
}

// FailureKind is what breaks: a component class, plus "link-one-way" (a fibre cut in
// one direction, which carrier detection does not see at the sending end).
type FailureKind string

// LinkOneWay is the failure kind of a one-directional link failure.
const LinkOneWay FailureKind = "link-one-way"

// RepairKind is not a failure: a scheduled entry of this kind repairs every failure of
// its component in force at that time (what a session saved from the TUI writes for a
// repair by hand of a failure it did not make).
const RepairKind FailureKind = "repair"

// FailureKinds lists the kinds a scheduled failure may have.
var FailureKinds = []FailureKind{"link", LinkOneWay, "nic", "switch-port", "switch", "module",
	"psu", "enclosure", "host", HostHang, HostIsolation, "storage", StoragePath, "vm", VMHang, RepairKind, MigrateKind, MaintenanceKind, MaintenanceExitKind}

// Operations a scheduled entry may carry out instead of a failure: a live migration
// of a VM (component) to the host `to` names, and a hypervisor entering maintenance
// mode (its VMs migrate away; it leaves maintenance after repair_after, if set) or
// leaving it. They are not failures: the report lists them as migrations.
const (
	MigrateKind         FailureKind = "migrate"
	MaintenanceKind     FailureKind = "maintenance"
	MaintenanceExitKind FailureKind = "maintenance-exit"
)

// Operation reports whether the kind is an operation (migrate, maintenance), not a
// failure.
func (k FailureKind) Operation() bool {
	return k == MigrateKind || k == MaintenanceKind || k == MaintenanceExitKind
}

// HostHang is the failure kind of a hypervisor that stops with its carrier up.
const HostHang FailureKind = "host-hang"

// HostIsolation is the failure kind of a hypervisor that loses its management network.
const HostIsolation FailureKind = "host-isolation"

// VMHang is the failure kind of a guest that hangs (kind vm is a guest that crashes).
const VMHang FailureKind = "vm-hang"

// Class is the component class a failure of this kind applies to ("" for a repair,
// which applies to any).
func (k FailureKind) Class() topology.Class {
	switch k {
	case LinkOneWay:
		return topology.ClassLink
	case HostHang, HostIsolation, StoragePath, MaintenanceKind, MaintenanceExitKind:
		return topology.ClassHost
	case MigrateKind, VMHang:
		return topology.ClassVM
	case RepairKind:
		return ""
	}
	return topology.Class(k)
}

// UnmarshalYAML accepts one of FailureKinds.
func (k *FailureKind) UnmarshalYAML(ctx context.Context, node ast.Node) error {
	s, err := scalar(ctx, node, "a failure kind")
	if err != nil {
		return err
	}
	for _, fk := range FailureKinds {
		if string(fk) == s {
			*k = fk
			return nil
		}
	}
	names := make([]string, len(FailureKinds))
	for i, fk := range FailureKinds {
		names[i] = string(fk)
	}
	return &PosError{nodePos(fileOf(ctx), node),
		fmt.Sprintf("unknown failure kind %q (expected one of %s)", s, strings.Join(names, ", "))}
}

// ScheduledFailure fails one component at a time and repairs it after RepairAfter
// (never, if repair_after is left out; check refuses a written 0):
// `{at: 10s, component: srv-1:eth0, kind: nic, repair_after: 60s}`.
type ScheduledFailure struct {
	At          Duration    `yaml:"at"`
	Component   string      `yaml:"component"`
	Kind        FailureKind `yaml:"kind"`
	RepairAfter Duration    `yaml:"repair_after"`
	// To is the host a migrate entry moves its VM to.
	To string `yaml:"to"`
	// Manual marks a failure made by hand in an interactive session that was saved as
	// this scenario: the report calls its cause manual, as the session's did.
	Manual          bool `yaml:"manual"`
	topology.Source `yaml:"-"`
}

// Distribution names a time-between-failures distribution (gonum stat/distuv).
type Distribution string

// Distributions accepted for random failures; exponential is the default.
var Distributions = []Distribution{"exponential", "weibull", "lognormal"}

// RandomFailure fails every component of a class at random: times between failures
// with mean MTBF, repair times with mean MTTR. Kind is how they fail, one of the
// failure kinds of the class (`{class: vm, kind: vm-hang, ...}`); left out, the
// class's own kind (a vm's guest crashes, a host fails).
type RandomFailure struct {
	Class           string       `yaml:"class"`
	Kind            string       `yaml:"kind"`
	MTBF            Duration     `yaml:"mtbf"`
	MTTR            Duration     `yaml:"mttr"`
	Distribution    Distribution `yaml:"distribution"`
	topology.Source `yaml:"-"`
}

// Run is the `run:` section: how long to simulate and the master seed.
type Run struct {
	Duration        Duration `yaml:"duration"`
	Seed            uint64   `yaml:"seed"`
	topology.Source `yaml:"-"`
}
