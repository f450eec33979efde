-- The legal text (Markdown) a terms file sits next to; part of the
-- version's hash, so a changed text is a new version.

ALTER TABLE terms_versions ADD COLUMN legal_text TEXT NOT NULL DEFAULT '';
