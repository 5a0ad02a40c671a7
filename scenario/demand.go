package scenario

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"dctwin/topology"
)

// DemandSpec is a VM's load on its host: `demand: {cpu: 0.4, ram: 0.5, profile:
// office, ram_profile: office}`. cpu is the share of its vCPUs busy at the profile's
// peak, profile the CPU's daily shape; ram the share of its memory in use at the
// ram_profile's peak (default 1: all of it), ram_profile the memory's daily shape.
// Each profile is a named daily profile (topology.Profiles) or a list of 24 hourly
// factors from midnight, flat by default. The memory's shape is a key of its own, not
// the CPU's profile, because memory in use falls less than CPU when load drops
// (topology.Demand): a scenario says when it follows a shape, and one written before
// the key existed keeps its memory constant.
type DemandSpec struct {
	CPU        *float64    `yaml:"cpu"`
	RAM        *float64    `yaml:"ram"`
	Profile    ProfileSpec `yaml:"profile"`
	RAMProfile ProfileSpec `yaml:"ram_profile"`
}

// ProfileSpec is a daily profile as written: one name, or the 24 hourly factors'
// texts (each checked to be a number from 0 to 1 where it is written). It is a list
// rather than a struct so that the scenario's shape check takes it as one value.
type ProfileSpec []string

// Name is the profile's name ("" for a list of factors or none).
func (p ProfileSpec) Name() string {
	if len(p) == 1 {
		return p[0]
	}
	return ""
}

// Factors are the hourly factors of a list (nil for a name or none).
func (p ProfileSpec) Factors() []float64 {
	if len(p) != 24 {
		return nil
	}
	out := make([]float64, 24)
	for i, s := range p {
		out[i], _ = strconv.ParseFloat(strings.TrimSpace(s), 64)
	}
	return out
}

// UnmarshalYAML reads a name or a list of 24 factors, each checked where it is written.
func (p *ProfileSpec) UnmarshalYAML(ctx context.Context, node ast.Node) error {
	file := fileOf(ctx)
	seq, ok := node.(*ast.SequenceNode)
	if !ok {
		s, err := scalar(ctx, node, "a profile name ("+strings.Join(topology.ProfileNames(), ", ")+") or a list of 24 hourly factors")
		if err != nil {
			return err
		}
		*p = ProfileSpec{strings.TrimSpace(s)}
		return nil
	}
	if len(seq.Values) != 24 {
		return &PosError{nodePos(file, node), fmt.Sprintf("a daily profile has 24 hourly factors (from midnight), this one has %d", len(seq.Values))}
	}
	out := make(ProfileSpec, 0, 24)
	for i, n := range seq.Values {
		s, err := scalar(ctx, n, "a factor from 0 to 1")
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || f < 0 || f > 1 {
			return &PosError{nodePos(file, n), fmt.Sprintf("hour %d's factor %q: expected a number from 0 to 1", i, s)}
		}
		out = append(out, strconv.FormatFloat(f, 'g', -1, 64))
	}
	*p = out
	return nil
}

// MarshalYAML writes the profile back as its name or its list.
func (p ProfileSpec) MarshalYAML() (any, error) {
	if f := p.Factors(); f != nil {
		return f, nil
	}
	return p.Name(), nil
}

// demandOf builds a VM's demand, reporting bad values at their place.
func (b *builder) demandOf(v VMSpec) topology.Demand {
	if v.Demand == nil {
		return topology.Demand{}
	}
	d := topology.Demand{RAM: 1}
	share := func(key string, p *float64, into *float64) {
		if p == nil {
			return
		}
		if *p < 0 || *p > 1 {
			b.fail(v.PosOf("demand."+key), "demand %s %g: a share from 0 to 1", key, *p)
			return
		}
		*into = *p
	}
	share("cpu", v.Demand.CPU, &d.CPU)
	share("ram", v.Demand.RAM, &d.RAM)
	if v.Demand.CPU == nil {
		b.fail(v.PosOf("demand"), "demand of %s: cpu is missing (the share of its vCPUs busy at the profile's peak, e.g. cpu: 0.4)", v.Name)
	}
	d.Profile, d.ProfileName = b.profileOf(v, "profile", v.Demand.Profile)
	d.RAMProfile, d.RAMProfileName = b.profileOf(v, "ram_profile", v.Demand.RAMProfile)
	return d
}

// profileOf resolves a demand's profile written under key: its factors and its name
// (nil and "" for none, which is flat), an unknown name reported where it is written.
func (b *builder) profileOf(v VMSpec, key string, p ProfileSpec) ([]float64, string) {
	if f := p.Factors(); f != nil {
		return f, ""
	}
	if p.Name() == "" {
		return nil, ""
	}
	name := strings.ToLower(p.Name())
	f, ok := topology.Profiles[name]
	if !ok {
		b.fail(v.PosOf("demand."+key), "unknown demand %s %q (expected %s, or a list of 24 hourly factors)",
			key, p.Name(), strings.Join(topology.ProfileNames(), ", "))
		return nil, ""
	}
	return f, name
}
