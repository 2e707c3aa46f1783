-- 018_outbox_owner.sql - one owner for the outbox's states, and its producers.
--
-- A message's promise (nothing lost, nothing sent twice) rests on how its
-- outbox row moves: queued -> claimed -> sending -> sent | unknown | failed,
-- back to queued for a retry, skipped, cancelled, then bounced or delivered
-- as reports come. Every such move is one crm.outbox_* function here, with
-- the guards it had in C (a late result never touches a row another worker
-- took over; leases; attempts), and nothing else writes crm.outbox: C calls
-- these through gateway/outbox.c only, and the delivery report function of
-- 005 now calls crm.outbox_sms_report. tests/gateway/test_outbox_owner.c
-- holds the tree and the migrated database to it.
--
-- Producers: a campaign is one producer of outbox rows among several (a
-- survey's invitation and its reminder, an alert digest, a single message).
-- A row names its producer (source) and the producer's own id (source_id,
-- the campaign's id for a campaign), and a target is queued once per
-- producer and channel: a reminder to a contact is no duplicate of the
-- invitation. campaign_id stays what the row sends (content, policy, rate).

ALTER TABLE crm.outbox
	ADD COLUMN source text NOT NULL DEFAULT 'campaign' CHECK (source IN
		('campaign', 'single', 'survey_invitation', 'survey_reminder', 'alert_digest')),
	ADD COLUMN source_id bigint;
UPDATE crm.outbox SET source_id = campaign_id;
ALTER TABLE crm.outbox
	ALTER COLUMN source_id SET NOT NULL,
	ADD CONSTRAINT outbox_campaign_source CHECK (source <> 'campaign' OR source_id = campaign_id),
	DROP CONSTRAINT outbox_campaign_id_channel_target_code_key,
	ADD CONSTRAINT outbox_once UNIQUE (source, source_id, channel, target_code);
-- what the old unique key served: a campaign's rows by target
CREATE INDEX outbox_campaign_target ON crm.outbox (campaign_id, channel, target_code);

-- A campaign's rows need not name their producer: it is the campaign.
CREATE FUNCTION crm.outbox_source() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.source_id IS NULL AND NEW.source = 'campaign' THEN
		NEW.source_id := NEW.campaign_id;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER source BEFORE INSERT ON crm.outbox
	FOR EACH ROW WHEN (NEW.source_id IS NULL) EXECUTE FUNCTION crm.outbox_source();

-- --------------------------------------------------------------- queueing

-- One target a producer queues: reason non-NULL queues it skipped, with why.
CREATE TYPE crm.outbox_item AS (
	code text,
	contact_id bigint,
	lead_contact_id bigint,
	recipient text,
	name text,
	postcode text,
	reason text
);

-- Queue items for producer (source, source_id) on channel, sending campaign
-- campaign's message, due at its scheduled time (or now). A target the
-- producer queued on the channel before is left alone. Returns how many
-- rows were queued (reason NULL) or skipped, by reason.
CREATE FUNCTION crm.outbox_enqueue(src text, src_id bigint, campaign bigint, ch text, items crm.outbox_item[])
RETURNS TABLE (reason text, n bigint)
LANGUAGE sql AS $$
	WITH added AS (INSERT INTO crm.outbox (source, source_id, campaign_id, channel, target_code, contact_id,
			lead_contact_id, recipient, recipient_name, postcode, status, skip_reason, due_at)
		SELECT src, src_id, campaign, ch, i.code, i.contact_id, i.lead_contact_id, i.recipient, i.name,
			i.postcode, CASE WHEN i.reason IS NULL THEN 'queued' ELSE 'skipped' END, i.reason,
			coalesce((SELECT c.scheduled_at FROM crm.campaign c WHERE c.id = campaign), now())
		FROM unnest(items) i
		ON CONFLICT (source, source_id, channel, target_code) DO NOTHING
		RETURNING skip_reason)
	SELECT skip_reason, count(*) FROM added GROUP BY 1 ORDER BY 2 DESC
$$;

-- SMS texts measured before they go: each queued row's segments.
CREATE FUNCTION crm.outbox_set_segments(campaign bigint, codes text[], segs integer[]) RETURNS void
LANGUAGE sql AS $$
	UPDATE crm.outbox o SET segments = v.segments FROM unnest(codes, segs) AS v(code, segments)
	WHERE o.campaign_id = campaign AND o.channel = 'sms' AND o.target_code = v.code AND o.status = 'queued'
$$;

-- A cancelled campaign's queue is dropped, on the record. Returns how many.
CREATE FUNCTION crm.outbox_cancel(campaign bigint) RETURNS bigint
LANGUAGE sql AS $$
	WITH c AS (UPDATE crm.outbox SET status = 'skipped', skip_reason = 'cancelled', updated_at = now()
		WHERE campaign_id = campaign AND status = 'queued' RETURNING 1)
	SELECT count(*) FROM c
$$;

-- --------------------------------------------------------------- workers

-- Exponential backoff with jitter after attempts: 60 s (crmgate.retry_base)
-- doubling per attempt, at most an hour, times 0.5..1.
CREATE FUNCTION crm.outbox_backoff(attempts integer) RETURNS timestamptz
LANGUAGE sql VOLATILE AS $$
	SELECT now() + make_interval(secs => least(3600, coalesce(nullif(current_setting('crmgate.retry_base', true),
		'')::double precision, 60) * 2 ^ greatest(attempts - 1, 0)) * (0.5 + random() / 2))
$$;

-- Take over rows whose worker's session has ended (or whose lease ran out):
-- a claimed row goes back to the queue (it was never handed over); a row
-- that was sending has an unknown outcome, which the campaign's policy
-- settles. The rows are locked first (another worker recovering at the same
-- time skips them) and their old status kept, which RETURNING cannot give.
CREATE FUNCTION crm.outbox_recover(OUT requeued bigint, OUT doubtful bigint)
LANGUAGE sql AS $$
	WITH gone AS (SELECT o.id, o.status AS was FROM crm.outbox o
		WHERE o.status IN ('claimed', 'sending')
		AND (NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = o.worker_pid
			AND a.backend_start = o.worker_started) OR o.lease_until < now())
		FOR UPDATE OF o SKIP LOCKED),
	taken AS (UPDATE crm.outbox o SET
		status = CASE WHEN o.status = 'claimed' OR (c.unknown_policy = 'resend'
			AND o.attempts < c.max_attempts) THEN 'queued' ELSE 'unknown' END,
		doubts = o.doubts + CASE WHEN o.status = 'sending' THEN 1 ELSE 0 END,
		last_error = CASE WHEN o.status = 'claimed' THEN o.last_error
			ELSE 'outcome unknown: its worker stopped while sending' END,
		worker_pid = NULL, worker_started = NULL, lease_until = NULL, due_at = now(), updated_at = now()
		FROM gone, crm.campaign c WHERE o.id = gone.id AND c.id = o.campaign_id
		RETURNING gone.was)
	SELECT count(*) FILTER (WHERE was = 'claimed'), count(*) FILTER (WHERE was = 'sending') FROM taken
