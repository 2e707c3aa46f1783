-- 011_sms_cap.sql - the frequency cap on marketing texts ([sms] frequency_cap):
-- how many marketing texts a number was sent in the last days.
--
-- It counts across every campaign, whoever launched it: a marketer whose row
-- security hides other people's campaigns must still see that the number had
-- enough of them. Only the count leaves the function.
CREATE INDEX outbox_sms_sent ON crm.outbox (crm.address_key('sms', recipient), sent_at)
	WHERE channel = 'sms' AND status IN ('sent', 'delivered');

CREATE FUNCTION crm.sms_recent(address text, days integer) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT count(*) FROM crm.outbox o JOIN crm.campaign c ON c.id = o.campaign_id
	WHERE o.channel = 'sms' AND o.status IN ('sent', 'delivered') AND c.marketing
	AND crm.address_key('sms', o.recipient) = crm.address_key('sms', address)
	AND o.sent_at > now() - make_interval(days => days)
$$;
REVOKE EXECUTE ON FUNCTION crm.sms_recent(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.sms_recent(text, integer) TO crmgate_app;

-- Right before a marketing text is sent the cap is checked again (campaigns
-- run for hours, others may have sent meanwhile). The worker says what the
-- cap is in its session, crmgate.sms_cap = 'N/DAYS'; unset or empty: none.
CREATE FUNCTION crm.sms_capped(address text) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN coalesce(current_setting('crmgate.sms_cap', true), '') ~ '^[0-9]+/[0-9]+$'
		THEN crm.sms_recent(address, split_part(current_setting('crmgate.sms_cap', true), '/', 2)::integer)
			>= split_part(current_setting('crmgate.sms_cap', true), '/', 1)::integer
		ELSE false END
$$;
GRANT EXECUTE ON FUNCTION crm.sms_capped(text) TO crmgate_app;
