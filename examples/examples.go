// Package examples holds the four seed agreements as terms files, embedded
// so that the demo data set and the tests can load them.
package examples

import "embed"

// Terms are the seed terms files, by file name (genz-saas-v1.yaml, ...).
//
//go:embed *.yaml
var Terms embed.FS

// LegalText holds each seed's own-words digest, by file name
// (genz-saas-v1.md, ...): the Markdown legal text that sits next to the
// terms file of the same name. The binding wording stays with the
// agreement as signed.
//
//go:embed *.md
var LegalText embed.FS
