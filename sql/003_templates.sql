-- 003_templates.sql - document templates kept in the database (SPEC section 4).
--
-- A template is stored after crmgate has checked it: the bytes of the .docx
-- (or the text of an e-mail or SMS template), what it was checked against,
-- and who stored it when. Everyone may read them; those who keep reference
-- data (admins, customer admins, sales managers, marketers) change them.

CREATE TABLE crm.document_template (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name crm.oneline NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
	kind text NOT NULL CHECK (kind IN ('docx', 'txt', 'html')),
	targets text, -- the entity its fields were checked against, if one was named
	fields integer NOT NULL DEFAULT 0 CHECK (fields >= 0),
	content bytea NOT NULL,
	bytes integer GENERATED ALWAYS AS (octet_length(content)) STORED,
	sha256 text GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
	created_by text DEFAULT crm.current_login(),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_by text DEFAULT crm.current_login(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.document_template TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;

ALTER TABLE crm.document_template ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON crm.document_template FOR SELECT TO crmgate_app USING (true);
CREATE POLICY keepers_write ON crm.document_template FOR ALL TO crmgate_app
	USING ((SELECT crm.keeps_reference_data())) WITH CHECK ((SELECT crm.keeps_reference_data()));
