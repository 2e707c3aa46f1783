-- 015_bounce_token.sql - a bounce counts only when it proves that it answers
-- a message we sent.
--
-- Until now the return path of outbox row ID was LOCAL+ID@DOMAIN: a bare id,
-- sequential and shown in X-Crmgate-Outbox, so that whoever could send us
-- mail could send "bounces" to LOCAL+1@ ... LOCAL+200@ naming a recipient,
-- and have that address suppressed. From now on the return path carries the
-- row's signature for the purpose 'bounce' (the one definition of
-- sql/010): LOCAL+ID.TAG@DOMAIN. TAG is that HMAC in lower-case hex, because
-- mail systems may change the case of a local part, cut to its first 128
-- bits, because a local part holds 64 characters at most (RFC 5321 4.5.3.1.1).
-- Whoever has not seen the message cannot make it; the recipient, who has,
-- can only bounce their own address.
--
-- Bounces of messages sent before this migration carry a bare id: they count
-- only when they return the message's Message-ID (gateway/mailbox.c).

-- The tag of outbox row outbox_id's return path: 32 lower-case hex digits.
-- secret NULL: the key in crm.serve_secret, as for the other signatures.
CREATE FUNCTION crm.bounce_tag(outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT encode(substring(decode(translate(split_part(crm.sign_token('bounce', outbox_id, secret), '.', 2),
		'-_', '+/') || '=', 'base64') FROM 1 FOR 16), 'hex')
$$;

-- whoever may sign may bounce anyone: the owner only (crmgate send and mailbox poll)
REVOKE EXECUTE ON FUNCTION crm.bounce_tag(bigint, text) FROM PUBLIC;
