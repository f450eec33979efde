package store

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// PoolCollector reports the connection pools of a DB to Prometheus.
type PoolCollector struct{ db *DB }

// NewPoolCollector returns a collector for db's pools.
func NewPoolCollector(db *DB) *PoolCollector { return &PoolCollector{db: db} }

var (
	poolOpen  = prometheus.NewDesc("art28_db_connections_open", "Open database connections by pool.", []string{"pool"}, nil)
	poolInUse = prometheus.NewDesc("art28_db_connections_in_use", "Database connections in use by pool.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("art28_db_waits_total", "Times a query waited for a free connection, by pool.", []string{"pool"}, nil)
)

// Describe implements prometheus.Collector.
func (c *PoolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolOpen
	ch <- poolInUse
	ch <- poolWaits
}

// Collect implements prometheus.Collector.
func (c *PoolCollector) Collect(ch chan<- prometheus.Metric) {
	if c.db.write == nil {
		return
	}
	w, r := c.db.Stats()
	for _, p := range []struct {
		name string
		read bool
	}{{"write", false}, {"read", true}} {
		if p.read && c.db.read == c.db.write {
			continue
		}
		s, name := w, p.name
		if p.read {
			s = r
		} else if c.db.read == c.db.write {
			name = "shared" // PostgreSQL: one pool for reads and writes
		}
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), name)
	}
}

// UserCount returns the number of users, without an actor: start-up uses it
// to decide whether the first-run page is needed.
func (db *DB) UserCount(ctx context.Context) (n int, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		n, err = tx.count(ctx, `SELECT COUNT(*) FROM users`)
		return err
	})
	return n, err
}
