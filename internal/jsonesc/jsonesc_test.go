package jsonesc

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestEscapeC1(t *testing.T) {
	in, _ := json.Marshal(map[string]string{"v": "a\u009b[31mb\u0085 é\u00a0\x01"})
	got := Escape(in)
	want := `{"v":"a\u009b[31mb\u0085 é` + "\u00a0" + `\u0001"}`
	if string(got) != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["v"] != "a\u009b[31mb\u0085 é\u00a0\x01" {
		t.Fatalf("round trip: %q %v", back, err)
	}
	// Split across writes.
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, c := range in {
		w.Write([]byte{c})
	}
	w.Close()
	if b.String() != want {
		t.Fatalf("writer: %s", b.String())
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("a\u009bb")
	f.Add("\u0080\u009f\u00a0")
	f.Fuzz(func(t *testing.T, s string) {
		in, _ := json.Marshal(s)
		out := Escape(in)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		var orig string
		json.Unmarshal(in, &orig)
		if back != orig {
			t.Fatalf("changed: %q → %q", orig, back)
		}
		if indexC1(out) >= 0 {
			t.Fatalf("C1 left in %q", out)
		}
	})
}
