package store

// SetFanoutBatch makes the fan-out write n agreements at a time until the
// returned function restores the default.
func SetFanoutBatch(n int) (restore func()) {
	old := fanoutBatch
	fanoutBatch = n
	return func() { fanoutBatch = old }
}
