-- The secret that addresses a user's iCalendar feed of duties, hashed.
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token_hash);
