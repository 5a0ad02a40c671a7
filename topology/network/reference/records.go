package reference

// inVLAN names a VLAN in a record, except the default VLAN of a network built without
// VLANs.
func inVLAN(v string) string {
	if v == "" || v == "1" {
		return ""
	}
	return " (VLAN " + v + ")"
}

func updown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func orAll(s string) string {
	if s == "" {
		return "all inter-switch ports"
	}
	return s
}
