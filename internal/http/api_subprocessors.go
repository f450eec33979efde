package http

// subprocessorAPIRoutes are the register, changes, notices, deliveries and
// the transfer check.
func (s *Server) subprocessorAPIRoutes() []Route {
	return nil
}
