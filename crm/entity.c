/* crm/entity.c - every CRM entity described once (SPEC section 2, "Import
 * columns"). The order of the columns is the order of the CSV export. */
#include "crm/entity.h"

#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define COL(n, t, f)                                                                                                   \
	{                                                                                                              \
		.name = n, .sql = n, .type = t, .flags = f                                                             \
	}
#define KEY(n)                                                                                                         \
	{                                                                                                              \
		.name = n, .sql = n, .type = CRM_TEXT, .flags = CRM_KEY | CRM_REQUIRED                                 \
	}
#define REF(n, s, target, f)                                                                                           \
	{                                                                                                              \
		.name = n, .sql = s, .type = CRM_REF, .flags = f, .ref = target                                        \
	}
#define ENUM(n, set_fn, f)                                                                                             \
	{                                                                                                              \
		.name = n, .sql = n, .type = CRM_ENUM, .flags = f, .set = set_fn                                       \
	}
/* A column whose empty value takes the table's default (d is SQL). */
#define DFLT(n, t, d)                                                                                                  \
	{                                                                                                              \
		.name = n, .sql = n, .type = t, .dflt = d                                                              \
	}
#define STATUS(set_fn, d)                                                                                              \
	{                                                                                                              \
		.name = "status", .sql = "status", .type = CRM_ENUM, .set = set_fn, .dflt = d                          \
	}
#define ENTITY_COLUMNS(c)   .columns = c, .ncolumns = ARRAY_SIZE(c)
#define INTERNAL_COLUMNS(c) .internal = c, .ninternal = ARRAY_SIZE(c)

/* ------------------------------------------------------------ organisation */

static const struct crm_column department_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	REF("parent_code", "parent_id", "department", 0),
};
static const struct crm_entity department = {
	"department",  "crm.department", "departments 部门", ENTITY_COLUMNS(department_cols),
	.key = "code", .label = "name",	 .order = "t.code",  .parent = "parent_code",
};

static const struct crm_column salesperson_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	REF("department_code", "department_id", "department", 0),
	COL("email", CRM_EMAIL, 0),
	COL("mobile", CRM_TEXT, 0),
};
static const struct crm_entity salesperson = {
	"salesperson", "crm.salesperson", "salespeople 业务员", ENTITY_COLUMNS(salesperson_cols),
	.key = "code", .label = "name",	  .order = "t.code",
};

static const struct crm_column user_cols[] = {
	{ .name = "login", .sql = "login", .type = CRM_TEXT, .flags = CRM_KEY | CRM_REQUIRED },
	COL("name", CRM_TEXT, 0),
	ENUM("role", "crm.roles", CRM_REQUIRED),
	REF("salesperson_code", "salesperson_id", "salesperson", 0),
	{ .name = "password", .sql = "password_hash", .type = CRM_PASSWORD, .flags = CRM_NOFILTER },
};
static const struct crm_check user_checks[] = {
	{ "salesperson_code", "crm.role_may(s.role, 'needs_salesperson') AND s.salesperson_code IS NULL",
	  "'a user with role ''' || s.role || ''' needs a salesperson_code'", NULL },
};
static const struct crm_entity user = {
	"user",		 "crm.app_user",     "users 用户",	    ENTITY_COLUMNS(user_cols),		.key = "login",
	.label = "name", .order = "t.login", .checks = user_checks, .nchecks = ARRAY_SIZE(user_checks),
};

#define TREE_COLUMNS(self)                                                                                             \
	{                                                                                                              \
		KEY("code"), COL("name", CRM_TEXT, CRM_REQUIRED), REF("parent_code", "parent_id", self, 0)             \
	}

static const struct crm_column customer_category_cols[] = TREE_COLUMNS("customer-category");
static const struct crm_entity customer_category = {
	"customer-category",
	"crm.customer_category",
	"customer categories 客户分类",
	ENTITY_COLUMNS(customer_category_cols),
	.key = "code",
	.label = "name",
	.order = "t.code",
	.parent = "parent_code",
};

static const struct crm_column region_cols[] = TREE_COLUMNS("region");
static const struct crm_entity region = {
	"region",      "crm.region",	"regions 地区",	   ENTITY_COLUMNS(region_cols),
	.key = "code", .label = "name", .order = "t.code", .parent = "parent_code",
};

