-- The time zone of the terms that set a bulletin copy's deadline, so that
-- its page shows the deadline in the agreement's zone beside UTC.
ALTER TABLE bulletin_recipients ADD COLUMN zone TEXT NOT NULL DEFAULT '';

-- A withheld bulletin with a deadline opens a duty for the processor's
-- staff (no customer's: the customers may not know of it yet), closed
-- when the bulletin is sent.
ALTER TABLE bulletins ADD COLUMN duty_id INTEGER REFERENCES duties (id);
