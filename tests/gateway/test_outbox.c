/* tests/gateway/test_outbox.c - launching a campaign queues every target once,
 * skipping those who may not be sent to; workers claim rows without taking
 * each other's, and a worker's rows come back when its session ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/campaign.h"
#include "gateway/outbox.h"

static void setup(void)
{
	test_fixture_init();
	import("salesperson", "code,name\nS1,王伟\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\n");
	import("contact", "code,customer_code,name,email,email_opt_out\n"
			  "K1,C1,张三,zhang@example.test,false\nK2,C1,李四,,false\nK3,C1,王五,wang@example.test,true\n"
			  "K4,C1,赵六,ZHANG@example.test,false\nK5,C1,钱七,qian@example.test,false\n"
			  "K6,C1,孙八,sun@example.test,false\n");
}

TestSuite(outbox, .init = setup, .fini = test_fixture_fini);

static struct crm_db *connect(void)
{
	struct crm_db *c;
	struct err err = ERR_INIT;
	assert_ok(crm_db_connect(&c, db, &err), &err);
	return c;
}

static void exec(struct crm_db *c, const char *sql)
{
	struct err err = ERR_INIT;
	assert_ok(crm_db_exec(c, sql, &err), &err);
}

static long count(struct crm_db *c, const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;
	long n;
	assert_ok(crm_db_value(&v, c, sql, 0, NULL, &err), &err);
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static void create(struct crm_db *c, struct gw_campaign *got)
{
	struct gw_campaign camp = { .name = "生日",
				    .channel = "email",
				    .targets = "contact",
				    .filter = "",
				    .subject = "你好",
				    .body_text = "{{name}}" };
	struct err err = ERR_INIT;
	buf_init(&camp.template);
	assert_ok(gw_campaign_create(c, &camp, &err), &err);
	assert_ok(gw_campaign_get(c, "生日", got, &err), &err);
}

Test(outbox, a_launch_queues_each_target_once_and_says_why_it_skips)
{
	struct crm_db *c = connect();
	struct gw_campaign camp;
	struct gw_launch l;
	struct err err = ERR_INIT;

	exec(c,
	     "INSERT INTO crm.suppression (channel, address, reason) VALUES ('email', 'qian@example.test', 'bounced')");
	create(c, &camp);
	assert_ok(gw_campaign_plan(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(l.queued, 2, "K1 and K6");
	gw_launch_release(&l);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox"), 0, "a plan writes nothing");

	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(l.queued, 2);
	cr_expect_eq(l.skipped, 4);
	cr_expect(strstr(l.reasons.data, "no email: 1\n"), "%s", l.reasons.data);
	cr_expect(strstr(l.reasons.data, "opted out: 1\n"), "%s", l.reasons.data);
	cr_expect(strstr(l.reasons.data, "suppressed: bounced: 1\n"), "%s", l.reasons.data);
	cr_expect(strstr(l.reasons.data, "duplicate address: 1\n"), "K4 has K1's address: %s", l.reasons.data);
	gw_launch_release(&l);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE status = 'skipped' AND target_code = 'K4'"), 1);

	/* a relaunch queues nobody twice; a new target is added alone */
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(l.queued + l.skipped, 0);
	gw_launch_release(&l);
	exec(c, "INSERT INTO crm.contact (code, customer_id, name, email) SELECT 'K7', id, '周九', 'SUN@example.test'"
		" FROM crm.customer");
	exec(c, "INSERT INTO crm.contact (code, customer_id, name, email) SELECT 'K8', id, '吴十', 'wu@example.test'"
		" FROM crm.customer");
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(l.queued, 1, "K8");
	cr_expect_eq(l.skipped, 1, "K7 shares K6's address, queued before");
	gw_launch_release(&l);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox"), 8);

	/* cancelling drops the queue, on the record */
	assert_ok(gw_campaign_set_status(c, &camp, "cancel", &err), &err);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE status = 'queued'"), 0);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE skip_reason = 'cancelled'"), 3);
	gw_campaign_release(&camp);
	assert_ok(gw_campaign_get(c, "生日", &camp, &err), &err);
	cr_expect_eq(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), ERR_INPUT);
	err_release(&err);
	gw_campaign_release(&camp);
	crm_db_free(c);
}

