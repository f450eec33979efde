-- E-mail subscriptions to the public sub-processor list, confirmed from
-- the mailbox (double opt-in). The tokens are kept as they are, not
-- hashed: the outbox renders a message when it sends it, possibly after
-- retries, and the message carries them. What they guard is one address's
-- subscription to a public list.
CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    language TEXT NOT NULL,
    state TEXT NOT NULL,
    -- the link of the pending confirmation, until it expires or the
    -- subscription ends
    confirm_token TEXT UNIQUE,
    confirm_expires_at TIMESTAMP,
    -- when a confirmation e-mail was last queued, to send at most one an hour
    confirm_sent_at TIMESTAMP,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    unsubscribed_at TIMESTAMP
);
CREATE INDEX subscribers_state ON subscribers (state, id);
