package http

// subprocessorUIRoutes are the register, the changes and the customer's
// notices, on both sides.
func (s *Server) subprocessorUIRoutes() []Route {
	return nil
}
