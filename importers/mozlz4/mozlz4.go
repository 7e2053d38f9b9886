// Package mozlz4 reads and writes Mozilla's "mozLz4" files (sessionstore
// .jsonlz4, .baklz4, search.json.mozlz4): an 8-byte magic "mozLz40\0", the
// decompressed size as a little-endian uint32, then one raw LZ4 block (not
// the LZ4 frame format).
package mozlz4

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/pierrec/lz4/v4"
)

// Magic starts every mozLz4 file.
const Magic = "mozLz40\x00"

// MaxSize caps the decompressed size. Firefox session stores are a few MB
// (tens for a window with thousands of tabs); a file declaring more is not
// a real one and would only cost memory (docs/decisions.md, "Bounds on
// hostile input"). The declared size is checked against this and against
// what the compressed bytes could yield before anything is allocated, and
// the real output must then be exactly the declared size.
const MaxSize = 64 << 20

// headerLen is the magic plus the u32 size.
const headerLen = len(Magic) + 4

// maxRatio bounds how much an LZ4 block can expand: each input byte of a
// match token yields at most 255 output bytes. A size beyond that cannot be
// honest, so Decode refuses it before allocating.
const maxRatio = 255

// Decode returns the decompressed content of a mozLz4 file.
func Decode(data []byte) ([]byte, error) {
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, errors.New("not a mozLz4 file (no \"mozLz40\" magic)")
	}
	if len(data) < headerLen {
		return nil, errors.New("truncated mozLz4 file (no size field)")
	}
	size := binary.LittleEndian.Uint32(data[len(Magic):headerLen])
	block := data[headerLen:]
	if size > MaxSize {
		return nil, fmt.Errorf("mozLz4 declares %d bytes, more than the %d-byte limit", size, MaxSize)
	}
	if size == 0 {
		return []byte{}, nil
	}
	if len(block) == 0 {
		return nil, errors.New("truncated mozLz4 file (no compressed data)")
	}
	if uint64(size) > uint64(len(block))*maxRatio+16 {
		return nil, fmt.Errorf("mozLz4 declares %d bytes, impossible for %d compressed bytes", size, len(block))
	}
	out := make([]byte, size)
	n, err := lz4.UncompressBlock(block, out)
	if err != nil {
		return nil, fmt.Errorf("corrupt mozLz4 data: %v", err)
	}
	if n != int(size) {
		return nil, fmt.Errorf("corrupt mozLz4 data: %d bytes decompressed, %d declared", n, size)
	}
	return out, nil
}

// Encode returns data as a mozLz4 file, as Firefox writes it.
func Encode(data []byte) ([]byte, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("mozLz4: %d bytes is more than the %d-byte limit", len(data), MaxSize)
	}
	out := make([]byte, headerLen+lz4.CompressBlockBound(len(data)))
	copy(out, Magic)
	binary.LittleEndian.PutUint32(out[len(Magic):], uint32(len(data)))
	if len(data) == 0 {
		out[headerLen] = 0 // an empty LZ4 block: one token with no literals
		return out[:headerLen+1], nil
	}
	var c lz4.Compressor
	n, err := c.CompressBlock(data, out[headerLen:])
	if err != nil {
		return nil, fmt.Errorf("mozLz4: %v", err)
	}
	return out[:headerLen+n], nil
}
