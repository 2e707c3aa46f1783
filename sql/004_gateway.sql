-- 004_gateway.sql - campaigns, the outbox, suppression and rate limits (SPEC section 5).
--
-- A campaign keeps a snapshot of what it sends (the template's bytes, the
-- subject and bodies) so that a file changed or removed after the launch
-- cannot change a campaign that is half sent. Launching writes one outbox row
-- per (campaign, channel, target), unique here, so a relaunch queues nobody
-- twice. Workers claim rows with FOR UPDATE SKIP LOCKED and record which
-- database session holds them: a row held by a session that has ended is
-- taken over at once.

CREATE TABLE crm.campaign (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name crm.oneline NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
	channel text NOT NULL CHECK (channel IN ('mail', 'email', 'sms')),
	targets text NOT NULL,              -- the entity: contact, customer, lead-contact...
	filter text NOT NULL DEFAULT '',
	template_name text,                 -- what --template named
	template_kind text CHECK (template_kind IN ('docx', 'txt', 'html')),
	template bytea,                     -- its bytes at creation
	subject text,
	body_text text,
	body_html text,
	attach text NOT NULL DEFAULT 'none' CHECK (attach IN ('docx', 'pdf', 'none')),
	marketing boolean NOT NULL DEFAULT true, -- SMS signature, opt-out text, quiet hours
	scheduled_at timestamptz,
	rate numeric CHECK (rate > 0),      -- messages per second; NULL: the channel's
	unknown_policy text NOT NULL DEFAULT 'resend' CHECK (unknown_policy IN ('resend', 'hold')),
	max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
	status text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'running', 'paused', 'cancelled', 'done')),
	created_by text DEFAULT crm.current_login(),
	created_at timestamptz NOT NULL DEFAULT now(),
	launched_at timestamptz,
	finished_at timestamptz
);

CREATE TABLE crm.outbox (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	campaign_id bigint NOT NULL REFERENCES crm.campaign ON DELETE CASCADE,
	channel text NOT NULL CHECK (channel IN ('mail', 'email', 'sms')),
	target_code text NOT NULL,
	contact_id bigint,                  -- for opt-outs, when the target is a contact
	lead_contact_id bigint,
	recipient text,                     -- the address: e-mail, mobile number, or postal address
	recipient_name text,
	postcode text,
	status text NOT NULL DEFAULT 'queued' CHECK (status IN
		('queued', 'claimed', 'sending', 'sent', 'unknown', 'failed', 'skipped', 'bounced', 'delivered')),
	skip_reason text,
	attempts integer NOT NULL DEFAULT 0,
	due_at timestamptz NOT NULL DEFAULT now(),
	worker_pid integer,                 -- the database session that holds it...
	worker_started timestamptz,         -- ...identified with its start, as pids are reused
	lease_until timestamptz,            -- a worker that hangs loses the row then
	sent_at timestamptz,
	delivered_at timestamptz,
	message_id text,                    -- Message-ID, or the SMS provider's id
	segments integer,
	last_error text,
	updated_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (campaign_id, channel, target_code)
);
CREATE INDEX outbox_due ON crm.outbox (due_at) WHERE status = 'queued';
CREATE INDEX outbox_held ON crm.outbox (worker_pid) WHERE status IN ('claimed', 'sending');
CREATE INDEX outbox_campaign_status ON crm.outbox (campaign_id, status);

-- Addresses that must not be sent to again: bounced, complained, STOP, invalid.
CREATE TABLE crm.suppression (
	channel text NOT NULL CHECK (channel IN ('mail', 'email', 'sms')),
	address text NOT NULL,              -- e-mail lowercased; mobile digits
	reason text NOT NULL,
	outbox_id bigint REFERENCES crm.outbox ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (channel, address)
);

-- One token bucket per channel, shared by every worker: a smooth rate.
CREATE TABLE crm.rate_bucket (
	channel text PRIMARY KEY CHECK (channel IN ('mail', 'email', 'sms')),
	tokens double precision NOT NULL,
	refilled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	backoff_until timestamptz          -- the other side asked us to slow down
);

-- Take one token from a channel's bucket, which refills at rate tokens a
-- second up to one second's worth (a smooth rate, no bursts): returns how many
-- seconds the caller must wait before it sends (0: at once), counting a
-- back-off the other side asked for. The row lock makes every worker, on any
-- machine, share one bucket.
CREATE FUNCTION crm.take_token(ch text, rate double precision) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	left_ double precision;
	backoff double precision;
BEGIN
	INSERT INTO crm.rate_bucket (channel, tokens) VALUES (ch, greatest(rate, 1)) ON CONFLICT DO NOTHING;
	UPDATE crm.rate_bucket SET
		tokens = least(greatest(rate, 1), tokens + rate * extract(epoch FROM clock_timestamp() - refilled_at)) - 1,
		refilled_at = clock_timestamp()
	WHERE channel = ch
	RETURNING tokens, greatest(0, extract(epoch FROM backoff_until - clock_timestamp())) INTO left_, backoff;
	RETURN greatest(CASE WHEN left_ >= 0 THEN 0 ELSE -left_ / rate END, coalesce(backoff, 0));
END
$$;

-- The other side asked us to slow down: every worker of the channel waits.
CREATE FUNCTION crm.back_off(ch text, seconds double precision) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO crm.rate_bucket AS b (channel, tokens, backoff_until)
	VALUES (ch, 0, clock_timestamp() + make_interval(secs => seconds))
	ON CONFLICT (channel) DO UPDATE SET backoff_until = greatest(b.backoff_until, excluded.backoff_until)
$$;

-- An address as the suppression list keeps it.
CREATE FUNCTION crm.address_key(channel text, address text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE channel WHEN 'email' THEN lower(btrim(address))
		WHEN 'sms' THEN regexp_replace(regexp_replace(address, '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\2')
		ELSE btrim(address) END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.campaign, crm.outbox, crm.suppression, crm.rate_bucket TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;

-- Campaigns are run by marketers and those above them; salespeople send to
-- their own customers' people through campaigns of their own.
CREATE FUNCTION crm.runs_campaigns() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT u.role IN ('admin', 'customer_admin', 'sales_manager', 'marketer', 'salesperson')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

ALTER TABLE crm.campaign ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON crm.campaign FOR SELECT TO crmgate_app USING (true);
CREATE POLICY runners_write ON crm.campaign FOR ALL TO crmgate_app
	USING ((SELECT crm.runs_campaigns()) AND (created_by = crm.current_login() OR (SELECT crm.sees_all())))
	WITH CHECK ((SELECT crm.runs_campaigns()));

ALTER TABLE crm.outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_campaign ON crm.outbox TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.campaign c WHERE c.id = campaign_id));

ALTER TABLE crm.suppression ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON crm.suppression TO crmgate_app USING (true);

ALTER TABLE crm.rate_bucket ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON crm.rate_bucket TO crmgate_app USING (true);
