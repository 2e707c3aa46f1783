-- 022_surveys.sql - survey activities and their invitations (issue 12,
-- SPEC section 6).
--
-- A survey sends its invitations through the outbox like any campaign: it
-- is backed by a campaign row (crm.survey.campaign_id) that holds what the
-- invitations say (channel, targets, filter, subject, bodies), and its
-- outbox rows name the survey as their producer (source
-- 'survey_invitation', source_id the survey's id, sql/018). The send loop
-- renders and sends them as it does a campaign's: retries, rate limits,
-- opt-outs, quiet hours and bounces are the outbox's. Such a campaign is
-- no user's campaign: 'campaign list' leaves out campaigns a survey backs.
--
-- Tokens. The link of an invitation, [serve] public_url/s/TOKEN, is made
-- when the message is rendered, and again for each reminder, yet the token
-- is stored nowhere. Each invitation holds a nonce of 128 random bits that
-- crmgate draws with getrandom() at launch, and the SHA-256 of its token:
--     token = base64url(HMAC-SHA256(key, 'survey:' || hex(nonce)))
-- (43 characters, 256 bits), key being [serve] secret or, without one, the
-- database's crm.serve_secret, as for the unsubscribe links (sql/005,
-- 010). Whoever reads these tables alone holds nonces and hashes, neither of
-- which makes a link; tokens of two invitations are unrelated (independent
-- nonces through a keyed hash). The form (/s/TOKEN) hashes the token it is
-- given, finds the invitation by crm.survey_invitation.token_hash (unique),
-- and answers it once with a row-locked update of answered_at.
--
-- An invitation's outbox row (outbox_id) is where its sending and delivery
-- are recorded (sent, delivered, bounced...): the outbox owns those states,
-- and an invitation does not copy them.
--
-- A template that a launched survey uses cannot be replaced or deleted:
-- the answers name its questions. The rule is the foreign key below
-- (ON DELETE RESTRICT); survey/store.c turns its refusal into a message.
-- A draft survey holds its template too: delete the draft first.

-- The channels a survey is sent by: those a respondent can answer by (a
-- link in the message, or a reply to it), every channel but post. How an
-- invitation was answered: by its link, or by a reply on one of those.
CREATE FUNCTION crm.survey_channels() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_agg(c ORDER BY n) FROM unnest(crm.channels()) WITH ORDINALITY AS t(c, n) WHERE c <> 'mail'
$$;

CREATE FUNCTION crm.survey_answer_ways() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['link'] || crm.survey_channels()
$$;

CREATE TABLE crm.survey (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name crm.oneline NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
	template_id bigint NOT NULL REFERENCES crm.survey_template ON DELETE RESTRICT,
	campaign_id bigint NOT NULL UNIQUE REFERENCES crm.campaign ON DELETE RESTRICT,
	targets text NOT NULL,
	filter text NOT NULL DEFAULT '',
	channel text NOT NULL CHECK (channel = ANY (crm.survey_channels())),
	closes_at timestamptz,
	-- what {{survey_title}} and {{survey_text}} say: the questionnaire
	-- rendered with the reply instructions when the survey was created
	title text NOT NULL,
	text text NOT NULL,
	status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'closed')),
	created_by text DEFAULT crm.current_login(),
	created_at timestamptz NOT NULL DEFAULT now(),
	launched_by text,
	launched_at timestamptz,
	closed_by text,
	closed_at timestamptz,
	CHECK (status <> 'running' OR launched_at IS NOT NULL),
	CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX survey_by_template ON crm.survey (template_id);

CREATE TABLE crm.survey_invitation (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	survey_id bigint NOT NULL REFERENCES crm.survey ON DELETE CASCADE,
	target_code text NOT NULL,
	contact_id bigint,
	lead_contact_id bigint,
	outbox_id bigint NOT NULL UNIQUE REFERENCES crm.outbox ON DELETE RESTRICT,
	token_nonce bytea NOT NULL UNIQUE CHECK (octet_length(token_nonce) >= 16),
	token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
	valid_until timestamptz,
	reminders integer NOT NULL DEFAULT 0 CHECK (reminders >= 0),
	last_reminder_at timestamptz,
	answered_at timestamptz,
	answered_by text CHECK (answered_by = ANY (crm.survey_answer_ways())),
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (survey_id, target_code),
	CHECK ((answered_at IS NULL) = (answered_by IS NULL))
);

