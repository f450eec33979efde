-- Bulletins on each customer's clock: when the processor learned of the
-- event (occurred_at), for a legal obligation when the processing starts
-- (processing_from), and a bulletin the law forbids telling yet, recorded
-- with its ground (withheld_reason) and sent later (sent_at, NULL until
-- then). Each recipient row keeps the deadline its agreement set and the
-- clause that set it.
ALTER TABLE bulletins ADD COLUMN occurred_at TIMESTAMPTZ;
ALTER TABLE bulletins ADD COLUMN processing_from TIMESTAMPTZ;
ALTER TABLE bulletins ADD COLUMN withheld_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE bulletins ADD COLUMN sent_at TIMESTAMPTZ;
ALTER TABLE bulletins ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
UPDATE bulletins SET occurred_at = issued_at, sent_at = issued_at, sent_by = issued_by;

ALTER TABLE bulletin_recipients ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE bulletin_recipients ADD COLUMN clause_ids TEXT NOT NULL DEFAULT '[]';
