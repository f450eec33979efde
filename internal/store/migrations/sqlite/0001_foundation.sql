-- The foundation: processor profile, services, customers and contacts,
-- agreement templates and agreements, users, sessions, API keys, the
-- activity record and the job queue.
-- Times are UTC; lists are JSON arrays in TEXT.

CREATE TABLE processor_profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    legal_name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    dpo_name TEXT NOT NULL DEFAULT '',
    dpo_email TEXT NOT NULL DEFAULT '',
    dpo_phone TEXT NOT NULL DEFAULT '',
    representative_name TEXT NOT NULL DEFAULT '',
    representative_address TEXT NOT NULL DEFAULT '',
    supervisory_authority TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    nature TEXT NOT NULL,
    purposes TEXT NOT NULL DEFAULT '[]',
    data_categories TEXT NOT NULL DEFAULT '[]',
    subject_categories TEXT NOT NULL DEFAULT '[]',
    sources TEXT NOT NULL DEFAULT '[]',
    special_categories TEXT NOT NULL DEFAULT '[]',
    client_side_encryption BOOLEAN NOT NULL DEFAULT FALSE,
    locations TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    legal_name TEXT NOT NULL,
    legal_name_key TEXT NOT NULL UNIQUE, -- lower-cased, for uniqueness and search
    address TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL,
    eu_established BOOLEAN NOT NULL DEFAULT FALSE,
    role TEXT NOT NULL,
    upstream_controller TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (customer_id, email)
);

CREATE TABLE agreement_templates (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    template_key TEXT NOT NULL REFERENCES agreement_templates (key),
    status TEXT NOT NULL,
    conclusion_method TEXT NOT NULL DEFAULT '',
    accepted_by TEXT NOT NULL DEFAULT '',
    accepted_at TIMESTAMP,
    accepted_from TEXT NOT NULL DEFAULT '',
    document_hash TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_customer ON agreements (customer_id);

CREATE TABLE agreement_services (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES services (id),
    PRIMARY KEY (agreement_id, service_id)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    disabled_at TIMESTAMP
);
CREATE INDEX users_customer ON users (customer_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    customer_id INTEGER,
    summary TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activities_customer ON activities (customer_id, id);
CREATE INDEX activities_object ON activities (object_type, object_id, id);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',
    unique_key TEXT UNIQUE,
    state TEXT NOT NULL, -- available, running, done, failed
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
