package examples_test

import (
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/art28/art28/examples"
)

// TestLegalTextCoversTerms checks that every terms file has its legal text,
// that every clause ID a terms key implements has a "## <ID> " section in
// it, and that the section's "Terms:" line names that key.
func TestLegalTextCoversTerms(t *testing.T) {
	names, err := fs.Glob(examples.Terms, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no terms files embedded")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			raw, err := fs.ReadFile(examples.Terms, name)
			if err != nil {
				t.Fatal(err)
			}
			var terms struct {
				Clauses map[string]struct {
					Implements []string `yaml:"implements"`
				} `yaml:"clauses"`
			}
			if err := yaml.Unmarshal(raw, &terms); err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			mdName := strings.TrimSuffix(name, ".yaml") + ".md"
			md, err := fs.ReadFile(examples.LegalText, mdName)
			if err != nil {
				t.Fatalf("legal text for %s: %v", name, err)
			}
			sections := parseSections(t, mdName, string(md))
			for _, key := range slices.Sorted(maps.Keys(terms.Clauses)) {
				ids := terms.Clauses[key].Implements
				if len(ids) == 0 {
					t.Errorf("%s: clause %s implements no clause ID", name, key)
				}
				for _, id := range ids {
					body, ok := sections[id]
					if !ok {
						t.Errorf("%s: no %q heading for clause ID %s (implemented by %s)", mdName, "## "+id+" ", id, key)
						continue
					}
					if !termsLineNames(body, key) {
						t.Errorf("%s: section %s has no \"Terms:\" line naming `%s`", mdName, id, key)
					}
				}
			}
		})
	}
}

// TestLegalTextHasTerms checks that no legal text is left without its terms
// file.
func TestLegalTextHasTerms(t *testing.T) {
	names, err := fs.Glob(examples.LegalText, "*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		yamlName := strings.TrimSuffix(name, ".md") + ".yaml"
		if _, err := fs.Stat(examples.Terms, yamlName); err != nil {
			t.Errorf("%s has no terms file %s", name, yamlName)
		}
	}
}

// parseSections maps each "## <ID> <title>" heading's ID to the text below
// it, up to the next "## " heading. A repeated ID is an error.
func parseSections(t *testing.T, name, md string) map[string]string {
	t.Helper()
	sections := map[string]string{}
	var id string
	var body strings.Builder
	flush := func() {
		if id != "" {
			sections[id] = body.String()
		}
		body.Reset()
	}
	for line := range strings.Lines(md) {
		if rest, ok := strings.CutPrefix(line, "## "); ok {
			flush()
			id, _, _ = strings.Cut(strings.TrimSpace(rest), " ")
			if _, dup := sections[id]; dup {
				t.Errorf("%s: clause ID %s has two sections", name, id)
			}
			continue
		}
		body.WriteString(line)
	}
	flush()
	return sections
}

// termsLineNames reports whether body has a "Terms:" line naming key.
func termsLineNames(body, key string) bool {
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "Terms:") && strings.Contains(line, "`"+key+"`") {
			return true
		}
	}
	return false
}