Test(outbox, workers_never_share_a_row_and_a_gone_worker_loses_its_rows)
{
	struct crm_db *c = connect(), *w1 = connect(), *w2 = connect();
	struct gw_campaign camp;
	struct gw_launch l;
	struct gw_job *a, *b;
	struct err err = ERR_INIT;
	int na, nb, go;
	long requeued, unknown;

	create(c, &camp);
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	gw_launch_release(&l);
	cr_assert_eq(l.queued, 3);

	assert_ok(gw_outbox_claim(w1, "email", 0, 2, &a, &na, &err), &err);
	assert_ok(gw_outbox_claim(w2, "email", 0, 5, &b, &nb, &err), &err);
	cr_expect_eq(na, 2);
	cr_expect_eq(nb, 1, "the third row only");
	cr_expect_neq(b[0].id, a[0].id);
	cr_expect_neq(b[0].id, a[1].id);

	/* w1 hands its first row over, then dies before any answer */
	assert_ok(gw_outbox_sending(w1, &a[0], &go, &err), &err);
	cr_expect(go);
	/* while its session lives, nobody takes its rows */
	assert_ok(gw_outbox_recover(c, &requeued, &unknown, &err), &err);
	cr_expect_eq(requeued + unknown, 0);
	crm_db_free(w1);
	/* the session is gone: the claimed row is queued again, the one it was
	 * sending has an unknown outcome (the policy, resend, queues it too) */
	for (int i = 0;
	     i < 50 && count(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()") > 2; i++)
		usleep(20000);
	assert_ok(gw_outbox_recover(c, &requeued, &unknown, &err), &err);
	cr_expect_eq(requeued, 1);
	cr_expect_eq(unknown, 1);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE status = 'queued'"), 2);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE last_error LIKE 'outcome unknown:%'"), 1);

	/* w2 sends its row; a permanent failure suppresses the address */
	struct gw_result sent = { .outcome = GW_SENT, .message_id = "<1@example.test>" };
	struct gw_result bounced = { .outcome = GW_PERMFAIL, .reply = "550 5.1.1 no such user" };
	assert_ok(gw_outbox_sending(w2, &b[0], &go, &err), &err);
	assert_ok(gw_outbox_done(w2, &b[0], &sent, &err), &err);
	gw_jobs_free(b, nb);
	assert_ok(gw_outbox_claim(w2, NULL, 0, 5, &b, &nb, &err), &err);
	cr_assert_eq(nb, 2);
	assert_ok(gw_outbox_sending(w2, &b[0], &go, &err), &err);
	assert_ok(gw_outbox_done(w2, &b[0], &bounced, &err), &err);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.suppression WHERE reason LIKE '550%'"), 1);
	/* a temporary failure comes back later, not now */
	struct gw_result later = { .outcome = GW_TEMPFAIL, .reply = "451 try later" };
	assert_ok(gw_outbox_sending(w2, &b[1], &go, &err), &err);
	assert_ok(gw_outbox_done(w2, &b[1], &later, &err), &err);
	cr_expect_eq(
		count(c,
		      "SELECT count(*) FROM crm.outbox WHERE status = 'queued' AND due_at > now() + interval '20 s'"),
		1);
	gw_jobs_free(b, nb);
	gw_jobs_free(a, na);
	assert_ok(gw_outbox_finish(c, &err), &err);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.campaign WHERE status = 'running'"), 1, "one row is still due");
	gw_campaign_release(&camp);
	crm_db_free(w2);
	crm_db_free(c);
}

Test(outbox, the_rate_is_shared_and_smooth)
{
	struct crm_db *a = connect(), *b = connect();
	struct err err = ERR_INIT;
	double wait, total = 0;

	/* 10 a second, a second's worth at hand: two workers taking turns, the 21st token
	 * of a burst waits for the 11 beyond the first ten, about 1.1 s */
	for (int i = 0; i < 21; i++) {
		assert_ok(gw_outbox_take_token(i % 2 ? a : b, "sms", 10, &wait, &err), &err);
		total = wait;
	}
	cr_expect(total > 0.95 && total < 1.15, "the last waits %.2f s", total);
	/* a back-off asked for by the other side holds every worker */
	assert_ok(gw_outbox_back_off(a, "email", 30, &err), &err);
	assert_ok(gw_outbox_take_token(b, "email", 1000, &wait, &err), &err);
	cr_expect(wait > 29 && wait <= 30, "waits %.2f s", wait);
	crm_db_free(a);
	crm_db_free(b);
}

