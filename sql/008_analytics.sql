-- 008_analytics.sql - the statistics reports: the sales funnel, conversion
-- and forecast, product and category rankings, intents, complaints,
-- activities and won/lost opportunities (SPEC section 7, issue 5).
--
-- Each report is a set of SQL functions that C only formats and draws. They
-- are SECURITY INVOKER (the default), so a report run with --as sees through
-- row-level security exactly what its user sees elsewhere. Every function
-- takes the period (from, to: inclusive dates, NULL for open-ended) and the
-- salespeople the report is limited to (crm.an_owners: NULL for everyone).
-- Money is numeric and rounded to cents with ROUND, never floating point;
-- shares are fractions from 0 to 1, to four places.

-- ------------------------------------------------------------------ filters

-- The salespeople of a department's subtree and/or one salesperson; NULL
-- when neither is given (no limit). Unknown codes give an empty array: the
-- command line checks them first, to say which code is wrong.
CREATE FUNCTION crm.an_owners(p_department text, p_salesperson text) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE tree(id) AS (
		SELECT d.id FROM crm.department d WHERE d.code = p_department
		UNION
		SELECT d.id FROM crm.department d JOIN tree ON d.parent_id = tree.id
	)
	SELECT CASE WHEN p_department IS NULL AND p_salesperson IS NULL THEN NULL
		ELSE coalesce((SELECT array_agg(s.id) FROM crm.salesperson s
			WHERE (p_department IS NULL OR s.department_id IN (SELECT id FROM tree))
			AND (p_salesperson IS NULL OR s.code = p_salesperson)), '{}') END
$$;