$$;

-- Claim up to max_rows due rows of running campaigns (ch NULL: any channel,
-- campaign NULL: every campaign) for this session, skipping rows other
-- workers hold. Oldest first by due_at alone, the order of the outbox_due
-- index: a launch gives all its rows one due_at, and ordering them by id too
-- read and sorted every queued row for each claim (16 ms at 10,000, against
-- 0.4 ms); rows due at the same time come in index order.
CREATE FUNCTION crm.outbox_claim(max_rows integer, ch text, campaign bigint)
RETURNS TABLE (id bigint, campaign_id bigint, channel text, target_code text, recipient text,
	recipient_name text, postcode text, attempts integer)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY WITH taken AS (UPDATE crm.outbox o SET status = 'claimed', worker_pid = pg_backend_pid(),
		worker_started = (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()),
		lease_until = now() + interval '15 minutes', attempts = o.attempts + 1, updated_at = now()
	WHERE o.id IN (SELECT q.id FROM crm.outbox q JOIN crm.campaign c ON c.id = q.campaign_id
		WHERE q.status = 'queued' AND q.due_at <= now() AND c.status = 'running'
		AND (ch IS NULL OR q.channel = ch) AND (campaign IS NULL OR q.campaign_id = campaign)
		ORDER BY q.due_at LIMIT max_rows
		FOR UPDATE OF q SKIP LOCKED)
	RETURNING o.id, o.campaign_id, o.channel, o.target_code, o.recipient, o.recipient_name, o.postcode,
		o.attempts) SELECT * FROM taken;
END
$$;

