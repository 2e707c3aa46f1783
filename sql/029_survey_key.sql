-- 029_survey_key.sql - survey links made with a key the database does not
-- hold (issue 12).
--
-- As 022 stood, a survey token was HMAC-SHA256(key, 'survey:' || hex(nonce))
-- computed in the database, key being [serve] secret or, without one,
-- crm.serve_secret. With the database's key, whoever could read the
-- database could remake every link and answer for anyone, though the issue
-- asks that a token be stored only as its hash. Now crmgate computes the
-- token itself, with [serve] secret, which only the configuration holds
-- (survey launch refuses to run without one): the database keeps the nonce
-- and the token's SHA-256 and nothing that makes a link. The formula is the
-- same, so links sent with [serve] secret set keep working; an invitation
-- made with the database's key still answers by its link (the form looks
-- the token up by its hash), but a reminder to it cannot carry its link:
-- survey remind refuses, and so does crmgate send for an invitation that
-- was queued and not sent before; closing the survey drops those.
--
-- The functions that made tokens from the database's key go: no role can
-- ask the database for a survey link any more.

DROP FUNCTION crm.survey_outbox_token(bigint, text);
DROP FUNCTION crm.survey_invite(bigint, bytea[], text);
DROP FUNCTION crm.survey_token(bytea, text);

-- The nonce and token hash of the survey invitation an outbox row carries
-- (the invitation itself, or a reminder of it: a row of the survey's
-- campaign to the same target), and the survey's name; all NULL for any
-- other outbox row. The sender remakes the token from the nonce and checks
-- it against the hash before a link leaves.
CREATE FUNCTION crm.survey_outbox_nonce(outbox_id bigint, OUT nonce bytea, OUT token_hash bytea,
	OUT survey text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT i.token_nonce, i.token_hash, s.name FROM crm.outbox o
	JOIN crm.survey s ON s.campaign_id = o.campaign_id
	JOIN crm.survey_invitation i ON i.survey_id = s.id AND i.target_code = o.target_code
	WHERE o.id = survey_outbox_nonce.outbox_id
$$;
REVOKE EXECUTE ON FUNCTION crm.survey_outbox_nonce(bigint) FROM PUBLIC;

-- Invite the targets of survey whose invitation rows the outbox holds
-- queued and who have no invitation yet: the n-th such row (in the order
-- of the rows' ids) gets nonces[n] and hashes[n], the SHA-256 of its token,
-- both made by the caller. Returns how many. Whoever gives the hashes knows
-- the tokens, so a user may invite only for the surveys they may change
-- (as crm.survey_respond, sql/028); crmgate without --as acts for no user.
CREATE FUNCTION crm.survey_invite(survey bigint, nonces bytea[], hashes bytea[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	sv crm.survey;
	n bigint;
BEGIN
	SELECT * INTO sv FROM crm.survey s WHERE s.id = survey_invite.survey;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	IF crm.current_login() IS NOT NULL AND NOT ((SELECT crm.runs_campaigns())
			AND (sv.created_by IS NOT DISTINCT FROM crm.current_login() OR (SELECT crm.sees_all()))) THEN
		RAISE EXCEPTION 'survey_invite: % may not invite for survey %', crm.current_login(), sv.name
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	WITH todo AS (SELECT o.id, o.target_code, o.contact_id, o.lead_contact_id,
			row_number() OVER (ORDER BY o.id) AS k
		FROM crm.outbox o WHERE o.source = 'survey_invitation' AND o.source_id = sv.id
		AND o.status <> 'skipped'
		AND NOT EXISTS (SELECT 1 FROM crm.survey_invitation i WHERE i.outbox_id = o.id)),
	added AS (INSERT INTO crm.survey_invitation (survey_id, target_code, contact_id, lead_contact_id,
			outbox_id, token_nonce, token_hash, valid_until)
		SELECT sv.id, t.target_code, t.contact_id, t.lead_contact_id, t.id, nonces[t.k], hashes[t.k],
			sv.closes_at
		FROM todo t WHERE nonces[t.k] IS NOT NULL RETURNING 1)
	SELECT count(*) INTO n FROM added;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION crm.survey_invite(bigint, bytea[], bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.survey_invite(bigint, bytea[], bytea[]) TO crmgate_app;
