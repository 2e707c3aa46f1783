/* tests/cli/test_demo.c - before each step the demo shows the command line
 * that does it ("$ crmgate campaign create 生日短信 --channel sms ..."):
 * typed into a shell, each line must do and print what the step did. The
 * lines are written from the same option tables and argument structs the
 * steps run on (cli/opt.c opt_line), so they cannot say one thing while
 * the demo does another. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

TestSuite(demo, .init = test_fixture_init_embedded, .fini = test_fixture_fini, .timeout = 600);

#define ECHO "\n$ crmgate "
/* the respondents answer from outside: what follows is not typed again */
#define DONE "\nThe respondents"

/* s with every date and time ("2026-12-07 20:18") masked: a campaign made
 * a minute later is the same campaign. */
static char *masked(const char *s)
{
	struct buf b = BUF_INIT;
	regex_t re;
	regmatch_t m;

	cr_assert_eq(regcomp(&re, "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}", REG_EXTENDED), 0);
	while (!regexec(&re, s, 1, &m, 0)) {
		buf_add(&b, s, (size_t)m.rm_so);
		buf_adds(&b, "DATE TIME");
		s += m.rm_eo;
	}
	buf_adds(&b, s);
	regfree(&re);
	return buf_detach(&b, NULL);
}

Test(demo, each_line_it_shows_does_what_the_step_did)
{
	char *shown, *p;
	int steps = 0;

	unsetenv("CRMGATE_SERVE_SECRET");
	cr_assert_eq(crmgate("demo --customers 30"), 0, "%s", errout.data);
	shown = xstrdup(out.data);
	/* as the demo does for its own steps: the greetings go out at any hour */
	setenv("CRMGATE_SMS_QUIET_HOURS", "", 1);
	/* and as it tells the user: the survey links' key it drew, configured */
	p = strstr(shown, "\n    [serve]\n    secret = ");
	cr_assert(p, "the demo did not give the key it drew: %s", shown);
	p += strlen("\n    [serve]\n    secret = ");
	cr_assert_eq(strspn(p, "0123456789abcdef"), 64, "%s", p);
	p[64] = '\0';
	setenv("CRMGATE_SERVE_SECRET", p, 1);
	for (p = strstr(shown, ECHO); p; steps++) {
		char *line = p + strlen(ECHO), *nl = strchr(line, '\n'), *end, *done, *want, *got;
		cr_assert(nl, "an unfinished line: %s", line);
		*nl = '\0';
		end = strstr(nl + 1, ECHO);
		done = strstr(nl + 1, DONE);
		if (!end || (done && done < end))
			end = done;
		cr_assert(end, "the demo did not finish after '%s'", line);
		p = end[1] == '$' ? end : NULL;
		*end = '\0';
		cr_assert_eq(crmgate("%s", line), 0, "'crmgate %s' as shown failed: %s", line, errout.data);
		want = masked(nl + 1);
		got = masked(out.data);
		cr_expect_str_eq(got, want, "'crmgate %s' printed\n%s\nwhere the demo printed\n%s", line, got, want);
		free(want);
		free(got);
	}
	cr_expect_eq(steps, 23, "the demo showed %d steps", steps);
	free(shown);
}

/* The surveys: five answers on the web form and one by e-mail reply to
 * the e-mail survey, one text reply to the text survey, counted in the
 * results with the response rate. */
Test(demo, invited_contacts_answer_the_surveys_every_way)
{
	const char *p;
	int forms = 0;

	cr_assert_eq(crmgate("demo --customers 30"), 0, "%s", errout.data);
	p = strstr(out.data, DONE);
	cr_assert(p, "%s", out.data);
	for (const char *f = p; (f = strstr(f, " answered on the form: http://127.0.0.1:")); f++)
		forms++;
	cr_expect_eq(forms, 5, "%s", p);
	cr_expect(strstr(p, "answered by replying to the e-mail"), "%s", p);
	cr_expect(strstr(p, "answered by a text reply"), "%s", p);
	cr_assert_eq(crmgate("--format json survey results 客户满意度调查"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"answered\": 6"), "%s", out.data);
	cr_assert_eq(crmgate("--format csv survey results 客户满意度调查 --table channels"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "link,5") && strstr(out.data, "email,1"), "%s", out.data);
	cr_assert_eq(crmgate("--format csv survey results 服务回访短信 --table channels"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "sms,1"), "%s", out.data);
	cr_expect(strstr(p, "response_rate"), "the results show the response rate: %s", p);
}
