package http

// publicRoutes are the pages anyone may read without signing in: the
// trust page's sub-processor list in its four forms.
func (s *Server) publicRoutes() []Route {
	return nil
}
