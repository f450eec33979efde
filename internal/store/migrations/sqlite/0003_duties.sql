-- Duties: every obligation with a deadline, in one table, read soonest
-- first.

CREATE TABLE duties (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    agreement_id INTEGER REFERENCES agreements (id),
    clause TEXT NOT NULL DEFAULT '',
    clause_ids TEXT NOT NULL DEFAULT '[]',
    opened_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT ''
);
-- The next due open duties, overall and per customer.
CREATE INDEX duties_open_due ON duties (state, due_at, id);
CREATE INDEX duties_customer_due ON duties (customer_id, state, due_at, id);
