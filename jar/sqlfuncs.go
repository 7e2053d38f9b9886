package jar

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"

	sqlite "modernc.org/sqlite"
)

// SQL functions of the jar, registered with the driver for every
// connection. They let a statement look into a "more" record (row.go)
// without the rows travelling to Go and back: a purge records the pending
// write-back deletions of 40,000 cookies in one INSERT … SELECT instead of
// reading every record first (docs/decisions.md, "Purge: the keyed test
// inside SQLite").

// keyedFunc is crumbs_keyed(more): 1 if the record carries an original key
// (the cookie's key in its browser store, which write-back needs), else 0.
// A damaged record is an error, as decodeMore would report it.
const keyedFunc = "crumbs_keyed"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(keyedFunc, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var rec []byte
		switch v := args[0].(type) {
		case []byte:
			rec = v
		case string:
			rec = []byte(v)
		default:
			return nil, fmt.Errorf("%s: %w", keyedFunc, errBadMore)
		}
		keyed, err := moreHasKey(rec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyedFunc, err)
		}
		if keyed {
			return int64(1), nil
		}
		return int64(0), nil
	})
}

// The layout of a "more" record (encodeMore): after the version byte,
// moreVarints zig-zag varints, then moreStrings length-prefixed strings of
// which the original key is number moreKeyString (from 0).
const (
	moreVarints   = 5
	moreStrings   = 7
	moreKeyString = 3
)

// moreHasKey reports whether rec carries a non-empty original key. It
// checks the record as decodeMore does (FuzzDecodeMore holds the two
// together) but allocates nothing.
func moreHasKey(rec []byte) (bool, error) {
	if len(rec) == 0 || rec[0] != moreVersion {
		return false, errBadMore
	}
	p := 1
	for range moreVarints {
		_, n := binary.Varint(rec[p:])
		if n <= 0 {
			return false, errBadMore
		}
		p += n
	}
	keyed := false
	for i := range moreStrings {
		l, n := binary.Uvarint(rec[p:])
		if n <= 0 || uint64(len(rec)-p-n) < l {
			return false, errBadMore
		}
		if i == moreKeyString {
			keyed = l > 0
		}
		p += n + int(l)
	}
	return keyed, nil
}
