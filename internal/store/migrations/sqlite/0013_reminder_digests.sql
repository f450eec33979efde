-- Digests of duty reminders: when one pass of the sweeper records many
-- reminders at once (a breach opens a duty per agreement, all falling due
-- together), each group of recipients gets one message listing them
-- rather than one per duty. The privacy officers' digest carries every
-- reminder of the pass, the owners' the escalations alone; a digest's
-- deliveries point at its row here. A digest gathers the reminders of
-- the whole sweep, whose batches are transactions of their own, until its
-- send_at (internal/store/reminders_mail.go).
CREATE TABLE reminder_digests (
    id INTEGER PRIMARY KEY,
    escalations_only BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    send_at TIMESTAMP NOT NULL, -- its deliveries wait until then for the rest of the sweep
    sealed_at TIMESTAMP -- set by the outbox before it reads the list: nothing joins after
);
CREATE INDEX reminder_digests_gathering ON reminder_digests (send_at);

-- The reminders a digest lists.
CREATE TABLE reminder_digest_items (
    digest_id INTEGER NOT NULL REFERENCES reminder_digests (id),
    reminder_id INTEGER NOT NULL REFERENCES duty_reminders (id),
    PRIMARY KEY (digest_id, reminder_id)
);
