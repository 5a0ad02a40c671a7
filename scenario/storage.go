package scenario

import (
	"strings"
	"time"

	"dctwin/topology"
	"dctwin/topology/check"
)

// Shared storage in the scenario format: an array's datastores, its storage VLAN and
// ports (cabled like NICs), its multipathing timers, the clusters' APD response, and
// the failure kind storage-path.

// StoragePortSpec is a network port of a storage array: `{name: ctrl-a, connect:
// "sw-a:20"}`, a target interface in the array's VLAN.
type StoragePortSpec struct {
	Name            string `yaml:"name"`
	Connect         string `yaml:"connect"`
	topology.Source `yaml:"-"`
}

// DatastoreSpec is a datastore on an array: `{name: ds-gold}`; a VM's disk may name it.
type DatastoreSpec struct {
	Name            string `yaml:"name"`
	topology.Source `yaml:"-"`
}

// StoragePath is the failure kind of a host losing its paths to storage (an HBA, its
// initiator, zoning or LUN masking): its VMs' I/O stalls while no path is left.
const StoragePath FailureKind = "storage-path"

func (b *builder) storageOf(s StorageSpec) *topology.Storage {
	kind := topology.StorageKind(strings.ToLower(s.Kind))
	switch kind {
	case "":
		kind = topology.SAN
	case topology.SAN, topology.NAS:
	default:
		b.fail(s.PosOf("kind"), "unknown storage kind %q (expected san or nas)", s.Kind)
	}
	st := &topology.Storage{Name: s.Name, Kind: kind, VLAN: s.VLAN, Source: s.Source,
		PathFailover: orDefault(s.Source, "path_failover", s.PathFailover, topology.DefaultPathFailover),
		APDTimeout:   orDefault(s.Source, "apd_timeout", s.APDTimeout, topology.DefaultAPDTimeout)}
	for _, p := range s.Ports {
		st.Ports = append(st.Ports, topology.StoragePort{Name: p.Name, Connect: b.port(p.Source, "connect", p.Connect), Source: p.Source})
	}
	for _, d := range s.Datastores {
		st.Datastores = append(st.Datastores, &topology.Datastore{Name: d.Name, Source: d.Source})
	}
	return st
}

// apdResponse is a cluster's VM Component Protection for APD, defaults applied.
func (b *builder) apdResponse(c ClusterSpec) (string, time.Duration) {
	r := strings.ToLower(c.HA.APDResponse)
	switch r {
	case "":
		r = topology.DefaultAPDResponse
	case topology.APDDisabled, topology.APDEvents, topology.APDRestartConservative, topology.APDRestartAggressive:
	default:
		b.fail(c.PosOf("ha.apd_response"), "unknown apd_response %q (expected %s, %s, %s or %s)", c.HA.APDResponse,
			topology.APDDisabled, topology.APDEvents, topology.APDRestartConservative, topology.APDRestartAggressive)
	}
	return r, orDefault(c.Source, "ha.apd_delay", c.HA.APDDelay, topology.DefaultAPDDelay)
}

// checkStorage reviews what the run's storage needs: timers a run can use, and
// storage failures where they apply (a storage-path failure of a hypervisor attached
// to storage; a storage failure names an array or a datastore, which CheckWith's
// class check already sees).
func checkStorage(sc *Scenario, t *topology.Topology) check.Findings {
	var fs check.Findings
	for _, s := range sc.Spec.Topology.Storage {
		if written(s.Source, "path_failover") && s.PathFailover.D() <= 0 {
			fs = append(fs, check.New(check.BadValue, s.PosOf("path_failover"), "storage %s: path_failover %v: a path failover takes some time (above 0)", s.Name, s.PathFailover.D()))
		}
		if written(s.Source, "apd_timeout") && s.APDTimeout.D() <= 0 {
			fs = append(fs, check.New(check.BadValue, s.PosOf("apd_timeout"), "storage %s: apd_timeout %v: expected a time above 0", s.Name, s.APDTimeout.D()))
		}
	}
	for _, c := range sc.Spec.Topology.Clusters {
		if written(c.Source, "ha.apd_delay") && c.HA.APDDelay.D() < 0 {
			fs = append(fs, check.New(check.BadValue, c.PosOf("ha.apd_delay"), "cluster %s: apd_delay %v: expected 0 or more", c.Name, c.HA.APDDelay.D()))
		}
	}
	for _, f := range sc.Spec.Failures.Scheduled {
		if f.Kind != StoragePath {
			continue
		}
		h := t.Host(f.Component)
		switch {
		case h == nil:
			// the class check says what it is instead
		case !h.IsHypervisor():
			fs = append(fs, check.New(check.FailureNotSimulated, f.PosOf("kind"), "storage-path of %s: only a hypervisor has paths to its VMs' storage (%s is a %s server)",
				f.Component, f.Component, h.Kind))
		case len(h.Storage) == 0:
			fs = append(fs, check.New(check.FailureNotSimulated, f.PosOf("kind"), "storage-path of %s: %s is attached to no storage (its storage: list is empty)",
				f.Component, f.Component))
		}
	}
	return fs
}
