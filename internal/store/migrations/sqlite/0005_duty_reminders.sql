-- When each open duty was last reminded of, and when it is next due a
-- reminder: the sweeper reads the soonest, so reminders survive restarts.
ALTER TABLE duties ADD COLUMN last_reminder_at TIMESTAMP;
ALTER TABLE duties ADD COLUMN next_reminder_at TIMESTAMP;
CREATE INDEX duties_next_reminder ON duties (state, next_reminder_at);
