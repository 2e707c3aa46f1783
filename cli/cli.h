/* cli/cli.h - what every subcommand shares: settings, the database on
 * demand, output in the chosen format, and the usage helpers.
 *
 * A handler returns 0, a negative ERR_* with err filled (main prints it and
 * exits 2 for bad input, 1 for the rest), or a positive exit status when it
 * has already said what there was to say. Only cli/ prints errors or exits. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdio.h>

#include "analytics/report.h"
#include "cli/opt.h"
#include "common/config.h"
#include "common/err.h"
#include "crm/db.h"
#include "crm/store.h"

struct crm_entity;

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

struct cli {
	struct config *cfg;
	struct crm_store_opts store;
	enum out_format format;
	int format_set;	   /* --format was given */
	char today[11];	   /* the local date, YYYY-MM-DD */
	struct crm_db *db; /* opened by cli_db on first use */
	const char *argv0;
	const char *config_file; /* --config */
	char *vardir;		 /* the embedded database's folder: store.vardir (NULL: external) */
};

/* Locate the embedded database: the folder [database] dir names, else the
 * nearest var/ holding one (with here: var/ of the working directory). */
void cli_vardir_set(struct cli *cli, int here);

/* Make the embedded database the one in var/ of the working directory
 * (unless [database] dir names another): what 'db init' and the demo
 * create and use. */
void cli_vardir_here(struct cli *cli);

/* The database, opened (and migrated, and --as applied) on first use. */
int cli_db(struct cli *cli, struct crm_db **out, struct err *err);

/* A usage error: ERR_INPUT with the message fmt, and the usage lines of
 * cmd (cli/opt.h) as its hint (none when cmd is NULL). */
