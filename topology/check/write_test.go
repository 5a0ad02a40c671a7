package check_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"dctwin/topology"
	"dctwin/topology/check"
)

// A finding prints as a compiler diagnostic with its explanation wrapped at 84
// characters under it; the summary counts each severity. The expected text is written
// out from the catalogue's explanation of duplicate-name (two lines at width 84).
func TestFindingsWriteText(t *testing.T) {
	fs := check.Findings{
		check.New(check.DuplicateName, topology.Pos{File: "dc.yaml", Line: 3, Col: 7}, "switch %s is defined twice", "core"),
	}
	var b bytes.Buffer
	if err := fs.WriteText(&b, "dc.yaml"); err != nil {
		t.Fatal(err)
	}
	want := "dc.yaml:3:7: error: switch core is defined twice\n" +
		"    Names identify components in failures, reports and the simulation; two things with\n" +
		"    one name make every reference to it ambiguous.\n" +
		"\n" +
		"dc.yaml: 1 error, 0 warnings, 0 notes\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	if err := check.Findings(nil).WriteText(&b, "clean.yaml"); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "clean.yaml: 0 errors, 0 warnings, 0 notes\n" {
		t.Errorf("no findings: %q", got)
	}
}

// Every explanation of the catalogue wraps into lines of at most 84 characters that
// give back the explanation's words in order.
func TestFindingsWrapEveryExplanation(t *testing.T) {
	for _, k := range check.Kinds() {
		_, why, _ := check.Describe(k)
		var b bytes.Buffer
		fs := check.Findings{check.New(k, topology.Pos{File: "f.yaml", Line: 1, Col: 1}, "m")}
		if err := fs.WriteText(&b, "f.yaml"); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(b.String(), "\n")
		var words []string
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "    ") {
				break
			}
			if len(l)-4 > 84 && strings.Contains(l[4:], " ") {
				t.Errorf("%s: line of %d characters: %q", k, len(l)-4, l)
			}
			words = append(words, strings.Fields(l)...)
		}
		if strings.Join(words, " ") != strings.Join(strings.Fields(why), " ") {
			t.Errorf("%s: wrapped explanation differs:\n%s", k, b.String())
		}
	}
}

// The JSON object carries the counts and every finding with its position flattened in.
func TestFindingsWriteJSON(t *testing.T) {
	fs := check.Findings{
		check.New(check.DuplicateName, topology.Pos{File: "dc.yaml", Line: 3, Col: 7}, "switch core is defined twice"),
		check.New(check.NotSimulated, topology.Pos{File: "dc.yaml", Line: 9, Col: 2}, "vlans"),
	}
	var b bytes.Buffer
	if err := fs.WriteJSON(&b, "dc", "dc.yaml"); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Scenario, File          string
		Errors, Warnings, Notes int
		Findings                []struct {
			Kind, Severity, Message, Why, File string
			Line, Col                          int
		}
	}
	if err := json.Unmarshal(b.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if rep.Scenario != "dc" || rep.File != "dc.yaml" || rep.Errors != 1 || rep.Warnings != 0 || rep.Notes != 1 ||
		len(rep.Findings) != 2 {
		t.Fatalf("report %+v", rep)
	}
	f := rep.Findings[0]
	if f.Kind != "duplicate-name" || f.Severity != "error" || f.File != "dc.yaml" || f.Line != 3 || f.Col != 7 ||
		f.Message != "switch core is defined twice" || !strings.HasPrefix(f.Why, "Names identify") {
		t.Errorf("finding %+v", f)
	}
	b.Reset()
	if err := check.Findings(nil).WriteJSON(&b, "x", "x.yaml"); err != nil || !strings.Contains(b.String(), `"findings": []`) {
		t.Errorf("no findings: %v %s", err, b.String())
	}
}
