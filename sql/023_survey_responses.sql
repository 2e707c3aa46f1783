-- 023_survey_responses.sql - the answers to a survey, and the replies kept
-- for review (issue 12, SPEC section 6).
--
-- A response is an invitation answered: by its link (the form of crmgate
-- serve), by an e-mail reply (mailbox poll) or by a text reply (/sms/in).
-- Every way goes through one function, crm.survey_respond, which locks the
-- invitation's row, refuses a closed survey or an expired invitation,
-- answers an invitation once (the first to answer wins, whichever way),
-- and stores the response and its answers in the same transaction.
--
-- An answer names its question and option rows (sql/021) by foreign key:
-- one row per option chosen (with the respondent's text for an [other]
-- option), one row holding the value of a rating or number, one holding
-- the text of a free-text question. A question not answered has no row.
--
-- A reply that cannot be matched to an invitation or read as answers is
-- kept in crm.survey_inbox with the reason, never dropped, until someone
-- files it by hand (crm.survey_respond again) or dismisses it. A message
-- is stored once, response or review item, by its Message-ID (or the SMS
-- provider's id): polling a mailbox twice changes nothing.

CREATE TABLE crm.survey_response (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	invitation_id bigint NOT NULL UNIQUE REFERENCES crm.survey_invitation ON DELETE CASCADE,
	survey_id bigint NOT NULL REFERENCES crm.survey ON DELETE CASCADE,
	template_id bigint NOT NULL REFERENCES crm.survey_template ON DELETE RESTRICT,
	answered_by text NOT NULL CHECK (answered_by = ANY (crm.survey_answer_ways())),
	answered_at timestamptz NOT NULL DEFAULT now(),
	message_id text UNIQUE, -- the reply's Message-ID or SMS id; NULL for the form
	filed_by text		-- who filed a reply by hand (survey inbox assign)
);
CREATE INDEX survey_response_by_survey ON crm.survey_response (survey_id);

CREATE TABLE crm.survey_answer (
	response_id bigint NOT NULL REFERENCES crm.survey_response ON DELETE CASCADE,
	template_id bigint NOT NULL,
	question integer NOT NULL,
	label text,	-- an option chosen
	value numeric,	-- a rating or a number
	text text,	-- free text, or an [other] option's own text
	FOREIGN KEY (template_id, question) REFERENCES crm.survey_question,
	FOREIGN KEY (template_id, question, label) REFERENCES crm.survey_option,
	CHECK (label IS NOT NULL OR value IS NOT NULL OR text IS NOT NULL),
	CHECK (label IS NULL OR value IS NULL),
	UNIQUE NULLS NOT DISTINCT (response_id, question, label)
);

CREATE TABLE crm.survey_inbox (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	channel text NOT NULL CHECK (channel = ANY (crm.survey_channels())),
	message_id text UNIQUE,
	received_at timestamptz NOT NULL DEFAULT now(),
	sender text NOT NULL,
	subject text NOT NULL DEFAULT '',
	body text NOT NULL,
	reason text NOT NULL,
	-- what it could be matched to, when it could
	survey_id bigint REFERENCES crm.survey ON DELETE CASCADE,
	invitation_id bigint REFERENCES crm.survey_invitation ON DELETE CASCADE,
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'filed', 'dismissed')),
	handled_by text,
	handled_at timestamptz,
	CHECK ((status = 'open') = (handled_at IS NULL))
);
CREATE INDEX survey_inbox_open ON crm.survey_inbox (received_at) WHERE status = 'open';

-- Answer the invitation: way is how (crm.survey_answer_ways()); the
-- answers are parallel arrays, one item per row of crm.survey_answer
-- (question number, option label, value, text), already checked against
-- the questionnaire by the caller (survey/answer.c; the foreign keys and
-- checks above hold the rest). msg_id: the reply's id, NULL for the form.
-- Returns
--   'stored'     the response is stored
--   'answered'   the invitation was answered already (nothing stored)
--   'closed'     the survey is closed or the invitation expired
--   'duplicate'  a response with msg_id is stored already
--   'unknown'    there is no such invitation
CREATE FUNCTION crm.survey_respond(invitation bigint, way text, questions integer[], labels text[],
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
	IF msg_id IS NOT NULL AND EXISTS (SELECT 1 FROM crm.survey_response r WHERE r.message_id = msg_id) THEN
		RETURN 'duplicate';
	END IF;
	SELECT * INTO inv FROM crm.survey_invitation i WHERE i.id = invitation FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'unknown';
	END IF;
	SELECT * INTO sv FROM crm.survey s WHERE s.id = inv.survey_id;
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
REVOKE EXECUTE ON FUNCTION crm.survey_respond(bigint, text, integer[], text[], numeric[], text[], text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.survey_respond(bigint, text, integer[], text[], numeric[], text[], text, text)
	TO crmgate_app;

GRANT SELECT ON crm.survey_response, crm.survey_answer TO crmgate_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON crm.survey_inbox TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;

-- Read like the surveys they belong to; written through crm.survey_respond
-- only. The review inbox is the survey runners'.
ALTER TABLE crm.survey_response ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_survey ON crm.survey_response FOR SELECT TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.survey s WHERE s.id = survey_id));
ALTER TABLE crm.survey_answer ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_response ON crm.survey_answer FOR SELECT TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.survey_response r WHERE r.id = response_id));
ALTER TABLE crm.survey_inbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY runners ON crm.survey_inbox TO crmgate_app
	USING ((SELECT crm.runs_campaigns())) WITH CHECK ((SELECT crm.runs_campaigns()));
