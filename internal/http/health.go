package http

import (
	"net/http"

	"github.com/art28/art28"
)

// healthz answers while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	noteRoute(w, r)
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the database is reachable and its schema current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	noteRoute(w, r)
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.log.Warn("not ready", "err", err)
			msg := "The database is unreachable."
			if art28.ErrorCode(err) == art28.EUNAVAILABLE {
				msg = art28.ErrorMessage(err)
			}
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": msg})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
