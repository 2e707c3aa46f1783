/* tests/build/test_clang_format.c - every C file is in the layout .clang-format
 * describes (scripts/format.sh --check), so that a diff shows what changed
 * and not how someone's editor indents. */
#include <stdio.h>
#include <sys/wait.h>

#include "testlib.h"

Test(format, every_c_file_is_in_the_committed_layout, .timeout = 300)
{
	struct buf out = BUF_INIT;
	char chunk[4096];
	size_t n;
	int status, rc;
	FILE *p = popen("sh scripts/format.sh --check 2>&1", "r");

	cr_assert(p, "could not run scripts/format.sh");
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&out, chunk, n);
	status = pclose(p);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (rc == 3)
		cr_skip_test("%s", out.data);
	cr_expect_eq(rc, 0, "%s", out.data);
	buf_release(&out);
}
