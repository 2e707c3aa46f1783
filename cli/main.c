/* cli/main.c - crmgate's entry point: global options, the command table,
 * and the one place that turns an error into a message and an exit status. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "crm/cluster.h"
#include "crm/entity.h"
#include "common/banned.h"

#ifndef CRMGATE_VERSION
#define CRMGATE_VERSION "unknown"
#endif

struct command {
	const char *name;
	cli_handler fn;
	const char *summary;
};

static const struct command commands[] = {
	{ "db", cmd_db, N_("the database: init, start, stop, status, migrate, psql, reset, dump, restore") },
	{ "gen", cmd_gen, N_("fill the database with realistic synthetic data") },
	{ "import", cmd_import, N_("import a CSV file into an entity, all or nothing") },
	{ "export", cmd_export, N_("write an entity's rows as CSV to standard output") },
	{ "targets", cmd_targets, N_("preview a target set: an entity and a filter") },
	{ "template", cmd_template, N_("check, store and list document, e-mail and SMS templates") },
	{ "merge", cmd_merge, N_("fill a .docx or text template for every target") },
	{ "campaign", cmd_campaign, N_("create, preview, launch and follow mail, e-mail and SMS campaigns") },
	{ "send", cmd_send, N_("deliver the outbox: letters, e-mail and text messages") },
	{ "send-one", cmd_send_one, N_("one message to one target now, through the outbox") },
	{ "serve", cmd_serve, N_("answer unsubscribe links and SMS delivery reports and inbound texts over HTTP") },
	{ "mailbox", cmd_mailbox, N_("read bounces (and later survey answers) from the mailbox") },
	{ "report", cmd_report,
	  N_("analytics: the funnel, sales rankings and statistics, as tables, CSV, JSON, SVG, HTML") },
	{ "survey", cmd_survey, N_("questionnaires for customers, contacts, leads and staff") },
	{ "value-model", cmd_value_model, N_("the customer value model: tiers, their cuts, the weights of the score") },
	{ "demo", cmd_demo, N_("the whole job, end to end, on the embedded database") },
};

static const char usage[] =
	"usage: crmgate [--db CONNINFO] [--config FILE] [--as LOGIN] [--format table|csv|json] [-q|-v] COMMAND [ARGS]\n"
	"       crmgate --version | --help | COMMAND --help";

static void print_help(FILE *f)
{
	fprintf(f, "%s\n\ncrmgate is the marketing and sales-document side of a CRM.\n\ncommands:\n", usage);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(f, "\nentities (crmgate ENTITY list|show|add|edit|delete, import, export, targets):\n");
	for (size_t i = 0; i < crm_nentities; i++)
		fprintf(f, "  %-18s %s\n", crm_entities[i]->name, crm_entities[i]->title);
	fprintf(f, "\nglobal options (before or after the command):\n"
		   "  --db CONNINFO      use this PostgreSQL server (default: the embedded one, see below)\n"
		   "  --config FILE      read the settings from FILE\n"
		   "  --as LOGIN         take this user's view: row-level security limits what it sees\n"
		   "                     (default: $CRMGATE_USER, else the database owner, who sees all)\n"
		   "  --format FORMAT    table (default), csv or json\n"
		   "  -q, --quiet        only errors\n"
		   "  -v, --verbose      say more\n"
		   "\nsettings: --config FILE, else $CRMGATE_CONFIG, else crmgate.conf in the working directory\n"
		   "or the nearest folder above it, else /etc/crmgate/crmgate.conf; any key also as\n"
		   "CRMGATE_SECTION_KEY in the environment.\n"
		   "\nthe embedded database: [database] dir, else the nearest var/ holding one in the working\n"
		   "directory or above it, else $CRMGATE_HOME, else ~/.local/share/crmgate (as root\n"
		   "/var/lib/crmgate); 'crmgate db init' makes one in var/ here; 'crmgate db status' says\n"
		   "which is used. See 'man crmgate' and README.md.\n");
}

static int global_error(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A bad global option: the global usage as the hint. */
static int global_error(struct err *err, const char *fmt, ...)
{
	va_list ap;
	struct buf msg = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err_set(err, ERR_INPUT, "%s", msg.data);
	err_hint(err, "%s", usage);
	buf_release(&msg);
	return err->code;
}

