/* tests/cli/crash.h - what the crash tests share: an e-mail campaign to a
 * real smtp-sink, and the check that counts what the sink received.
 *
 * The promise under test (issue 4): whatever dies — a worker, the SMTP
 * server, PostgreSQL — after recovery every recipient has been sent, and a
 * recipient received a message twice only when its outbox row says an
 * outcome was unknown (crm.outbox.doubts). */
#ifndef TESTS_CLI_CRASH_H
#define TESTS_CLI_CRASH_H

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

/* The suites run on the fixture's database and folder:
 *	TestSuite(name, .init = test_fixture_init, .fini = test_fixture_fini) */
struct crash {
	char *log;	    /* what the workers in the background print, in dir */
	const char *domain; /* the recipients' domain, unique to the test */
	int n;		    /* recipients r001@domain ... */
};

/* The fixture's database with n contacts r001@domain..., and an e-mail
 * campaign "crash" to them sent through smtp://127.0.0.1:port at rate
 * messages a second (options: more campaign create options), launched and
 * waiting. */
static inline void crash_setup(struct crash *c, const char *domain, int n, unsigned port, const char *rate,
			       const char *options)
{
	struct buf csv = BUF_INIT;
	char *body, *from, *url;

	c->log = xstrfmt("%s/send.log", dir);
	c->domain = domain;
	c->n = n;
	import("salesperson", "code,name\nS1,王伟\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\n");
	buf_adds(&csv, "code,customer_code,name,email\n");
	for (int i = 1; i <= n; i++)
		buf_addf(&csv, "K%03d,C1,客户%d,r%03d@%s\n", i, i, i, domain);
	import("contact", csv.data);
	buf_release(&csv);
	from = xstrfmt("crash@%s", domain);
	url = xstrfmt("smtp://127.0.0.1:%u", port);
	setenv("CRMGATE_EMAIL_FROM", from, 1);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	/* retries after a refused connection come back within a second */
	setenv("PGOPTIONS", "-c crmgate.retry_base=0.3", 1);
	body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，您好！\n");
	cr_assert_eq(crmgate("campaign create crash --channel email --targets contact --subject '致{{name}}'"
			     " --body '%s' --rate %s --max-attempts 60 %s",
			     body, rate, options),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch crash --yes"), 0, "%s", errout.data);
	free(body);
	free(from);
	free(url);
}

static inline void crash_teardown(struct crash *c)
{
	free(c->log);
	unsetenv("PGOPTIONS");
}

/* A count of the campaign's status ("sent", "queued"...), -1 if it cannot be read. */
static inline long crash_count_of(const char *field)
{
	char *key = xstrfmt("\"%s\": ", field);
	const char *p;
	long v = -1;

	if (!crmgate("--format json campaign status crash") && (p = strstr(out.data, key)))
		v = strtol(p + strlen(key), NULL, 10);
	free(key);
	return v;
}

/* How many of the campaign's outbox rows match the SQL condition. */
static inline long crash_rows(const char *where)
{
	struct crm_db *conn;
	struct err err = ERR_INIT;
	char *sql = xstrfmt("SELECT count(*) FROM crm.outbox WHERE %s", where), *v = NULL;
	long n;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	n = strtol(v, NULL, 10);
	free(v);
	free(sql);
	crm_db_free(conn);
	err_release(&err);
	return n;
}

/* Wait up to secs for at least sent messages; returns the number sent. */
static inline long crash_wait_sent(long sent, int secs)
{
	long now = 0;
	for (int i = 0; i < secs * 10 && (now = crash_count_of("sent")) < sent; i++)
		usleep(100 * 1000);
	return now;
}

/* Is the campaign done? */
static inline int crash_done(void)
{
	return !crmgate("--format json campaign status crash") && strstr(out.data, "\"status\": \"done\"");
}

/* How many messages for each recipient r001@domain... the sink saved in
 * msgdir (smtp-sink -d keeps a message only once its final dot came). */
static inline void crash_received(const struct crash *c, const char *msgdir, int *counts)
{
	char *needle = xstrfmt("@%s>", c->domain);
	DIR *d = opendir(msgdir);

	cr_assert(d, "cannot read the sink's folder %s", msgdir);
	memset(counts, 0, sizeof(int) * (size_t)(c->n + 1));
	for (struct dirent *e; (e = readdir(d));) {
		char *path, *text;
		const char *rcpt, *at;
		if (e->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s", msgdir, e->d_name);
		text = test_slurp(path);
		rcpt = strstr(text, "\nX-Rcpt-Args: <r");
		at = rcpt ? strstr(rcpt, needle) : NULL;
		if (at && at - rcpt == 19) { /* "\nX-Rcpt-Args: <r" and three digits */
			int i = atoi(rcpt + 16);
			if (i >= 1 && i <= c->n)
				counts[i]++;
		}
		free(text);
		free(path);
	}
	closedir(d);
	free(needle);
}

/* The promise: every recipient got the message, the campaign says all were
 * sent, and every second copy is one that the outbox counted as in doubt. */
static inline void crash_check(struct crash *c, const char *msgdir)
{
	int *counts = xcalloc((size_t)c->n + 1, sizeof(int));
	struct crm_db *conn;
	struct crm_res *res;
	struct err err = ERR_INIT;
	int missing = 0, doubled = 0, unexplained = 0, doubts = 0;

	crash_received(c, msgdir, counts);
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(
		crm_db_query(&res, conn,
			     "SELECT split_part(recipient, '@', 1), doubts, status FROM crm.outbox ORDER BY recipient",
			     0, NULL, &err),
		&err);
	cr_assert_eq(crm_res_rows(res), c->n);
	for (int r = 0; r < crm_res_rows(res); r++) {
		int i = atoi(crm_res_get(res, r, 0) + 1), d = atoi(crm_res_get(res, r, 1));
		cr_expect_str_eq(crm_res_get(res, r, 2), "sent", "r%03d", i);
		doubts += d;
		missing += counts[i] == 0;
		doubled += counts[i] > 1;
		if (counts[i] > 1 + d) {
			unexplained++;
			cr_expect_fail("r%03d@%s received %d copies, but its row had %d unknown outcome%s", i,
				       c->domain, counts[i], d, d == 1 ? "" : "s");
		}
		if (counts[i] == 0)
			cr_expect_fail("r%03d@%s received nothing", i, c->domain);
	}
	cr_log_info("%s: %d recipients, %d missing, %d received twice, %d unknown outcomes, %d unexplained", c->domain,
		    c->n, missing, doubled, doubts, unexplained);
	crm_res_free(res);
	crm_db_free(conn);
	err_release(&err);
	free(counts);
}

#endif
