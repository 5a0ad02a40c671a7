package twin_test

import (
	"strings"
	"testing"
	"time"

	"dctwin/scenario"
	"dctwin/topology"
)

// teamScenario is a host with NICs a, b and one team written as the YAML flow mapping
// spec (on line 6, so errors can be checked by position).
func teamScenario(spec string) string {
	return "version: 1\ntopology:\n  hosts:\n    - name: h\n      nics: [{name: a}, {name: b}]\n      teams:\n        - " + spec + "\n"
}

// Failback and heartbeat defaults as each vendor documents them:
//
//   - HP (reference-facts §4.2, source article): plain NFT keeps the adapter that took
//     over; "NFT with Preference Order" returns to the administratively set primary.
//     Path validation every 3 s, a failed port known within 9 s: 3 s × 3.
//   - Linux bonding (§4.1): only a `primary` is returned to, when primary_reselect is
//     always (the default) or better; failure never returns while the active slave
//     works. arp_missed_max 2; arp_interval has no default (0 = off), dctwin takes 1 s.
//   - VMware (§4.3): failback defaults to yes, to the explicit failover order (the
//     members' order); beacons every 1 s, three missed (VMware KB 1005577, secondary).
func TestTeamFlavourSemantics(t *testing.T) {
	hb := "detection: {method: heartbeat}"
	cases := []struct {
		name, spec string
		flavour    topology.TeamFlavour
		failback   bool
		reselect   topology.Reselect
		interval   time.Duration // heartbeat defaults, 0: not a heartbeat team
		missed     int
	}{
		{"hp nft, no preference", "{name: t, members: [a, b], mode: nft, " + hb + "}", topology.FlavourHP, false, "", 3 * time.Second, 3},
		{"hp nft with preference order", "{name: t, members: [a, b], mode: nft, preference: [b, a]}", topology.FlavourHP, true, "", 0, 0},
		{"hp nft with primary", "{name: t, members: [a, b], primary: a}", topology.FlavourHP, true, "", 0, 0},
		{"hp tlb, no preference", "{name: t, members: [a, b], mode: tlb}", topology.FlavourHP, false, "", 0, 0},
		{"hp preference, failback off", "{name: t, members: [a, b], primary: a, failback: false}", topology.FlavourHP, false, "", 0, 0},
		{"linux by mode name, no primary", "{name: t, members: [a, b], mode: active-backup, " + hb + "}", topology.FlavourLinux, false, "", time.Second, 2},
		{"linux primary", "{name: t, members: [a, b], mode: active-backup, primary: a}", topology.FlavourLinux, true, topology.ReselectAlways, 0, 0},
		{"linux primary, better", "{name: t, members: [a, b], flavour: linux, primary: a, primary_reselect: better}", topology.FlavourLinux, true, topology.ReselectBetter, 0, 0},
		{"linux primary, failure", "{name: t, members: [a, b], flavour: linux, primary: a, primary_reselect: failure}", topology.FlavourLinux, false, topology.ReselectFailure, 0, 0},
		{"linux heartbeat written", "{name: t, members: [a, b], flavour: linux, detection: {method: arp, interval: 200ms, missed: 5}}", topology.FlavourLinux, false, "", 200 * time.Millisecond, 5},
		{"vmware, no preference", "{name: t, members: [a, b], flavour: vmware, " + hb + "}", topology.FlavourVMware, true, "", time.Second, 3},
		{"vmware failback off", "{name: t, members: [a, b], flavour: vmware, failback: false}", topology.FlavourVMware, false, "", 0, 0},
		{"vmware failback on", "{name: t, members: [a, b], flavour: vmware, failback: true}", topology.FlavourVMware, true, "", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := scenario.Parse("x.yaml", []byte(teamScenario(c.spec)))
			if err != nil {
				t.Fatal(err)
			}
			tm := sc.Topology().Host("h").Teams[0]
			if tm.Flavour != c.flavour || tm.Failback != c.failback || tm.PrimaryReselect != c.reselect {
				t.Errorf("flavour %s failback %v reselect %q, want %s %v %q", tm.Flavour, tm.Failback, tm.PrimaryReselect,
					c.flavour, c.failback, c.reselect)
			}
			if c.interval != 0 && (tm.Detection.Interval != c.interval || tm.Detection.Missed != c.missed) {
				t.Errorf("heartbeat %v × %d, want %v × %d", tm.Detection.Interval, tm.Detection.Missed, c.interval, c.missed)
			}
		})
	}
}

// Settings a vendor's driver cannot be given are refused where they are written.
func TestTeamFlavourErrors(t *testing.T) {
	cases := []struct {
		name, spec, want string
	}{
		{"failback without preference, hp", "{name: t, members: [a, b], failback: true}",
			`x.yaml:7:48: failback: true on hp team t without a preference order: HP fails back only in "NFT/TLB with Preference Order"`},
		{"failback without primary, linux", "{name: t, members: [a, b], mode: active-backup, failback: true}",
			`x.yaml:7:69: failback: true on linux team t without a preference order: Linux bonding fails back only to the slave named as primary`},
		{"primary_reselect on hp", "{name: t, members: [a, b], primary: a, primary_reselect: always}",
			`x.yaml:7:68: primary_reselect is a Linux bonding setting, but team t is hp`},
		{"primary_reselect without primary", "{name: t, members: [a, b], flavour: linux, primary_reselect: always}",
			`x.yaml:7:72: primary_reselect says when a primary takes over again, but team t has no primary`},
		{"both failback and primary_reselect", "{name: t, members: [a, b], flavour: linux, primary: a, primary_reselect: always, failback: false}",
			`x.yaml:7:102: team t writes both failback and primary_reselect`},
		{"unknown flavour", "{name: t, members: [a, b], flavour: cisco}",
			`x.yaml:7:47: unknown team flavour "cisco"`},
		{"unknown primary_reselect", "{name: t, members: [a, b], flavour: linux, primary: a, primary_reselect: sometimes}",
			`x.yaml:7:84: unknown primary_reselect "sometimes"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scenario.Parse("x.yaml", []byte(teamScenario(c.spec)))
			if err == nil {
				t.Fatalf("no error for %s", c.spec)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got  %s\nwant %s...", err, c.want)
			}
		})
	}
}
