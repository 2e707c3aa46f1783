-- 002_security.sql - users' data permissions by row-level security (SPEC section 2).
--
-- A command run with --as LOGIN sets crmgate.login and switches to the role
-- crmgate_app, to which every policy below applies. A salesperson sees the
-- customers they own and everything under them; a sales manager sees those of
-- their department and the departments below it; every other role sees all.
-- Without --as a command runs as the database owner, whom RLS does not limit.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crmgate_app') THEN
		CREATE ROLE crmgate_app NOLOGIN;
	END IF;
	-- the owner must be able to SET ROLE crmgate_app
	IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		EXECUTE format('GRANT crmgate_app TO %I', current_user);
	END IF;
END
$$;

GRANT USAGE ON SCHEMA crm TO crmgate_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;
-- (no default privileges: each later migration grants its own tables, with
-- their row-level security, so that no table is ever open by accident)
-- password hashes are for the login check alone
REVOKE ALL ON crm.app_user FROM crmgate_app;
GRANT SELECT (id, login, name, role, salesperson_id) ON crm.app_user TO crmgate_app;
REVOKE ALL ON crm.schema_migrations FROM crmgate_app;
GRANT SELECT ON crm.schema_migrations TO crmgate_app;
-- histories are written by triggers and crm.move_customer, never by hand
REVOKE INSERT, UPDATE, DELETE ON crm.opportunity_stage_history, crm.complaint_log, crm.customer_assignment
	FROM crmgate_app;
ALTER FUNCTION crm.opportunity_track_stage() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION crm.complaint_track_status() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- Who is asking. These read crm.app_user as its owner (SECURITY DEFINER), and
-- policies call them as "(SELECT f())" so each runs once per query, not per row.
CREATE FUNCTION crm.current_login() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT nullif(current_setting('crmgate.login', true), '')
$$;

CREATE FUNCTION crm.current_role_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT u.role FROM crm.app_user u WHERE u.login = crm.current_login()
$$;

-- Does the current user see every customer?
CREATE FUNCTION crm.sees_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT u.role NOT IN ('salesperson', 'sales_manager')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

-- The salespeople whose customers the current user sees: themselves, or for
-- a sales manager everyone in their department and the departments below it.
CREATE FUNCTION crm.visible_owners() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	WITH RECURSIVE me AS (
		SELECT u.role, u.salesperson_id, s.department_id
		FROM crm.app_user u LEFT JOIN crm.salesperson s ON s.id = u.salesperson_id
		WHERE u.login = crm.current_login()
	), tree(id) AS (
		SELECT department_id FROM me WHERE role = 'sales_manager' AND department_id IS NOT NULL
		UNION
		SELECT d.id FROM crm.department d JOIN tree ON d.parent_id = tree.id
	)
	SELECT coalesce(array_agg(DISTINCT x), '{}') FROM (
		SELECT salesperson_id AS x FROM me WHERE salesperson_id IS NOT NULL
		UNION ALL
		SELECT s.id FROM crm.salesperson s WHERE s.department_id IN (SELECT id FROM tree)
	) ids
$$;

ALTER TABLE crm.customer ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_owner ON crm.customer TO crmgate_app
	USING ((SELECT crm.sees_all()) OR owner_id = ANY ((SELECT crm.visible_owners())::bigint[]));

ALTER TABLE crm.lead ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_owner ON crm.lead TO crmgate_app
	USING ((SELECT crm.sees_all()) OR owner_id = ANY ((SELECT crm.visible_owners())::bigint[]));

-- Everything under a customer follows the customer (whose own policy applies
-- inside these subqueries).
ALTER TABLE crm.contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.contact TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));

ALTER TABLE crm.customer_assignment ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.customer_assignment TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));

ALTER TABLE crm.lead_contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_lead ON crm.lead_contact TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.lead l WHERE l.id = lead_id));

ALTER TABLE crm.product_intent ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer_or_lead ON crm.product_intent TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id)
		OR EXISTS (SELECT 1 FROM crm.lead l WHERE l.id = lead_id));

ALTER TABLE crm.opportunity ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.opportunity TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));

ALTER TABLE crm.opportunity_competitor ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_opportunity ON crm.opportunity_competitor TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.opportunity o WHERE o.id = opportunity_id));
ALTER TABLE crm.opportunity_team ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_opportunity ON crm.opportunity_team TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.opportunity o WHERE o.id = opportunity_id));
ALTER TABLE crm.opportunity_stage_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_opportunity ON crm.opportunity_stage_history TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.opportunity o WHERE o.id = opportunity_id));

ALTER TABLE crm.sales_order ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.sales_order TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));

ALTER TABLE crm.order_line ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_order ON crm.order_line TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.sales_order o WHERE o.id = order_id));
ALTER TABLE crm.delivery ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_order ON crm.delivery TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.sales_order o WHERE o.id = order_id));

ALTER TABLE crm.invoice ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.invoice TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));
ALTER TABLE crm.receipt ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.receipt TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));

-- an activity follows its customer; one with no customer (a lead's) its owner
ALTER TABLE crm.activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer_or_owner ON crm.activity TO crmgate_app
	USING (CASE WHEN customer_id IS NOT NULL
		THEN EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id)
		ELSE (SELECT crm.sees_all()) OR owner_id = ANY ((SELECT crm.visible_owners())::bigint[]) END);

