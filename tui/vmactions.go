package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dctwin/sim"
	"dctwin/twin"
)

// The VM actions: m on a VM opens a menu of the hosts it can migrate to (live, by
// vMotion), m on a hypervisor puts it into maintenance mode or takes it out;
// :migrate VM HOST and :maintenance HOST [off] do the same by name. The twin refuses
// what cannot be done (another cluster, a missing port group or datastore, no room, a
// VM on a local disk) and the status line says why.

// Migrate live-migrates a VM to a host now.
func (s *Session) Migrate(vm, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.branch(); err != nil {
		return err
	}
	s.alignToMs()
	err := s.tw.MigrateVM(vm, to)
	s.journal = s.tw.Journal()
	return err
}

// CanMigrate says why the twin would refuse to migrate a VM to a host now (the check
// Migrate makes), or nil.
func (s *Session) CanMigrate(vm, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tw.CanMigrate(vm, to)
}

// Maintenance puts a host into maintenance mode (on) or takes it out.
func (s *Session) Maintenance(host string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.branch(); err != nil {
		return err
	}
	s.alignToMs()
	var err error
	if on {
		err = s.tw.EnterMaintenance(host)
	} else {
		err = s.tw.ExitMaintenance(host)
	}
	s.journal = s.tw.Journal()
	return err
}

// vmAction is m on the selection.
func (m *Model) vmAction() tea.Cmd {
	n := m.tree.Selected()
	if n == nil {
		return nil
	}
	switch n.kind {
	case vmNode:
		return m.openHostMenu(n.name)
	case hostNode:
		if h := m.sh.topo.Host(n.name); h != nil && h.IsHypervisor() {
			return m.maintenance(n.name, m.sh.snap().Maintenance[n.name] == "")
		}
	}
	m.setStatus("m migrates a selected VM, or puts a selected hypervisor into maintenance (or out)", true)
	return nil
}