static const struct crm_column product_category_cols[] = TREE_COLUMNS("product-category");
static const struct crm_entity product_category = {
	"product-category",
	"crm.product_category",
	"product categories 产品分类",
	ENTITY_COLUMNS(product_category_cols),
	.key = "code",
	.label = "name",
	.order = "t.code",
	.parent = "parent_code",
};

/* ----------------------------------------------------- customers, contacts */

static const struct crm_column customer_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	COL("short_name", CRM_TEXT, 0),
	REF("category_code", "category_id", "customer-category", 0),
	REF("region_code", "region_id", "region", 0),
	COL("industry", CRM_TEXT, 0),
	STATUS("crm.customer_statuses", "'active'"),
	REF("owner_code", "owner_id", "salesperson", 0),
	COL("address", CRM_TEXT, CRM_MULTILINE),
	COL("postcode", CRM_TEXT, 0),
	COL("phone", CRM_TEXT, 0),
	COL("email", CRM_EMAIL, 0),
	DFLT("created_on", CRM_DATE, "current_date"),
};
static const struct crm_column customer_internal[] = {
	COL("credit_days", CRM_INT, 0),
	COL("credit_limit", CRM_MONEY, 0),
};
static const struct crm_entity customer = {
	"customer",    "crm.customer",	"customers 客户",  ENTITY_COLUMNS(customer_cols),
	.key = "code", .label = "name", .order = "t.code", INTERNAL_COLUMNS(customer_internal),
};

static const struct crm_column contact_cols[] = {
	KEY("code"),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	ENUM("gender", "crm.genders", 0),
	COL("title", CRM_TEXT, 0),
	COL("department", CRM_TEXT, 0),
	REF("reports_to_code", "reports_to_id", "contact", 0),
	COL("birthday", CRM_DATE, CRM_ANNUAL),
	COL("mobile", CRM_TEXT, 0),
	COL("phone", CRM_TEXT, 0),
	COL("email", CRM_EMAIL, 0),
	COL("address", CRM_TEXT, CRM_MULTILINE),
	COL("postcode", CRM_TEXT, 0),
	DFLT("email_opt_out", CRM_BOOL, "false"),
	DFLT("sms_opt_out", CRM_BOOL, "false"),
	DFLT("mail_opt_out", CRM_BOOL, "false"),
};
/* The contact reported to is one of the table (its customer cu) or of the
 * input (the customers its rows give it, from lo to hi). */
static const struct crm_check contact_checks[] = {
	{ "reports_to_code",
	  "s.reports_to_code IS NOT NULL AND s.customer_code IS NOT NULL"
	  " AND (cu.code <> s.customer_code OR cs.lo <> s.customer_code OR cs.hi <> s.customer_code)",
	  "'contact ''' || s.reports_to_code || ''' belongs to another customer'",
	  " LEFT JOIN (crm.contact cb JOIN crm.customer cu ON cu.id = cb.customer_id) ON cb.code = s.reports_to_code"
	  " LEFT JOIN (SELECT code, min(customer_code) AS lo, max(customer_code) AS hi FROM stg GROUP BY code) cs"
	  " ON cs.code = s.reports_to_code" },
};
/* a contact's owner is its customer's salesperson */
static const struct crm_via contact_vias[] = {
	{ "owner", "customer_code", "owner_code" },
};
static const struct crm_entity contact = {
	"contact",
	"crm.contact",
	"contacts 联系人",
	ENTITY_COLUMNS(contact_cols),
	.key = "code",
	.label = "name",
	.order = "t.code",
	.checks = contact_checks,
	.nchecks = ARRAY_SIZE(contact_checks),
	.vias = contact_vias,
	.nvias = ARRAY_SIZE(contact_vias),
};

/* ------------------------------------------------------------------- leads */

