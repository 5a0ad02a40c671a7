package twin

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// maxExpandedNodes bounds the size of a document after alias expansion, so that a
// "billion laughs" file (aliases of aliases of aliases) is an error, not a hang.
const maxExpandedNodes = 1 << 20

// resolveAliases replaces every alias (*name) by the node of its anchor (&name) in
// place. Items are decoded one by one, each with its own decoder, which would not see
// anchors defined elsewhere in the file; resolving them up front lets scenario authors
// share a list (port groups of identical hypervisors) with an anchor.
func resolveAliases(file string, root ast.Node) error {
	r := &aliasResolver{file: file, anchors: map[string]ast.Node{}, open: map[string]bool{}, size: map[ast.Node]int{}}
	_, err := r.walk(root)
	return err
}

type aliasResolver struct {
	file    string
	anchors map[string]ast.Node // finished anchors
	open    map[string]bool     // anchors whose value is being walked
	size    map[ast.Node]int    // expanded size of finished anchor values
}

// walk resolves aliases below n and returns n's expanded size (in nodes).
func (r *aliasResolver) walk(n ast.Node) (int, error) {
	if n == nil {
		return 0, nil
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		name := v.Name.GetToken().Value
		v.Value = untag(v.Value)
		r.open[name] = true
		s, err := r.walk(v.Value)
		delete(r.open, name)
		if err != nil {
			return 0, err
		}
		r.anchors[name] = v.Value
		r.size[v.Value] = s
		return s + 1, nil
	case *ast.TagNode:
		if v.Value == nil {
			return 0, &PosError{nodePos(r.file, n), "a tag without a value"}
		}
		s, err := r.walk(v.Value)
		return s + 1, err
	case *ast.MappingNode:
		total := 1
		for _, mv := range v.Values {
			val, s, err := r.replace(mv.Value)
			if err != nil {
				return 0, err
			}
			mv.Value = val
			total += s + 1
			if total > maxExpandedNodes {
				return 0, r.tooBig(n)
			}
		}
		return total, nil
	case *ast.MappingValueNode:
		val, s, err := r.replace(v.Value)
		if err != nil {
			return 0, err
		}
		v.Value = val
		return s + 1, nil
	case *ast.SequenceNode:
		total := 1
		for i, item := range v.Values {
			val, s, err := r.replace(item)
			if err != nil {
				return 0, err
			}
			v.Values[i] = val
			total += s
			if total > maxExpandedNodes {
				return 0, r.tooBig(n)
			}
		}
		return total, nil
	case *ast.AliasNode:
		_, s, err := r.replace(v)
		return s, err
	}
	return 1, nil
}

// untag drops YAML tags (!!str, !custom): a scenario has no use for them, and the YAML
// library (v1.19.2) dereferences nil when it decodes a tagged scalar into a list.
func untag(n ast.Node) ast.Node {
	for {
		tn, ok := n.(*ast.TagNode)
		if !ok || tn.Value == nil {
			return n
		}
		n = tn.Value
	}
}

// replace resolves n if it is an alias, or walks it otherwise; tags are dropped.
func (r *aliasResolver) replace(n ast.Node) (ast.Node, int, error) {
	n = untag(n)
	a, ok := n.(*ast.AliasNode)
	if !ok {
		s, err := r.walk(n)
		return n, s, err
	}
	name := ""
	if a.Value != nil {
		name = a.Value.GetToken().Value
	}
	if r.open[name] {
		return nil, 0, &PosError{nodePos(r.file, n), fmt.Sprintf("alias *%s refers to the anchor it is inside of: an endless structure", name)}
	}
	target, ok := r.anchors[name]
	if !ok {
		return nil, 0, &PosError{nodePos(r.file, n), fmt.Sprintf("alias *%s has no anchor &%s before it", name, name)}
	}
	return target, r.size[target], nil
}

func (r *aliasResolver) tooBig(n ast.Node) error {
	return &PosError{nodePos(r.file, n), fmt.Sprintf("the aliases expand to more than %d values", maxExpandedNodes)}
}
