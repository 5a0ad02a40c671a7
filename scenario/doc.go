// Package scenario is the scenario file format of dctwin: the schema (what a YAML file
// may say about a data center's topology, workloads, failures and run), strict
// decoding with positions, overrides by path, validation, and the static topology
// model built from it.
//
// Loading: LoadFile reads a file (at most MaxFileBytes), Parse decodes text. Decoding
// is strict: an unknown key, a fraction where a whole number belongs, a negative
// count, an alias that expands without bound are errors that name the file, line and
// column ("teaming-lab.yaml:72:23: ..."), as PosError or Errors (AsErrors; they
// print as check's findings do, or as JSON). A file in block style
// (one list item after another, as the built-in scenarios are) is read item by item,
// so loading a 20,000-host data center takes memory proportional to what it says, not
// to the YAML library's syntax tree of the whole file; items written on one line in
// plain flow style (as generated data centers are) are decoded without the library
// where what it would make of them is plain, and by the library otherwise
// (flowitem.go), which reads such a file ten times faster.
//
// A loaded Scenario keeps the file as written in Spec, the one source of truth:
// Topology builds the static model (topology.Topology) from it with the defaults of
// topology/defaults.go, Check reviews it, and Set overrides one setting by path
// ("topology.hosts[srv-1].teams[bond0].detection.method=carrier") exactly as if the
// file had said so (Override takes the PATH=VALUE text of --set). Every item records where it and each of its keys were written
// (topology.Source), so that a written 0 is kept and every finding points at the YAML.
//
// The package knows nothing about simulation; package twin builds a running twin from
// a Scenario, and package scenarios holds the built-in ones.
package scenario
