-- 010_token_purpose.sql - one signature per purpose: the id an SMS provider
-- calls /sms/dlr back with is no longer an unsubscribe link.
--
-- Until now the delivery-report id was the row's unsubscribe token, and it
-- travels through the SMS provider (and its logs) in the callback URL:
-- whoever saw it held a working unsubscribe link for the recipient. Now
-- each use signs its own message, PURPOSE || ':' || id, with the same key,
-- so a signature made for one use is refused by the other. Unsubscribe
-- links keep their exact bytes ('unsubscribe:'), so the links in mail
-- already sent keep working; reports for texts sent before this migration
-- carry an unsubscribe token and are refused (404) at /sms/dlr.

-- The signature of outbox row outbox_id for purpose: the id, a dot, and
-- HMAC-SHA256(purpose || ':' || id) in unpadded base64url (43 characters).
-- secret NULL: the key in crm.serve_secret. A purpose is a lower-case word,
-- so that no purpose and id can spell another's message; NULL otherwise.
CREATE FUNCTION crm.sign_token(purpose text, outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT outbox_id::text || '.' || translate(rtrim(encode(public.hmac(
		convert_to(purpose || ':' || outbox_id::text, 'UTF8'),
		coalesce(convert_to(secret, 'UTF8'), (SELECT s.secret FROM crm.serve_secret s)),
		'sha256'), 'base64'), '='), '+/', '-_')
	WHERE purpose ~ '^[a-z]+$'
$$;

-- The same bytes as before, from the one definition above.
CREATE OR REPLACE FUNCTION crm.unsubscribe_token(outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT crm.sign_token('unsubscribe', outbox_id, secret)
$$;

-- The id in an SMS's delivery-report URL (/sms/dlr?id=TOKEN).
CREATE FUNCTION crm.dlr_token(outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT crm.sign_token('dlr', outbox_id, secret)
$$;

-- whoever may sign may unsubscribe anyone or forge reports: the owner only
-- (crmgate send and serve), as for crm.unsubscribe_token in 005
REVOKE EXECUTE ON FUNCTION crm.sign_token(text, bigint, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION crm.dlr_token(bigint, text) FROM PUBLIC;
