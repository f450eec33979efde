-- The sub-processor register, its due-diligence reviews, and announced
-- changes with a notice per agreement, each on its agreement's clock.

CREATE TABLE subprocessors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    legal_entity TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL,
    purpose TEXT NOT NULL,
    kind TEXT NOT NULL,
    safeguard TEXT NOT NULL,
    scc_module TEXT NOT NULL DEFAULT '',
    data_categories TEXT NOT NULL DEFAULT '[]',
    flow_down_signed_on TEXT NOT NULL DEFAULT '',
    flow_down_document TEXT NOT NULL DEFAULT '',
    listed BOOLEAN NOT NULL DEFAULT FALSE,
    -- the open duty of the next yearly review (G9.5)
    review_duty_id INTEGER REFERENCES duties (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE subprocessor_services (
    subprocessor_id INTEGER NOT NULL REFERENCES subprocessors (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (subprocessor_id, service_id)
);
CREATE INDEX subprocessor_services_service ON subprocessor_services (service_id);

CREATE TABLE subprocessor_reviews (
    id INTEGER PRIMARY KEY,
    subprocessor_id INTEGER NOT NULL REFERENCES subprocessors (id),
    reviewed_on TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    documents TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX subprocessor_reviews_sp ON subprocessor_reviews (subprocessor_id, reviewed_on);

CREATE TABLE subprocessor_changes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subprocessor_id INTEGER NOT NULL REFERENCES subprocessors (id),
    replaces_id INTEGER REFERENCES subprocessors (id),
    new_country TEXT NOT NULL DEFAULT '',
    new_safeguard TEXT NOT NULL DEFAULT '',
    new_scc_module TEXT NOT NULL DEFAULT '',
    new_purpose TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    effective_from TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    announced_at TIMESTAMP NOT NULL,
    announced_by TEXT NOT NULL,
    closed_at TIMESTAMP,
    reason TEXT NOT NULL DEFAULT '',
    skipped INTEGER NOT NULL DEFAULT 0 -- agreements without terms, left for a person
);
-- One change under way per sub-processor: a second announcement is a
-- conflict, not a second set of windows.
CREATE UNIQUE INDEX subprocessor_changes_one_open ON subprocessor_changes (subprocessor_id) WHERE state = 'announced';
CREATE INDEX subprocessor_changes_announced ON subprocessor_changes (announced_at, id);

CREATE TABLE change_notices (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES subprocessor_changes (id),
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    subprocessor_id INTEGER NOT NULL REFERENCES subprocessors (id),
    notice_at TIMESTAMP NOT NULL,
    window_end TIMESTAMP,
    time_zone TEXT NOT NULL,
    objection_allowed BOOLEAN NOT NULL,
    silence_approves BOOLEAN NOT NULL,
    consent_required BOOLEAN NOT NULL,
    termination_right BOOLEAN NOT NULL,
    clause_ids TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL,
    objected_at TIMESTAMP,
    objected_by TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    approved_at TIMESTAMP,
    resolved_at TIMESTAMP,
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    duty_id INTEGER REFERENCES duties (id),
    UNIQUE (change_id, agreement_id)
);
-- The sweep that approves by silence reads open notices by window end; the
-- transfer check reads an agreement's latest notice about a sub-processor.
CREATE INDEX change_notices_open ON change_notices (state, window_end);
CREATE INDEX change_notices_latest ON change_notices (agreement_id, subprocessor_id, id);
CREATE INDEX change_notices_customer ON change_notices (customer_id, id);
CREATE INDEX change_notices_change ON change_notices (change_id, state);

-- The language notices to a customer are written in, where known.
ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- The outbox: one delivery per notice, channel and recipient, written in
-- the same transaction as the event. The unique key is what keeps a notice
-- from reaching one recipient twice; the Message-ID derives from the id.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    notice_id INTEGER NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (event, notice_id, channel, recipient)
);
-- Only pending deliveries are looked up by when they are due; indexing
-- those alone means marking one sent removes an entry rather than moving
-- it, one page fewer in the commit the outbox makes per message.
CREATE INDEX deliveries_due ON deliveries (channel, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_customer ON deliveries (customer_id, id);

-- A customer's webhook endpoints: every notice to the customer is also
-- posted there, signed with the endpoint's secret (Standard Webhooks).
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at TIMESTAMP
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints (customer_id);
