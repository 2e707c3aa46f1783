-- 013_store_rules.sql - rules of the store (issue 10): every change of a
-- customer's owner is recorded, loops in reporting lines and trees are found
-- in linear time, and the birthday rules are inlined into the filters that
-- use them.

-- ------------------------------------------------------ the owner's history

-- Every change of a customer's owner is recorded (客户分配), whichever
-- command makes it. Until now crm.move_customer wrote the history beside its
-- UPDATE, so that 'customer edit CODE owner_code=S2', 'import customer
-- --update' and a plain SQL UPDATE changed the owner without a trace. The record is now written by
-- one trigger on the customer table, and crm.move_customer only decides who
-- may move what and changes the owner.

-- Who made the change: the --as login, else the database user. The history
-- is written by triggers alone (crmgate_app may not insert into it), so the
-- function runs as its owner.
CREATE FUNCTION crm.customer_track_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	INSERT INTO crm.customer_assignment (customer_id, action, from_salesperson_id, to_salesperson_id, by_login)
	VALUES (NEW.id, CASE WHEN NEW.owner_id IS NULL THEN 'reclaim' ELSE 'assign' END, OLD.owner_id, NEW.owner_id,
		coalesce(crm.current_login(), session_user));
	RETURN NULL;
END
$$;

-- A new customer's first owner is part of the record, not a move: only
-- updates are tracked (a restore or an import does not invent history).
CREATE TRIGGER customer_track_owner AFTER UPDATE OF owner_id ON crm.customer
	FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
	EXECUTE FUNCTION crm.customer_track_owner();

-- As in 002_security.sql, less the history it wrote itself: the trigger
-- records the move. Giving a customer to the salesperson who has it already
-- changes nothing and so records nothing.
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
	ELSE
		UPDATE crm.customer SET owner_id = sp WHERE id = cust_id;
	END IF;
	RETURN 'ok';
END
$$;

-- ------------------------------------------------- loops in reporting lines

-- An import refuses a reporting line (or a region, category or department
-- tree) that leads back to where it started. It used to walk up from every
-- row with a recursive query that kept each walk's path: a chain of n rows
-- cost n walks of up to n steps, each copying its path, and a chain of 3,000
-- filled the server's disk with temporary files. Here each node is visited
-- once, whatever the shape of the links.

-- The nodes that lie on a cycle of the links p_parent, where node i (1 to
-- n) links to node p_parent[i] (NULL or out of range: to no node of the
-- set). Every node has at most one link, so each walk up either ends, runs
-- into a node an earlier walk visited (and whose fate is known), or runs into
-- itself: then the nodes from that point round to it again are a cycle, and
-- each is returned once. O(n) time, two integer arrays of n.
CREATE FUNCTION crm.cycle_nodes(p_parent integer[]) RETURNS SETOF integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
	parent integer[] := p_parent; -- a variable is updated and read in place, a parameter is not
	n integer := coalesce(cardinality(p_parent), 0);
	walk integer[] := array_fill(0, ARRAY[n]); -- the walk that visited each node, 0 for none yet
	w integer := 0;
	j integer;
	first integer;
BEGIN
	FOR i IN 1..n LOOP
		CONTINUE WHEN walk[i] <> 0;
		w := w + 1;
		j := i;
		WHILE j IS NOT NULL AND walk[j] = 0 LOOP
			walk[j] := w;
			j := parent[j];
		END LOOP;
		-- back at a node of this very walk: a cycle
		IF j IS NOT NULL AND walk[j] = w THEN
			first := j;
			LOOP
				RETURN NEXT j;
				j := parent[j];
				EXIT WHEN j = first;
			END LOOP;
		END IF;
	END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION crm.cycle_nodes(integer[]) TO crmgate_app;

-- ------------------------------------------------------ birthdays, inlined

-- "birthday within 7 days" (crm/filter.c) asks crm.next_birthday of every
-- contact. As 001_core.sql wrote them (a CTE, STRICT) these functions cannot
-- be inlined, and each call runs as a function of its own: 2,000,000
-- contacts (1,000,000 customers) took 209 s, a filter no command could wait
-- for. The same rules as single expressions, which PostgreSQL inlines into
-- the query: 6.5 s. (Not STRICT, which would stop the inlining of a CASE:
-- a NULL birthday or day still gives NULL.)

-- Birthday b's day in year: 29 February falls on 28 February in other years.
CREATE OR REPLACE FUNCTION crm.anniversary(b date, year int) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN b IS NULL OR year IS NULL THEN NULL
		WHEN crm.valid_ymd(year, extract(month FROM b)::int, extract(day FROM b)::int)
		THEN make_date(year, extract(month FROM b)::int, extract(day FROM b)::int)
		ELSE make_date(year, 2, 28) END
$$;

-- The next anniversary of birthday b on or after day today.
CREATE OR REPLACE FUNCTION crm.next_birthday(b date, today date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN b IS NULL OR today IS NULL THEN NULL
		WHEN crm.anniversary(b, extract(year FROM today)::int) >= today
		THEN crm.anniversary(b, extract(year FROM today)::int)
		ELSE crm.anniversary(b, extract(year FROM today)::int + 1) END
$$;