-- an expense follows what it is charged to; one charged to a salesperson alone, them
ALTER TABLE crm.expense ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_charged_to ON crm.expense TO crmgate_app
	USING (CASE WHEN num_nonnulls(customer_id, opportunity_id, activity_id) > 0
		THEN (customer_id IS NULL OR EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id))
			AND (opportunity_id IS NULL OR EXISTS (SELECT 1 FROM crm.opportunity o WHERE o.id = opportunity_id))
			AND (activity_id IS NULL OR EXISTS (SELECT 1 FROM crm.activity a WHERE a.id = activity_id))
		ELSE (SELECT crm.sees_all()) OR salesperson_id = ANY ((SELECT crm.visible_owners())::bigint[]) END);

ALTER TABLE crm.complaint ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_customer ON crm.complaint TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.customer c WHERE c.id = customer_id));
ALTER TABLE crm.complaint_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_complaint ON crm.complaint_log TO crmgate_app
	USING (EXISTS (SELECT 1 FROM crm.complaint c WHERE c.id = complaint_id));

-- Reference data (the organisation, categories, regions, products, sales
-- modes, competitors) is read by everyone and changed only by those who keep
-- it: admins, customer admins, sales managers and marketers.
CREATE FUNCTION crm.keeps_reference_data() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT u.role IN ('admin', 'customer_admin', 'sales_manager', 'marketer')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

-- The organisation decides what sales managers see: only admins and
-- customer admins change it.
CREATE FUNCTION crm.keeps_organisation() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT u.role IN ('admin', 'customer_admin')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

DO $$
DECLARE
	t text;
	keeper text;
BEGIN
	FOREACH t IN ARRAY ARRAY['department', 'salesperson', 'customer_category', 'region',
		'product_category', 'product', 'sales_mode', 'sales_stage', 'competitor'] LOOP
		EXECUTE format('ALTER TABLE crm.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY read_all ON crm.%I FOR SELECT TO crmgate_app USING (true)', t);
		keeper := CASE WHEN t IN ('department', 'salesperson') THEN 'crm.keeps_organisation()'
			ELSE 'crm.keeps_reference_data()' END;
		EXECUTE format('CREATE POLICY keepers_write ON crm.%I FOR ALL TO crmgate_app USING ((SELECT %s))'
			' WITH CHECK ((SELECT %s))', t, keeper, keeper);
	END LOOP;
END
$$;

-- Passwords: salted bcrypt hashes from pgcrypto, checked by crm.check_password.
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE FUNCTION crm.hash_password(pw text) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN pw IS NULL OR pw = '' THEN NULL ELSE public.crypt(pw, public.gen_salt('bf', 8)) END
$$;

CREATE FUNCTION crm.check_password(who text, pw text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT u.password_hash IS NOT NULL AND u.password_hash = public.crypt(pw, u.password_hash)
		FROM crm.app_user u WHERE u.login = who), false)
$$;

-- 客户分配: give a customer to a salesperson, or take it back, and record it.
-- Admins and customer admins move any customer; a sales manager moves those
-- of their department (or unassigned ones) within their department; the
-- database owner anything. Returns 'ok', 'no customer', 'no salesperson',
-- 'not theirs' (reclaim from someone who does not have it) or 'denied'.
CREATE FUNCTION crm.move_customer(customer_code text, salesperson_code text, action text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	cust_id bigint;
	owner bigint;
	sp bigint;
	who text := crm.current_login();
	role text := crm.current_role_name();
	limited boolean := current_setting('role') = 'crmgate_app';
BEGIN
	SELECT id, owner_id INTO cust_id, owner FROM crm.customer WHERE code = customer_code FOR UPDATE;
	IF cust_id IS NULL THEN
		RETURN 'no customer';
	END IF;
	SELECT id INTO sp FROM crm.salesperson WHERE code = salesperson_code;
	IF sp IS NULL THEN
		RETURN 'no salesperson';
	END IF;
	IF limited AND NOT (coalesce(role IN ('admin', 'customer_admin'), false)
		OR (role = 'sales_manager' AND sp = ANY (crm.visible_owners())
			AND (owner IS NULL OR owner = ANY (crm.visible_owners())))) THEN
		RETURN 'denied';
	END IF;
	IF action = 'reclaim' THEN
		IF owner IS DISTINCT FROM sp THEN
			RETURN 'not theirs';
		END IF;
		UPDATE crm.customer SET owner_id = NULL WHERE id = cust_id;
		INSERT INTO crm.customer_assignment (customer_id, action, from_salesperson_id, to_salesperson_id, by_login)
		VALUES (cust_id, 'reclaim', sp, NULL, coalesce(who, session_user));
	ELSE
		UPDATE crm.customer SET owner_id = sp WHERE id = cust_id;
		INSERT INTO crm.customer_assignment (customer_id, action, from_salesperson_id, to_salesperson_id, by_login)
		VALUES (cust_id, 'assign', owner, sp, coalesce(who, session_user));
	END IF;
	RETURN 'ok';
END
$$;
