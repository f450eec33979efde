package http

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// legalMarkdown renders legal texts. Raw HTML in the source is dropped
// (goldmark's default), so a text imported by staff cannot carry script
// into the pages customers read; headings get IDs so that a clause can be
// linked to (#g9-1).
var legalMarkdown = goldmark.New(
	goldmark.WithExtensions(extension.Table),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// markdown renders src as HTML; a text that does not render is shown as
// it is rather than failing the page.
func markdown(src string) template.HTML {
	var b bytes.Buffer
	if err := legalMarkdown.Convert([]byte(src), &b); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	return template.HTML(b.String()) // #nosec: goldmark escapes text and drops raw HTML
}
