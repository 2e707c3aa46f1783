/* cli/cmd_campaign.c - crmgate campaign: create, preview, launch, status, pause,
 * resume, cancel, list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/rules.h"
#include "crm/record.h"
#include "gateway/campaign.h"
#include "gateway/plan.h"
#include "gateway/send.h"
#include "gateway/sms_text.h"
#include "gateway/tpl.h"
#include "merge/text.h"
#include "common/banned.h"

static const struct opt_cmd usage[1];

static int add_body(void *args, const struct opt_spec *o, const char *value, struct err *err)
{
	const struct campaign_args *a = args;
	(void)o;
	(void)value; /* kept by the parser (OPT_CALLBACK_LIST) */
	if (a->bodies.n == 2)
		return cli_usage_error(err, usage, _("--body is given at most twice (text and HTML)"));
	return 0;
}

#define CAMPAIGN_ARG(help) OPT_ARG("CAMPAIGN", help, struct campaign_args, name, 0)

static const struct opt_spec create_opts[] = {
	OPT_ARG("NAME", N_("the campaign's name"), struct campaign_args, name, 0),
	OPT_STRING("channel", "mail|email|sms", N_("a letter by post, an e-mail or a text message"),
		   struct campaign_args, channel),
	OPT_STRING("targets", "ENTITY", N_("whom to send to: contact, customer, lead..."), struct campaign_args,
		   targets),
	OPT_STRING("where", "FILTER", N_("which of them (default: all)"), struct campaign_args, where),
	OPT_STRING("template", "NAME|FILE", N_("the Word letter (mail), or the document to attach (email)"),
		   struct campaign_args, template),
	OPT_STRING("subject", "TEXT", N_("the e-mail's subject, a template"), struct campaign_args, subject),
	OPT_CALLBACK_LIST("body", "FILE", N_("the body, a .txt and/or an .html (given twice)"), struct campaign_args,
			  bodies, add_body),
	OPT_STRING("attach", "docx|pdf|none", N_("e-mail: attach the filled --template"), struct campaign_args, attach),
	OPT_STRING("at", "TIME", N_("send from then on ('2026-12-01 09:00'); default at once"), struct campaign_args,
		   at),
	OPT_STRING("rate", "N", N_("messages per second for this campaign (default: the channel's rate)"),
		   struct campaign_args, rate),
	OPT_STRING("policy", "resend|hold",
		   N_("when a message's outcome is unknown (the connection died after it was\n"
		      "handed over): resend (default) or hold it for a person to decide"),
		   struct campaign_args, policy),
	OPT_STRING("max-attempts", "N", N_("how often a message is tried before it fails (1 to 100)"),
		   struct campaign_args, attempts),
	OPT_FLAG("transactional", N_("not marketing: no SMS signature, opt-out text or quiet hours"),
		 struct campaign_args, transactional),
	OPT_END(),
};

static const struct opt_spec preview_opts[] = {
	CAMPAIGN_ARG(N_("a campaign's name or id")),
	OPT_STRING("limit", "N", N_("how many targets (default 3)"), struct campaign_args, limit),
	OPT_STRING("test-to", "ADDRESS",
		   N_("also send the first target's message to ADDRESS (an e-mail\n"
		      "address or a mobile number) now, outside the outbox; subject \"[TEST] …\""),
		   struct campaign_args, test_to),
	OPT_END(),
};

static const struct opt_spec launch_opts[] = {
	CAMPAIGN_ARG(N_("a campaign's name or id")),
	OPT_FLAG("yes", N_("do not ask (scripts)"), struct campaign_args, yes),
	OPT_END(),
};

static const struct opt_spec status_opts[] = {
	CAMPAIGN_ARG(N_("a campaign's name or id")),
	OPT_FLAG("watch",
		 N_("a progress bar while 'crmgate send' works, until the campaign\n"
		    "is done, paused or cancelled; then the counts"),
		 struct campaign_args, watch),
	OPT_END(),
};

static const struct opt_spec campaign_only_opts[] = {
	CAMPAIGN_ARG(N_("a campaign's name or id")),
	OPT_END(),
};

