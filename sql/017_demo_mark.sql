-- 017_demo_mark.sql - what the demo may throw away. `crmgate demo` empties the
-- database before it fills it with generated records; it may do so only when
-- every record there is its own. A row is someone else's when neither a
-- migration wrote it (its xmin is not the transaction of one of the rows of
-- crm.schema_migrations, which each migration writes in its own transaction)
-- nor the demo (the demo marks the database after each of its steps, and a
-- row of the demo's is older than the newest mark). A database the demo never
-- marked is someone else's as soon as it holds one row no migration wrote.
--
-- "Older" compares transaction ids by their age. Past a wraparound the mark
-- is frozen, and every live row counts as newer: the demo then asks, which is
-- the safe way to be wrong.

CREATE TABLE crm.demo_mark (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	marked_at timestamptz NOT NULL DEFAULT now()
);

-- Tables that change by themselves, or only follow from others: the token
-- buckets, the mailbox's last UID, the generated link secret, the outbox
-- (its rows come from campaigns, which count), and the bookkeeping.
CREATE FUNCTION crm.demo_foreign_table() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	migrations text[];
	mark_age integer;
	t name;
	found boolean;
BEGIN
	SELECT array_agg(xmin::text) INTO migrations FROM crm.schema_migrations;
	SELECT age(xmin) INTO mark_age FROM crm.demo_mark;
	FOR t IN
		SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
			AND c.relname NOT IN ('schema_migrations', 'demo_mark', 'rate_bucket', 'mailbox_state',
				'serve_secret', 'outbox')
		ORDER BY c.relname
	LOOP
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM crm.%I'
			' WHERE xmin::text <> ALL ($1) AND ($2 IS NULL OR age(xmin) < $2))', t)
			INTO found USING migrations, mark_age;
		IF found THEN
			RETURN t;
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;

CREATE FUNCTION crm.demo_mark() RETURNS void
LANGUAGE sql AS $$
	INSERT INTO crm.demo_mark DEFAULT VALUES
	ON CONFLICT (one) DO UPDATE SET marked_at = now();
$$;

-- After a restore every row has the restore's transaction, as does each row
-- of crm.schema_migrations: they would all pass for a migration's. Give the
-- migrations' rows a transaction of their own and drop the mark, so that
-- what was restored counts as someone else's.
CREATE FUNCTION crm.demo_forget() RETURNS void
LANGUAGE sql AS $$
	DELETE FROM crm.demo_mark;
	UPDATE crm.schema_migrations SET applied_at = applied_at;
$$;
