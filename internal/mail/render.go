package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
)

// The notice templates are templates/<name>.<lang>.txt and .html. The
// first line of the text template's output is "Subject: ..." and gives the
// subject; the rest is the text part. Keeping the subject in the text
// template puts every sentence of a notice, in one language, in one file
// that a translator reads from top to bottom.
//
//go:embed templates
var templateFS embed.FS

// fallbackLang is used when a notice has no template in the asked language.
const fallbackLang = "en"

type notice struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// notices maps "name.lang" to its templates. They are parsed once, at
// start: a broken template is a bug that the tests catch, not a runtime
// condition.
var notices = mustLoad()

var funcs = map[string]any{"join": strings.Join}

func mustLoad() map[string]notice {
	out := map[string]notice{}
	files, err := fs.Glob(templateFS, "templates/*.txt")
	if err != nil {
		panic(err)
	}
	for _, file := range files {
		key := strings.TrimSuffix(path.Base(file), ".txt")
		t := texttemplate.Must(texttemplate.New(path.Base(file)).Funcs(funcs).ParseFS(templateFS, file))
		htmlFile := strings.TrimSuffix(file, ".txt") + ".html"
		h := htmltemplate.Must(htmltemplate.New(path.Base(htmlFile)).Funcs(funcs).ParseFS(templateFS, htmlFile))
		out[key] = notice{text: t, html: h}
	}
	return out
}

// Render renders the notice name in lang ("de", or a tag such as "de-CH"
// whose language part is used) with data, falling back to English when
// the language has no template. If data has a Validate method, it is
// called first.
func Render(name, lang string, data any) (subject, text, html string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("mail: render %s.%s: %w", name, lang, err)
		}
	}()
	if v, ok := data.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return "", "", "", err
		}
	}
	lang, _, _ = strings.Cut(strings.ToLower(lang), "-")
	lang, _, _ = strings.Cut(lang, "_")
	n, ok := notices[name+"."+lang]
	if !ok {
		if n, ok = notices[name+"."+fallbackLang]; !ok {
			return "", "", "", errors.New("no such notice")
		}
	}

	var b bytes.Buffer
	if err := n.text.Execute(&b, data); err != nil {
		return "", "", "", err
	}
	first, rest, _ := strings.Cut(b.String(), "\n")
	subject, ok = strings.CutPrefix(first, "Subject: ")
	if subject = strings.TrimSpace(subject); !ok || subject == "" {
		return "", "", "", errors.New(`the text template does not start with "Subject: "`)
	}
	b.Reset()
	if err := n.html.Execute(&b, data); err != nil {
		return "", "", "", err
	}
	return subject, tidy(rest), b.String(), nil
}

// tidy lets the text templates be written for legibility rather than for
// exact whitespace: trailing spaces go, and runs of blank lines become one.
// It is one pass over s: it runs for every breach notice, each rendered
// for its own customer.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	newlines := 0
	for line := range strings.Lines(strings.Trim(s, "\n")) {
		line = strings.TrimRight(strings.TrimSuffix(line, "\n"), " \t\r")
		if line == "" {
			newlines++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n"[:min(newlines+1, 2)])
		}
		b.WriteString(line)
		newlines = 0
	}
	b.WriteString("\n")
	return b.String()
}