/* Take the global options out of argv, wherever they stand (up to "--"). */
static int global_options(struct cli *cli, int *argc, char **argv, struct err *err)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char *value = NULL;
		const char *name = NULL;
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		for (const char *const *g = (const char *const[]){ "--db", "--as", "--format", "--config", NULL }; *g;
		     g++) {
			size_t n = strlen(*g);
			if (!strncmp(a, *g, n) && (a[n] == '=' || !a[n])) {
				name = *g;
				if (a[n] == '=')
					value = a + n + 1;
				else if (i + 1 < *argc)
					value = argv[++i];
				else
					return global_error(err, _("option '%s' needs a value"), *g);
			}
		}
		if (name && !strcmp(name, "--db")) {
			cli->store.conninfo = value;
		} else if (name && !strcmp(name, "--as")) {
			cli->store.as_login = value;
		} else if (name && !strcmp(name, "--config")) {
			cli->config_file = value;
		} else if (name) {
			if (!strcmp(value, "table"))
				cli->format = OUT_TABLE;
			else if (!strcmp(value, "csv"))
				cli->format = OUT_CSV;
			else if (!strcmp(value, "json"))
				cli->format = OUT_JSON;
			else
				return global_error(err, _("--format must be table, csv or json, not '%s'"), value);
			cli->format_set = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			log_set_level(LOG_QUIET);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			log_set_level(LOG_VERBOSE);
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

/* [general] timezone sets the local time zone, so that "today" is the
 * marketer's today; the session takes the same zone. */
static void set_today(struct cli *cli)
{
	const char *tz = config_get(cli->cfg, "general", "timezone");
	time_t now = time(NULL);
	struct tm tm;
	if (tz) {
		setenv("TZ", tz, 1);
		cli->store.timezone = tz;
	}
	tzset();
	localtime_r(&now, &tm);
	strftime(cli->today, sizeof(cli->today), "%Y-%m-%d", &tm);
}

/* Not a command nor an entity: the closest of them, when one is near. */
static int unknown_command(const char *name, struct err *err)
{
	const char **names = xcalloc(ARRAY_SIZE(commands) + crm_nentities, sizeof(*names));
	const char *best;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		names[n++] = commands[i].name;
	for (size_t i = 0; i < crm_nentities; i++)
		names[n++] = crm_entities[i]->name;
	best = opt_closest(name, names, n);
	if (best)
		err_set(err, ERR_INPUT, _("'%s' is not a crmgate command (did you mean '%s'?)"), name, best);
	else
		err_set(err, ERR_INPUT, _("'%s' is not a crmgate command"), name);
	err_hint(err, _("'crmgate --help' lists the commands"));
	free(names);
	return err->code;
}

static int dispatch(struct cli *cli, int argc, char **argv, struct err *err)
{
	const char *name = argv[1];
	if (!name) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("crmgate %s\n", CRMGATE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(cli, argc - 1, argv + 1, err);
	if (crm_entity_find(name))
		return cmd_entity(cli, argc - 1, argv + 1, err);
	return unknown_command(name, err);
}

/* An error quotes what the user typed, a file held or the server said: a
 * control character in it is shown as an escape, never sent to the
 * terminal as a command. */
static void print_error(const struct err *err)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "crmgate: ");
	if (err->msg.len)
		utf8_add_visible(&b, err->msg.data, err->msg.len, 1);
	else
		buf_adds(&b, "failed");
	buf_addch(&b, '\n');
	utf8_add_visible(&b, err->detail.data, err->detail.len, 1);
	if (err->hint.len) {
		buf_adds(&b, "hint: ");
		utf8_add_visible(&b, err->hint.data, err->hint.len, 1);
		buf_addch(&b, '\n');
	}
	fputs(b.data, stderr);
	buf_release(&b);
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct err err = ERR_INIT;
	int rc;

	/* Keep freed memory instead of handing it back at once: a merge frees
	 * and takes the same few hundred KiB (zlib's state) for every document,
	 * and page faults on them cost more than the work (bench/README.md). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);

	setlocale(LC_CTYPE, "C.UTF-8");
	cli.argv0 = argv[0];
	cli.store.as_login = getenv("CRMGATE_USER");
	if (cli.store.as_login && !*cli.store.as_login)
		cli.store.as_login = NULL;
	rc = global_options(&cli, &argc, argv, &err);
	if (!rc)
		rc = config_load(&cli.cfg, cli.config_file, &err);
	if (!rc) {
		if (!cli.store.conninfo)
			cli.store.conninfo = config_get(cli.cfg, "database", "url");
		/* an external database has no folder of ours to look for (every
		 * use of store.vardir is the embedded cluster's) */
		if (!crm_store_is_external(&cli.store))
			cli_vardir_set(&cli, 0);
		set_today(&cli);
		rc = dispatch(&cli, argc, argv, &err);
	}
	if (rc < 0)
		print_error(&err);
	crm_db_free(cli.db);
	config_free(cli.cfg);
	free(cli.vardir);
	err_release(&err);
	if (fflush(stdout) && !rc) {
		fprintf(stderr, "crmgate: could not write the output\n");
		return 1;
	}
	return rc < 0 ? err_exit_status(rc) : rc;
}
