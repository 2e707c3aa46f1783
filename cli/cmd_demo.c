/* cli/cmd_demo.c - crmgate demo: the whole job, end to end, on the embedded default. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/buf.h"
#include "common/file.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/cluster.h"
#include "gateway/web.h"
#include "common/banned.h"

struct demo_args {
	long customers;
	int yes;
};

static const struct opt_spec demo_opts[] = {
	OPT_INT("customers", "N", N_("how many customers to generate (default 1000)"), struct demo_args, customers, 0,
		CLI_GEN_CUSTOMERS_MAX),
	OPT_FLAG("yes", N_("empty the database in var/ even when it holds records the demo did not make"),
		 struct demo_args, yes),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "demo",
	.summary = N_("the whole job, end to end, on the embedded database"),
	.help = N_("Runs the whole job on the embedded database in var/ of the working directory (made if\n"
		   "need be): empties it, generates a realistic\n"
		   "CRM (1000 customers unless --customers says otherwise), and shows what a user would\n"
		   "look at first: a customer's whole picture, its reporting lines, the contacts whose\n"
		   "birthday falls in the next 7 days, a birthday letter for each of them (Word, in\n"
		   "out/birthday), a quote for an order (Word, in out/quote), and a birthday text message\n"
		   "campaign sent through the outbox (files in out/sms), then the sales funnel and every\n"
		   "report with its charts in one page, out/report.html. The documents and messages of an\n"
		   "earlier demo in those folders are replaced.\n"
		   "\n"
		   "The demo empties only a database that holds nothing but its own records: when\n"
		   "anything else is there (a customer you added, an import, a campaign of yours) it\n"
		   "stops and changes nothing, unless --yes says to throw it all away."),
	.opts = demo_opts,
} };

#define BIRTHDAYS     "birthday within 7 days and not mail_opt_out"
#define BIRTHDAYS_SMS "birthday within 7 days"

/* The surveys' respondents: the contacts of the first customers by e-mail,
 * those of the last ones by text. */
#define SURVEY_EMAIL "customer_code <= 'C0000008'"
#define SURVEY_SMS   "customer_code > 'C0000025'"

/* Two questionnaires as a marketer writes them (crmgate survey --help): the
 * issue's satisfaction survey for e-mail and the web form, and one a text
 * reply can answer ("1A 2:5": single choices and ratings only). */
#define DEMO_SURVEY	"客户满意度调查"
#define DEMO_SURVEY_SMS "服务回访短信"
#define SURVEY_DIR	"out/survey"
#define SURVEY_FILE	SURVEY_DIR "/满意度调查.txt"
#define SURVEY_SMS_FILE SURVEY_DIR "/短信回访.txt"
static const char survey_text[] = "# 客户满意度调查\n"
				  "感谢您抽出时间参加本次调查。\n"
				  "1. 您对我们的产品满意吗？ [single, required]\n"
				  "   A. 非常满意\n"
				  "   B. 满意\n"
				  "   C. 不满意\n"
				  "2. 您使用了哪些产品？ [multi, max 2]\n"
				  "   A. 软件\n"
				  "   B. 硬件\n"
				  "   C. 其他 [other]\n"
				  "3. 请为我们的服务打分 [rating 1-5, required]\n"
				  "4. 您每年的采购预算（万元） [number 0-100000]\n"
				  "5. 您还有什么建议？ [text]\n";
static const char survey_sms_text[] = "# 服务回访\n"
				      "1. 您对上次服务满意吗？ [single, required]\n"
				      "   A. 满意\n"
				      "   B. 一般\n"
				      "   C. 不满意\n"
				      "2. 请为我们的服务打分 [rating 1-5]\n";

/* Write the questionnaires for 'survey template add' to read. */
static int write_questionnaires(struct err *err)
{
	static const struct {
		const char *path, *text;
	} files[] = { { SURVEY_FILE, survey_text }, { SURVEY_SMS_FILE, survey_sms_text } };
	struct buf why = BUF_INIT, tmp = BUF_INIT;
	int rc = file_mkdir_p(SURVEY_DIR, err);

	for (size_t i = 0; !rc && i < ARRAY_SIZE(files); i++) {
		struct iovec iov = { (void *)files[i].text, strlen(files[i].text) };
		buf_reset(&tmp);
		buf_addf(&tmp, "%s.tmp", files[i].path);
		if (file_put(tmp.data, files[i].path, &iov, 1, &why))
			rc = err_set(err, ERR_FAIL, "could not write the demo's questionnaire: %s", why.data);
	}
	buf_release(&why);
	buf_release(&tmp);
	return rc;
}