static const struct crm_column lead_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	COL("source", CRM_TEXT, 0),
	COL("industry", CRM_TEXT, 0),
	REF("region_code", "region_id", "region", 0),
	STATUS("crm.lead_statuses", "'new'"),
	REF("owner_code", "owner_id", "salesperson", 0),
	COL("phone", CRM_TEXT, 0),
	COL("email", CRM_EMAIL, 0),
	COL("address", CRM_TEXT, CRM_MULTILINE),
	COL("postcode", CRM_TEXT, 0),
	DFLT("created_on", CRM_DATE, "current_date"),
};
static const struct crm_column lead_internal[] = {
	REF("converted_customer_code", "converted_customer_id", "customer", 0),
};
static const struct crm_entity lead = {
	"lead",	       "crm.lead",	"intent customers 意向客户", ENTITY_COLUMNS(lead_cols),
	.key = "code", .label = "name", .order = "t.code",	     INTERNAL_COLUMNS(lead_internal),
};

static const struct crm_column lead_contact_cols[] = {
	KEY("code"),
	REF("lead_code", "lead_id", "lead", CRM_REQUIRED),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	ENUM("gender", "crm.genders", 0),
	COL("title", CRM_TEXT, 0),
	COL("birthday", CRM_DATE, CRM_ANNUAL),
	COL("mobile", CRM_TEXT, 0),
	COL("email", CRM_EMAIL, 0),
	COL("address", CRM_TEXT, CRM_MULTILINE),
	COL("postcode", CRM_TEXT, 0),
};
static const struct crm_column lead_contact_internal[] = {
	DFLT("email_opt_out", CRM_BOOL, "false"),
	DFLT("sms_opt_out", CRM_BOOL, "false"),
	DFLT("mail_opt_out", CRM_BOOL, "false"),
};
static const struct crm_entity lead_contact = {
	"lead-contact",
	"crm.lead_contact",
	"intent contacts 意向联系人",
	ENTITY_COLUMNS(lead_contact_cols),
	.key = "code",
	.label = "name",
	.order = "t.code",
	INTERNAL_COLUMNS(lead_contact_internal),
};

/* ---------------------------------------------------------------- products */

static const struct crm_column product_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	REF("category_code", "category_id", "product-category", 0),
	COL("unit", CRM_TEXT, 0),
	COL("list_price", CRM_MONEY, 0),
	COL("cost", CRM_MONEY, 0),
};
static const struct crm_entity product = {
	"product",     "crm.product",	"products 产品",   ENTITY_COLUMNS(product_cols),
	.key = "code", .label = "name", .order = "t.code",
};

static const struct crm_column intent_cols[] = {
	KEY("code"),
	REF("customer_code", "customer_id", "customer", 0),
	REF("lead_code", "lead_id", "lead", 0),
	REF("product_code", "product_id", "product", CRM_REQUIRED),
	COL("quantity", CRM_DECIMAL, 0),
	COL("expected_on", CRM_DATE, 0),
	COL("source", CRM_TEXT, 0),
	STATUS("crm.intent_statuses", "'unconfirmed'"),
	DFLT("created_on", CRM_DATE, "current_date"),
};
static const struct crm_check intent_checks[] = {
	{ "customer_code", "s.customer_code IS NULL AND s.lead_code IS NULL",
	  "'a product intent needs a customer_code or a lead_code'", NULL },
};
static const struct crm_entity intent = {
	"intent",
	"crm.product_intent",
	"product intents 产品意向",
	ENTITY_COLUMNS(intent_cols),
	.key = "code",
	.label = "code",
	.order = "t.code",
	.checks = intent_checks,
	.nchecks = ARRAY_SIZE(intent_checks),
};

/* ------------------------------------------------- sales modes and stages */

static const struct crm_column sales_mode_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
};
static const struct crm_entity sales_mode = {
	"sales-mode",  "crm.sales_mode", "sales modes 销售模式", ENTITY_COLUMNS(sales_mode_cols),
	.key = "code", .label = "name",	 .order = "t.code",
};

/* A stage is named by its mode and its number; importing stages creates (or
 * renames) their sales mode, so mode_code is resolved after that hook. */
