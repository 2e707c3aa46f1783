/* tests/survey/serve.h - what the tests of the survey's link page share:
 * `crmgate serve` started on a free port against the test database, and a
 * survey link's token. */
#ifndef TESTS_SURVEY_SERVE_H
#define TESTS_SURVEY_SERVE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "crm/db.h"
#include "survey/response.h"
#include "key.h"

/* Start "crmgate --db DB serve" on a free port of 127.0.0.1, its output in
 * log; its process group in *pid (stop it with kill(-pid, SIGTERM)), and
 * the port it says it serves on, waited for up to 20 s. */
static unsigned serve_start(pid_t *pid, const char *log, const char *database)
{
	test_write_file(log, "");
	*pid = test_crmgate_bg(log, database, "serve --listen 127.0.0.1:0");
	for (int i = 0; i < 400; i++) {
		char *text = test_slurp(log);
		const char *p = strstr(text, "serving on http://127.0.0.1:");
		unsigned n = p ? (unsigned)strtoul(p + 28, NULL, 10) : 0;
		free(text);
		if (n)
			return n;
		usleep(50 * 1000);
	}
	cr_assert_fail("crmgate serve did not say where it listens");
	return 0;
}

/* The token of the link of survey's invitation to target code, malloc'd. */
static char *serve_token(struct crm_db *conn, const char *survey, const char *code)
{
	struct err err = ERR_INIT;
	const char *params[] = { survey, code };
	char *t = NULL;

	assert_ok(
		crm_db_value(
			&t, conn,
			"SELECT " TEST_SURVEY_TOKEN_SQL(
				"i.token_nonce") " FROM crm.survey_invitation i"
						 " JOIN crm.survey s ON s.id = i.survey_id WHERE s.name = $1 AND i.target_code = $2",
			2, params, &err),
		&err);
	cr_assert(t && strlen(t) == SURVEY_TOKEN_LEN, "token '%s'", t ? t : "NULL");
	return t;
}

#endif
