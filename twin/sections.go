package twin

import (
	"context"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"dctwin/topology"
)

// SchemaVersion is the scenario format this dctwin reads (`version: 1`).
const SchemaVersion = 1

// File is a whole scenario file as written.
type File struct {
	Version         int          `yaml:"version"`
	Topology        TopologySpec `yaml:"topology"`
	Workloads       Workloads    `yaml:"workloads"`
	Failures        Failures     `yaml:"failures"`
	Run             Run          `yaml:"run"`
	topology.Source `yaml:"-"`
}

// UnmarshalYAML decodes strictly and records positions.
func (s *File) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain File
	return decodeItem(ctx, n, (*plain)(s), &s.Source)
}

// Workloads is the `workloads:` section: traffic flows and, for unified communications,
// call groups. The UC and network issues extend these structures.
type Workloads struct {
	Flows []Flow `yaml:"flows"`
	Calls Calls  `yaml:"calls"`
}

// UnmarshalYAML decodes strictly.
func (s *Workloads) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain Workloads
	var src topology.Source
	return decodeItem(ctx, n, (*plain)(s), &src)
}

// Flow is a constant-rate stream between two devices (endpoints, hosts, VMs):
// `{name: web-1, from: client-1, to: web-a, rate: 2M, packet_size: 1200}`.
type Flow struct {
	Name            string    `yaml:"name"`
	From            string    `yaml:"from"`
	To              string    `yaml:"to"`
	Rate            Bandwidth `yaml:"rate"`
	PacketSize      int       `yaml:"packet_size"` // bytes
	topology.Source `yaml:"-"`
}

// UnmarshalYAML decodes strictly and records positions.
func (s *Flow) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain Flow
	return decodeItem(ctx, n, (*plain)(s), &s.Source)
}

// Calls is the `calls:` block: user groups whose phones place calls through a PBX.
type Calls struct {
	Groups []CallGroup `yaml:"groups"`
}

// UnmarshalYAML decodes strictly.
func (s *Calls) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain Calls
	var src topology.Source
	return decodeItem(ctx, n, (*plain)(s), &src)
}

// CallGroup is a group of endpoints with a call load given either as busy-hour call
// attempts per endpoint (bhca) or as offered erlangs per endpoint.
type CallGroup struct {
	Name            string   `yaml:"name"`
	Endpoints       []string `yaml:"endpoints"`
	BHCA            float64  `yaml:"bhca"`
	Erlangs         float64  `yaml:"erlangs"`
	HoldingTime     Duration `yaml:"holding_time"`
	Codec           string   `yaml:"codec"`
	PBX             string   `yaml:"pbx"`
	JitterBuffer    Duration `yaml:"jitter_buffer"`
	topology.Source `yaml:"-"`
}

// UnmarshalYAML decodes strictly and records positions.
func (s *CallGroup) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain CallGroup
	return decodeItem(ctx, n, (*plain)(s), &s.Source)
}

// Failures is the `failures:` section: scheduled failures and random failures per class.
type Failures struct {
	Scheduled []ScheduledFailure `yaml:"scheduled"`
	Random    []RandomFailure    `yaml:"random"`
}

// UnmarshalYAML decodes strictly.
func (s *Failures) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain Failures
	var src topology.Source
	return decodeItem(ctx, n, (*plain)(s), &src)
}

// FailureKind is what breaks: a component class, plus "link-one-way" (a fibre cut in
// one direction, which carrier detection does not see at the sending end).
type FailureKind string

// LinkOneWay is the failure kind of a one-directional link failure.
const LinkOneWay FailureKind = "link-one-way"

// FailureKinds lists the kinds a scheduled failure may have.
var FailureKinds = []FailureKind{"link", LinkOneWay, "nic", "switch-port", "switch", "module",
	"psu", "enclosure", "host", "storage"}

// Class is the component class a failure of this kind applies to.
func (k FailureKind) Class() topology.Class {
	if k == LinkOneWay {
		return topology.ClassLink
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
// (never, if zero): `{at: 10s, component: srv-1:eth0, kind: nic, repair_after: 60s}`.
type ScheduledFailure struct {
	At              Duration    `yaml:"at"`
	Component       string      `yaml:"component"`
	Kind            FailureKind `yaml:"kind"`
	RepairAfter     Duration    `yaml:"repair_after"`
	topology.Source `yaml:"-"`
}

// UnmarshalYAML decodes strictly and records positions.
func (s *ScheduledFailure) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain ScheduledFailure
	return decodeItem(ctx, n, (*plain)(s), &s.Source)
}

// Distribution names a time-between-failures distribution (gonum stat/distuv).
type Distribution string

// Distributions accepted for random failures; exponential is the default.
var Distributions = []Distribution{"exponential", "weibull", "lognormal"}

// RandomFailure fails every component of a class at random: times between failures
// with mean MTBF, repair times with mean MTTR.
type RandomFailure struct {
	Class           string       `yaml:"class"`
	MTBF            Duration     `yaml:"mtbf"`
	MTTR            Duration     `yaml:"mttr"`
	Distribution    Distribution `yaml:"distribution"`
	topology.Source `yaml:"-"`
}

// UnmarshalYAML decodes strictly and records positions.
func (s *RandomFailure) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain RandomFailure
	return decodeItem(ctx, n, (*plain)(s), &s.Source)
}

// Run is the `run:` section: how long to simulate and the master seed.
type Run struct {
	Duration Duration `yaml:"duration"`
	Seed     uint64   `yaml:"seed"`
}

// UnmarshalYAML decodes strictly.
func (s *Run) UnmarshalYAML(ctx context.Context, n ast.Node) error {
	type plain Run
	var src topology.Source
	return decodeItem(ctx, n, (*plain)(s), &src)
}