static const struct crm_column sales_stage_cols[] = {
	REF("mode_code", "mode_id", "sales-mode", CRM_REQUIRED),
	{ .name = "mode_name",
	  .sql = "mode_name",
	  .type = CRM_TEXT,
	  .flags = CRM_REQUIRED | CRM_VIRTUAL,
	  .expr = "(SELECT m.name FROM crm.sales_mode m WHERE m.id = t.mode_id)" },
	COL("seq", CRM_INT, CRM_REQUIRED),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	COL("probability", CRM_INT, CRM_REQUIRED),
};
static const struct crm_check sales_stage_checks[] = {
	{ "probability", "CASE WHEN s.probability ~ '^-?\\d{1,9}$' THEN s.probability::int NOT BETWEEN 0 AND 100 END",
	  "'''' || s.probability || ''' is not a probability from 0 to 100'", NULL },
	{ "seq", "CASE WHEN s.seq ~ '^-?\\d{1,9}$' THEN s.seq::int < 1 END", "'a stage number starts at 1'", NULL },
	{ "seq", "count(*) OVER (PARTITION BY s.mode_code, s.seq) > 1",
	  "'stage ' || s.seq || ' of mode ''' || s.mode_code || ''' appears more than once'", NULL },
	{ "seq",
	  "EXISTS (SELECT 1 FROM crm.sales_stage x JOIN crm.sales_mode m ON m.id = x.mode_id"
	  " WHERE m.code = s.mode_code AND x.seq::text = s.seq)",
	  "'stage ' || s.seq || ' of mode ''' || s.mode_code || ''' exists already'", NULL },
};
static const struct crm_entity sales_stage = {
	"sales-stage",
	"crm.sales_stage",
	"sales stages 销售阶段",
	ENTITY_COLUMNS(sales_stage_cols),
	.key = NULL,
	.label = "name",
	.order = "(SELECT m.code FROM crm.sales_mode m WHERE m.id = t.mode_id), t.seq",
	.checks = sales_stage_checks,
	.nchecks = ARRAY_SIZE(sales_stage_checks),
	/* only rows the checks will let through may create a mode; the checks
	 * then report the others by line */
	.pre_import_sql = "INSERT INTO crm.sales_mode (code, name)"
			  " SELECT DISTINCT ON (mode_code) mode_code, mode_name FROM stg"
			  " WHERE mode_code = btrim(mode_code) AND mode_code <> '' AND mode_code !~ '[[:cntrl:]]'"
			  " AND mode_name IS NOT NULL AND mode_name !~ '[[:cntrl:]]' ORDER BY mode_code, line"
			  " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name",
};

static const struct crm_column competitor_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	COL("strengths", CRM_TEXT, CRM_MULTILINE),
	COL("weaknesses", CRM_TEXT, CRM_MULTILINE),
	COL("products", CRM_TEXT, CRM_MULTILINE),
};
static const struct crm_entity competitor = {
	"competitor",  "crm.competitor", "competitors 竞争对手", ENTITY_COLUMNS(competitor_cols),
	.key = "code", .label = "name",	 .order = "t.code",
};

/* ----------------------------------------------------------- opportunities */

static const struct crm_column opportunity_cols[] = {
	KEY("code"),
	COL("name", CRM_TEXT, CRM_REQUIRED),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	REF("contact_code", "contact_id", "contact", 0),
	REF("owner_code", "owner_id", "salesperson", 0),
	REF("mode_code", "mode_id", "sales-mode", CRM_REQUIRED),
	COL("stage_seq", CRM_INT, CRM_REQUIRED),
	DFLT("amount", CRM_MONEY, "0"),
	COL("expected_close_on", CRM_DATE, 0),
	STATUS("crm.opportunity_statuses", "'open'"),
	COL("fail_reason", CRM_TEXT, 0),
	REF("winning_competitor_code", "winning_competitor_id", "competitor", 0),
	DFLT("created_on", CRM_DATE, "current_date"),
	COL("closed_on", CRM_DATE, 0),
};
static const struct crm_check opportunity_checks[] = {
	{ "stage_seq",
	  "s.mode_code IS NOT NULL AND s.stage_seq ~ '^-?\\d{1,9}$' AND NOT EXISTS (SELECT 1 FROM"
	  " crm.sales_stage x JOIN crm.sales_mode m ON m.id = x.mode_id WHERE m.code = s.mode_code"
	  " AND x.seq::text = s.stage_seq) AND EXISTS (SELECT 1 FROM crm.sales_mode m WHERE m.code = s.mode_code)",
	  "'sales mode ''' || s.mode_code || ''' has no stage ' || s.stage_seq", NULL },
	{ "closed_on", "coalesce(s.status, 'open') <> 'open' AND s.closed_on IS NULL",
	  "'a ' || s.status || ' opportunity needs a closed_on date'", NULL },
	{ "closed_on",
	  "CASE WHEN crm.is_date(s.closed_on) AND (s.created_on IS NULL OR crm.is_date(s.created_on))"
	  " THEN s.closed_on::date < coalesce(s.created_on::date, current_date) END",
	  "'closed on ' || s.closed_on || ', before it was created on ' || coalesce(s.created_on, 'today')", NULL },
	{ "contact_code",
	  "s.contact_code IS NOT NULL AND s.customer_code IS NOT NULL AND EXISTS (SELECT 1 FROM crm.contact c"
	  " JOIN crm.customer u ON u.id = c.customer_id WHERE c.code = s.contact_code AND u.code <> s.customer_code)",
	  "'contact ''' || s.contact_code || ''' belongs to another customer'", NULL },
};
static const struct crm_entity opportunity = {
	"opportunity",
	"crm.opportunity",
	"opportunities 商机",
	ENTITY_COLUMNS(opportunity_cols),
	.key = "code",
	.label = "name",
	.order = "t.code",
	.checks = opportunity_checks,
	.nchecks = ARRAY_SIZE(opportunity_checks),
};

