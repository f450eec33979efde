// Package art28 is the domain of art28: the records a GDPR data processor
// keeps to carry out its Article 28 agreements with each of its customers
// (the controllers), the rules that keep them valid, and the service
// interfaces that adapters (storage, HTTP, jobs) implement or call.
//
// The package is pure Go and imports no adapter. Time comes from an injected
// clock; the acting user and the customer a request is confined to come from
// the context (see NewContext).
package art28