static int campaign_preview_verb(struct cli *cli, void *args, struct err *err);
static int campaign_status_verb(struct cli *cli, void *args, struct err *err);
static int campaign_pause(struct cli *cli, void *args, struct err *err);
static int campaign_resume(struct cli *cli, void *args, struct err *err);
static int campaign_cancel(struct cli *cli, void *args, struct err *err);

static const struct opt_cmd verbs[] = {
	{ .name = "campaign create",
	  .summary = N_("a draft campaign: channel, targets, template, texts"),
	  .opts = create_opts,
	  .fn = cli_campaign_create },
	{ .name = "campaign preview",
	  .summary = N_("the first targets' messages, as they will go out"),
	  .opts = preview_opts,
	  .fn = campaign_preview_verb },
	{ .name = "campaign launch",
	  .summary = N_("queue one message per target, once"),
	  .opts = launch_opts,
	  .fn = cli_campaign_launch },
	{ .name = "campaign status",
	  .summary = N_("how far it is: the counts by status"),
	  .opts = status_opts,
	  .fn = campaign_status_verb },
	{ .name = "campaign pause",
	  .summary = N_("hold the messages not sent yet"),
	  .opts = campaign_only_opts,
	  .fn = campaign_pause },
	{ .name = "campaign resume",
	  .summary = N_("go on sending"),
	  .opts = campaign_only_opts,
	  .fn = campaign_resume },
	{ .name = "campaign cancel",
	  .summary = N_("send no more of it"),
	  .opts = campaign_only_opts,
	  .fn = campaign_cancel },
	{ .name = "campaign list", .summary = N_("every campaign and its counts"), .fn = cli_campaign_list },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "campaign",
	.summary = N_("create, preview, launch and follow mail, e-mail and SMS campaigns"),
	.help = N_("A campaign sends one message per target of ENTITY that FILTER selects: a letter by post\n"
		   "(mail: --template is the Word letter; 'crmgate send' writes the print batch and an address\n"
		   "list), an e-mail (--subject and --body FILE, a .txt and/or an .html; --template with\n"
		   "--attach docx|pdf attaches the filled Word document), or a text message (sms: --body FILE).\n"
		   "Subjects and bodies are templates like merge's ({{name}}, {{customer.name}}, sections), checked\n"
		   "against ENTITY's records when the campaign is created; the campaign keeps a copy of them.\n"
		   "\n"
		   "launch queues one message per target, once: targets without an address for the channel,\n"
		   "opted out, suppressed (bounced, failed, STOP) or sharing an address with another target are\n"
		   "recorded as skipped, with the reason. On a terminal launch says how many and asks; scripts\n"
		   "pass --yes. 'crmgate send' then delivers the queue. CAMPAIGN is a name or an id."),
	.verbs = verbs,
} };

const struct opt_cmd *const cli_campaign_cmd = usage;

