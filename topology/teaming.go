package topology

import (
	"fmt"
	"strings"
	"time"
)

// TeamFlavour is whose teaming driver a team follows. The vendors agree on what the
// modes do but not on when a recovered member takes over again or on the timers of
// their heartbeats, so a team states its flavour (reference-facts §4.1–§4.3).
type TeamFlavour string

// Team flavours.
const (
	// FlavourLinux is the Linux bonding driver: a team fails back only to a configured
	// `primary`, as primary_reselect says; the ARP monitor fails a member after
	// arp_missed_max missed checks, a backup after one more (§4.1).
	FlavourLinux TeamFlavour = "linux"
	// FlavourHP is HP NCU teaming: NFT and TLB fail back only as "NFT/TLB with
	// Preference Order"; path-validation heartbeats every 3 s (§4.2).
	FlavourHP TeamFlavour = "hp"
	// FlavourVMware is a vSphere vSwitch: an explicit failover order with failback on by
	// default; beacon probing every 1 s (§4.3).
	FlavourVMware TeamFlavour = "vmware"
)

// DefaultTeamFlavour is the flavour of a team whose scenario names none and whose
// mode is written with an HP name (nft, tlb, slb, lacp) or not at all: dctwin's team
// modes are HP NCU's. A mode written with a Linux bonding name (active-backup,
// balance-tlb, balance-xor, 802.3ad) makes the team FlavourLinux instead
// (FlavourOfMode).
const DefaultTeamFlavour = FlavourHP

// ParseTeamFlavour accepts a flavour name.
func ParseTeamFlavour(s string) (TeamFlavour, error) {
	switch f := TeamFlavour(strings.ToLower(s)); f {
	case FlavourLinux, FlavourHP, FlavourVMware:
		return f, nil
	}
	return "", fmt.Errorf("unknown team flavour %q (expected hp, linux or vmware)", s)
}

// FlavourOfMode is the flavour a team gets when none is written: FlavourLinux for a
// mode written with a Linux bonding name, DefaultTeamFlavour otherwise.
func FlavourOfMode(mode string) TeamFlavour {
	switch strings.ToLower(mode) {
	case "active-backup", "balance-tlb", "balance-xor", "802.3ad":
		return FlavourLinux
	}
	return DefaultTeamFlavour
}

// Reselect is Linux bonding's primary_reselect: when a primary that came back takes
// over from the member that replaced it (reference-facts §4.1).
type Reselect string

// primary_reselect policies; always is the default.
const (
	// ReselectAlways: the primary becomes active again as soon as it is up.
	ReselectAlways Reselect = "always"
	// ReselectBetter: only if its speed beats the current active member's (Linux also
	// compares duplex; dctwin's links are full duplex).
	ReselectBetter Reselect = "better"
	// ReselectFailure: only when the current active member fails.
	ReselectFailure Reselect = "failure"
)

// ParseReselect accepts a primary_reselect policy.
func ParseReselect(s string) (Reselect, error) {
	switch r := Reselect(strings.ToLower(s)); r {
	case ReselectAlways, ReselectBetter, ReselectFailure:
		return r, nil
	}
	return "", fmt.Errorf("unknown primary_reselect %q (expected always, better or failure)", s)
}

// FailsBack reports whether a team of this flavour makes a preferred member that came
// back active again, when the scenario does not say so with `failback`:
//
//   - hp: only "NFT/TLB with Preference Order" does (preferred: a preference order or
//     primary is written); plain NFT keeps the member that took over (§4.2, and the
//     source article);
//   - linux: only with a primary, and unless primary_reselect is failure; better is
//     decided at run time from the members' speeds (§4.1);
//   - vmware: failback is on by default, to the explicit failover order (§4.3).
func (f TeamFlavour) FailsBack(preferred bool, r Reselect) bool {
	switch f {
	case FlavourVMware:
		return true
	case FlavourLinux:
		return preferred && r != ReselectFailure
	}
	return preferred
}

// HeartbeatDefaults returns the probe interval and the number of missed probes that
// fail a member for a team of this flavour whose scenario does not write them (the
// constants and their sources are in defaults.go).
func (f TeamFlavour) HeartbeatDefaults() (interval time.Duration, missed int) {
	switch f {
	case FlavourLinux:
		return DefaultLinuxARPInterval, DefaultLinuxARPMissedMax
	case FlavourVMware:
		return DefaultVMwareBeaconInterval, DefaultVMwareBeaconMissed
	}
	return DefaultHPHeartbeatInterval, DefaultHPHeartbeatMissed
}

// BackupGrace is how many more probes a backup (not active) member may miss than the
// active one: Linux's ARP monitor gives backups one extra check "to provide orderly
// failover semantics" (bonding.rst, arp_missed_max; reference-facts §4.1). HP and
// VMware judge every member alike.
func (f TeamFlavour) BackupGrace() int {
	if f == FlavourLinux {
		return 1
	}
	return 0
}
