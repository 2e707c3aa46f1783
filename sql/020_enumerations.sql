-- 020_enumerations.sql - one definition of each enumeration of sql/001 and
-- of the roles, as sql/019 did for the channels: each set is one IMMUTABLE
-- function, the CHECKs of its columns ask it, and the C reads it (the
-- import's checks and messages, the filter's values) instead of keeping a
-- copy. A set grows by CREATE OR REPLACE of its function in a new migration:
-- one place. A value taken away needs the rows that hold it changed first.
--
-- Functions, not lookup tables, for the reasons sql/019 gives: a CHECK may
-- call an IMMUTABLE function (PostgreSQL folds it to a constant once per
-- statement), and a table read by a CHECK would be a function that lies
-- about being immutable and could break a dump's restore.

-- The statuses, each in its workflow order (the order messages list them).
CREATE FUNCTION crm.customer_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['potential', 'active', 'inactive']
$$;

CREATE FUNCTION crm.genders() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['男', '女', 'M', 'F']
$$;

CREATE FUNCTION crm.lead_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['new', 'following', 'converted', 'invalid']
$$;

CREATE FUNCTION crm.intent_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['unconfirmed', 'confirmed', 'converted', 'closed']
$$;

CREATE FUNCTION crm.opportunity_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['open', 'won', 'lost', 'abandoned']
$$;

CREATE FUNCTION crm.activity_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['planned', 'done', 'cancelled']
$$;

CREATE FUNCTION crm.complaint_statuses() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT ARRAY['new', 'assigned', 'processing', 'resolved', 'verified', 'reopened']
$$;

