package mozlz4

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	inputs := [][]byte{
		nil,
		[]byte("x"),
		[]byte(`{"cookies":[{"host":".example.com","name":"a","value":"b"}]}`),
		bytes.Repeat([]byte("abcdefgh"), 100000),
	}
	for _, in := range inputs {
		enc, err := Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(enc, []byte(Magic)) {
			t.Fatalf("no magic: %q", enc[:8])
		}
		if got := binary.LittleEndian.Uint32(enc[8:12]); int(got) != len(in) {
			t.Errorf("declared size %d, want %d", got, len(in))
		}
		out, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(%d bytes): %v", len(in), err)
		}
		if !bytes.Equal(out, in) {
			t.Errorf("round trip of %d bytes gave %d different bytes", len(in), len(out))
		}
	}
}

// A block assembled by hand from the LZ4 block format description, so that
// Decode is checked against the format and not only against Encode.
func TestDecodeKnownBlock(t *testing.T) {
	data := append([]byte(Magic), 23, 0, 0, 0)
	// token 0x6b: 6 literals, match length 11+4=15; "hello " ; offset 6; last literals token 0x20 "lo"
	data = append(data, 0x6b, 'h', 'e', 'l', 'l', 'o', ' ', 6, 0, 0x20, 'l', 'o')
	out, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "hello hello hello hello" {
		t.Errorf("got %q", out)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, _ := Encode([]byte(strings.Repeat("cookie ", 50)))
	huge := append([]byte(Magic), 0xff, 0xff, 0xff, 0x7f, 0)
	lying := append([]byte(Magic), 0, 0, 1, 0)
	lying = append(lying, good[12:]...)
	short := append([]byte(Magic), good[8:12]...)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":        {nil, "not a mozLz4"},
		"wrong magic":  {[]byte("mozLz41\x00\x01\x00\x00\x00\x00"), "not a mozLz4"},
		"no size":      {[]byte(Magic + "\x01"), "truncated"},
		"no data":      {short, "truncated"},
		"over limit":   {huge, "limit"},
		"impossible":   {lying, "impossible"},
		"truncated":    {good[:len(good)-5], "corrupt"},
		"size too big": {append(append([]byte(Magic), byte(len(good)), 1, 0, 0), good[12:]...), "corrupt"},
	}
	for name, tc := range cases {
		out, err := Decode(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %d bytes, %v; want error containing %q", name, len(out), err, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	enc, _ := Encode([]byte(`{"cookies":[{"host":"a.example","name":"n","value":"v","path":"/"}]}`))
	f.Add(enc)
	f.Add([]byte(Magic + "\x00\x00\x00\x00"))
	f.Add([]byte(Magic + "\x10\x00\x00\x00\xf0"))
	f.Add([]byte("mozLz40"))
	// Size headers that lie: the cap, just over it, the most a few bytes
	// can yield and one more (issue 8 item 4: bounded by real output).
	for _, size := range []uint32{MaxSize, MaxSize + 1, 4*maxRatio + 16, 4*maxRatio + 17, 1<<32 - 1} {
		f.Add(binary.LittleEndian.AppendUint32([]byte(Magic), size))
		f.Add(append(binary.LittleEndian.AppendUint32([]byte(Magic), size), 0xf0, 0, 0, 0))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Decode(data)
		if err != nil {
			return
		}
		if len(out) > MaxSize || len(data) >= headerLen && len(out) > (len(data)-headerLen)*maxRatio+16 {
			t.Fatalf("%d bytes decoded from %d: more than the cap or the input can yield", len(out), len(data))
		}
		if len(data) >= 12 && len(out) != int(binary.LittleEndian.Uint32(data[8:12])) {
			t.Fatalf("decoded %d bytes, header says %d", len(out), binary.LittleEndian.Uint32(data[8:12]))
		}
		again, err := Encode(out)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(again)
		if err != nil || !bytes.Equal(back, out) {
			t.Fatalf("re-encode round trip failed: %v", err)
		}
	})
}
