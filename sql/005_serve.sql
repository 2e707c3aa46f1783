-- 005_serve.sql - what crmgate serve answers (SPEC section 5): unsubscribe
-- links, SMS delivery reports and inbound STOP texts.
--
-- Each request is one call of one function below, so that every step is one
-- atomic, idempotent statement, and other paths (an unsubscribe mail read
-- over IMAP, say) can call the same functions.

-- The key that signs unsubscribe links when [serve] secret is not set. It is
-- in the database, not in a file, so that every worker and every serve
-- process - on this machine or another sharing the database - signs and
-- checks with the same key, and a dump restored elsewhere keeps the links in
-- mail already sent working. Only the owner reads it.
CREATE TABLE crm.serve_secret (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	secret bytea NOT NULL DEFAULT public.gen_random_bytes(32) CHECK (octet_length(secret) >= 32),
	created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO crm.serve_secret DEFAULT VALUES;
REVOKE ALL ON crm.serve_secret FROM crmgate_app;
ALTER TABLE crm.serve_secret ENABLE ROW LEVEL SECURITY;

-- The signature of an unsubscribe link for an outbox row: the row's id, a
-- dot, and HMAC-SHA256('unsubscribe:' || id) in unpadded base64url (43
-- characters). The purpose in the message keeps a signature from being
-- reused for anything else signed with the same key later. secret NULL: the
-- key above.
CREATE FUNCTION crm.unsubscribe_token(outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT outbox_id::text || '.' || translate(rtrim(encode(public.hmac(
		convert_to('unsubscribe:' || outbox_id::text, 'UTF8'),
		coalesce(convert_to(secret, 'UTF8'), (SELECT s.secret FROM crm.serve_secret s)),
		'sha256'), 'base64'), '='), '+/', '-_')
$$;
-- whoever may sign may unsubscribe anyone: the owner only (crmgate send and serve)
REVOKE EXECUTE ON FUNCTION crm.unsubscribe_token(bigint, text) FROM PUBLIC;

-- Opt the recipient of an outbox row out of its channel, at once: the
-- contact's or lead contact's *_opt_out, and a suppression row
-- 'unsubscribed'. Idempotent. Returns the row's channel, or NULL when there
-- is no such row.
CREATE FUNCTION crm.unsubscribe(outbox_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	o record;
BEGIN
	SELECT x.id, x.channel, x.contact_id, x.lead_contact_id, x.recipient INTO o
		FROM crm.outbox x WHERE x.id = unsubscribe.outbox_id;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	UPDATE crm.contact SET email_opt_out = email_opt_out OR o.channel = 'email',
		sms_opt_out = sms_opt_out OR o.channel = 'sms', mail_opt_out = mail_opt_out OR o.channel = 'mail'
		WHERE id = o.contact_id AND NOT CASE o.channel WHEN 'email' THEN email_opt_out
			WHEN 'sms' THEN sms_opt_out ELSE mail_opt_out END;
	UPDATE crm.lead_contact SET email_opt_out = email_opt_out OR o.channel = 'email',
		sms_opt_out = sms_opt_out OR o.channel = 'sms', mail_opt_out = mail_opt_out OR o.channel = 'mail'
		WHERE id = o.lead_contact_id AND NOT CASE o.channel WHEN 'email' THEN email_opt_out
			WHEN 'sms' THEN sms_opt_out ELSE mail_opt_out END;
	IF o.recipient IS NOT NULL AND crm.address_key(o.channel, o.recipient) <> '' THEN
		INSERT INTO crm.suppression (channel, address, reason, outbox_id)
			VALUES (o.channel, crm.address_key(o.channel, o.recipient), 'unsubscribed', o.id)
			ON CONFLICT DO NOTHING;
	END IF;
	RETURN o.channel;
END
$$;

-- ------------------------------------------------------- delivery reports

-- The last delivery report that counts for a row (Kannel's %d: 1 delivered,
-- 2 not delivered, 4 queued on the SMSC, 8 accepted by the SMSC, 16 rejected
-- by the SMSC). A final report (1, 2, 16) is never replaced by 4 or 8, and
-- 1 is never replaced at all: the handset's receipt is the last word.
ALTER TABLE crm.outbox
	ADD COLUMN dlr_type smallint CHECK (dlr_type IN (1, 2, 4, 8, 16)),
	ADD COLUMN dlr_reply text,
	ADD COLUMN dlr_at timestamptz;

-- The row's status follows its final report, whoever writes the row: a
-- worker that records 'sent' after the report arrived (Kannel reports within
-- milliseconds, before the worker has committed), a retry or a requeue after
-- an unknown outcome (the message did arrive: it is not sent twice) all end
-- 'delivered'; a row reported not delivered ends 'failed' once it is sent.
-- A row claimed again (a retry) forgets reports other than 'delivered'.
CREATE FUNCTION crm.outbox_follow_report() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.dlr_type = 1 AND NEW.status IN ('queued', 'claimed', 'sending', 'sent', 'unknown', 'failed') THEN
		NEW.status := 'delivered';
		NEW.delivered_at := coalesce(NEW.delivered_at, NEW.dlr_at, now());
		NEW.worker_pid := NULL;
		NEW.lease_until := NULL;
	ELSIF NEW.status = 'claimed' AND OLD.status <> 'claimed' THEN
		-- a new attempt: what was reported about an earlier one is not about it
		NEW.dlr_type := NULL;
		NEW.dlr_reply := NULL;
		NEW.dlr_at := NULL;
	ELSIF NEW.dlr_type IN (2, 16) AND NEW.status IN ('sent', 'unknown') THEN
		NEW.status := 'failed';
		NEW.last_error := 'not delivered (report ' || NEW.dlr_type || ')'
			|| coalesce(': ' || left(nullif(NEW.dlr_reply, ''), 500), '');
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER follow_report BEFORE UPDATE ON crm.outbox
	FOR EACH ROW WHEN (NEW.dlr_type IS NOT NULL) EXECUTE FUNCTION crm.outbox_follow_report();

-- Record one delivery report for SMS outbox row outbox_id. at: when the
-- report says it happened (NULL: now). Idempotent, and a report that arrives
-- late (8 after 1) changes nothing. Returns the row's status afterwards, or
-- NULL when there is no such SMS row.
CREATE FUNCTION crm.sms_report(outbox_id bigint, dlr_type integer, reply text, at timestamptz) RETURNS text
LANGUAGE sql AS $$
	UPDATE crm.outbox o SET
		dlr_type = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND sms_report.dlr_type IN (4, 8))
			THEN o.dlr_type ELSE sms_report.dlr_type END,
		dlr_reply = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND sms_report.dlr_type IN (4, 8))
			THEN o.dlr_reply ELSE left(sms_report.reply, 1000) END,
		dlr_at = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND sms_report.dlr_type IN (4, 8))
			THEN o.dlr_at ELSE coalesce(sms_report.at, now()) END,
		updated_at = now()
	WHERE o.id = sms_report.outbox_id AND o.channel = 'sms'
	RETURNING o.status