/* who else competes for an opportunity, and who works it beside its owner */
static const struct crm_column opportunity_competitor_cols[] = {
	REF("opportunity_code", "opportunity_id", "opportunity", CRM_REQUIRED),
	REF("competitor_code", "competitor_id", "competitor", CRM_REQUIRED),
};
static const struct crm_check opportunity_competitor_checks[] = {
	{ "competitor_code",
	  "count(*) OVER (PARTITION BY s.opportunity_code, s.competitor_code) > 1 OR EXISTS (SELECT 1 FROM"
	  " crm.opportunity_competitor x JOIN crm.opportunity o ON o.id = x.opportunity_id JOIN crm.competitor c"
	  " ON c.id = x.competitor_id WHERE o.code = s.opportunity_code AND c.code = s.competitor_code)",
	  "'competitor ''' || s.competitor_code || ''' is named twice for opportunity ''' || s.opportunity_code || ''''",
	  NULL },
};
static const struct crm_entity opportunity_competitor = {
	"opportunity-competitor",
	"crm.opportunity_competitor",
	"opportunity competitors 商机竞争对手",
	ENTITY_COLUMNS(opportunity_competitor_cols),
	.key = NULL,
	.label = NULL,
	.order = "(SELECT o.code FROM crm.opportunity o WHERE o.id = t.opportunity_id),"
		 " (SELECT c.code FROM crm.competitor c WHERE c.id = t.competitor_id)",
	.checks = opportunity_competitor_checks,
	.nchecks = ARRAY_SIZE(opportunity_competitor_checks),
};

static const struct crm_column opportunity_team_cols[] = {
	REF("opportunity_code", "opportunity_id", "opportunity", CRM_REQUIRED),
	REF("salesperson_code", "salesperson_id", "salesperson", CRM_REQUIRED),
	COL("role", CRM_TEXT, 0),
};
static const struct crm_check opportunity_team_checks[] = {
	{ "salesperson_code",
	  "count(*) OVER (PARTITION BY s.opportunity_code, s.salesperson_code) > 1 OR EXISTS (SELECT 1 FROM"
	  " crm.opportunity_team x JOIN crm.opportunity o ON o.id = x.opportunity_id JOIN crm.salesperson p"
	  " ON p.id = x.salesperson_id WHERE o.code = s.opportunity_code AND p.code = s.salesperson_code)",
	  "'salesperson ''' || s.salesperson_code || ''' is named twice for opportunity ''' || s.opportunity_code"
	  " || ''''",
	  NULL },
};
static const struct crm_entity opportunity_team = {
	"opportunity-team",
	"crm.opportunity_team",
	"opportunity teams 商机团队",
	ENTITY_COLUMNS(opportunity_team_cols),
	.key = NULL,
	.label = NULL,
	.order = "(SELECT o.code FROM crm.opportunity o WHERE o.id = t.opportunity_id),"
		 " (SELECT p.code FROM crm.salesperson p WHERE p.id = t.salesperson_id)",
	.checks = opportunity_team_checks,
	.nchecks = ARRAY_SIZE(opportunity_team_checks),
};