/* One step: the command a user would type to repeat it, written from the
 * command's own option table and the arguments it runs on (cli/cli.h). */
struct step {
	const struct opt_cmd *cmd;
	void *args;
	const char *const *order; /* the options shown first, in this order (opt_line) */
};

/* Run one step, showing its command line first as a shell would take it. */
static int step(struct cli *cli, const struct step *s, struct err *err)
{
	struct buf line = BUF_INIT;
	int rc;

	opt_line(&line, s->cmd, s->args, s->order);
	printf("\n$ crmgate %s\n", line.data);
	fflush(stdout);
	buf_release(&line);
	rc = s->cmd->fn(cli, s->args, err);
	fflush(stdout);
	return rc;
}

/* The documents an earlier demo left in dir: merge never overwrites, and a
 * second demo should not leave SO00000001-2.docx beside the first. */
static void clear_documents(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct buf path = BUF_INIT;

	while (d && (de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		int maildir = strstr(dir, "/mail/") != NULL; /* every message in a Maildir's new/ */
		if (de->d_name[0] == '.' || (!maildir && (!dot || (strcmp(dot, ".docx") && strcmp(dot, ".pdf") &&
								   strcmp(dot, ".txt") && strcmp(dot, ".sms")))))
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, de->d_name);
		if (unlink(path.data) && errno != ENOENT)
			log_warn("could not remove %s: %s", path.data, strerror(errno));
	}
	if (d)
		closedir(d);
	buf_release(&path);
}

/* May the demo empty the database in var/? Only when it holds nothing the
 * demo did not make (crm.demo_foreign_table, sql/017), or --yes. */
static int may_reset(struct cli *cli, int yes, struct err *err)
{
	struct crm_cluster c;
	struct crm_db *db;
	char *table = NULL;
	int exists, rc;

	if ((rc = crm_cluster_init(&c, cli->store.vardir, err)))
		return rc;
	exists = crm_cluster_exists(&c);
	crm_cluster_release(&c);
	if (!exists || yes)
		return 0;
	if ((rc = cli_db(cli, &db, err)) ||
	    (rc = crm_db_value(&table, db, "SELECT crm.demo_foreign_table()", 0, NULL, err)))
		return rc;
	if (table) {
		err_set(err, ERR_FAIL,
			"the database in %s holds records the demo did not make (in '%s'): the demo would delete "
			"them, so it changed nothing",
			cli->store.vardir, table);
		err_hint(err, "run the demo in another folder, or 'crmgate demo --yes' to replace everything with "
			      "the demo's records");
		free(table);
		return err->code;
	}
	return 0;
}

static int mark(struct cli *cli, struct err *err)
{
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);
	return rc ? rc : crm_db_query(NULL, db, "SELECT crm.demo_mark()", 0, NULL, err);
}

/* The whole job, as a user would type it: the database, the data, what to
 * look at first, the documents, the campaigns and the reports. */
