package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"dctwin/topology"
)

// whyWidth is the width the explanations are wrapped to under each finding.
const whyWidth = 84

// WriteText writes the findings as a compiler does: each as file:line:col: severity:
// message, its explanation indented under it, then a summary line that names the file
// and counts errors, warnings and notes. `dctwin check` prints this.
func (fs Findings) WriteText(w io.Writer, file string) error {
	b := bufio.NewWriter(w)
	for _, f := range fs {
		b.WriteString(f.String())
		b.WriteByte('\n')
		for _, line := range wrap(f.Why, whyWidth) {
			b.WriteString("    " + line + "\n")
		}
	}
	if len(fs) > 0 {
		b.WriteByte('\n')
	}
	fmt.Fprintf(b, "%s: %s, %s, %s\n", file, plural(fs.Count(Error), "error"),
		plural(fs.Count(Warning), "warning"), plural(fs.Count(Info), "note"))
	return b.Flush()
}

// WriteJSON writes the findings as one indented JSON object: the scenario's name, its
// file, the counts per severity and the findings, each with its position flattened
// into it (file, line, col). `dctwin check --json` prints this.
func (fs Findings) WriteJSON(w io.Writer, scenario, file string) error {
	type finding struct {
		Finding
		topology.Pos
	}
	rep := struct {
		Scenario string    `json:"scenario"`
		File     string    `json:"file"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
		Notes    int       `json:"notes"`
		Findings []finding `json:"findings"`
	}{Scenario: scenario, File: file, Errors: fs.Count(Error), Warnings: fs.Count(Warning),
		Notes: fs.Count(Info), Findings: []finding{}}
	for _, f := range fs {
		rep.Findings = append(rep.Findings, finding{f, f.Pos})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// plural writes a count with its noun: "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// wrap breaks text into lines of at most width characters at spaces (a longer word
// gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