-- Is day d inside the period? A NULL bound is open; a NULL day is inside
-- only a period with no bounds at all.
CREATE FUNCTION crm.an_in(d date, p_from date, p_to date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (p_from IS NULL OR d >= p_from) AND (p_to IS NULL OR d <= p_to)
		AND (d IS NOT NULL OR (p_from IS NULL AND p_to IS NULL))
$$;

-- The sales mode a funnel shows: the one named, else the one with the most
-- open opportunities (ties: the first code).
CREATE FUNCTION crm.an_mode(p_mode text) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_mode IS NOT NULL THEN (SELECT m.id FROM crm.sales_mode m WHERE m.code = p_mode)
		ELSE (SELECT m.id FROM crm.sales_mode m
			ORDER BY (SELECT count(*) FROM crm.opportunity o WHERE o.status = 'open' AND o.mode_id = m.id) DESC,
				m.code
			LIMIT 1) END
$$;

-- The weighted amount of an opportunity: ROUND(amount × probability / 100, 2),
-- the probability being the opportunity's override if set, else its stage's.
CREATE FUNCTION crm.an_weighted(amount numeric, probability integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT round(amount * probability / 100, 2)
$$;

-- ------------------------------------------------------------------ funnel

-- Open opportunities of a mode by stage, every stage of the mode in order.
-- With a period, those expected to close inside it.
CREATE FUNCTION crm.an_funnel(p_from date, p_to date, p_owners bigint[], p_mode bigint)
RETURNS TABLE (stage_seq integer, stage text, count bigint, amount numeric, probability integer,
	weighted_amount numeric)
LANGUAGE sql STABLE AS $$
	SELECT st.seq, st.name::text, count(o.id), round(coalesce(sum(o.amount), 0), 2), st.probability,
		round(coalesce(sum(crm.an_weighted(o.amount, coalesce(o.probability, st.probability))), 0), 2)
	FROM crm.sales_stage st
	LEFT JOIN crm.opportunity o ON o.mode_id = st.mode_id AND o.stage_seq = st.seq AND o.status = 'open'
		AND crm.an_in(o.expected_close_on, p_from, p_to)
		AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	WHERE st.mode_id = p_mode
	GROUP BY st.seq, st.name, st.probability
	ORDER BY st.seq
$$;

-- Stage-to-stage conversion of the opportunities of a mode created in the
-- period, from the stage history: reached(s) counts those whose highest stage
-- reached is ≥ s, conversion is reached(next) / reached(s). avg_days is the
-- mean of the completed stays in the stage (entered → the next history row).
CREATE FUNCTION crm.an_conversion(p_from date, p_to date, p_owners bigint[], p_mode bigint)
RETURNS TABLE (stage_seq integer, stage text, reached bigint, next_reached bigint, conversion numeric,
	avg_days numeric)
LANGUAGE sql STABLE AS $$
	-- each step is computed once (MATERIALIZED): the per-stage lookups below
	-- would otherwise repeat the history's window and grouping for each stage
	WITH opp AS (
		SELECT o.id FROM crm.opportunity o
		WHERE o.mode_id = p_mode AND crm.an_in(o.created_on, p_from, p_to)
			AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	), hist AS MATERIALIZED (
		SELECT h.opportunity_id, h.stage_seq, h.status,
			lead(h.entered_on) OVER (PARTITION BY h.opportunity_id ORDER BY h.entered_on, h.at, h.id)
				- h.entered_on AS days
		FROM crm.opportunity_stage_history h JOIN opp ON opp.id = h.opportunity_id
	), tops AS MATERIALIZED (
		-- how many opportunities stopped at each highest stage
		SELECT t.seq, count(*) AS n
		FROM (SELECT max(hist.stage_seq) AS seq FROM hist GROUP BY hist.opportunity_id) t
		GROUP BY t.seq
	), stays AS MATERIALIZED (
		SELECT hist.stage_seq AS seq, avg(hist.days) AS days FROM hist
		WHERE hist.status = 'open' AND hist.days IS NOT NULL
		GROUP BY hist.stage_seq
	), r AS (
		SELECT st.seq, st.name::text AS name,
			(SELECT coalesce(sum(tops.n), 0)::bigint FROM tops WHERE tops.seq >= st.seq) AS reached,
			(SELECT stays.days FROM stays WHERE stays.seq = st.seq) AS days
		FROM crm.sales_stage st WHERE st.mode_id = p_mode
	)
	SELECT r.seq, r.name, r.reached, lead(r.reached) OVER w,
		CASE WHEN r.reached > 0 AND lead(r.reached) OVER w IS NOT NULL
			THEN round(lead(r.reached) OVER w::numeric / r.reached, 4) END,
		round(r.days, 1)
	FROM r WINDOW w AS (ORDER BY r.seq)
	ORDER BY r.seq
$$;

-- Won, lost and abandoned opportunities closed in the period (of one mode,
-- or every mode for NULL), and the win rate won / (won + lost).
CREATE FUNCTION crm.an_outcomes(p_from date, p_to date, p_owners bigint[], p_mode bigint)
RETURNS TABLE (won bigint, lost bigint, abandoned bigint, won_amount numeric, lost_amount numeric,
	win_rate numeric)
LANGUAGE sql STABLE AS $$
	WITH c AS (
		SELECT count(*) FILTER (WHERE o.status = 'won') AS won,
			count(*) FILTER (WHERE o.status = 'lost') AS lost,
			count(*) FILTER (WHERE o.status = 'abandoned') AS abandoned,
			coalesce(sum(o.amount) FILTER (WHERE o.status = 'won'), 0) AS won_amount,
			coalesce(sum(o.amount) FILTER (WHERE o.status = 'lost'), 0) AS lost_amount
		FROM crm.opportunity o
		WHERE o.status <> 'open' AND crm.an_in(o.closed_on, p_from, p_to)
			AND (p_mode IS NULL OR o.mode_id = p_mode)
			AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	)
	SELECT c.won, c.lost, c.abandoned, round(c.won_amount, 2), round(c.lost_amount, 2),
		CASE WHEN c.won + c.lost > 0 THEN round(c.won::numeric / (c.won + c.lost), 4) END
	FROM c
$$;

-- The forecast by month: open opportunities by expected close month (their
-- count, the unweighted pipeline and Σ weighted amount = the forecast), with
-- the won ones by closing month beside it; lost and abandoned ones are left
-- out. p_mode NULL: every mode.
CREATE FUNCTION crm.an_forecast(p_from date, p_to date, p_owners bigint[], p_mode bigint)
RETURNS TABLE (month text, open bigint, pipeline numeric, forecast numeric, won bigint, won_amount numeric)
LANGUAGE sql STABLE AS $$
	WITH x AS (
		SELECT date_trunc('month', o.expected_close_on) AS m, 1 AS n_open, o.amount AS pipe,
			crm.an_weighted(o.amount, coalesce(o.probability, st.probability)) AS w, 0 AS n_won,
			0::numeric AS won_amt
		FROM crm.opportunity o JOIN crm.sales_stage st ON st.mode_id = o.mode_id AND st.seq = o.stage_seq
		WHERE o.status = 'open' AND o.expected_close_on IS NOT NULL
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
	FROM x GROUP BY x.m ORDER BY x.m
$$;

-- ---------------------------------------------------------------- rankings

-- Sales by product over the order lines of orders placed in the period:
-- revenue = Σ quantity × price, profit = Σ quantity × (price − cost), the
-- line's cost or else the product's (none known: 0). One scan of the lines,
-- which both rankings group.
CREATE FUNCTION crm.an_product_sales(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (product_id bigint, category_id bigint, quantity numeric, revenue numeric, profit numeric)
LANGUAGE sql STABLE AS $$
	-- the product's cost applies to the lines without one of their own
	SELECT p.id, p.category_id, s.q, s.rev, s.rev - coalesce(s.line_cost, 0) - coalesce(s.q_nocost, 0) * coalesce(p.cost, 0)
	FROM (SELECT l.product_id, sum(l.quantity) AS q, sum(l.quantity * l.price) AS rev,
			sum(l.quantity * l.cost) AS line_cost, sum(l.quantity) FILTER (WHERE l.cost IS NULL) AS q_nocost
		FROM (
			-- without a period or salespeople every line counts: no need to
			-- join the orders (PostgreSQL plans with the parameters' values and
			-- drops the branch whose condition is false)
			SELECT l.product_id, l.quantity, l.price, l.cost FROM crm.order_line l
			WHERE p_from IS NULL AND p_to IS NULL AND p_owners IS NULL
			UNION ALL
			SELECT l.product_id, l.quantity, l.price, l.cost
			FROM crm.order_line l JOIN crm.sales_order o ON o.id = l.order_id
			WHERE NOT (p_from IS NULL AND p_to IS NULL AND p_owners IS NULL)
				AND crm.an_in(o.ordered_on, p_from, p_to) AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
		) l
		GROUP BY l.product_id) s
	JOIN crm.product p ON p.id = s.product_id
$$;

-- 产品销售排名: products by revenue; share = revenue / all products'
-- revenue, also when only the top p_top (0: all) are listed.
CREATE FUNCTION crm.an_products(p_from date, p_to date, p_owners bigint[], p_top integer)
RETURNS TABLE (rank bigint, product_code text, product_name text, quantity numeric, revenue numeric,
	profit numeric, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT rank() OVER (ORDER BY s.revenue DESC), p.code::text, p.name::text, s.quantity, round(s.revenue, 2),
		round(s.profit, 2),
		CASE WHEN sum(s.revenue) OVER () > 0 THEN round(s.revenue / sum(s.revenue) OVER (), 4) ELSE 0 END
	FROM crm.an_product_sales(p_from, p_to, p_owners) s JOIN crm.product p ON p.id = s.product_id
	ORDER BY s.revenue DESC, p.code
	LIMIT CASE WHEN p_top > 0 THEN p_top END
$$;

-- 产品类销售排名: the same by product category (a product with none:
-- category NULL).
CREATE FUNCTION crm.an_categories(p_from date, p_to date, p_owners bigint[], p_top integer)
RETURNS TABLE (rank bigint, category_code text, category_name text, quantity numeric, revenue numeric,
	profit numeric, share numeric)
LANGUAGE sql STABLE AS $$
	WITH s AS (
		SELECT s.category_id, sum(s.quantity) AS quantity, sum(s.revenue) AS revenue, sum(s.profit) AS profit
		FROM crm.an_product_sales(p_from, p_to, p_owners) s GROUP BY s.category_id
	)
	SELECT rank() OVER (ORDER BY s.revenue DESC), k.code::text, k.name::text, s.quantity, round(s.revenue, 2),
		round(s.profit, 2),
		CASE WHEN sum(s.revenue) OVER () > 0 THEN round(s.revenue / sum(s.revenue) OVER (), 4) ELSE 0 END
	FROM s LEFT JOIN crm.product_category k ON k.id = s.category_id
	ORDER BY s.revenue DESC, k.code NULLS LAST
	LIMIT CASE WHEN p_top > 0 THEN p_top END
$$;

-- ----------------------------------------------------------------- intents

-- The workflow orders of the status sets, for sorting.
CREATE FUNCTION crm.an_status_order(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_position(ARRAY['new', 'following', 'converted', 'invalid', 'unconfirmed', 'confirmed',
		'closed', 'assigned', 'processing', 'resolved', 'verified', 'reopened', 'planned', 'done',
		'cancelled', 'open', 'won', 'lost', 'abandoned'], status)
$$;

-- Intent customers (leads) created in the period by status and source.
CREATE FUNCTION crm.an_leads(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (status text, source text, leads bigint)
LANGUAGE sql STABLE AS $$
	SELECT l.status, l.source::text, count(*)
	FROM crm.lead l
	WHERE crm.an_in(l.created_on, p_from, p_to) AND (p_owners IS NULL OR l.owner_id = ANY (p_owners))
	GROUP BY l.status, l.source
	ORDER BY crm.an_status_order(l.status), count(*) DESC, l.source NULLS LAST
$$;

-- Product intents created in the period by product and status; an intent
-- belongs to its customer's owner, or its lead's.
CREATE FUNCTION crm.an_product_intents(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (product_code text, product_name text, status text, intents bigint, quantity numeric)
LANGUAGE sql STABLE AS $$
	SELECT p.code::text, p.name::text, i.status, count(*), coalesce(sum(i.quantity), 0)
	FROM crm.product_intent i JOIN crm.product p ON p.id = i.product_id
		LEFT JOIN crm.customer c ON c.id = i.customer_id LEFT JOIN crm.lead l ON l.id = i.lead_id
	WHERE crm.an_in(i.created_on, p_from, p_to)
		AND (p_owners IS NULL OR coalesce(c.owner_id, l.owner_id) = ANY (p_owners))
	GROUP BY p.code, p.name, i.status
	ORDER BY p.code, crm.an_status_order(i.status)
$$;

-- 意向来源: leads and product intents created in the period by source, and
-- the share of those leads converted into customers.
CREATE FUNCTION crm.an_intent_sources(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (source text, leads bigint, converted bigint, conversion numeric, intents bigint)
LANGUAGE sql STABLE AS $$
	WITH x AS (
		SELECT l.source::text AS source, 1 AS lead, (l.status = 'converted')::int AS conv, 0 AS intent
		FROM crm.lead l
		WHERE crm.an_in(l.created_on, p_from, p_to) AND (p_owners IS NULL OR l.owner_id = ANY (p_owners))
		UNION ALL
		SELECT i.source::text, 0, 0, 1
		FROM crm.product_intent i LEFT JOIN crm.customer c ON c.id = i.customer_id
			LEFT JOIN crm.lead l ON l.id = i.lead_id
		WHERE crm.an_in(i.created_on, p_from, p_to)
			AND (p_owners IS NULL OR coalesce(c.owner_id, l.owner_id) = ANY (p_owners))
	)
	SELECT x.source, sum(x.lead), sum(x.conv),
		CASE WHEN sum(x.lead) > 0 THEN round(sum(x.conv)::numeric / sum(x.lead), 4) END, sum(x.intent)
	FROM x GROUP BY x.source
	ORDER BY sum(x.intent) DESC, sum(x.lead) DESC, x.source NULLS LAST
$$;

-- -------------------------------------------------------------- complaints

-- The complaints received in the period whose customer belongs to one of
-- the salespeople.
CREATE FUNCTION crm.an_complaint_set(p_from date, p_to date, p_owners bigint[])
RETURNS SETOF crm.complaint
LANGUAGE sql STABLE AS $$
	SELECT q.* FROM crm.complaint q
	WHERE crm.an_in(q.received_at::date, p_from, p_to)
		AND (p_owners IS NULL OR EXISTS (SELECT 1 FROM crm.customer c
			WHERE c.id = q.customer_id AND c.owner_id = ANY (p_owners)))
$$;

-- 投诉原因统计, as a Pareto: most frequent first.
CREATE FUNCTION crm.an_complaint_reasons(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (reason text, count bigint, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT q.reason::text, count(*), round(count(*)::numeric / sum(count(*)) OVER (), 4)
	FROM crm.an_complaint_set(p_from, p_to, p_owners) q
	GROUP BY q.reason ORDER BY count(*) DESC, q.reason
$$;

CREATE FUNCTION crm.an_complaint_statuses(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (status text, count bigint, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT q.status, count(*), round(count(*)::numeric / sum(count(*)) OVER (), 4)
	FROM crm.an_complaint_set(p_from, p_to, p_owners) q
	GROUP BY q.status ORDER BY crm.an_status_order(q.status)
$$;

CREATE FUNCTION crm.an_complaint_products(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (product_code text, product_name text, count bigint, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT p.code::text, p.name::text, count(*), round(count(*)::numeric / sum(count(*)) OVER (), 4)
	FROM crm.an_complaint_set(p_from, p_to, p_owners) q LEFT JOIN crm.product p ON p.id = q.product_id
	GROUP BY p.code, p.name ORDER BY count(*) DESC, p.code NULLS LAST
$$;

-- The time each workflow step took, in hours: received → assigned (the
-- complaint's assigned_at, else its first 'assigned' log entry), assigned →
-- resolved, resolved → verified, and received → resolved overall. A step
-- counts the complaints where both ends are known.
CREATE FUNCTION crm.an_complaint_steps(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (step text, complaints bigint, avg_hours numeric, median_hours numeric)
LANGUAGE sql STABLE AS $$
	WITH q AS (
		SELECT q.received_at, q.resolved_at, q.verified_at,
			coalesce(q.assigned_at, (SELECT min(g.at) FROM crm.complaint_log g
				WHERE g.complaint_id = q.id AND g.status = 'assigned')) AS assigned_at
		FROM crm.an_complaint_set(p_from, p_to, p_owners) q
	), d AS (
		SELECT 1 AS n, 'received → assigned' AS step, q.assigned_at - q.received_at AS t FROM q
		UNION ALL SELECT 2, 'assigned → resolved', q.resolved_at - q.assigned_at FROM q
		UNION ALL SELECT 3, 'resolved → verified', q.verified_at - q.resolved_at FROM q
		UNION ALL SELECT 4, 'received → resolved', q.resolved_at - q.received_at FROM q
	), h AS (
		SELECT d.n, d.step, extract(epoch FROM d.t) / 3600 AS hours FROM d
	)
	SELECT h.step, count(h.hours), round(avg(h.hours), 2),
		round(percentile_cont(0.5) WITHIN GROUP (ORDER BY h.hours)::numeric, 2)
	FROM h GROUP BY h.n, h.step ORDER BY h.n
$$;

-- -------------------------------------------------------------- activities

-- Activities planned in the period (an unplanned one only without a
-- period); overdue = still planned and its time has passed.
CREATE FUNCTION crm.an_activity_set(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (type text, owner_id bigint, status text, overdue boolean)
LANGUAGE sql STABLE AS $$
	SELECT a.type::text, a.owner_id, a.status, a.status = 'planned' AND a.planned_at < now()
	FROM crm.activity a
	WHERE crm.an_in(a.planned_at::date, p_from, p_to) AND (p_owners IS NULL OR a.owner_id = ANY (p_owners))
$$;

CREATE FUNCTION crm.an_activity_types(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (type text, count bigint, planned bigint, done bigint, cancelled bigint, overdue bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.type, count(*), count(*) FILTER (WHERE a.status = 'planned'),
		count(*) FILTER (WHERE a.status = 'done'), count(*) FILTER (WHERE a.status = 'cancelled'),
		count(*) FILTER (WHERE a.overdue)
	FROM crm.an_activity_set(p_from, p_to, p_owners) a
	GROUP BY a.type ORDER BY count(*) DESC, a.type
$$;

CREATE FUNCTION crm.an_activity_owners(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (owner_code text, owner_name text, count bigint, planned bigint, done bigint, cancelled bigint,
	overdue bigint)
LANGUAGE sql STABLE AS $$
	SELECT s.code::text, s.name::text, count(*), count(*) FILTER (WHERE a.status = 'planned'),
		count(*) FILTER (WHERE a.status = 'done'), count(*) FILTER (WHERE a.status = 'cancelled'),
		count(*) FILTER (WHERE a.overdue)
	FROM crm.an_activity_set(p_from, p_to, p_owners) a LEFT JOIN crm.salesperson s ON s.id = a.owner_id
	GROUP BY s.code, s.name ORDER BY count(*) DESC, s.code NULLS LAST
$$;

CREATE FUNCTION crm.an_activity_statuses(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (status text, count bigint, overdue bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.status, count(*), count(*) FILTER (WHERE a.overdue)
	FROM crm.an_activity_set(p_from, p_to, p_owners) a
	GROUP BY a.status ORDER BY crm.an_status_order(a.status)
$$;

-- ----------------------------------------------------------- opportunities

-- 失败原因分析: the opportunities lost in the period by fail reason.
CREATE FUNCTION crm.an_fail_reasons(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (fail_reason text, lost bigint, amount numeric, share numeric)
LANGUAGE sql STABLE AS $$
	SELECT o.fail_reason::text, count(*), round(sum(o.amount), 2),
		round(count(*)::numeric / sum(count(*)) OVER (), 4)
	FROM crm.opportunity o
	WHERE o.status = 'lost' AND crm.an_in(o.closed_on, p_from, p_to)
		AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	GROUP BY o.fail_reason ORDER BY count(*) DESC, o.fail_reason NULLS LAST
$$;

-- 商机竞争分析: per competitor, the opportunities closed in the period that
-- it won from us (share: of all lost ones), those it was recorded competing
-- for, and how many of those we won.
CREATE FUNCTION crm.an_competitors(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (competitor_code text, competitor_name text, won_from_us bigint, amount numeric, share numeric,
	competed bigint, we_won bigint)
LANGUAGE sql STABLE AS $$
	WITH o AS MATERIALIZED (
		SELECT o.id, o.status, o.amount, o.winning_competitor_id FROM crm.opportunity o
		WHERE o.status IN ('won', 'lost') AND crm.an_in(o.closed_on, p_from, p_to)
			AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	), met AS (
		-- each competitor an opportunity met: its winner, and those recorded against it
		SELECT o.id, o.status, o.amount, o.winning_competitor_id AS k, false AS listed
		FROM o WHERE o.winning_competitor_id IS NOT NULL
		UNION ALL
		SELECT o.id, o.status, o.amount, oc.competitor_id, true
		FROM o JOIN crm.opportunity_competitor oc ON oc.opportunity_id = o.id
	), x AS (
		SELECT met.k,
			count(*) FILTER (WHERE NOT met.listed AND met.status = 'lost') AS won_from_us,
			coalesce(sum(met.amount) FILTER (WHERE NOT met.listed AND met.status = 'lost'), 0) AS amount,
			count(DISTINCT met.id) AS competed,
			count(DISTINCT met.id) FILTER (WHERE met.listed AND met.status = 'won') AS we_won
		FROM met GROUP BY met.k
	), lost AS (
		SELECT count(*) AS n FROM o WHERE o.status = 'lost'
	)
	SELECT k.code::text, k.name::text, x.won_from_us, round(x.amount, 2),
		CASE WHEN lost.n > 0 THEN round(x.won_from_us::numeric / lost.n, 4) ELSE 0 END, x.competed, x.we_won
	FROM x JOIN crm.competitor k ON k.id = x.k CROSS JOIN lost
	ORDER BY x.won_from_us DESC, x.competed DESC, k.code
$$;

-- Opportunities by status: closed in the period, or open (created by its end).
CREATE FUNCTION crm.an_opportunity_statuses(p_from date, p_to date, p_owners bigint[])
RETURNS TABLE (status text, count bigint, amount numeric)
LANGUAGE sql STABLE AS $$
	SELECT o.status, count(*), round(sum(o.amount), 2)
	FROM crm.opportunity o
	WHERE CASE WHEN o.status = 'open' THEN p_to IS NULL OR o.created_on <= p_to
		ELSE crm.an_in(o.closed_on, p_from, p_to) END
		AND (p_owners IS NULL OR o.owner_id = ANY (p_owners))
	GROUP BY o.status ORDER BY crm.an_status_order(o.status)
$$;

-- ----------------------------------------------------------------- indexes

-- periods are by these dates; the rankings find a period's orders by
-- sales_order (ordered_on), which 001 has
CREATE INDEX ON crm.opportunity (created_on);
CREATE INDEX ON crm.opportunity (closed_on) WHERE status <> 'open';
CREATE INDEX ON crm.opportunity (winning_competitor_id);
CREATE INDEX ON crm.opportunity_competitor (competitor_id);
CREATE INDEX ON crm.lead (created_on);
CREATE INDEX ON crm.product_intent (created_on);
CREATE INDEX ON crm.complaint (received_at);
CREATE INDEX ON crm.complaint_log (complaint_id, status);
CREATE INDEX ON crm.activity (planned_at);

-- Every report function is the users' to call; row-level security decides
-- what it reads.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'crm' AND p.proname LIKE 'an\_%' LOOP
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO crmgate_app', f);
	END LOOP;
END
$$;
