// Package examples holds the four seed agreements as terms files, embedded
// so that the demo data set and the tests can load them.
package examples

import "embed"

// Terms are the seed terms files, by file name (genz-saas-v1.yaml, ...).
//
//go:embed *.yaml
var Terms embed.FS
