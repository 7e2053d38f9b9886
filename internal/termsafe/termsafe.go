// Package termsafe neutralises untrusted text before it reaches a terminal.
//
// Every string that comes from a cookie store or cookie file (names, values,
// domains, paths, reasons, file names) is hostile until proven otherwise: an
// ESC byte can move the cursor, rewrite the title, or fake earlier output; a
// bidi override can make "gro.elgoog" read as "google.org". String replaces
// every such character with a visible escape so the user sees exactly what is
// stored, on one line, and the terminal is never driven by data.
//
// What is escaped:
//   - C0 controls U+0000–U+001F (TAB, LF, CR and ESC included) and DEL U+007F
//     as \t \n \r or \xHH;
//   - C1 controls U+0080–U+009F (8-bit CSI, OSC, …) as \u0080 … \u009f;
//   - bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069),
//     line and paragraph separators U+2028/U+2029 and the BOM U+FEFF as \uXXXX;
//   - bytes that are not valid UTF-8 as \xHH.
//
// Backslashes are left alone: the output is for people, not for parsing.
package termsafe

import (
	"strconv"
	"unicode/utf8"
)

// String returns s with every control character, escape sequence introducer,
// bidi control and invalid UTF-8 byte replaced by a visible escape. Printable
// text, including non-ASCII letters and emoji, is returned unchanged; a string
// that needs nothing is returned without allocating.
func String(s string) string {
	if IsSafe(s) {
		return s
	}
	return string(Append(make([]byte, 0, len(s)+16), s))
}

// IsSafe reports whether s can be printed as it is.
func IsSafe(s string) bool {
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < 0x7f {
			i++
			continue
		}
		if b < utf8.RuneSelf { // C0 or DEL
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// Append appends the neutralised form of s to dst and returns the result.
// It is the allocation-free form of String for writers that build lines.
func Append(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < 0x7f {
			// Copy the whole printable ASCII run at once.
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		if b < utf8.RuneSelf {
			dst = appendControl(dst, b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = appendHexByte(dst, b)
		case unsafeRune(r):
			dst = appendU(dst, r)
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

func appendControl(dst []byte, b byte) []byte {
	switch b {
	case '\t':
		return append(dst, '\\', 't')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return appendHexByte(dst, b)
}

const hexDigits = "0123456789abcdef"

func appendHexByte(dst []byte, b byte) []byte {
	return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&0xf])
}

func appendU(dst []byte, r rune) []byte {
	dst = append(dst, '\\', 'u')
	h := strconv.FormatInt(int64(r), 16)
	for n := len(h); n < 4; n++ {
		dst = append(dst, '0')
	}
	return append(dst, h...)
}

// unsafeRune reports whether a decoded non-ASCII rune must be escaped.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls: 8-bit CSI (0x9b), OSC (0x9d), …
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}
