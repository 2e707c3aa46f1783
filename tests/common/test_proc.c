/* tests/common/test_proc.c - running another program: its output, the
 * variables it is given, and a timeout that stops it and what it forked. */
#include <string.h>
#include <time.h>

#include "testlib.h"
#include "common/proc.h"

Test(proc, the_child_gets_the_variables_it_is_given)
{
	char *argv[] = { "sh", "-c", "echo \"$CRMGATE_T1 $HOME\"", NULL };
	const char *env[] = { "CRMGATE_T1=一二三", "HOME=/somewhere", NULL };
	struct proc_opts opts = { .env = env };
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;

	assert_ok(proc_run_opts(argv, &opts, &out, &err), &err);
	cr_expect_str_eq(out.data, "一二三 /somewhere\n");
	buf_release(&out);
}

Test(proc, a_timeout_stops_the_program_and_what_it_forked)
{
	/* the grandchild keeps the output pipe open: only killing the group ends it */
	char *argv[] = { "sh", "-c", "sleep 30 & echo started; sleep 30", NULL };
	struct proc_opts opts = { .timeout = 1 };
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	time_t start = time(NULL);

	cr_assert_eq(proc_run_opts(argv, &opts, &out, &err), ERR_FAIL);
	cr_expect(time(NULL) - start < 10, "stopped in time");
	cr_expect(strstr(err.msg.data, "'sh' did not finish within 1 seconds"), "%s", err.msg.data);
	cr_expect(strstr(err.detail.data, "started"), "what it printed is in the detail: %s", err.detail.data);
	err_release(&err);
	buf_release(&out);
}

Test(proc, a_failure_names_the_program_and_its_status)
{
	char *argv[] = { "sh", "-c", "echo oops >&2; exit 3", NULL };
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;

	cr_assert_eq(proc_run(argv, NULL, &out, &err), ERR_FAIL);
	cr_expect_str_eq(err.msg.data, "'sh' failed with exit status 3");
	cr_expect(strstr(err.detail.data, "oops"), "%s", err.detail.data);
	err_release(&err);
	buf_release(&out);
}
