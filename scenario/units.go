package scenario

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Duration is a time span written as a Go duration string: "250ms", "10s", "5m", "1h30m".
// A bare 0 is accepted; other bare numbers are not, because "10" could mean seconds or
// milliseconds and a wrong guess silently changes a failover time.
type Duration time.Duration

// D is the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String prints the duration as it would be written in a scenario.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML parses a duration and reports a positioned error for bad text.
func (d *Duration) UnmarshalYAML(ctx context.Context, node ast.Node) error {
	s, err := scalar(ctx, node, `a duration such as "250ms", "10s" or "5m"`)
	if err != nil {
		return err
	}
	if !d.setText(s) {
		return &PosError{nodePos(fileOf(ctx), node),
			fmt.Sprintf("invalid duration %q: expected a non-negative number with a unit (ns, us, ms, s, m, h), e.g. 250ms, 10s, 5m", s)}
	}
	return nil
}

// setText parses a duration's text: ok false where UnmarshalYAML reports an error.
func (d *Duration) setText(s string) bool {
	if s == "0" {
		*d = 0
		return true
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || v < 0 {
		return false
	}
	*d = Duration(v)
	return true
}

// MarshalYAML writes the duration back in its string form.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// Bandwidth is a bit rate in bits per second, written "100M", "1G", "10Gbps", "64k", "1T",
// "2.5Mbps" or as a plain number of bits per second.
type Bandwidth int64

// UnmarshalYAML parses a bit rate and reports a positioned error for bad text.
func (b *Bandwidth) UnmarshalYAML(ctx context.Context, node ast.Node) error {
	s, err := scalar(ctx, node, `a bit rate such as "1G", "100M" or "64k"`)
	if err != nil {
		return err
	}
	if !b.setText(s) {
		return &PosError{nodePos(fileOf(ctx), node),
			fmt.Sprintf("invalid bit rate %q: expected a number with k, M, G or T (bits per second), e.g. 64k, 100M, 10G", s)}
	}
	return nil
}

// setText parses a bit rate's text: ok false where UnmarshalYAML reports an error.
func (b *Bandwidth) setText(s string) bool {
	v, ok := parseBandwidth(s)
	if ok {
		*b = Bandwidth(v)
	}
	return ok
}

// String prints the rate with its largest whole unit.
func (b Bandwidth) String() string {
	switch v := int64(b); {
	case v >= 1e9 && v%1e9 == 0:
		return fmt.Sprintf("%dG", v/1e9)
	case v >= 1e6 && v%1e6 == 0:
		return fmt.Sprintf("%dM", v/1e6)
	case v >= 1e3 && v%1e3 == 0:
		return fmt.Sprintf("%dk", v/1e3)
	default:
		return strconv.FormatInt(v, 10)
	}
}

func parseBandwidth(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "bps"), "bit/s")
	mult := 1.0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult, s = 1e3, s[:n-1]
		case 'M':
			mult, s = 1e6, s[:n-1]
		case 'G':
			mult, s = 1e9, s[:n-1]
		case 'T':
			mult, s = 1e12, s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f*mult > math.MaxInt64/2 {
		return 0, false
	}
	return int64(f * mult), true
}

// scalar returns the text of a scalar node, or an error saying a scalar was expected.
func scalar(ctx context.Context, node ast.Node, want string) (string, error) {
	switch node.Type() {
	case ast.StringType, ast.IntegerType, ast.FloatType, ast.BoolType, ast.InfinityType, ast.NanType, ast.LiteralType:
		if s, ok := node.(*ast.StringNode); ok {
			return s.Value, nil
		}
		return node.GetToken().Value, nil
	}
	return "", &PosError{nodePos(fileOf(ctx), node), fmt.Sprintf("expected %s, got %s", want, describe(node))}
}

// MarshalYAML writes the bit rate in its short form ("10G").
func (b Bandwidth) MarshalYAML() (any, error) { return b.String(), nil }