int cli_campaign_create(struct cli *cli, void *args, struct err *err)
{
	const struct campaign_args *a = args;
	struct gw_campaign c = { 0 };
	const struct crm_entity *e;
	struct crm_query q;
	struct crm_db *db;
	struct gw_tpl t = { 0 };
	int rc;

	if (!a->name || !a->channel || !a->targets)
		return cli_usage_error(err, usage, "campaign create needs NAME, --channel and --targets");
	if (!(e = cli_entity(a->targets, usage, err)))
		return err->code;
	if (a->attach && strcmp(a->attach, "docx") && strcmp(a->attach, "pdf") && strcmp(a->attach, "none"))
		return cli_usage_error(err, usage, "--attach takes docx, pdf or none");
	if (a->policy && strcmp(a->policy, "resend") && strcmp(a->policy, "hold"))
		return cli_usage_error(err, usage, "--policy takes resend or hold");
	buf_init(&c.template);
	c.name = (char *)a->name;
	c.channel = (char *)a->channel;
	c.targets = (char *)e->name;
	c.filter = (char *)(a->where ? a->where : "");
	c.attach = (char *)(a->attach ? a->attach : strcmp(a->channel, "mail") ? "none" : "docx");
	c.subject = (char *)a->subject;
	c.scheduled_at = (char *)a->at;
	c.rate = (char *)a->rate;
	c.unknown_policy = (char *)a->policy;
	if (a->attempts) {
		char *end;
		long n = strtol(a->attempts, &end, 10);
		if (*end || n < 1 || n > 100)
			return cli_usage_error(err, usage, "--max-attempts takes a number from 1 to 100");
		c.max_attempts = (int)n;
	}
	c.marketing = !a->transactional;

	/* the filter, checked now rather than at launch */
	rc = cli_db(cli, &db, err);
	crm_query_init(&q);
	if (!rc)
		rc = crm_filter_compile(&q, db, e, c.filter, cli->today, err);
	crm_query_release(&q);
	if (!rc) /* before the templates are read: the database's channels */
		rc = crm_channel_check(db, a->channel, err);
	if (!rc && a->template) {
		rc = gw_tpl_load(&t, db, a->template, err);
		if (!rc)
			rc = gw_tpl_compile(&t, e, err);
		if (!rc) {
			c.template_name = (char *)a->template;
			c.template_kind = (char *)t.ext + 1;
			c.template = t.data;
		}
	}
	for (int i = 0; !rc && i < a->bodies.n; i++) {
		const char *dot = strrchr(a->bodies.v[i], '.');
		int html = dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm"));
		char **slot = html ? &c.body_html : &c.body_text;
		struct gw_tpl b = { 0 };
		if (*slot)
			rc = cli_usage_error(err, usage, "two %s bodies: give one .txt and one .html",
					     html ? "HTML" : "text");
		/* a file, a stored template or a built-in one, as --template */
		if (!rc)
			rc = gw_tpl_load(&b, db, a->bodies.v[i], err);
		if (!rc && b.kind == GW_TPL_DOCX)
			rc = err_set(err, ERR_INPUT, "--body '%s': a body is a .txt or .html template", a->bodies.v[i]);
		if (!rc)
			*slot = xstrdup(b.data.data);
		gw_tpl_release(&b);
		if (!rc)
			rc = gw_campaign_check_text(a->bodies.v[i], *slot, html ? GW_TPL_HTML : GW_TPL_TXT, e, err);
	}
	if (!rc && c.subject)
		rc = gw_campaign_check_text("--subject", c.subject, GW_TPL_TXT, e, err);
	if (!rc)
		rc = gw_campaign_create(db, &c, err);
	if (!rc)
		log_info("created campaign '%s' (id %ld), a draft: 'crmgate campaign preview %s', then launch", c.name,
			 c.id, c.name);
	free(c.body_text);
	free(c.body_html);
	gw_tpl_release(&t);
	return rc;
}

/* Render the first targets' messages, as they will go out. */
struct preview {
	const struct gw_campaign *c;
	const struct config *cfg;
	struct gw_tpl subject, text, html;
	struct value *globals;
	struct buf out;
	long n;
};

/* A text as it will go out (marketing: signed, with the opt-out text), and
 * what it costs. */
static int preview_sms(struct preview *p, struct err *err)
{
	struct buf sent = BUF_INIT;
	struct gw_sms_info info;
	int rc;

	if (p->c->marketing)
		gw_sms_decorate(&sent, p->out.data, config_get(p->cfg, "sms", "signature"),
				config_get(p->cfg, "sms", "optout_text"));
	else
		buf_adds(&sent, p->out.data);
	rc = gw_sms_measure(&info, sent.data, err);
	if (!rc)
		printf("\n%s\n[%zu character%s, %s, %zu segment%s]\n", sent.data, info.chars,
		       info.chars == 1 ? "" : "s", gw_sms_coding_name(info.coding), info.segments,
		       info.segments == 1 ? "" : "s");
	buf_release(&sent);
	return rc;
}