int cli_usage_error(struct err *err, const struct opt_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The entity named name, or NULL with a usage error of cmd in err. */
const struct crm_entity *cli_entity(const char *name, const struct opt_cmd *cmd, struct err *err);

/* Print a result in the chosen format: a table for people, CSV or JSON for
 * programs (JSON numbers and booleans as such, NULL as null). */
void out_rows(const struct cli *cli, const struct crm_res *res, FILE *f);
/* Print one row as "name: value" lines (JSON: one object). */
void out_record(const struct cli *cli, const struct crm_res *res, int row, FILE *f);
/* Print a heading before a table, only in table format. */
void out_heading(const struct cli *cli, FILE *f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* JSON pieces for output that is more than rows: a string, and a value
 * that is a number when it is a plain decimal ("1234.50"), else a string
 * (NULL: null). */
void out_json_string(FILE *f, const char *s);
void out_json_scalar(FILE *f, const char *v);
/* How many terminal columns s takes (CJK characters take two). */
size_t out_width(const char *s);
/* Print a value for a terminal: on one line, control characters shown as
 * escapes ("\x1b") rather than obeyed. */
void out_text(FILE *f, const char *s);

/* Write content to path whole (through path.tmp), or leave what was there;
 * says "wrote PATH" at -v. */
int cli_write_file(const char *path, const struct buf *content, struct err *err);

/* crmgate send-one's campaign (cli/cmd_campaign.c): campaign create of
 * NAME, to ENTITY's targets where WHERE, with the create options in argv
 * (argv[0] is not one); then launched at once, without asking (*id: its id). */
int cli_campaign_create_for(struct cli *cli, const char *name, const char *entity, const char *where, int argc,
			    char **argv, struct err *err);
int cli_campaign_launch_now(struct cli *cli, const char *name, long *id, struct err *err);

/* The work of the commands the demo runs, on parsed arguments. Each is an
 * option table (cli/opt.h) and its fn, the function below it: cmd_xxx
 * parses argv into the table's argument struct and calls fn (opt_run);
 * the demo fills the struct itself, shows the command line opt_line writes
 * from the same table and struct, and calls fn: what it shows is what
 * runs. In the structs NULL, a flag 0 and a number outside its option's
 * range (OPT_UNSET) are "not given", and fn applies the default. args is
 * the struct named beside each function. */

/* crmgate db init | db reset [--yes]: verbs of cli_db_cmd, found by their
 * function (opt_verb(cli_db_cmd, cli_db_init)), as campaign's below */
struct db_args {
	const char *file;
	int yes;
	struct opt_list args; /* psql's */
};
extern const struct opt_cmd *const cli_db_cmd;
int cli_db_init(struct cli *cli, void *args, struct err *err);	/* struct db_args */
int cli_db_reset(struct cli *cli, void *args, struct err *err); /* struct db_args */

/* crmgate gen [--seed N] [--customers N] [--today YYYY-MM-DD] */
#define CLI_GEN_CUSTOMERS_MAX 100000000
struct gen_args {
	const char *seed, *today;
	long customers;
};
extern const struct opt_cmd *const cli_gen_cmd;
int cli_gen(struct cli *cli, void *args, struct err *err); /* struct gen_args */

/* crmgate targets ENTITY [--where FILTER] [--count] [--limit N] */
struct targets_args {
	const char *entity, *where;
	int count;
	long limit;
};
extern const struct opt_cmd *const cli_targets_cmd;
int cli_targets(struct cli *cli, void *args, struct err *err); /* struct targets_args */

/* crmgate merge --template T --targets ENTITY [--where F] --out DIR ... */
struct merge_args {
	const char *template, *targets, *where, *outdir, *pattern, *combined;
	int pdf;
};
extern const struct opt_cmd *const cli_merge_cmd;
int cli_merge(struct cli *cli, void *args, struct err *err); /* struct merge_args */

/* crmgate campaign create | launch | list (and its other verbs) */
struct campaign_args {
	const char *name;
	const char *channel, *targets, *where, *template, *subject, *attach, *at, *rate, *policy, *attempts, *limit;
	const char *test_to;
	struct opt_list bodies; /* --body: a .txt and/or an .html */
	int yes, transactional, watch;
};
extern const struct opt_cmd *const cli_campaign_cmd;
int cli_campaign_create(struct cli *cli, void *args, struct err *err); /* struct campaign_args */
int cli_campaign_launch(struct cli *cli, void *args, struct err *err); /* struct campaign_args */
int cli_campaign_list(struct cli *cli, void *args, struct err *err);   /* struct campaign_args */
/* Does url point at this machine (127.x, localhost, [::1])? */
int cli_url_is_loopback(const char *url);
struct gw_campaign;
/* Print the messages of c to its first limit targets (target: to that
 * one, ERR_NOTFOUND when it is none of them) as they will go out: subject,
 * bodies, and for a text its characters, encoding and segments. A survey's
 * link is shown as a placeholder as long as the real one. */
int cli_campaign_preview(struct cli *cli, struct crm_db *db, const struct gw_campaign *c, long limit,
			 const char *target, struct err *err);

/* crmgate send [--workers N] [--once] [--campaign CAMPAIGN] */
struct send_args {
	long workers;
	int once;
	const char *campaign;
};
extern const struct opt_cmd *const cli_send_cmd;
int cli_send(struct cli *cli, void *args, struct err *err); /* struct send_args */

/* crmgate report NAME [--from DATE] ... (p.today: the local date when NULL) */
struct report_args {
	struct an_params p;
	const char *name, *table, *svg, *html;
	long top;
	const char *survey; /* report html: only this survey's results */
};
extern const struct opt_cmd *const cli_report_cmd;
int cli_report(struct cli *cli, void *args, struct err *err); /* struct report_args */

/* crmgate customer view CUSTOMER, crmgate contact tree CUSTOMER: args is a
 * struct entity_args (below) with its key. */
int cli_customer_view(struct cli *cli, void *args, struct err *err);
int cli_contact_tree(struct cli *cli, void *args, struct err *err);
/* The view (of cli_views, below) whose fn is fn; BUG when there is none. */
const struct opt_cmd *cli_view_cmd(opt_fn fn);

/* Handlers, one per command file. */
int cmd_db(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_gen(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_import(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_export(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_targets(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_entity(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_demo(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_merge(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_template(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_campaign(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_send(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_send_one(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_serve(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_mailbox(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_report(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_value_model(struct cli *cli, int argc, char **argv, struct err *err);
int cmd_survey(struct cli *cli, int argc, char **argv, struct err *err);

typedef int (*cli_handler)(struct cli *cli, int argc, char **argv, struct err *err);

/* What the verbs of an entity take (cli/cmd_entity.c), its extra verbs too. */
struct entity_args {
	const struct crm_entity *e;
	const char *where;
	long limit;
	const char *key, *other; /* KEY, CUSTOMER, SALESPERSON */
	struct opt_list rest;	 /* FIELD=VALUE..., KEY... */
};

/* The extra verbs of some entities (customer view, contact tree...), each
 * with the entity it belongs to; the table ends with a NULL entity. Their
 * cmd.name is the entity and the verb ("customer view"), as typed. */
struct cli_view {
	const char *entity;
	struct opt_cmd cmd;
};
extern const struct cli_view cli_views[];

#endif
