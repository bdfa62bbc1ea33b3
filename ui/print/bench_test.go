package print

import (
	"io"
	"testing"
)

// BenchmarkDrugLabels100 is a large dispensing batch: 100 labels, in both
// languages, in one PDF.
func BenchmarkDrugLabels100(b *testing.B) {
	f := chineseFonts(b)
	labels := make([]DrugLabel, 100)
	for i := range labels {
		labels[i] = paracetamol()
	}
	labels[7].DrugName = longDrugName
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteDrugLabels(io.Discard, f, labels, Drug80x50); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrugLabel1 is the common case, one visit's single item, where
// embedding the Chinese font dominates.
func BenchmarkDrugLabel1(b *testing.B) {
	f := chineseFonts(b)
	labels := []DrugLabel{paracetamol()}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteDrugLabels(io.Discard, f, labels, Drug62x29); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPatientLabelsA4 is a full sheet of 24 stickers.
func BenchmarkPatientLabelsA4(b *testing.B) {
	f := chineseFonts(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePatientLabels(io.Discard, f, chanTaiMan, 24, A4_3x8); err != nil {
			b.Fatal(err)
		}
	}
}