Test(outbox, an_opted_out_target_does_not_take_an_address_from_the_next)
{
	struct crm_db *c = connect();
	struct gw_campaign camp;
	struct gw_launch l;
	struct err err = ERR_INIT;

	/* K3 (opted out) has wang@; K9 shares it and may be sent to */
	exec(c, "INSERT INTO crm.contact (code, customer_id, name, email) SELECT 'K9', id, '冯九', 'Wang@example.test'"
		" FROM crm.customer");
	create(c, &camp);
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE target_code = 'K9' AND status = 'queued'"), 1,
		     "%s", l.reasons.data);
	gw_launch_release(&l);
	/* a paused campaign is not launched behind its owner's back */
	gw_campaign_release(&camp);
	assert_ok(gw_campaign_get(c, "生日", &camp, &err), &err);
	assert_ok(gw_campaign_set_status(c, &camp, "pause", &err), &err);
	cr_expect_eq(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), ERR_INPUT);
	err_release(&err);
	gw_campaign_release(&camp);
	crm_db_free(c);
}

Test(outbox, one_statement_records_a_sent_row_and_marks_the_next_after_checking_it)
{
	struct crm_db *c = connect(), *w = connect();
	struct gw_campaign camp;
	struct gw_launch l;
	struct gw_job *a;
	struct err err = ERR_INIT;
	int n, go;
	char *sql;

	create(c, &camp);
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	gw_launch_release(&l);
	assert_ok(gw_outbox_claim(w, "email", 0, 5, &a, &n, &err), &err);
	cr_assert_eq(n, 3);
	struct gw_result sent = { .outcome = GW_SENT, .message_id = "<a@example.test>", .reply = "250 ok" };

	assert_ok(gw_outbox_sending(w, &a[0], &go, &err), &err);
	cr_assert(go);
	/* the first is sent, the second may go: it is sending when the call returns */
	assert_ok(gw_outbox_sent_next(w, &a[0], &sent, &a[1], &go, &err), &err);
	cr_expect(go);
	sql = xstrfmt(
		"SELECT count(*) FROM crm.outbox WHERE id = %ld AND status = 'sent' AND message_id = '<a@example.test>'"
		" AND worker_pid IS NULL AND sent_at IS NOT NULL",
		a[0].id);
	cr_expect_eq(count(c, sql), 1);
	free(sql);
	sql = xstrfmt("SELECT count(*) FROM crm.outbox WHERE id = %ld AND status = 'sending'", a[1].id);
	cr_expect_eq(count(c, sql), 1);
	free(sql);

	/* the third opted out after the launch: the same statement skips it, and
	 * still records the second */
	sql = xstrfmt("UPDATE crm.contact SET email_opt_out = true WHERE code = '%s'", a[2].target_code);
	exec(c, sql);
	free(sql);
	sent.message_id = "<b@example.test>";
	assert_ok(gw_outbox_sent_next(w, &a[1], &sent, &a[2], &go, &err), &err);
	cr_expect(!go);
	sql = xstrfmt(
		"SELECT count(*) FROM crm.outbox WHERE id = %ld AND status = 'sent' AND message_id = '<b@example.test>'",
		a[1].id);
	cr_expect_eq(count(c, sql), 1);
	free(sql);
	sql = xstrfmt(
		"SELECT count(*) FROM crm.outbox WHERE id = %ld AND status = 'skipped' AND skip_reason = 'opted out'",
		a[2].id);
	cr_expect_eq(count(c, sql), 1);
	free(sql);

	/* a row that is not this session's is neither recorded nor marked */
	sql = xstrfmt("UPDATE crm.outbox SET status = 'queued', worker_pid = NULL WHERE id IN (%ld, %ld)", a[0].id,
		      a[1].id);
	exec(c, sql);
	free(sql);
	gw_jobs_free(a, n);
	assert_ok(gw_outbox_claim(c, "email", 0, 5, &a, &n, &err), &err);
	cr_assert_eq(n, 2);
	assert_ok(gw_outbox_sent_next(w, &a[0], &sent, &a[1], &go, &err), &err);
	cr_expect(!go);
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE status = 'claimed'"), 2);
	gw_jobs_free(a, n);
	gw_campaign_release(&camp);
	crm_db_free(w);
	crm_db_free(c);
}

/* The items a producer queues: contact code $1, its e-mail. */
#define ONE_CONTACT                                                                                                    \
	"SELECT t.code, t.id AS contact_id, NULL::bigint AS lead_contact_id, t.email AS recipient, t.name,"            \
	" NULL::text AS postcode, NULL::text AS reason FROM crm.contact t WHERE t.code = $1"

