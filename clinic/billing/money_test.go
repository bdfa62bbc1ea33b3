package billing

import "testing"

func TestParseCents(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		ok   bool
	}{
		{"120", 12000, true},
		{"120.5", 12050, true},
		{"120.50", 12050, true},
		{"$1,200", 120000, true},
		{"HK$ 80", 8000, true},
		{"0.05", 5, true},
		{".5", 50, true},
		{"-3", -300, true},
		{"", 0, false},
		{".", 0, false},
		{"1.234", 0, false},
		{"1e3", 0, false},
		{"12abc", 0, false},
		{"10000000", 0, false},
		{"9999999.99", 999999999, true},
		{"１２", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCents(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseCents(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCentsString(t *testing.T) {
	tests := map[Cents]string{0: "0.00", 5: "0.05", 12050: "120.50", 123456789: "1,234,567.89", -1999: "-19.99", 100000: "1,000.00"}
	for c, want := range tests {
		if got := c.String(); got != want {
			t.Errorf("%d: %q, want %q", c, got, want)
		}
	}
}

func TestPercentOfRounding(t *testing.T) {
	tests := []struct {
		amount Cents
		bp     int64
		want   Cents
	}{
		{33350, 1000, 3335}, // 10% of 333.50
		{3335, 1000, 334},   // 333.5 cents rounds half up
		{3334, 1000, 333},   // 333.4 rounds down
		{10000, 1250, 1250}, // 12.5%
		{999, 3333, 333},    // 332.97 -> 333
		{100, 10000, 100},   // 100%
		{-3335, 1000, -334}, // symmetric
		{0, 5000, 0},
	}
	for _, tt := range tests {
		if got := PercentOf(tt.amount, tt.bp); got != tt.want {
			t.Errorf("PercentOf(%d, %d) = %d, want %d", tt.amount, tt.bp, got, tt.want)
		}
	}
}
