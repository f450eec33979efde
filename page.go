package art28

// Page is the window of a list request. Lists return their items and the
// total number of matches, so that a client can page without guessing.
type Page struct {
	Offset int
	Limit  int
}

// DefaultLimit and MaxLimit bound every list.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Normalize applies the defaults and bounds to p.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
