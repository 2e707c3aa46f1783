-- 021_survey_templates.sql - questionnaires (调查表模版, SPEC section 6).
--
-- A survey template is stored after crmgate has parsed its file
-- (survey/template.c): the file as given, and the questionnaire it says, in
-- rows that the later parts join to: a response's answers will name a
-- question (template_id, number) and, for a choice, an option (template_id,
-- question, label), so that results are GROUP BYs over these keys.
--
-- A template is changed only as a whole (replaced or deleted, never edited
-- in place): crmgate deletes its rows and stores the new ones in one
-- transaction. Everyone may read them; those who keep reference data
-- (admins, customer admins, sales managers, marketers) change them, as with
-- document templates (sql/003).

CREATE TABLE crm.survey_template (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name crm.oneline NOT NULL UNIQUE CHECK (name <> '' AND length(name) <= 200),
	title crm.oneline NOT NULL CHECK (title <> ''),
	intro text NOT NULL DEFAULT '', -- the lines before question 1
	source text NOT NULL,		-- the file as it was given
	created_by text DEFAULT crm.current_login(),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crm.survey_question (
	template_id bigint NOT NULL REFERENCES crm.survey_template ON DELETE CASCADE,
	number integer NOT NULL CHECK (number BETWEEN 1 AND 200),
	type text NOT NULL CHECK (type IN ('single', 'multi', 'rating', 'number', 'text')),
	text crm.oneline NOT NULL CHECK (text <> ''),
	required boolean NOT NULL DEFAULT false,
	max_choices integer CHECK (max_choices >= 1), -- multi: the most options chosen
	lo bigint, -- rating: the scale's low end; number: the lowest value allowed
	hi bigint, -- rating: the scale's top; number: the highest value allowed
	PRIMARY KEY (template_id, number),
	CHECK (max_choices IS NULL OR type = 'multi'),
	CHECK (type <> 'rating' OR (lo IS NOT NULL AND hi IS NOT NULL)),
	CHECK (type IN ('rating', 'number') OR (lo IS NULL AND hi IS NULL)),
	CHECK (lo IS NULL OR hi IS NULL OR lo < hi)
);

CREATE TABLE crm.survey_option (
	template_id bigint NOT NULL,
	question integer NOT NULL,
	label text NOT NULL CHECK (label ~ '^[A-Z]$'),
	text crm.oneline NOT NULL CHECK (text <> ''),
	other boolean NOT NULL DEFAULT false, -- the respondent may write their own text
	PRIMARY KEY (template_id, question, label),
	FOREIGN KEY (template_id, question) REFERENCES crm.survey_question ON DELETE CASCADE
);

GRANT SELECT, INSERT, UPDATE, DELETE ON crm.survey_template, crm.survey_question, crm.survey_option TO crmgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA crm TO crmgate_app;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['survey_template', 'survey_question', 'survey_option'] LOOP
		EXECUTE format('ALTER TABLE crm.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY read_all ON crm.%I FOR SELECT TO crmgate_app USING (true)', t);
		EXECUTE format('CREATE POLICY keepers_write ON crm.%I FOR ALL TO crmgate_app'
			' USING ((SELECT crm.keeps_reference_data())) WITH CHECK ((SELECT crm.keeps_reference_data()))', t);
	END LOOP;
END
$$;