/* ------------------------------------------------------------------ orders */

static const struct crm_column order_cols[] = {
	KEY("code"),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	REF("opportunity_code", "opportunity_id", "opportunity", 0),
	REF("owner_code", "owner_id", "salesperson", 0),
	COL("ordered_on", CRM_DATE, CRM_REQUIRED),
};
static const struct crm_entity order = {
	"order",       "crm.sales_order", "sales orders 销售订单", ENTITY_COLUMNS(order_cols),
	.key = "code", .label = "code",	  .order = "t.code",
};

static const struct crm_column order_line_cols[] = {
	REF("order_code", "order_id", "order", CRM_REQUIRED),
	REF("product_code", "product_id", "product", CRM_REQUIRED),
	COL("quantity", CRM_DECIMAL, CRM_REQUIRED),
	COL("price", CRM_MONEY, CRM_REQUIRED),
	COL("cost", CRM_MONEY, 0),
};
static const struct crm_entity order_line = {
	"order-line",
	"crm.order_line",
	"order lines 订单明细",
	ENTITY_COLUMNS(order_line_cols),
	.key = NULL,
	.label = NULL,
	.order = "(SELECT o.code FROM crm.sales_order o WHERE o.id = t.order_id), t.id",
};

static const struct crm_column delivery_cols[] = {
	REF("order_code", "order_id", "order", CRM_REQUIRED),
	COL("delivered_on", CRM_DATE, CRM_REQUIRED),
	COL("note", CRM_TEXT, CRM_MULTILINE),
};
static const struct crm_entity delivery = {
	"delivery",
	"crm.delivery",
	"deliveries 发货",
	ENTITY_COLUMNS(delivery_cols),
	.key = NULL,
	.label = NULL,
	.order = "(SELECT o.code FROM crm.sales_order o WHERE o.id = t.order_id), t.delivered_on, t.id",
};

static const struct crm_column invoice_cols[] = {
	KEY("code"),
	REF("order_code", "order_id", "order", 0),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	COL("invoiced_on", CRM_DATE, CRM_REQUIRED),
	COL("amount", CRM_MONEY, CRM_REQUIRED),
};
static const struct crm_entity invoice = {
	"invoice",     "crm.invoice",	"invoices 开票",   ENTITY_COLUMNS(invoice_cols),
	.key = "code", .label = "code", .order = "t.code",
};

static const struct crm_column receipt_cols[] = {
	KEY("code"),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	REF("invoice_code", "invoice_id", "invoice", 0),
	COL("received_on", CRM_DATE, CRM_REQUIRED),
	COL("amount", CRM_MONEY, CRM_REQUIRED),
};
static const struct crm_entity receipt = {
	"receipt",     "crm.receipt",	"receipts 收款",   ENTITY_COLUMNS(receipt_cols),
	.key = "code", .label = "code", .order = "t.code",
};

/* -------------------------------------------- activities, expenses, service */

static const struct crm_column activity_cols[] = {
	KEY("code"),
	COL("type", CRM_TEXT, CRM_REQUIRED),
	COL("subject", CRM_TEXT, CRM_REQUIRED),
	REF("customer_code", "customer_id", "customer", 0),
	REF("contact_code", "contact_id", "contact", 0),
	REF("opportunity_code", "opportunity_id", "opportunity", 0),
	REF("lead_code", "lead_id", "lead", 0),
	REF("owner_code", "owner_id", "salesperson", 0),
	COL("planned_at", CRM_TIME, 0),
	COL("remind_at", CRM_TIME, 0),
	COL("done_at", CRM_TIME, 0),
	STATUS("crm.activity_statuses", "'planned'"),
	COL("result", CRM_TEXT, CRM_MULTILINE),
};
static const struct crm_check activity_checks[] = {
	{ "done_at", "s.status = 'done' AND s.done_at IS NULL", "'a done activity needs a done_at time'", NULL },
};
/* a manager's review of the activity, by login */
static const struct crm_column activity_internal[] = {
	COL("review", CRM_TEXT, CRM_MULTILINE),
	COL("reviewed_by", CRM_TEXT, 0),
	COL("reviewed_at", CRM_TIME, 0),
};
static const struct crm_entity activity = {
	"activity",
	"crm.activity",
	"activities 活动",
	ENTITY_COLUMNS(activity_cols),
	.key = "code",
	.label = "subject",
	.order = "t.code",
	.checks = activity_checks,
	.nchecks = ARRAY_SIZE(activity_checks),
	INTERNAL_COLUMNS(activity_internal),
};

