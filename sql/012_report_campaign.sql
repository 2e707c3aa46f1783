-- 012_report_campaign.sql - report campaign: what the campaigns sent, per
-- campaign and per channel, and why targets were skipped (SPEC section 7,
-- "campaign and survey results"). The campaigns are those launched in the
-- period (a draft has no results). It runs with the caller's rights: row
-- security shows each user the campaigns they may see.

CREATE FUNCTION crm.an_campaigns(p_from date, p_to date)
RETURNS TABLE (id bigint, name text, channel text, status text, launched_on date, total bigint, sent bigint,
	delivered bigint, failed bigint, bounced bigint, unknown bigint, skipped bigint, queued bigint,
	segments_sent bigint, sent_share numeric)
LANGUAGE sql STABLE AS $$
	SELECT c.id, c.name::text, c.channel, c.status, c.launched_at::date, count(o.id),
		count(o.id) FILTER (WHERE o.status IN ('sent', 'delivered')),
		count(o.id) FILTER (WHERE o.status = 'delivered'),
		count(o.id) FILTER (WHERE o.status = 'failed'),
		count(o.id) FILTER (WHERE o.status = 'bounced'),
		count(o.id) FILTER (WHERE o.status = 'unknown'),
		count(o.id) FILTER (WHERE o.status = 'skipped'),
		count(o.id) FILTER (WHERE o.status IN ('queued', 'claimed', 'sending')),
		coalesce(sum(o.segments) FILTER (WHERE o.status IN ('sent', 'delivered', 'unknown')), 0),
		CASE WHEN count(o.id) > 0
			THEN round(count(o.id) FILTER (WHERE o.status IN ('sent', 'delivered'))::numeric / count(o.id), 4)
			ELSE 0 END
	FROM crm.campaign c LEFT JOIN crm.outbox o ON o.campaign_id = c.id
	WHERE c.launched_at IS NOT NULL
		AND (p_from IS NULL OR c.launched_at::date >= p_from) AND (p_to IS NULL OR c.launched_at::date <= p_to)
	GROUP BY c.id
	ORDER BY c.launched_at DESC, c.id DESC
$$;

-- Why targets were skipped, over the same campaigns: the reason as launch
-- and send wrote it ("suppressed: bounced" and the like kept whole).
CREATE FUNCTION crm.an_campaign_skips(p_from date, p_to date)
RETURNS TABLE (reason text, count bigint, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT o.skip_reason, count(*), round(count(*)::numeric / sum(count(*)) OVER (), 4)
	FROM crm.campaign c JOIN crm.outbox o ON o.campaign_id = c.id
	WHERE c.launched_at IS NOT NULL AND o.status = 'skipped'
		AND (p_from IS NULL OR c.launched_at::date >= p_from) AND (p_to IS NULL OR c.launched_at::date <= p_to)
	GROUP BY o.skip_reason
	ORDER BY count(*) DESC, o.skip_reason
$$;

GRANT EXECUTE ON FUNCTION crm.an_campaigns(date, date), crm.an_campaign_skips(date, date) TO crmgate_app;