-- A round of reminders (survey remind): the producer of its outbox rows
-- (source 'survey_reminder', source_id this id), so that each round reaches
-- a target once, and a later round again.
CREATE TABLE crm.survey_reminder (
	id bigint PRIMARY KEY, -- drawn from crm.survey_reminder_id before its rows are queued
	survey_id bigint NOT NULL REFERENCES crm.survey ON DELETE CASCADE,
	min_days integer NOT NULL CHECK (min_days >= 0),
	created_by text DEFAULT crm.current_login(),
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE crm.survey_reminder_id OWNED BY crm.survey_reminder.id;

-- The token of an invitation's nonce (see the header). secret NULL: the
-- database's key.
CREATE FUNCTION crm.survey_token(nonce bytea, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT translate(rtrim(encode(public.hmac(convert_to('survey:' || encode(nonce, 'hex'), 'UTF8'),
		coalesce(convert_to(secret, 'UTF8'), (SELECT s.secret FROM crm.serve_secret s)),
		'sha256'), 'base64'), '='), '+/', '-_')
$$;
-- whoever may make tokens may answer for anyone: the owner only (crmgate
-- send, serve and survey launch), as for crm.sign_token in 010
REVOKE EXECUTE ON FUNCTION crm.survey_token(bytea, text) FROM PUBLIC;

-- The token of the survey invitation an outbox row carries (the invitation
-- itself, or a reminder of it: a row of the survey's campaign to the same
-- target); NULL for any other row.
-- (The parameters are named with the function: survey_invitation has a
-- column outbox_id, which a bare name would mean.)
CREATE FUNCTION crm.survey_outbox_token(outbox_id bigint, secret text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT crm.survey_token(i.token_nonce, survey_outbox_token.secret) FROM crm.outbox o
	JOIN crm.survey s ON s.campaign_id = o.campaign_id
	JOIN crm.survey_invitation i ON i.survey_id = s.id AND i.target_code = o.target_code
	WHERE o.id = survey_outbox_token.outbox_id
$$;
REVOKE EXECUTE ON FUNCTION crm.survey_outbox_token(bigint, text) FROM PUBLIC;

-- Invite the targets of survey whose invitation rows the outbox holds
-- queued and who have no invitation yet, one nonce each from nonces (drawn
-- by the caller, in the order of the rows' ids). Returns how many.
CREATE FUNCTION crm.survey_invite(survey bigint, nonces bytea[], secret text DEFAULT NULL) RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	WITH todo AS (SELECT o.id, o.target_code, o.contact_id, o.lead_contact_id,
			row_number() OVER (ORDER BY o.id) AS n
		FROM crm.outbox o WHERE o.source = 'survey_invitation' AND o.source_id = survey
		AND o.status <> 'skipped'
		AND NOT EXISTS (SELECT 1 FROM crm.survey_invitation i WHERE i.outbox_id = o.id)),
	added AS (INSERT INTO crm.survey_invitation (survey_id, target_code, contact_id, lead_contact_id,
			outbox_id, token_nonce, token_hash, valid_until)
		SELECT survey, t.target_code, t.contact_id, t.lead_contact_id, t.id, nonces[t.n],
			sha256(convert_to(crm.survey_token(nonces[t.n], survey_invite.secret), 'UTF8')),
			(SELECT s.closes_at FROM crm.survey s WHERE s.id = survey)
		FROM todo t WHERE nonces[t.n] IS NOT NULL RETURNING 1)
	SELECT count(*) FROM added
$$;
REVOKE EXECUTE ON FUNCTION crm.survey_invite(bigint, bytea[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.survey_invite(bigint, bytea[], text) TO crmgate_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.survey, crm.survey_invitation, crm.survey_reminder TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;

-- As campaigns (sql/004): everyone reads, those who run campaigns write
-- their own (or all, when they see all); invitations follow their survey.
ALTER TABLE crm.survey ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON crm.survey FOR SELECT TO crmgate_app USING (true);
CREATE POLICY runners_write ON crm.survey FOR ALL TO crmgate_app
	USING ((SELECT crm.runs_campaigns()) AND (created_by = crm.current_login() OR (SELECT crm.sees_all())))
	WITH CHECK ((SELECT crm.runs_campaigns()));
ALTER TABLE crm.survey_invitation ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_survey ON crm.survey_invitation TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.survey s WHERE s.id = survey_id));
ALTER TABLE crm.survey_reminder ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_survey ON crm.survey_reminder TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.survey s WHERE s.id = survey_id));
