// Package jsonesc escapes the C1 control characters (U+0080–U+009F) in JSON
// output as \u0080…\u009f, as encoding/json already does for C0. Go's
// encoder writes them raw, and U+009B is CSI on terminals that honour 8-bit
// controls, so a cookie value could drive a terminal through `--json`
// (issue 8 item 12). In UTF-8 they are the two bytes C2 80…C2 9F, which
// never occur inside another character, and in JSON only inside strings,
// so replacing them in the encoded bytes is always valid.
package jsonesc

import (
	"bytes"
	"io"
)

const hex = "0123456789abcdef"

// Escape returns b with every C1 control escaped; b itself when there is
// none.
func Escape(b []byte) []byte {
	i := indexC1(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i >= 0 {
		out = append(out, b[:i]...)
		c := b[i+1]
		out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		b = b[i+2:]
		i = indexC1(b)
	}
	return append(out, b...)
}

func indexC1(b []byte) int {
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], 0xc2)
		if i < 0 || off+i+1 >= len(b) {
			return -1
		}
		if c := b[off+i+1]; c >= 0x80 && c <= 0x9f {
			return off + i
		}
		off += i + 1
	}
}

// Writer escapes C1 controls in everything written through it. A 0xC2 at
// the end of one Write waits for the next (or Close).
type Writer struct {
	w       io.Writer
	pending bool
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (e *Writer) Write(p []byte) (int, error) {
	n := len(p)
	buf := p
	if e.pending {
		buf = append([]byte{0xc2}, p...)
		e.pending = false
	}
	if len(buf) > 0 && buf[len(buf)-1] == 0xc2 {
		e.pending = true
		buf = buf[:len(buf)-1]
	}
	if _, err := e.w.Write(Escape(buf)); err != nil {
		return 0, err
	}
	return n, nil
}

// Close writes a trailing 0xC2 held back (never part of valid output).
func (e *Writer) Close() error {
	if e.pending {
		e.pending = false
		_, err := e.w.Write([]byte{0xc2})
		return err
	}
	return nil
}
