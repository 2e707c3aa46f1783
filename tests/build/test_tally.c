/* tests/build/test_tally.c - what tests/run.sh makes of each test binary
 * (tests/tally.sh): it counts passed, failed and skipped tests, prints each
 * binary's wall time and the slowest ones, and fails the run on a skipped
 * test that does not say why. The binaries are real Criterion programs,
 * built here in a scratch folder; no server is needed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"

static char *dir;

static void setup(void)
{
	dir = test_tmpdir();
}

static void teardown(void)
{
	test_rmdir(dir);
}

TestSuite(tally, .init = setup, .fini = teardown, .timeout = 120);

/* Build the Criterion program DIR/bin/NAME from the test bodies in src. */
static void build(const char *name, const char *src)
{
	char *c = xstrfmt("%s/%s.c", dir, name), *text = xstrfmt("#include <criterion/criterion.h>\n%s\n", src);
	test_write_file(c, text);
	cr_assert_eq(
		test_sh("mkdir -p '%s/bin' && ${CC:-cc} -o '%s/bin/%s' '%s' $(pkg-config --cflags --libs criterion)",
			dir, dir, name, c),
		0, "could not build %s", name);
	free(text);
	free(c);
}

/* Tally the binaries names (separated by spaces) as tests/run.sh does; its
 * output into out, its exit status returned. */
static int tally(struct buf *out, const char *names)
{
	char src[PATH_MAX];
	char *log = xstrfmt("%s/tally.out", dir);
	int rc;

	cr_assert(getcwd(src, sizeof(src)));
	/* BXFI_MAP tells a Criterion program it is the worker of another:
	 * these are programs of their own */
	rc = test_sh("unset BXFI_MAP; cd '%s' && sh -c '. \"%s/tests/tally.sh\"; tally_init .; for n in %s; do "
		     "tally_run bin $n; done;"
		     " tally_end' >tally.out 2>&1",
		     dir, src, names);
	test_slurp_buf(out, log);
	free(log);
	return WEXITSTATUS(rc);
}

/* The last line of out (the totals), with its newline. */
static const char *totals(const struct buf *out)
{
	const char *p = out->data + out->len;
	if (p > out->data && p[-1] == '\n')
		p--;
	while (p > out->data && p[-1] != '\n')
		p--;
	return p;
}

Test(tally, counts_and_times_each_binary)
{
	struct buf out = BUF_INIT;

	build("pass", "Test(p, one) { cr_assert(1); }\nTest(p, two) { cr_assert_eq(1 + 1, 2); }");
	build("fail", "Test(f, one) { cr_assert_eq(1, 2); }\nTest(f, two) { cr_assert(1); }");
	build("slow", "#include <unistd.h>\nTest(s, one) { sleep(1); cr_assert(1); }");
	cr_assert_eq(tally(&out, "pass fail slow"), 1, "a failing test fails the run:\n%s", out.data);
	cr_expect_str_eq(totals(&out), "4 passed, 1 failed, 0 skipped\n", "%s", out.data);
	/* each binary's wall time, one line each, and the slowest first */
	cr_expect(strstr(out.data, "\npass: "), "%s", out.data);
	cr_expect(strstr(out.data, "\nfail: "), "%s", out.data);
	const char *slow = strstr(out.data, "\nslow: ");
	cr_assert(slow, "%s", out.data);
	cr_expect(atof(slow + 7) >= 1.0, "slow took %s", slow + 7);
	const char *slowest = strstr(out.data, "slowest:\n");
	cr_assert(slowest, "%s", out.data);
	slowest = strchr(slowest, '\n') + 1;
	cr_expect(!strncmp(strchr(slowest, '\n') - 4, "slow", 4), "the slowest listed first:\n%s", slowest);
	buf_release(&out);

	cr_assert_eq(tally(&out, "pass"), 0, "%s", out.data);
	cr_expect_str_eq(totals(&out), "2 passed, 0 failed, 0 skipped\n", "%s", out.data);
	buf_release(&out);
}

Test(tally, counts_a_skip_that_says_why)
{
	struct buf out = BUF_INIT;

	build("skip", "Test(k, kannel) { cr_skip_test(\"no Kannel here\"); }\nTest(k, two) { cr_assert(1); }");
	cr_assert_eq(tally(&out, "skip"), 0, "%s", out.data);
	cr_expect_str_eq(totals(&out), "1 passed, 0 failed, 1 skipped\n", "%s", out.data);
	cr_expect(strstr(out.data, "skipped:\n  skip: k::kannel: no Kannel here\n"), "%s", out.data);
	buf_release(&out);
}

/* Every way a test is skipped without a reason: each fails the run. */
static const char *const reasonless[] = {
	"Test(k, why) { cr_skip_test(); }",
	"Test(k, why) { cr_skip_test(\"\"); }",
	"Test(k, why) { cr_skip_test(\"   \"); }",
	"Test(k, why, .disabled = true) { cr_assert(1); }",
};

ParameterizedTestParameters(tally, fails_a_skip_that_does_not_say_why)
{
	TEST_CASE_INDICES(reasonless);
}

ParameterizedTest(size_t *i, tally, fails_a_skip_that_does_not_say_why)
{
	struct buf out = BUF_INIT;
	char *src = xstrfmt("%s\nTest(k, two) { cr_assert(1); }", reasonless[*i]);

	build("quiet", src);
	cr_assert_eq(tally(&out, "quiet"), 1, "%s:\n%s", reasonless[*i], out.data);
	cr_expect_str_eq(totals(&out), "1 passed, 1 failed, 0 skipped\n", "%s:\n%s", reasonless[*i], out.data);
	cr_expect(strstr(out.data, "skipped without saying why (counted as failed: give cr_skip_test a reason):\n"
				   "  quiet: k::why\n"),
		  "%s:\n%s", reasonless[*i], out.data);
	free(src);
	buf_release(&out);
}