-- Right before a row is handed over: why it may not go (suppressed, opted
-- out, capped, cancelled) read afresh, then the row sending, or skipped with
-- the reason. Only a row this session claimed. Returns its new status (NULL:
-- not ours any more).
CREATE FUNCTION crm.outbox_sending(row_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	WITH why AS (SELECT o.id, CASE
			WHEN s.reason IS NOT NULL THEN 'suppressed: ' || s.reason
			WHEN o.channel = 'email' AND (ct.email_opt_out OR lc.email_opt_out) THEN 'opted out'
			WHEN o.channel = 'sms' AND (ct.sms_opt_out OR lc.sms_opt_out) THEN 'opted out'
			WHEN o.channel = 'mail' AND (ct.mail_opt_out OR lc.mail_opt_out) THEN 'opted out'
			WHEN o.channel = 'sms' AND c.marketing AND crm.sms_capped(o.recipient) THEN 'frequency cap'
			WHEN c.status = 'cancelled' THEN 'cancelled' END AS reason
		FROM crm.outbox o JOIN crm.campaign c ON c.id = o.campaign_id
		LEFT JOIN crm.contact ct ON ct.id = o.contact_id
		LEFT JOIN crm.lead_contact lc ON lc.id = o.lead_contact_id
		LEFT JOIN crm.suppression s ON s.channel = o.channel
			AND s.address = crm.address_key(o.channel, o.recipient)
		WHERE o.id = row_id)
	UPDATE crm.outbox o SET status = CASE WHEN why.reason IS NULL THEN 'sending' ELSE 'skipped' END,
		skip_reason = why.reason, lease_until = now() + interval '15 minutes', updated_at = now()
	FROM why WHERE o.id = why.id AND o.status = 'claimed' AND o.worker_pid = pg_backend_pid()
	RETURNING o.status INTO result;
	RETURN result;
END
$$;

-- The row was sent: its Message-ID (or the provider's id) and SMS segments.
-- Only while it is this session's: a row taken over by another worker (its
-- lease ran out) is not touched by the late result. Returns whether it was.
CREATE FUNCTION crm.outbox_sent(row_id bigint, msg_id text, segs integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE crm.outbox SET status = 'sent', sent_at = now(), message_id = msg_id, segments = segs,
		last_error = NULL, worker_pid = NULL, worker_started = NULL, lease_until = NULL, updated_at = now()
	WHERE id = row_id AND status IN ('claimed', 'sending') AND worker_pid = pg_backend_pid();
	RETURN FOUND;
END
$$;

-- crm.outbox_sent of one row and crm.outbox_sending of the next, in one
-- call: one round trip and one commit between two messages. Neither waits
-- for the other (the row sent is not among the rows the check reads).
CREATE FUNCTION crm.outbox_sent_next(row_id bigint, msg_id text, segs integer, next_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM crm.outbox_sent(row_id, msg_id, segs);
	RETURN crm.outbox_sending(next_id);
END
$$;

-- A temporary failure (counts: an attempt) or a request to slow down (not
-- the row's fault: the attempt is given back). Queued again at retry_at, or
-- after the backoff; failed when a counted attempt was the campaign's last.
CREATE FUNCTION crm.outbox_retry(row_id bigint, reply text, counts boolean, retry_at timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	IF retry_at IS NOT NULL AND NOT counts THEN
		UPDATE crm.outbox o SET status = 'queued', last_error = reply, worker_pid = NULL, lease_until = NULL,
			attempts = o.attempts - 1, updated_at = now(), due_at = retry_at
		WHERE o.id = row_id AND o.status IN ('claimed', 'sending') AND o.worker_pid = pg_backend_pid();
	ELSE
		UPDATE crm.outbox o SET status = CASE WHEN counts AND o.attempts >= c.max_attempts
				THEN 'failed' ELSE 'queued' END,
			last_error = reply, worker_pid = NULL, lease_until = NULL,
			attempts = o.attempts - CASE WHEN counts THEN 0 ELSE 1 END, updated_at = now(),
			due_at = crm.outbox_backoff(o.attempts)
		FROM crm.campaign c WHERE c.id = o.campaign_id AND o.id = row_id
			AND o.status IN ('claimed', 'sending') AND o.worker_pid = pg_backend_pid();
	END IF;
	RETURN FOUND;
END
$$;

-- Failed for good. suppress: the other side refused the address (a 5xx), so
-- it is suppressed too; otherwise it failed on our side (a template that
-- cannot be filled) and nothing is suppressed.
CREATE FUNCTION crm.outbox_failed(row_id bigint, reply text, suppress boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	o record;
BEGIN
	UPDATE crm.outbox SET status = 'failed', last_error = reply, worker_pid = NULL, lease_until = NULL,
		updated_at = now()
	WHERE id = row_id AND status IN ('claimed', 'sending') AND worker_pid = pg_backend_pid()
	RETURNING id, channel, recipient INTO o;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF suppress AND o.recipient IS NOT NULL THEN
		INSERT INTO crm.suppression (channel, address, reason, outbox_id)
		VALUES (o.channel, crm.address_key(o.channel, o.recipient), coalesce(left(reply, 200), 'failed'), o.id)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN true;
END
$$;

-- Handed over, no answer: it may have arrived. Resent under the resend
-- policy, with the backoff, until the attempts run out; else held unknown.
CREATE FUNCTION crm.outbox_unknown(row_id bigint, msg_id text, reply text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE crm.outbox o SET status = CASE WHEN c.unknown_policy = 'resend'
			AND o.attempts < c.max_attempts THEN 'queued' ELSE 'unknown' END,
		last_error = 'outcome unknown: ' || coalesce(reply, 'no reply'), due_at = crm.outbox_backoff(o.attempts),
		message_id = msg_id, doubts = o.doubts + 1, worker_pid = NULL, lease_until = NULL, updated_at = now()
	FROM crm.campaign c WHERE c.id = o.campaign_id AND o.id = row_id
		AND o.status IN ('claimed', 'sending') AND o.worker_pid = pg_backend_pid();
	RETURN FOUND;
END
$$;

-- ------------------------------------------------------- after it went out

-- Only a row that went out can bounce or fail later: sent, unknown or
-- delivered, or queued again after an unknown outcome.
CREATE FUNCTION crm.outbox_went_out(status text, attempts integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT status IN ('sent', 'unknown', 'delivered') OR (status = 'queued' AND attempts > 0)
$$;

-- A bounce (a DSN that says failed, for good): the row bounced and its
-- address is suppressed. Returns whether the row changed.
CREATE FUNCTION crm.outbox_bounced(row_id bigint, why text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	o record;
BEGIN
	UPDATE crm.outbox x SET status = 'bounced', last_error = 'bounced: ' || why, worker_pid = NULL,
		lease_until = NULL, updated_at = now()
	WHERE x.id = row_id AND crm.outbox_went_out(x.status, x.attempts)
	RETURNING x.id, x.channel, x.recipient INTO o;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	IF o.recipient IS NOT NULL THEN
		INSERT INTO crm.suppression (channel, address, reason, outbox_id)
		VALUES (o.channel, crm.address_key(o.channel, o.recipient), 'bounced', o.id)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN true;
END
$$;

-- A report that the message failed on the way, not for the address's sake.
CREATE FUNCTION crm.outbox_undelivered(row_id bigint, why text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE crm.outbox x SET status = 'failed', last_error = 'failed: ' || why, worker_pid = NULL,
		lease_until = NULL, updated_at = now()
	WHERE x.id = row_id AND crm.outbox_went_out(x.status, x.attempts);
	RETURN FOUND;
END
$$;

-- A report that delivery is delayed: noted on a row that is sent.
CREATE FUNCTION crm.outbox_delayed(row_id bigint, why text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE crm.outbox SET last_error = 'delayed: ' || why, updated_at = now()
	WHERE id = row_id AND status = 'sent';
	RETURN FOUND;
END
$$;

-- A report that the message was delivered.
CREATE FUNCTION crm.outbox_delivered(row_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE crm.outbox SET status = 'delivered', delivered_at = now(), updated_at = now()
	WHERE id = row_id AND status IN ('sent', 'unknown');
	RETURN FOUND;
END
$$;

-- One SMS delivery report, as crm.sms_report of 005 recorded it (the row's
-- status then follows it: trigger follow_report). Idempotent, and a report
-- that arrives late (8 after 1) changes nothing. Returns the row's status
-- afterwards, or NULL when there is no such SMS row.
CREATE FUNCTION crm.outbox_sms_report(row_id bigint, dlr integer, reply text, reported_at timestamptz) RETURNS text
LANGUAGE sql AS $$
	UPDATE crm.outbox o SET
		dlr_type = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND dlr IN (4, 8))
			THEN o.dlr_type ELSE dlr END,
		dlr_reply = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND dlr IN (4, 8))
			THEN o.dlr_reply ELSE left(reply, 1000) END,
		dlr_at = CASE WHEN o.dlr_type = 1 OR (o.dlr_type IN (2, 16) AND dlr IN (4, 8))
			THEN o.dlr_at ELSE coalesce(reported_at, now()) END,
		updated_at = now()
	WHERE o.id = row_id AND o.channel = 'sms'
	RETURNING o.status
$$;

CREATE OR REPLACE FUNCTION crm.sms_report(outbox_id bigint, dlr_type integer, reply text, at timestamptz)
RETURNS text
LANGUAGE sql AS $$
	SELECT crm.outbox_sms_report(sms_report.outbox_id, sms_report.dlr_type, sms_report.reply, sms_report.at)
$$;