static int preview_one(void *ctx, const struct value *rec, struct err *err)
{
	struct preview *p = ctx;
	const struct value *code = value_lookup(rec, "code");
	int rc = 0;

	printf("--- %ld: %s\n", ++p->n, code && code->kind == VALUE_TEXT ? code->u.text : "");
	if (p->c->subject) {
		buf_reset(&p->out);
		rc = merge_render(&p->out, &p->subject.text, rec, p->globals, err);
		if (!rc)
			printf("Subject: %s\n", p->out.data);
	}
	if (!rc && p->c->body_text) {
		buf_reset(&p->out);
		rc = merge_render(&p->out, &p->text.text, rec, p->globals, err);
		if (!rc && !strcmp(p->c->channel, "sms"))
			rc = preview_sms(p, err);
		else if (!rc)
			printf("\n%s%s", p->out.data, p->out.len && p->out.data[p->out.len - 1] == '\n' ? "" : "\n");
	}
	if (!rc && p->c->body_html) {
		buf_reset(&p->out);
		rc = merge_render(&p->out, &p->html.text, rec, p->globals, err);
		if (!rc)
			printf("\n[HTML]\n%s%s", p->out.data,
			       p->out.len && p->out.data[p->out.len - 1] == '\n' ? "" : "\n");
	}
	if (!rc && p->c->template_kind)
		printf("\n[%s %s, filled for this target]\n", p->c->template_kind, p->c->template_name);
	return rc;
}

int cli_campaign_preview(struct cli *cli, struct crm_db *db, const struct gw_campaign *c, long limit,
			 const char *target, struct err *err)
{
	const struct crm_entity *e = crm_entity_find(c->targets);
	struct preview p = { .c = c, .cfg = cli->cfg };
	struct crm_query q;
	int rc;

	buf_init(&p.out);
	crm_query_init(&q);
	rc = gw_campaign_compile_text(&p.subject, "subject", c->subject, GW_TPL_TXT, e, err);
	if (!rc)
		rc = gw_campaign_compile_text(&p.text, "body.txt", c->body_text, GW_TPL_TXT, e, err);
	if (!rc)
		rc = gw_campaign_compile_text(&p.html, "body.html", c->body_html, GW_TPL_HTML, e, err);
	if (!rc)
		rc = crm_filter_compile(&q, db, e, c->filter, cli->today, err);
	if (!rc && target) {
		int n = crm_query_param(&q, target);
		buf_addf(&q.where, "%st.code = $%d", q.where.len ? " AND " : "", n);
	}
	p.globals = gw_tpl_globals(cli->today);
	/* a survey's invitation: its title and questionnaire, and a link as long as each will have */
	if (!rc)
		rc = gw_tpl_survey_globals(p.globals, db, c->id, gw_tpl_public_url(cli->cfg), err);
	if (!rc) {
		long n = 0;
		printf("campaign '%s': %s to %s%s%s\n", c->name, c->channel, c->targets, *c->filter ? " where " : "",
		       c->filter);
		rc = crm_records_each(&n, db, e, &q, limit > 0 ? limit : 3, preview_one, &p, err);
		if (!rc && !n && target)
			rc = err_set(err, ERR_NOTFOUND, "'%s' is none of the %s targets of '%s'", target, c->targets,
				     c->name);
	}
	value_free(p.globals);
	gw_tpl_release(&p.subject);
	gw_tpl_release(&p.text);
	gw_tpl_release(&p.html);
	buf_release(&p.out);
	crm_query_release(&q);
	return rc;
}

static int campaign_preview(struct cli *cli, struct crm_db *db, const struct gw_campaign *c,
			    const struct campaign_args *a, struct err *err)
{
	char *end = NULL;
	long limit = a->limit ? strtol(a->limit, &end, 10) : 3;
	int rc;

	if (end && (*end || limit < 1))
		return cli_usage_error(err, usage, "--limit takes a number of targets");
	rc = cli_campaign_preview(cli, db, c, limit, NULL, err);
	if (!rc && a->test_to) {
		struct gw_send_opts o = { .cfg = cli->cfg, .today = cli->today };
		struct buf report = BUF_INIT;
		fflush(stdout);
		rc = gw_send_sample(db, &o, c->id, a->test_to, &report, err);
		if (!rc)
			printf("\n%s\n", report.data);
		buf_release(&report);
	}
	return rc;
}

