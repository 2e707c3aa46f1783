-- 007_outbox_doubt.sql - how many times a message's outcome was unknown.
--
-- A message handed to the server whose reply never came (the connection or
-- the worker died after the final dot) may have arrived. Under the resend
-- policy it is sent again, so it may arrive twice: 'doubts' counts those
-- attempts, so that a person (and the crash tests) can tell a possible
-- duplicate from a message that went out once.
ALTER TABLE crm.outbox ADD COLUMN doubts integer NOT NULL DEFAULT 0;
