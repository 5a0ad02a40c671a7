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
