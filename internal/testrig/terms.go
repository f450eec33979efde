package testrig

import (
	"context"
	"testing"

	"github.com/art28/art28"
	"github.com/art28/art28/examples"
	"github.com/art28/art28/internal/store"
)

// SeedTerms imports a seed terms file (examples/, such as
// "genz-saas-v1.yaml") as a version of the fixtures' template
// "dpa-standard", as the actor in ctx, and returns the version.
func SeedTerms(t testing.TB, all store.AllServices, ctx context.Context, file string) *art28.TermsVersion {
	t.Helper()
	content, err := examples.Terms.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := all.Terms.ImportTerms(ctx, "dpa-standard", art28.TermsImport{Content: string(content)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}
