-- 014_funnel_one_mode.sql - the funnel's forecast covers the open
-- opportunities its funnel lists (issue 10).
--
-- The funnel report names one sales mode (--sales-mode, else the one with
-- the most open opportunities), and every table and figure of it is now of
-- that mode alone (analytics/funnel.c passes it to every function); the
-- forecast no longer adds up every mode. And so that the forecast's
-- pipeline is the funnel's open amount, an open opportunity without an
-- expected close date, which the funnel counts when no period is asked for,
-- is a row of the forecast too: the month NULL ("no date"), last.

-- As in 008_analytics.sql, without "o.expected_close_on IS NOT NULL"
-- (crm.an_in lets a NULL date into an unbounded period only).
CREATE OR REPLACE FUNCTION crm.an_forecast(p_from date, p_to date, p_owners bigint[], p_mode bigint)
RETURNS TABLE (month text, open bigint, pipeline numeric, forecast numeric, won bigint, won_amount numeric)
LANGUAGE sql STABLE AS $$
	WITH x AS (
		SELECT date_trunc('month', o.expected_close_on) AS m, 1 AS n_open, o.amount AS pipe,
			crm.an_weighted(o.amount, coalesce(o.probability, st.probability)) AS w, 0 AS n_won,
			0::numeric AS won_amt
		FROM crm.opportunity o JOIN crm.sales_stage st ON st.mode_id = o.mode_id AND st.seq = o.stage_seq
		WHERE o.status = 'open'
			AND crm.an_in(o.expected_close_on, p_from, p_to)
			AND (p_mode IS NULL OR o.mode_id = p_mode)
			AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
		UNION ALL
		SELECT date_trunc('month', o.closed_on), 0, 0, 0, 1, o.amount
		FROM crm.opportunity o
		WHERE o.status = 'won' AND crm.an_in(o.closed_on, p_from, p_to)
			AND (p_mode IS NULL OR o.mode_id = p_mode)
			AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	)
	SELECT to_char(x.m, 'YYYY-MM'), sum(x.n_open), round(sum(x.pipe), 2), round(sum(x.w), 2), sum(x.n_won),
		round(sum(x.won_amt), 2)
	FROM x GROUP BY x.m ORDER BY x.m NULLS LAST
$$;