static const struct crm_column expense_cols[] = {
	KEY("code"),
	COL("type", CRM_TEXT, CRM_REQUIRED),
	COL("amount", CRM_MONEY, CRM_REQUIRED),
	COL("spent_on", CRM_DATE, CRM_REQUIRED),
	REF("opportunity_code", "opportunity_id", "opportunity", 0),
	REF("activity_code", "activity_id", "activity", 0),
	REF("customer_code", "customer_id", "customer", 0),
	REF("salesperson_code", "salesperson_id", "salesperson", 0),
};
static const struct crm_check expense_checks[] = {
	{ "customer_code", "num_nonnulls(s.opportunity_code, s.activity_code, s.customer_code, s.salesperson_code) = 0",
	  "'an expense is charged to an opportunity, activity, customer or salesperson: name one'", NULL },
};
static const struct crm_entity expense = {
	"expense",
	"crm.expense",
	"expenses 费用",
	ENTITY_COLUMNS(expense_cols),
	.key = "code",
	.label = "type",
	.order = "t.code",
	.checks = expense_checks,
	.nchecks = ARRAY_SIZE(expense_checks),
};

static const struct crm_column complaint_cols[] = {
	KEY("code"),
	REF("customer_code", "customer_id", "customer", CRM_REQUIRED),
	REF("contact_code", "contact_id", "contact", 0),
	REF("product_code", "product_id", "product", 0),
	COL("reason", CRM_TEXT, CRM_REQUIRED),
	COL("description", CRM_TEXT, CRM_MULTILINE),
	DFLT("received_at", CRM_TIME, "now()"),
	STATUS("crm.complaint_statuses", "'new'"),
	REF("assignee_code", "assignee_id", "salesperson", 0),
	COL("resolved_at", CRM_TIME, 0),
	COL("verified_at", CRM_TIME, 0),
};
static const struct crm_check complaint_checks[] = {
	{ "assignee_code", "s.status IN ('assigned', 'processing') AND s.assignee_code IS NULL",
	  "'an ' || s.status || ' complaint needs an assignee_code'", NULL },
	{ "resolved_at", "s.status IN ('resolved', 'verified') AND s.resolved_at IS NULL",
	  "'a ' || s.status || ' complaint needs a resolved_at time'", NULL },
	{ "verified_at", "s.status = 'verified' AND s.verified_at IS NULL",
	  "'a verified complaint needs a verified_at time'", NULL },
};
static const struct crm_column complaint_internal[] = {
	COL("assigned_at", CRM_TIME, 0),
};
static const struct crm_entity complaint = {
	"complaint",
	"crm.complaint",
	"complaints 投诉",
	ENTITY_COLUMNS(complaint_cols),
	.key = "code",
	.label = "reason",
	.order = "t.code",
	.checks = complaint_checks,
	.nchecks = ARRAY_SIZE(complaint_checks),
	INTERNAL_COLUMNS(complaint_internal),
};

/* ------------------------------------------------- histories, not entities */

/* 进程报告: each stage an opportunity entered (the trigger
 * opportunity_track_stage writes it; the generator writes it whole) */
static const struct crm_column stage_history_cols[] = {
	REF("opportunity_code", "opportunity_id", "opportunity", CRM_REQUIRED),
	COL("stage_seq", CRM_INT, CRM_REQUIRED),
	ENUM("status", "crm.opportunity_statuses", CRM_REQUIRED),
	COL("entered_on", CRM_DATE, CRM_REQUIRED),
	DFLT("at", CRM_TIME, "now()"),
};
static const struct crm_entity stage_history = {
	"stage-history",
	"crm.opportunity_stage_history",
	"stage history 进程报告",
	ENTITY_COLUMNS(stage_history_cols),
	.key = NULL,
	.label = NULL,
	.order = "t.id",
};

