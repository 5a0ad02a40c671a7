package scenario

// Hooks for the external tests.
var (
	DecodeWhole    = decodeWhole
	DecodeDocument = decodeDocument
)

// IsBlockStyle reports whether data would be read item by item.
func IsBlockStyle(data []byte) bool {
	d := &document{data: data}
	_, ok := d.blockStyle(splitLines(data))
	return ok
}

// ReadStats says how many items the flow-item reader took and what the shape check
// counted for the alias budget.
type ReadStats = readStats

// DecodeWithFlowItems decodes data as Parse does, with the flow-item reader on or off.
func DecodeWithFlowItems(file string, data []byte, on bool) (Spec, ReadStats, error) {
	saved := flowItems
	defer func() { flowItems = saved }()
	flowItems = on
	return decodeCounting(file, data)
}
