-- 006_mailbox.sql - where 'crmgate mailbox poll' left off in each mailbox
-- (SPEC sections 5 and 6: bounces now, e-mailed survey answers later).
--
-- An IMAP folder is read from the message after last_uid on; when the
-- server's UIDVALIDITY changes, the UIDs mean something else and the folder
-- is read from the start again (a bounce recorded twice changes nothing).
-- A Maildir needs no row: its new/ folder is what is left to read.

CREATE TABLE crm.mailbox_state (
	mailbox text PRIMARY KEY,            -- the url without its password
	uidvalidity bigint NOT NULL CHECK (uidvalidity >= 0),
	last_uid bigint NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
	updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.mailbox_state TO crmgate_app;

ALTER TABLE crm.mailbox_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON crm.mailbox_state TO crmgate_app USING (true);