/* each step of a complaint's workflow (the trigger complaint_track_status) */
static const struct crm_column complaint_log_cols[] = {
	REF("complaint_code", "complaint_id", "complaint", CRM_REQUIRED),
	ENUM("status", "crm.complaint_statuses", CRM_REQUIRED),
	REF("assignee_code", "assignee_id", "salesperson", 0),
	COL("by_login", CRM_TEXT, 0),
	DFLT("at", CRM_TIME, "now()"),
	COL("note", CRM_TEXT, CRM_MULTILINE),
};
static const struct crm_entity complaint_log = {
	"complaint-log",
	"crm.complaint_log",
	"complaint log 投诉处理记录",
	ENTITY_COLUMNS(complaint_log_cols),
	.key = NULL,
	.label = NULL,
	.order = "t.id",
};

/* In dependency order: importing the entities in this order never names a
 * row that is not there yet. */
const struct crm_entity *const crm_entities[] = {
	&department,
	&salesperson,
	&user,
	&customer_category,
	&region,
	&product_category,
	&customer,
	&contact,
	&lead,
	&lead_contact,
	&product,
	&intent,
	&sales_mode,
	&sales_stage,
	&competitor,
	&opportunity,
	&opportunity_competitor,
	&opportunity_team,
	&order,
	&order_line,
	&delivery,
	&invoice,
	&receipt,
	&activity,
	&expense,
	&complaint,
};
const size_t crm_nentities = ARRAY_SIZE(crm_entities);

const struct crm_entity *const crm_histories[] = { &stage_history, &complaint_log };
const size_t crm_nhistories = ARRAY_SIZE(crm_histories);

const struct crm_entity *crm_entity_find(const char *name)
{
	for (size_t i = 0; i < crm_nentities; i++)
		if (!strcmp(crm_entities[i]->name, name))
			return crm_entities[i];
	return NULL;
}

const struct crm_entity *crm_table_find(const char *table)
{
	for (size_t i = 0; i < crm_nentities; i++)
		if (!strcmp(crm_entities[i]->table, table))
			return crm_entities[i];
	for (size_t i = 0; i < crm_nhistories; i++)
		if (!strcmp(crm_histories[i]->table, table))
			return crm_histories[i];
	return NULL;
}

const struct crm_column *crm_entity_column(const struct crm_entity *e, const char *name)
{
	for (size_t i = 0; i < e->ncolumns; i++)
		if (!strcmp(e->columns[i].name, name))
			return &e->columns[i];
	return NULL;
}

const struct crm_column *crm_entity_key(const struct crm_entity *e)
{
	return e->key ? crm_entity_column(e, e->key) : NULL;
}

const struct crm_entity *crm_column_target(const struct crm_column *col)
{
	const struct crm_entity *t;
	if (col->type != CRM_REF)
		BUG("column '%s' is not a reference", col->name);
	t = crm_entity_find(col->ref);
	if (!t || !t->key)
		BUG("column '%s' refers to '%s', which has no key", col->name, col->ref);
	return t;
}

const struct crm_via *crm_entity_via(const struct crm_entity *e, const char *name)
{
	for (size_t i = 0; i < e->nvias; i++)
		if (!strcmp(e->vias[i].name, name))
			return &e->vias[i];
	return NULL;
}

void crm_via_columns(const struct crm_entity *e, const struct crm_via *v, const struct crm_column **first,
		     const struct crm_column **then)
{
	*first = crm_entity_column(e, v->first);
	*then = *first && (*first)->type == CRM_REF ? crm_entity_column(crm_column_target(*first), v->then) : NULL;
	if (!*then || (*then)->type != CRM_REF)
		BUG("via '%s' of %s does not go through two references", v->name, e->name);
}

const struct crm_column *crm_entity_parent(const struct crm_entity *e)
{
	const struct crm_column *col = e->parent ? crm_entity_column(e, e->parent) : NULL;
	if (e->parent && (!col || col->type != CRM_REF || crm_column_target(col) != e))
		BUG("the parent '%s' of %s is not a reference to itself", e->parent, e->name);
	return col;
}

char *crm_entity_column_list(const struct crm_entity *e)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->ncolumns; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", e->columns[i].name);
	return buf_detach(&b, NULL);
}