static int run_steps(struct cli *cli, long customers, struct err *err)
{
	/* the options as a person writes them (the table has them in another order) */
	static const char *const email_order[] = { "channel", "targets", "where", "subject", "body", NULL };
	static const char *const page_order[] = { "out", NULL };
	struct db_args init = { 0 }, reset = { .yes = 1 };
	struct gen_args gen = { .seed = "1", .customers = customers };
	struct entity_args customer = { .key = "C0000001" }, tree = { .key = "C0000001" };
	struct targets_args birthdays = { .entity = "contact", .where = BIRTHDAYS, .limit = OPT_UNSET };
	struct merge_args letters = {
		.template = "birthday.docx", .targets = "contact", .where = BIRTHDAYS, .outdir = "out/birthday"
	};
	struct merge_args quote = {
		.template = "quote.docx", .targets = "order", .where = "code = 'SO00000001'", .outdir = "out/quote"
	};
	const char *sms_body[] = { "birthday-sms.txt" }, *email_body[] = { "birthday.txt" };
	struct campaign_args sms = { .name = "生日短信",
				     .channel = "sms",
				     .targets = "contact",
				     .where = BIRTHDAYS_SMS,
				     .bodies = { sms_body, 1 } };
	struct campaign_args sms_launch = { .name = sms.name, .yes = 1 };
	struct campaign_args email = { .name = "生日邮件",
				       .channel = "email",
				       .targets = "contact",
				       .where = BIRTHDAYS_SMS,
				       .subject = "{{name}}，生日快乐",
				       .bodies = { email_body, 1 },
				       .template = "birthday.docx",
				       .attach = "docx" };
	struct campaign_args email_launch = { .name = email.name, .yes = 1 }, list = { 0 };
	struct survey_args survey_tpl = { .name = "满意度调查", .file = SURVEY_FILE };
	struct survey_args survey_sms_tpl = { .name = "短信回访", .file = SURVEY_SMS_FILE };
	struct survey_args survey = { .name = DEMO_SURVEY,
				      .template = survey_tpl.name,
				      .targets = "contact",
				      .where = SURVEY_EMAIL,
				      .channel = "email" };
	struct survey_args survey_sms = { .name = DEMO_SURVEY_SMS,
					  .template = survey_sms_tpl.name,
					  .targets = "contact",
					  .where = SURVEY_SMS,
					  .channel = "sms" };
	struct survey_args survey_launch = { .name = survey.name, .yes = 1 };
	struct survey_args survey_sms_launch = { .name = survey_sms.name, .yes = 1 };
	static const char *const survey_order[] = { "template", "targets", "where", "channel", NULL };
	struct send_args send = { .once = 1 };
	struct report_args funnel = { .name = "funnel", .table = "stages" };
	struct report_args pyramid = { .name = "pyramid", .p.by = "revenue" };
	struct report_args page = { .name = "html", .html = "out/report.html" };
	const struct step steps[] = {
		{ opt_verb(cli_db_cmd, cli_db_init), &init, NULL },
		{ opt_verb(cli_db_cmd, cli_db_reset), &reset, NULL },
		{ cli_gen_cmd, &gen, NULL },
		{ cli_view_cmd(cli_customer_view), &customer, NULL },
		{ cli_view_cmd(cli_contact_tree), &tree, NULL },
		{ cli_targets_cmd, &birthdays, NULL },
		{ cli_merge_cmd, &letters, NULL },
		{ cli_merge_cmd, &quote, NULL },
		{ opt_verb(cli_campaign_cmd, cli_campaign_create), &sms, NULL },
		{ opt_verb(cli_campaign_cmd, cli_campaign_launch), &sms_launch, NULL },
		{ opt_verb(cli_campaign_cmd, cli_campaign_create), &email, email_order },
		{ opt_verb(cli_campaign_cmd, cli_campaign_launch), &email_launch, NULL },
		{ opt_verb(cli_survey_cmd, cli_survey_template_add), &survey_tpl, NULL },
		{ opt_verb(cli_survey_cmd, cli_survey_template_add), &survey_sms_tpl, NULL },
		{ opt_verb(cli_survey_cmd, cli_survey_create), &survey, survey_order },
		{ opt_verb(cli_survey_cmd, cli_survey_launch), &survey_launch, NULL },
		{ opt_verb(cli_survey_cmd, cli_survey_create), &survey_sms, survey_order },
		{ opt_verb(cli_survey_cmd, cli_survey_launch), &survey_sms_launch, NULL },
		{ cli_send_cmd, &send, NULL },
		{ opt_verb(cli_campaign_cmd, cli_campaign_list), &list, NULL },
		{ cli_report_cmd, &funnel, NULL },
		{ cli_report_cmd, &pyramid, NULL },
		{ cli_report_cmd, &page, page_order },
	};
	int rc = 0;

	/* each step's records are the demo's: a demo that fails half-way
	 * can still be run again */
	for (size_t i = 0; !rc && i < ARRAY_SIZE(steps); i++) {
		rc = step(cli, &steps[i], err);
		if (!rc)
			rc = mark(cli, err);
	}
	return rc;
}

/* Some of the invited answer, each way a respondent can, and the surveys'
 * results. Not steps to type again: the answers come from outside. */