-- The roles and what each may do, one row a role, in the order lists show
-- them. A right is named for the function or rule that asks it:
--   sees_all              sees every customer (crm.sees_all)
--   sees_department       sees the customers of their department and those
--                         below it, and moves them within it (crm.visible_owners,
--                         crm.move_customer)
--   moves_any_customer    gives any customer to anyone (crm.move_customer)
--   keeps_reference_data  changes categories, regions, products, sales modes...
--   keeps_organisation    changes departments and salespeople
--   runs_campaigns        creates and launches campaigns
--   keeps_value_model     changes the value model
--   needs_salesperson     works as a salesperson: the user names one
CREATE FUNCTION crm.role_rights() RETURNS TABLE (role text, rights text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	VALUES
	('admin', ARRAY['sees_all', 'moves_any_customer', 'keeps_reference_data', 'keeps_organisation',
		'runs_campaigns', 'keeps_value_model']),
	('customer_admin', ARRAY['sees_all', 'moves_any_customer', 'keeps_reference_data', 'keeps_organisation',
		'runs_campaigns']),
	('sales_manager', ARRAY['sees_department', 'keeps_reference_data', 'runs_campaigns', 'keeps_value_model',
		'needs_salesperson']),
	('salesperson', ARRAY['runs_campaigns', 'needs_salesperson']),
	('marketer', ARRAY['sees_all', 'keeps_reference_data', 'runs_campaigns']),
	('service_supervisor', ARRAY['sees_all']),
	('executive', ARRAY['sees_all'])
$$;

CREATE FUNCTION crm.roles() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_agg(r.role ORDER BY n) FROM crm.role_rights() WITH ORDINALITY r(role, rights, n)
$$;

-- May a user with role do what? False for no role (no such user) and for a
-- role that is not one.
CREATE FUNCTION crm.role_may(role text, what text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce((SELECT what = ANY (r.rights) FROM crm.role_rights() r WHERE r.role = role_may.role), false)
$$;

-- The CHECKs of sql/001 become the sets above (same names, same rows).
ALTER TABLE crm.customer DROP CONSTRAINT customer_status_check,
	ADD CONSTRAINT customer_status_check CHECK (status = ANY (crm.customer_statuses()));
ALTER TABLE crm.contact DROP CONSTRAINT contact_gender_check,
	ADD CONSTRAINT contact_gender_check CHECK (gender = ANY (crm.genders()));
ALTER TABLE crm.lead DROP CONSTRAINT lead_status_check,
	ADD CONSTRAINT lead_status_check CHECK (status = ANY (crm.lead_statuses()));
ALTER TABLE crm.lead_contact DROP CONSTRAINT lead_contact_gender_check,
	ADD CONSTRAINT lead_contact_gender_check CHECK (gender = ANY (crm.genders()));
ALTER TABLE crm.product_intent DROP CONSTRAINT product_intent_status_check,
	ADD CONSTRAINT product_intent_status_check CHECK (status = ANY (crm.intent_statuses()));
ALTER TABLE crm.opportunity DROP CONSTRAINT opportunity_status_check,
	ADD CONSTRAINT opportunity_status_check CHECK (status = ANY (crm.opportunity_statuses()));
ALTER TABLE crm.activity DROP CONSTRAINT activity_status_check,
	ADD CONSTRAINT activity_status_check CHECK (status = ANY (crm.activity_statuses()));
ALTER TABLE crm.complaint DROP CONSTRAINT complaint_status_check,
	ADD CONSTRAINT complaint_status_check CHECK (status = ANY (crm.complaint_statuses()));
ALTER TABLE crm.app_user DROP CONSTRAINT app_user_role_check,
	ADD CONSTRAINT app_user_role_check CHECK (role = ANY (crm.roles())),
	DROP CONSTRAINT app_user_check,
	ADD CONSTRAINT app_user_check CHECK (NOT crm.role_may(role, 'needs_salesperson') OR salesperson_id IS NOT NULL);

-- The workflow order of every status, for the reports' sorting (sql/008's
-- list, now the sets in the same order: leads, intents, complaints,
-- activities, opportunities; a status two sets share sorts by the first).
CREATE OR REPLACE FUNCTION crm.an_status_order(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_position(crm.lead_statuses() || crm.intent_statuses() || crm.complaint_statuses()
		|| crm.activity_statuses() || crm.opportunity_statuses(), status)
$$;

-- The functions of sql/002, 004, 009 and 013 that named roles, as they were,
-- asking the roles' rights instead.
CREATE OR REPLACE FUNCTION crm.sees_all() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT crm.role_may(u.role, 'sees_all')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

CREATE OR REPLACE FUNCTION crm.visible_owners() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	WITH RECURSIVE me AS (
		SELECT u.role, u.salesperson_id, s.department_id
		FROM crm.app_user u LEFT JOIN crm.salesperson s ON s.id = u.salesperson_id
		WHERE u.login = crm.current_login()
	), tree(id) AS (
		SELECT department_id FROM me WHERE crm.role_may(role, 'sees_department') AND department_id IS NOT NULL
		UNION
		SELECT d.id FROM crm.department d JOIN tree ON d.parent_id = tree.id
	)
	SELECT coalesce(array_agg(DISTINCT x), '{}') FROM (
		SELECT salesperson_id AS x FROM me WHERE salesperson_id IS NOT NULL
		UNION ALL
		SELECT s.id FROM crm.salesperson s WHERE s.department_id IN (SELECT id FROM tree)
	) ids
$$;

CREATE OR REPLACE FUNCTION crm.keeps_reference_data() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT crm.role_may(u.role, 'keeps_reference_data')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

CREATE OR REPLACE FUNCTION crm.keeps_organisation() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT crm.role_may(u.role, 'keeps_organisation')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

CREATE OR REPLACE FUNCTION crm.runs_campaigns() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT crm.role_may(u.role, 'runs_campaigns')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

CREATE OR REPLACE FUNCTION crm.keeps_value_model() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce((SELECT crm.role_may(u.role, 'keeps_value_model')
		FROM crm.app_user u WHERE u.login = crm.current_login()), false)
$$;

CREATE OR REPLACE FUNCTION crm.move_customer(customer_code text, salesperson_code text, action text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	cust_id bigint;
	owner bigint;
	sp bigint;
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
	IF limited AND NOT (crm.role_may(role, 'moves_any_customer')
		OR (crm.role_may(role, 'sees_department') AND sp = ANY (crm.visible_owners())
			AND (owner IS NULL OR owner = ANY (crm.visible_owners())))) THEN
		RETURN 'denied';
	END IF;
	IF action = 'reclaim' THEN
		IF owner IS DISTINCT FROM sp THEN
			RETURN 'not theirs';
		END IF;
		UPDATE crm.customer SET owner_id = NULL WHERE id = cust_id;
	ELSE
		UPDATE crm.customer SET owner_id = sp WHERE id = cust_id;
	END IF;
	RETURN 'ok';
END
$$;
