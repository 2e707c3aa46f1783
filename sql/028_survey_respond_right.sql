-- 028_survey_respond_right.sql - who may store an answer, and a message
-- stored once under concurrency (issue 12).
--
-- crm.survey_respond (sql/023) is granted to crmgate_app so that a user can
-- file a reply kept for review (survey inbox assign); as it stood, any user
-- could answer any invitation. Now a user answers only for the surveys they
-- may change, checked before any outcome is told; the form, mailbox poll
-- and /sms/in act for no user and are unchanged.
--
-- A message's id was looked for before the invitation's row was locked: a
-- retry (Kannel calls /sms/in again while the first call runs) found no
-- response yet, waited for the lock, and was told 'answered' instead of
-- 'duplicate', so the same text was stored and also kept for review. It is
-- looked for after the lock now.

CREATE OR REPLACE FUNCTION crm.survey_respond(invitation bigint, way text, questions integer[], labels text[],
	vals numeric[], texts text[], msg_id text DEFAULT NULL, filer text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	inv crm.survey_invitation;
	sv crm.survey;
	rid bigint;
BEGIN
	IF way IS NULL OR NOT way = ANY (crm.survey_answer_ways()) THEN
		RAISE EXCEPTION 'survey_respond: % is no way of answering', way USING ERRCODE = 'check_violation';
	END IF;
	SELECT * INTO inv FROM crm.survey_invitation i WHERE i.id = invitation FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'unknown';
	END IF;
	SELECT * INTO sv FROM crm.survey s WHERE s.id = inv.survey_id;
	-- A user (crmgate --as) files replies by hand only for the surveys
	-- they run, as they change them (sql/022's policy runners_write); the
	-- respondents' own ways come through crmgate serve and mailbox poll,
	-- which act for no user.
	IF crm.current_login() IS NOT NULL AND NOT ((SELECT crm.runs_campaigns())
			AND (sv.created_by IS NOT DISTINCT FROM crm.current_login() OR (SELECT crm.sees_all()))) THEN
		RAISE EXCEPTION 'survey_respond: % may not answer for the invitations of survey %',
			crm.current_login(), sv.name USING ERRCODE = 'insufficient_privilege';
	END IF;
	-- After the lock: a retry of the same message that waited for it sees
	-- the response the first one committed.
	IF msg_id IS NOT NULL AND EXISTS (SELECT 1 FROM crm.survey_response r WHERE r.message_id = msg_id) THEN
		RETURN 'duplicate';
	END IF;
	IF sv.status <> 'running' OR (inv.valid_until IS NOT NULL AND inv.valid_until < now()) THEN
		RETURN 'closed';
	END IF;
	IF inv.answered_at IS NOT NULL THEN
		RETURN 'answered';
	END IF;
	UPDATE crm.survey_invitation SET answered_at = now(), answered_by = way WHERE id = invitation;
	INSERT INTO crm.survey_response (invitation_id, survey_id, template_id, answered_by, message_id, filed_by)
		VALUES (invitation, sv.id, sv.template_id, way, msg_id, filer) RETURNING id INTO rid;
	INSERT INTO crm.survey_answer (response_id, template_id, question, label, value, text)
		SELECT rid, sv.template_id, u.q, u.l, u.v, u.t
		FROM unnest(questions, labels, vals, texts) AS u(q, l, v, t);
	RETURN 'stored';
END
$$;
