package mail_test

import (
	"testing"

	"github.com/art28/art28/internal/mail"
)

// Rendering a breach notice, which the outbox does once per customer (each
// notice holds the customer's own figures), against rendering a change
// notice, which it does once per batch: the cost the breach path carries
// that the change path shares (docs/performance.md).
func BenchmarkRenderBreachNotice(b *testing.B) {
	data := breach("de", 1)
	if testing.Short() {
		data.ToFollow = nil
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := mail.Render(mail.NoticeBreach, "de", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderChangeNotice(b *testing.B) {
	data := change(mail.ChangeReplace)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := mail.Render(mail.NoticeSubprocessorChange, "de", data); err != nil {
			b.Fatal(err)
		}
	}
}
