-- Bulletins: the notices besides breaches and sub-processor changes
-- (disruptions, authority action, seizure, insolvency, a legal obligation,
-- inadequate measures, a revoked certification, a DPO change), each to
-- its customers, one recipient row each, acknowledged in the portal.

CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    clause_ids TEXT NOT NULL DEFAULT '[]',
    all_running BOOLEAN NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL
);

-- The deliveries of a bulletin point at its recipient rows.
CREATE TABLE bulletin_recipients (
    id INTEGER PRIMARY KEY,
    bulletin_id INTEGER NOT NULL REFERENCES bulletins (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    UNIQUE (bulletin_id, customer_id)
);
CREATE INDEX bulletin_recipients_customer ON bulletin_recipients (customer_id, bulletin_id);