static int answer_surveys(struct cli *cli, struct err *err)
{
	struct survey_args results = { .name = DEMO_SURVEY }, sms_results = { .name = DEMO_SURVEY_SMS };
	const struct step steps[] = {
		{ opt_verb(cli_survey_cmd, cli_survey_results), &results, NULL },
		{ opt_verb(cli_survey_cmd, cli_survey_results), &sms_results, NULL },
	};
	int rc;

	printf("\nThe respondents: some of the invited answer the survey on its web form (crmgate serve's\n"
	       "/s/ link), one by replying to the invitation e-mail (what 'crmgate mailbox poll' does with\n"
	       "each reply it reads), one by a text reply (Kannel's inbound route /sms/in):\n");
	fflush(stdout);
	rc = cli_demo_survey_answers(cli, DEMO_SURVEY, DEMO_SURVEY_SMS, err);
	/* what was answered is the demo's even when a later answer failed */
	if (rc) {
		struct err ignored = ERR_INIT;
		mark(cli, &ignored);
		err_release(&ignored);
	} else {
		rc = mark(cli, err);
	}
	for (size_t i = 0; !rc && i < ARRAY_SIZE(steps); i++)
		rc = step(cli, &steps[i], err);
	return rc;
}

/* Draw a [serve] secret for this run when none that survey links can
 * take is set: *drawn is it then (the caller's), else NULL. */
static int demo_key(char **drawn, struct cli *cli, struct err *err)
{
	struct buf key = BUF_INIT;
	struct err unusable = ERR_INIT;
	int rc = 0;

	*drawn = NULL;
	if (gw_web_survey_key_check(config_get(cli->cfg, "serve", "secret"), &unusable) &&
	    !(rc = gw_web_survey_key_new(&key, err))) {
		setenv("CRMGATE_SERVE_SECRET", key.data, 1);
		*drawn = buf_detach(&key, NULL);
	}
	err_release(&unusable);
	buf_release(&key);
	return rc;
}

int cmd_demo(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct demo_args a = { .customers = 1000 };
	char *drawn = NULL;
	int rc;

	if ((rc = opt_parse(NULL, usage, &a, argc, argv, err)))
		return rc == OPT_HELP ? 0 : rc;
	if (crm_store_is_external(&cli->store))
		return err_set(err, ERR_INPUT,
			       "the demo resets its database: it runs only on the embedded one in var/");
	cli_vardir_here(cli);
	if ((rc = may_reset(cli, a.yes, err)))
		return rc;

	/* the demo's greetings go out whatever the hour: without a setting of
	 * its own, the default quiet hours (21:00-08:00) would hold them back */
	if (!config_is_set(cli->cfg, "sms", "quiet_hours"))
		setenv("CRMGATE_SMS_QUIET_HOURS", "", 1);
	/* survey links need a key of the configuration's (gateway/web.h);
	 * without one, the demo draws one for this run */
	if ((rc = demo_key(&drawn, cli, err)))
		return rc;
	clear_documents("out/birthday");
	clear_documents("out/quote");
	clear_documents("out/sms");
	clear_documents("out/mail/new");
	if ((rc = write_questionnaires(err)) || (rc = run_steps(cli, a.customers, err)) ||
	    (rc = answer_surveys(cli, err))) {
		free(drawn);
		return rc;
	}
	printf("\nThe birthday letters are in out/birthday and the quote in out/quote/SO00000001.docx:\n"
	       "open them in Word or LibreOffice. The birthday e-mails (with the letter attached) went\n"
	       "through the file transport into the Maildir out/mail/new, the text messages into out/sms\n"
	       "(set [email] transport = smtp://HOST:PORT and [sms] provider = kannel to send them).\n"
	       "Every report and chart is in out/report.html: open it in a browser.\n"
	       "The data lives in var/ (PostgreSQL, started on demand; 'crmgate db stop' stops it).\n"
	       "Try: crmgate customer list --where \"code like 'C00000%%'\", crmgate salesperson view S0001,\n"
	       "     crmgate export customer > customers.csv, crmgate db psql\n");
	if (drawn)
		printf("The survey links were made with a key drawn for this run ([serve] secret was not set).\n"
		       "For them to go on working (reminders) and for surveys of your own, put in crmgate.conf:\n"
		       "    [serve]\n"
		       "    secret = %s\n",
		       drawn);
	free(drawn);
	return 0;
}
