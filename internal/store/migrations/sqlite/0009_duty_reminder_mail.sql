-- Each reminder and escalation of a duty, so that its e-mails have a
-- notice of their own: a delivery names its event and notice, and a duty
-- is reminded of several times. A duty is reminded of once per instant,
-- so that two sweepers that raced would write one reminder, not two.
CREATE TABLE duty_reminders (
    id INTEGER PRIMARY KEY,
    duty_id INTEGER NOT NULL REFERENCES duties (id),
    fired_at TIMESTAMP NOT NULL,
    label TEXT NOT NULL,
    escalation BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (duty_id, fired_at)
);
