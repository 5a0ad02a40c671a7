package experiment

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dctwin/scenario"
	"dctwin/topology"
	"dctwin/topology/check"
)

// overrideFile is the file name scenario.Set gives the settings it writes: a mistake
// found in such a setting is the experiment file's, at the value that wrote it.
func overrideFile(path string) string { return "--set " + path }

// overrideMistake explains why scenario.Set refused a value, in words that belong at
// the value's own position in the experiment file: positions inside the value as Set
// saw it ("--set PATH:1:1") are left out, positions in the scenario file are kept.
// pathWrong is true when the path, not the value, is at fault (a key the scenario does
// not have), so that the error belongs at path:.
func overrideMistake(path string, err error) (msg string, pathWrong bool) {
	if es := scenario.AsErrors(err); es != nil {
		parts := make([]string, 0, len(es))
		for _, e := range es {
			if strings.HasPrefix(e.Pos.File, "--set ") {
				parts = append(parts, e.Msg)
			} else {
				parts = append(parts, e.Error())
			}
		}
		return strings.Join(parts, "; "), false
	}
	return strings.TrimPrefix(err.Error(), overrideFile(path)+": "), true
}

// configMistake is one error `dctwin check` finds in the configurations, with every
// configuration that has it.
type configMistake struct {
	pos     topology.Pos // where the experiment file wrote its cause
	what    string       // "parameter interval = 0s", or "" when no value of the file caused it
	msg     string
	configs []int // numbers, from 1
}

// checkMistakes collects the check's errors in configuration c into list, one entry
// per mistake whatever the number of configurations that share it, each at the value
// of the experiment file that wrote the faulty setting (the check names the setting
// "--set PATH"); a mistake of the base scenario itself (at a position in its file) is
// placed at scenario:.
func (s *Spec) checkMistakes(list []*configMistake, c Configuration, fs check.Findings) []*configMistake {
	for _, f := range fs {
		if f.Severity != check.Error {
			continue
		}
		m := &configMistake{pos: s.PosOf("scenario"), msg: f.Pos.String() + ": " + f.Message}
		if pos, what, ok := s.origin(c, f.Pos); ok {
			m.pos, m.what, m.msg = pos, what, f.Message
		}
		found := false
		for _, o := range list {
			if o.pos == m.pos && o.what == m.what && o.msg == m.msg {
				if !slices.Contains(o.configs, c.Number()) {
					o.configs = append(o.configs, c.Number())
				}
				found = true
				break
			}
		}
		if !found {
			m.configs = []int{c.Number()}
			list = append(list, m)
		}
	}
	return list
}

// origin finds the value of the experiment file that wrote a setting the check names
// by its override position: the configuration's value of the last parameter with that
// path (a later one overrides an earlier one), or a fixed set: entry.
func (s *Spec) origin(c Configuration, p topology.Pos) (topology.Pos, string, bool) {
	for i := len(s.Parameters) - 1; i >= 0; i-- {
		q := s.Parameters[i]
		if overrideFile(q.Path) == p.File {
			v := q.Values[c.Values[i]]
			return v.Pos, "parameter " + q.Name + " = " + v.Label, true
		}
	}
	for i := len(s.Sets) - 1; i >= 0; i-- {
		if overrideFile(s.Sets[i].Path) == p.File {
			return s.Sets[i].Pos, "set " + s.Sets[i].Path, true
		}
	}
	return p, "", false
}

// error is the mistake as a positioned error, saying which of the configurations
// checked have it.
func (m *configMistake) error(configs int) *scenario.PosError {
	in := "in every configuration"
	if len(m.configs) < configs {
		in = "in " + numberList("configuration", m.configs, 5)
	}
	if m.what == "" {
		return posErr(m.pos, "%s (an error dctwin check finds %s); set force: true to run anyway", m.msg, in)
	}
	return posErr(m.pos, "%s: %s (an error dctwin check finds %s); change the value, exclude those configurations (exclude:) or set force: true to run them anyway",
		m.what, m.msg, in)
}

// numberList is "configuration 3", "configurations 1, 3 and 5", or the first few and
// how many more.
func numberList(noun string, ns []int, most int) string {
	words := make([]string, 0, min(len(ns), most))
	for _, n := range ns[:min(len(ns), most)] {
		words = append(words, strconv.Itoa(n))
	}
	switch {
	case len(ns) == 1:
		return noun + " " + words[0]
	case len(ns) > most:
		return fmt.Sprintf("%d %ss: %s and %d more", len(ns), noun, strings.Join(words, ", "), len(ns)-most)
	}
	return noun + "s " + strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
