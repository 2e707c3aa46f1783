-- 019_value_sets.sql - one definition of each value set the C also needs:
-- the channels, and the rules of an e-mail address and of a code. The C asks
-- these functions (crm/rules.c, the import's checks) instead of keeping a
-- copy, as it already asks crm.is_date.
--
-- Functions rather than lookup tables: they are IMMUTABLE, so CHECKs and
-- domains may use them, and a CHECK costs no foreign-key trigger on each of
-- the millions of rows a campaign's launch writes into crm.outbox. A value
-- set grows by CREATE OR REPLACE in a new migration (growing needs no new
-- check of the rows there are; a value taken away needs their UPDATE first).

-- The channels, in the order messages list them.
CREATE FUNCTION crm.channels() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['mail', 'email', 'sms']
$$;

CREATE FUNCTION crm.is_channel(c text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT c = ANY (crm.channels())
$$;

-- The four CHECKs of sql/004 become the one above (same names, same rows).
ALTER TABLE crm.campaign DROP CONSTRAINT campaign_channel_check,
	ADD CONSTRAINT campaign_channel_check CHECK (crm.is_channel(channel));
ALTER TABLE crm.outbox DROP CONSTRAINT outbox_channel_check,
	ADD CONSTRAINT outbox_channel_check CHECK (crm.is_channel(channel));
ALTER TABLE crm.suppression DROP CONSTRAINT suppression_channel_check,
	ADD CONSTRAINT suppression_channel_check CHECK (crm.is_channel(channel));
ALTER TABLE crm.rate_bucket DROP CONSTRAINT rate_bucket_channel_check,
	ADD CONSTRAINT rate_bucket_channel_check CHECK (crm.is_channel(channel));

-- An address that can go into a mail header: nothing that could start a new
-- header or a second recipient (the rule of the crm.email domain of sql/001,
-- which now asks this function; the import asks it too, row by row, without
-- raising an error for each bad value).
CREATE FUNCTION crm.is_email(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT t ~ '^[^[:space:][:cntrl:]@<>,;"()\[\]\\]+@[^[:space:][:cntrl:]@<>,;"()\[\]\\]+\.[^[:space:][:cntrl:]@<>,;"()\[\]\\]+$'
$$;

-- A code names a row on the command line and in CSV: not empty, no blanks
-- around it, no control characters (the crm.code domain's rule).
CREATE FUNCTION crm.is_code(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT t <> '' AND t = btrim(t) AND t !~ '[[:cntrl:]]'
$$;

ALTER DOMAIN crm.email DROP CONSTRAINT email_check;
ALTER DOMAIN crm.email ADD CONSTRAINT email_check CHECK (crm.is_email(VALUE));
ALTER DOMAIN crm.code DROP CONSTRAINT code_check;
ALTER DOMAIN crm.code ADD CONSTRAINT code_check CHECK (crm.is_code(VALUE));