// openHostMenu offers the other hosts of a VM's cluster as migration targets.
func (m *Model) openHostMenu(vm string) tea.Cmd {
	snap := m.sh.snap()
	v, ok := snap.VM(vm)
	if !ok {
		m.setStatus(vm+" is not a VM of the run", true)
		return nil
	}
	c := m.sh.topo.ClusterOf(v.Host)
	if c == nil {
		m.setStatus(fmt.Sprintf("%s runs on %s, which is in no cluster: it has nowhere to migrate to", vm, v.Host), true)
		return nil
	}
	var hosts []string
	for _, h := range c.Hosts {
		if hh := m.sh.topo.Host(h); h != v.Host && hh != nil && hh.IsHypervisor() {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		m.setStatus(fmt.Sprintf("cluster %s has no other host for %s", c.Name, vm), true)
		return nil
	}
	// The twin's own check marks the targets it would refuse, with its reason (an FT
	// secondary's host, one without the VM's port groups or room for it).
	why := make([]string, len(hosts))
	for i, h := range hosts {
		if err := m.sess.CanMigrate(vm, h); err != nil {
			why[i] = strings.TrimPrefix(err.Error(), fmt.Sprintf("cannot migrate %s to %s: ", vm, h))
		}
	}
	m.hostMenu, m.hostWhy, m.menuAt, m.menuFor, m.mode = hosts, why, 0, vm, modeHosts
	return nil
}

// hostMenuLine is a target's line: its state, or why the twin would refuse it.
func (m *Model) hostMenuLine(i int, glyph string) string {
	h := m.hostMenu[i]
	line := fmt.Sprintf("%d  %s %s", i+1, glyph, h)
	if i < len(m.hostWhy) && m.hostWhy[i] != "" {
		line += "  refused: " + m.hostWhy[i]
	}
	return line
}

// hostMenuWidth fits the longest target line, from 44 columns.
func (m *Model) hostMenuWidth() int {
	w := 44
	for i := range m.hostMenu {
		w = max(w, len([]rune(m.hostMenuLine(i, "●")))+6)
	}
	return w
}

// hostMenuKey chooses the migration target.
func (m *Model) hostMenuKey(k tea.KeyMsg) tea.Cmd {
	return m.listMenuKey(k, len(m.hostMenu), func(i int) tea.Cmd { return m.migrate(m.menuFor, m.hostMenu[i]) })
}

// hostMenuView lists the targets with their state.
func (m *Model) hostMenuView() string {
	st := m.sh.styles
	snap := m.sh.snap()
	var b strings.Builder
	b.WriteString(st.Dim.Render("↑/↓ enter or a digit; esc cancels"))
	for i, h := range m.hostMenu {
		state := snap.State(h)
		refused := i < len(m.hostWhy) && m.hostWhy[i] != ""
		// A refused target keeps its host's state glyph (the host may be up) and is
		// dimmed, with the twin's reason.
		line := m.hostMenuLine(i, st.glyph(state))
		if state != twin.StateUp && state != "" && !refused {
			line += "  " + string(state)
		}
		switch {
		case i == m.menuAt:
			line = st.selected(line, m.hostMenuWidth()-6)
		case refused:
			line = st.Dim.Render(line)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (m *Model) migrate(vm, to string) tea.Cmd {
	return m.twinCmd(func(s *Session) (string, error) {
		if err := s.Migrate(vm, to); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s migrating to %s from %s: pre-copy rounds, then a short stun", vm, to, fmtAt(s.Now())), nil
	})
}

func (m *Model) maintenance(host string, on bool) tea.Cmd {
	return m.twinCmd(func(s *Session) (string, error) {
		if err := s.Maintenance(host, on); err != nil {
			return "", err
		}
		if on {
			return fmt.Sprintf("%s entering maintenance at %s: its VMs migrate away (m again takes it out)", host, fmtAt(s.Now())), nil
		}
		return fmt.Sprintf("%s back in service at %s", host, fmtAt(s.Now())), nil
	})
}

// commandMigrate is ":migrate VM HOST".
func (m *Model) commandMigrate(args []string) tea.Cmd {
	if len(args) != 2 {
		m.setStatus("usage: migrate VM HOST", true)
		return nil
	}
	return m.migrate(args[0], args[1])
}

// commandMaintenance is ":maintenance HOST [on|off]".
func (m *Model) commandMaintenance(args []string) tea.Cmd {
	if len(args) == 0 || len(args) > 2 || len(args) == 2 && args[1] != "on" && args[1] != "off" {
		m.setStatus("usage: maintenance HOST [on|off]", true)
		return nil
	}
	return m.maintenance(args[0], len(args) == 1 || args[1] == "on")
}

// migrationLines are the failover table's lines for the latest live migrations, at
// most n, newest last.
func (sh *shared) migrationLines(n int) []string {
	snap := sh.snap()
	if snap == nil || n <= 0 {
		return nil
	}
	ms := snap.Migrations
	if len(ms) > n {
		ms = ms[len(ms)-n:]
	}
	var out []string
	for _, mg := range ms {
		what := ""
		mark := sh.styles.glyph(twin.StateUp)
		switch {
		case mg.Aborted != "":
			mark, what = sh.styles.glyph(twin.StateFailed), "aborted: "+mg.Aborted
		case mg.End == sim.Never:
			mark, what = sh.styles.glyph(twin.StateBooting), "pre-copy under way"
		default:
			rounds := fmt.Sprintf("%d rounds", mg.Rounds)
			if mg.Rounds == 1 {
				rounds = "1 round"
			}
			what = fmt.Sprintf("%s, down %s", rounds, fmtMs(mg.Downtime.Milliseconds()))
		}
		out = append(out, fmt.Sprintf("%s vMotion %s %s %s→%s  %s", mark, fmtAt(mg.Start), mg.VM, mg.From, mg.To, what))
	}
	return out
}

// vmNote is a VM row's note: where it runs when that is not its first host, and a
// migration under way.
func (sh *shared) vmNote(snap *twin.Snapshot, vm string) string {
	v, ok := snap.VM(vm)
	if !ok {
		return ""
	}
	note := ""
	if tv := sh.topo.VM(vm); tv != nil && v.Host != tv.Host {
		note = "  on " + v.Host
	}
	for _, mg := range snap.Migrations {
		if mg.VM == vm && mg.End == sim.Never {
			note += "  vMotion → " + mg.To
		}
	}
	return note
}
