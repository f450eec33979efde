-- Terms files as versioned templates, and each agreement's terms: a
-- version of its template's terms plus negotiated overrides (YAML).

CREATE TABLE terms_versions (
    id INTEGER PRIMARY KEY,
    template_key TEXT NOT NULL REFERENCES agreement_templates (key),
    version INTEGER NOT NULL,
    terms_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    content TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (template_key, version),
    UNIQUE (template_key, hash)
);

ALTER TABLE agreements ADD COLUMN terms_version_id INTEGER REFERENCES terms_versions (id);
ALTER TABLE agreements ADD COLUMN terms_overrides TEXT NOT NULL DEFAULT '';
