package art28

import (
	"sync"
	"time"
)

// zones keeps loaded time zones: time.LoadLocation reads and parses the
// zone file on every call, which a transfer check under load would pay on
// every request.
var zones sync.Map // name -> *time.Location

// LoadZone is time.LoadLocation, cached.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
