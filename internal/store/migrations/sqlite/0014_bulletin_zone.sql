-- The time zone of the terms that set a bulletin copy's deadline, so that
-- its page shows the deadline in the agreement's zone beside UTC.
ALTER TABLE bulletin_recipients ADD COLUMN zone TEXT NOT NULL DEFAULT '';