$$;

-- ------------------------------------------------------------ inbound STOP

-- A mobile number as inbound texts and the CRM may both write it: digits
-- only, without a 00 prefix, and a Chinese mobile number without its +86.
CREATE FUNCTION crm.mobile_key(number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN d ~ '^861[0-9]{10}$' THEN substr(d, 3) ELSE nullif(d, '') END
	FROM (SELECT regexp_replace(regexp_replace(number, '[^0-9]', '', 'g'), '^00', '') AS d) x
$$;
CREATE INDEX contact_mobile_key ON crm.contact (crm.mobile_key(mobile)) WHERE mobile IS NOT NULL;
CREATE INDEX lead_contact_mobile_key ON crm.lead_contact (crm.mobile_key(mobile)) WHERE mobile IS NOT NULL;

-- An inbound STOP from number: every contact and lead contact with that
-- mobile number is opted out of SMS, and the number (as it came, and as each
-- of them has it) is suppressed with the reason 'stop'. Idempotent. Returns
-- how many people were opted out now.
CREATE FUNCTION crm.sms_stop(number text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	k text := crm.mobile_key(number);
	n integer := 0;
	m integer;
BEGIN
	IF k IS NULL THEN
		RETURN 0;
	END IF;
	UPDATE crm.contact SET sms_opt_out = true WHERE crm.mobile_key(mobile) = k AND mobile IS NOT NULL
		AND NOT sms_opt_out;
	GET DIAGNOSTICS n = ROW_COUNT;
	UPDATE crm.lead_contact SET sms_opt_out = true WHERE crm.mobile_key(mobile) = k AND mobile IS NOT NULL
		AND NOT sms_opt_out;
	GET DIAGNOSTICS m = ROW_COUNT;
	INSERT INTO crm.suppression (channel, address, reason)
		SELECT DISTINCT 'sms', a, 'stop' FROM (
			SELECT crm.address_key('sms', sms_stop.number) AS a
			UNION ALL SELECT crm.address_key('sms', mobile) FROM crm.contact
				WHERE crm.mobile_key(mobile) = k AND mobile IS NOT NULL
			UNION ALL SELECT crm.address_key('sms', mobile) FROM crm.lead_contact
				WHERE crm.mobile_key(mobile) = k AND mobile IS NOT NULL) x
		WHERE a <> ''
		ON CONFLICT DO NOTHING;
	RETURN n + m;
END
$$;
