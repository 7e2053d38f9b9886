package cookie

import "testing"

func TestFlagLetters(t *testing.T) {
	cases := []struct {
		c    Cookie
		want string
	}{
		{Cookie{}, "------"},
		{Cookie{Secure: true}, "S-----"},
		{Cookie{HTTPOnly: true}, "-H----"},
		{Cookie{Partition: MakePartition(PartitionFields{TopLevelSite: "https://top.example"})}, "--P---"},
		{Cookie{Container: MakeContainer(ContainerFields{Key: "1"})}, "---C--"},
		{Cookie{ValueUnreadable: true}, "----X-"},
		{Cookie{ProtectedBy: "domain:example.com"}, "-----K"},
		{Cookie{Secure: true, HTTPOnly: true, Partition: MakePartition(PartitionFields{TopLevelSite: "https://top.example"}), Container: MakeContainer(ContainerFields{Key: "1"}), ValueUnreadable: true, ProtectedBy: "x"}, "SHPCXK"},
	}
	for _, tc := range cases {
		if got := FlagLetters(&tc.c); got != tc.want {
			t.Errorf("FlagLetters(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}