static void print_launch(const char *what, const struct gw_launch *l)
{
	printf("%s %ld, skipped %ld", what, l->queued, l->skipped);
	if (l->already)
		printf(", queued before %ld", l->already);
	putchar('\n');
	for (const char *p = l->reasons.data; *p;) {
		const char *nl = strchr(p, '\n');
		printf("  %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

int cli_url_is_loopback(const char *url)
{
	const char *host = strstr(url, "://");
	size_t len;

	host = host ? host + 3 : url;
	len = *host == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	return (len == 9 && !strncmp(host, "localhost", 9)) || !strncmp(host, "127.", 4) ||
	       (len == 5 && !strncmp(host, "[::1]", 5));
}

/* Marketing e-mail carries unsubscribe links to [serve] public_url: on the
 * loopback default, no recipient can open them. */
static void warn_unreachable_links(struct cli *cli, const struct gw_campaign *c)
{
	const char *url = config_get(cli->cfg, "serve", "public_url");

	if (strcmp(c->channel, "email") || !c->marketing || (url && !cli_url_is_loopback(url)))
		return;
	log_warn("the unsubscribe links will point at %s, which only this machine can open: set [serve]"
		 " public_url to the https address where 'crmgate serve' can be reached",
		 url ? url : "http://127.0.0.1:8080 (the default)");
}

/* An SMS campaign's queued texts measured: what it will cost, in segments. */
static int plan_texts(struct cli *cli, struct crm_db *db, const struct gw_campaign *c, struct err *err)
{
	struct gw_plan p;
	int rc = gw_plan_sms(db, c, cli->cfg, cli->today, &p, err);

	if (rc || !p.texts)
		return rc;
	printf("%ld text%s, %ld segment%s: %ld GSM 7-bit, %ld UCS-2; %ld longer than one segment", p.texts,
	       p.texts == 1 ? "" : "s", p.segments, p.segments == 1 ? "" : "s", p.gsm7, p.ucs2, p.multipart);
	if (p.max_segments > 1)
		printf(" (the longest %ld)", p.max_segments);
	putchar('\n');
	return 0;
}

static int campaign_launch(struct cli *cli, struct crm_db *db, struct gw_campaign *c, const struct campaign_args *a,
			   struct err *err)
{
	struct gw_launch l;
	/* the [sms] settings are a text campaign's: an e-mail or a letter
	 * campaign neither reads them nor fails on them */
	int sms = !strcmp(c->channel, "sms"), rc;

	if (sms && (rc = gw_sms_cap_parse(&c->cap, config_get(cli->cfg, "sms", "frequency_cap"), err)))
		return rc;
	warn_unreachable_links(cli, c);
	if (!a->yes) {
		char answer[16] = "";
		if (!isatty(STDIN_FILENO))
			return err_set(err, ERR_INPUT,
				       "launch asks before it sends, and this is no terminal: pass --yes");
		if ((rc = gw_campaign_plan(db, c, cli->today, &l, err)))
			return rc;
		print_launch("will queue", &l);
		gw_launch_release(&l);
		printf("Launch campaign '%s' (%s)? [y/N] ", c->name, c->channel);
		fflush(stdout);
		if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
			printf("not launched\n");
			return 0;
		}
	}
	if ((rc = gw_campaign_launch(db, c, cli->today, &l, err)))
		return rc;
	if (!l.queued && !l.skipped)
		printf("nothing new to queue: every target of '%s' is in its outbox already\n", c->name);
	else
		print_launch("queued", &l);
	gw_launch_release(&l);
	if (sms && (rc = plan_texts(cli, db, c, err)))
		return rc;
	fflush(stdout);
	log_info("'crmgate send' delivers the queue; 'crmgate campaign status %s' shows how far it is", c->name);
	return 0;
}

/* A count of the first row (0 when there is no such column). */
static long column(const struct crm_res *res, const char *name)
{
	int c = crm_res_column(res, name);
	return c < 0 ? 0 : strtol(crm_res_get(res, 0, c), NULL, 10);
}

/* The counts; with watch, first a progress bar (on a terminal) until the
 * campaign has nothing left in flight or stops running. */
static int campaign_status(struct cli *cli, struct crm_db *db, const struct gw_campaign *c, int watch, struct err *err)
{
	struct crm_res *res = NULL;
	struct progress bar;
	char *label = xstrfmt("campaign %s", c->name);
	int rc;

	progress_start(&bar, label, 0);
	while (!(rc = gw_campaign_status(&res, db, c, err)) && watch) {
		long total = column(res, "total"), left = column(res, "queued") + column(res, "sending");
		const char *status = crm_res_get(res, 0, 2);
		if (strcmp(status, "running") || !left)
			break;
		bar.total = total;
		progress_update(&bar, total - left);
		crm_res_free(res);
		res = NULL;
		sleep(1);
	}
	progress_done(&bar);
	if (!rc)
		out_record(cli, res, 0, stdout);
	crm_res_free(res);
	free(label);
	return rc;
}

/* The campaign a verb names, loaded into c (released by the caller). */
static int campaign_named(struct crm_db **db, struct gw_campaign *c, struct cli *cli, const struct campaign_args *a,
			  const char *verb, struct err *err)
{
	int rc = cli_db(cli, db, err);

	if (!rc && !a->name)
		rc = cli_usage_error(err, usage, "campaign %s needs the campaign's name or id", verb);
	if (!rc)
		rc = gw_campaign_get(*db, a->name, c, err);
	return rc;
}

static int campaign_preview_verb(struct cli *cli, void *args, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = campaign_named(&db, &c, cli, args, "preview", err);

	if (!rc)
		rc = campaign_preview(cli, db, &c, args, err);
	gw_campaign_release(&c);
	return rc;
}

int cli_campaign_launch(struct cli *cli, void *args, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = campaign_named(&db, &c, cli, args, "launch", err);

	if (!rc)
		rc = campaign_launch(cli, db, &c, args, err);
	gw_campaign_release(&c);
	return rc;
}

static int campaign_status_verb(struct cli *cli, void *args, struct err *err)
{
	const struct campaign_args *a = args;
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = campaign_named(&db, &c, cli, a, "status", err);

	if (!rc)
		rc = campaign_status(cli, db, &c, a->watch, err);
	gw_campaign_release(&c);
	return rc;
}

/* pause, resume or cancel (verb), said as done. */
static int campaign_set_status(struct cli *cli, const struct campaign_args *a, const char *verb, const char *done,
			       struct err *err)
{
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = campaign_named(&db, &c, cli, a, verb, err);

	if (!rc && !(rc = gw_campaign_set_status(db, &c, verb, err)))
		log_info("campaign '%s': %s", c.name, done);
	gw_campaign_release(&c);
	return rc;
}

static int campaign_pause(struct cli *cli, void *args, struct err *err)
{
	return campaign_set_status(cli, args, "pause", "paused", err);
}

static int campaign_resume(struct cli *cli, void *args, struct err *err)
{
	return campaign_set_status(cli, args, "resume", "running", err);
}

static int campaign_cancel(struct cli *cli, void *args, struct err *err)
{
	return campaign_set_status(cli, args, "cancel", "cancelled", err);
}

int cli_campaign_list(struct cli *cli, void *args, struct err *err)
{
	struct crm_res *res = NULL;
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	(void)args;
	if (!rc && !(rc = gw_campaign_list(&res, db, err)))
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

int cmd_campaign(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct campaign_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}

int cli_campaign_create_for(struct cli *cli, const char *name, const char *entity, const char *where, int argc,
			    char **argv, struct err *err)
{
	const struct opt_cmd *create = opt_verb(usage, cli_campaign_create);
	struct campaign_args a = { 0 };
	/* argv[0] stands for the command's name: the options are create's */
	int rc = opt_parse(NULL, create, &a, argc, argv, err);

	if (!rc && a.name)
		rc = cli_usage_error(err, usage, _("'%s' is not an option of campaign create"), a.name);
	if (!rc) {
		a.name = name;
		a.targets = entity;
		a.where = where;
		rc = cli_campaign_create(cli, &a, err);
	}
	opt_release(create, &a);
	return rc;
}

int cli_campaign_launch_now(struct cli *cli, const char *name, long *id, struct err *err)
{
	struct campaign_args a = { .name = name, .yes = 1 };
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = gw_campaign_get(db, name, &c, err);
	if (!rc)
		rc = campaign_launch(cli, db, &c, &a, err);
	*id = c.id;
	gw_campaign_release(&c);
	return rc;
}