/* Queue contact code for src; the number of rows it queued. */
static long enqueue(struct crm_db *c, const struct gw_source *src, long campaign_id, const char *code)
{
	struct crm_res *res = NULL;
	struct err err = ERR_INIT;
	const char *params[] = { code };
	long queued = 0;

	assert_ok(gw_outbox_enqueue(&res, c, src, campaign_id, "email", ONE_CONTACT, 1, params, &err), &err);
	for (int r = 0; r < crm_res_rows(res); r++)
		if (!crm_res_get(res, r, 0))
			queued += strtol(crm_res_get(res, r, 1), NULL, 10);
	crm_res_free(res);
	return queued;
}

Test(outbox, a_target_is_queued_once_per_producer_not_once_in_all)
{
	struct crm_db *c = connect();
	struct gw_campaign camp;
	struct gw_launch l;
	struct err err = ERR_INIT;

	create(c, &camp);
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	gw_launch_release(&l);
	{
		/* the campaign itself, and every other kind of producer sending
		 * the campaign's message to the same contact on the same channel */
		const struct gw_source producers[] = {
			{ "campaign", camp.id },  { "survey_invitation", 7 }, { "survey_reminder", 7 },
			{ "survey_reminder", 8 }, { "alert_digest", 7 },      { "single", 7 },
		};
		for (size_t i = 0; i < ARRAY_SIZE(producers); i++) {
			long first = enqueue(c, &producers[i], camp.id, "K1");
			cr_expect_eq(first, i == 0 ? 0 : 1, "%s %ld queued K1 %ld times, not %d", producers[i].kind,
				     producers[i].id, first, i == 0 ? 0 : 1);
			cr_expect_eq(enqueue(c, &producers[i], camp.id, "K1"), 0, "%s %ld queued K1 twice",
				     producers[i].kind, producers[i].id);
		}
		cr_expect_eq(count(c, "SELECT count(*) FROM crm.outbox WHERE target_code = 'K1'"),
			     (long)ARRAY_SIZE(producers));
		cr_expect_eq(
			count(c, "SELECT count(DISTINCT (source, source_id)) FROM crm.outbox WHERE target_code = 'K1'"),
			(long)ARRAY_SIZE(producers));
	}
	/* a relaunch still queues nobody twice */
	assert_ok(gw_campaign_launch(c, &camp, "2026-11-27", &l, &err), &err);
	cr_expect_eq(l.queued, 0);
	gw_launch_release(&l);
	gw_campaign_release(&camp);
	crm_db_free(c);
}

/* The library refuses a campaign that cannot be sent, whoever creates it
 * (the command line, send-one, a later producer), with the command line's
 * words. */
Test(outbox, a_campaign_that_cannot_be_sent_is_not_created)
{
	static const struct {
		const char *channel, *subject, *text, *html, *kind, *attach, *msg;
	} cases[] = {
		{ "mail", NULL, NULL, NULL, NULL, NULL, "a mail campaign needs --template, a Word letter (.docx)" },
		{ "mail", NULL, NULL, NULL, "txt", NULL, "a mail campaign needs --template, a Word letter (.docx)" },
		{ "email", NULL, "hi", NULL, NULL, NULL, "an e-mail campaign needs --subject" },
		{ "email", "s", NULL, NULL, NULL, NULL, "an e-mail campaign needs --body FILE (.txt and/or .html)" },
		{ "email", "s", "hi", NULL, NULL, "pdf", "--attach pdf needs --template, the Word document to attach" },
		{ "sms", NULL, NULL, NULL, NULL, NULL, "an SMS campaign needs --body FILE, a .txt" },
		{ "sms", NULL, "hi", "<p>hi</p>", NULL, NULL,
		  "a text message is plain text: --body takes a .txt for sms" },
	};
	struct crm_db *c = connect();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[16];
		struct gw_campaign camp = { .name = name,
					    .channel = (char *)cases[i].channel,
					    .targets = "contact",
					    .filter = "",
					    .subject = (char *)cases[i].subject,
					    .body_text = (char *)cases[i].text,
					    .body_html = (char *)cases[i].html,
					    .template_kind = (char *)cases[i].kind,
					    .attach = (char *)cases[i].attach };
		struct err err = ERR_INIT;
		snprintf(name, sizeof(name), "c%zu", i);
		buf_init(&camp.template);
		cr_expect_eq(gw_campaign_create(c, &camp, &err), ERR_INPUT, "case %zu was created", i);
		cr_expect_str_eq(err.msg.data, cases[i].msg);
		err_release(&err);
	}
	cr_expect_eq(count(c, "SELECT count(*) FROM crm.campaign"), 0);
	crm_db_free(c);
}
