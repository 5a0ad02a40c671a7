package scenarios_test

import (
	"slices"
	"strings"
	"testing"

	"dctwin/scenarios"
)

func TestList(t *testing.T) {
	names := scenarios.Names()
	for _, want := range []string{"teaming-lab", "classic-dc", "misconfigured-dc"} {
		if !slices.Contains(names, want) {
			t.Errorf("built-in %s missing from %v", want, names)
		}
	}
	if !slices.Contains(names, scenarios.Default) {
		t.Errorf("default %s is not a built-in", scenarios.Default)
	}
	for _, e := range scenarios.List() {
		data, err := scenarios.Read(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "# description: ") || e.Description == "" || strings.Contains(e.Description, "#") {
			t.Errorf("%s: description %q", e.Name, e.Description)
		}
	}
	if _, err := scenarios.Read("nope"); err == nil {
		t.Error("unknown scenario read")
	}
}

func TestDescriptionContinuation(t *testing.T) {
	got := scenarios.Description([]byte("# description: first part,\n#   second part\n#\n# not this\nversion: 1\n"))
	if got != "first part, second part" {
		t.Errorf("got %q", got)
	}
}
