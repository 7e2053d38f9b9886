package cookie

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestExtrasJSON: Extras read and write the JSON their fields did when
// Extras were a plain struct, under an encoder that escapes HTML
// characters and one that does not (crumbs' export), and unknown
// spellings come back as they were.
func TestExtrasJSON(t *testing.T) {
	f := ExtraFields{Priority: "<odd & new>", SourceScheme: "secure", SourcePort: -1, SourceType: "http", SchemeMap: 2}
	for _, escape := range []bool{true, false} {
		var want, got bytes.Buffer
		for _, c := range []struct {
			buf *bytes.Buffer
			v   any
		}{{&want, struct{ X *ExtraFields }{&f}}, {&got, struct{ X *Extras }{ptrTo(MakeExtras(f))}}} {
			enc := json.NewEncoder(c.buf)
			enc.SetEscapeHTML(escape)
			if err := enc.Encode(c.v); err != nil {
				t.Fatal(err)
			}
		}
		if got.String() != want.String() {
			t.Errorf("escape HTML %v: Extras encode as %s, their fields as %s", escape, got.String(), want.String())
		}
	}
	var back Extras
	if err := json.Unmarshal([]byte(`{"priority":"<odd & new>","sourceScheme":"secure","sourcePort":-1,"sourceType":"http","schemeMap":2}`), &back); err != nil {
		t.Fatal(err)
	}
	if back != MakeExtras(f) || back.Fields() != f {
		t.Errorf("decoded %v, want %v", back, f)
	}
	if (Extras{}).Fields() != (ExtraFields{}) || !MakeExtras(ExtraFields{}).IsZero() || MakeExtras(f).IsZero() {
		t.Error("the zero Extras is not the zero fields")
	}
}

func ptrTo[T any](v T) *T { return &v }
