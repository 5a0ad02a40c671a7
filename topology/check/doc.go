// Package check is the static review of a topology: the mistakes an experienced
// data-center planner looks for before anything is switched on — most of them the
// "service specification" problem of server settings that do not match the switches.
// Every finding has a severity, the position of the YAML it is about, a one-line
// message and a short explanation for students of why it matters.
//
// Topology reviews the infrastructure; scenario.Check adds what the workloads,
// failures and run sections of a scenario can get wrong, and twin.Check what the
// simulation's own models refuse. The kinds of finding, each with its severity and
// explanation, form one catalogue (Kinds, Describe), so the same mistake always reads
// the same way. Findings print like a compiler's diagnostics (WriteText) or as JSON
// (WriteJSON), as `dctwin check` shows them.
package check
