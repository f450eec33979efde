-- The incident register (every security incident, notified or not:
-- G-annex), the customers each touches with their own figures, each
-- agreement's clock for a breach, and the breach notices in phases.

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    reporter TEXT NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    aware_at TIMESTAMP NOT NULL,
    systems TEXT NOT NULL DEFAULT '[]',
    data_categories TEXT NOT NULL DEFAULT '[]',
    consequences TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    assessment TEXT NOT NULL,
    assessment_reason TEXT NOT NULL DEFAULT '',
    assessed_at TIMESTAMP,
    assessed_by TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX incidents_latest ON incidents (created_at, id);

CREATE TABLE incident_services (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (incident_id, service_id)
);

CREATE TABLE incident_customers (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    subjects BIGINT,
    records BIGINT,
    PRIMARY KEY (incident_id, customer_id)
);
CREATE INDEX incident_customers_customer ON incident_customers (customer_id, incident_id);

CREATE TABLE breach_clocks (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    clause_ids TEXT NOT NULL DEFAULT '[]',
    period TEXT NOT NULL,
    aware_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    duty_id INTEGER REFERENCES duties (id),
    notified_at TIMESTAMP,
    acknowledged_at TIMESTAMP, -- the customer's first acknowledgement of a notice of it
    UNIQUE (incident_id, agreement_id)
);
CREATE INDEX breach_clocks_customer ON breach_clocks (customer_id, id);

CREATE TABLE breach_notices (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    phase INTEGER NOT NULL,
    content TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL,
    due_at TIMESTAMP,
    late_ms BIGINT NOT NULL DEFAULT 0,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    UNIQUE (incident_id, agreement_id, phase)
);
CREATE INDEX breach_notices_customer ON breach_notices (customer_id, id);
