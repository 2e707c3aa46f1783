/* tests/survey/key.h - the [serve] secret the survey tests launch and
 * send with, and a survey link's token remade in SQL by pgcrypto, apart
 * from crmgate's own C (gateway/web.c): the formula is a contract with
 * every link already sent, so a change to it fails these tests. */
#ifndef TESTS_SURVEY_KEY_H
#define TESTS_SURVEY_KEY_H

#include <stdlib.h>

#define TEST_SURVEY_SECRET "survey-tests-key-0123456789-abcdefghij"

/* The token of the invitation whose nonce the SQL expression nonce gives,
 * as an SQL expression. */
#define TEST_SURVEY_TOKEN_SQL(nonce)                                                                                   \
	"translate(rtrim(encode(public.hmac(convert_to('survey:' || encode(" nonce ", 'hex'), 'UTF8'),"                \
	" convert_to('" TEST_SURVEY_SECRET "', 'UTF8'), 'sha256'), 'base64'), '='), '+/', '-_')"

/* What a configured installation has: the key, for every crmgate the test
 * starts (they inherit the environment). */
static inline void test_survey_key_set(void)
{
	setenv("CRMGATE_SERVE_SECRET", TEST_SURVEY_SECRET, 1);
}

#endif
