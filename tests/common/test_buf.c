/* tests/common/test_buf.c - the growable buffer and the error type. */
#include <string.h>

#include "testlib.h"
#include "common/buf.h"
#include "common/err.h"

Test(buf, starts_empty_and_terminated)
{
	struct buf b = BUF_INIT;
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	buf_release(&b);
	cr_assert_str_eq(b.data, "");
}

Test(buf, grows_and_formats)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	cr_assert(b.len > 3000);
	cr_assert_eq(strlen(b.data), b.len);
	cr_assert(!strncmp(b.data, "0,1,2,", 6));
	buf_truncate(&b, 2);
	cr_assert_str_eq(b.data, "0,");
	buf_release(&b);
}

Test(buf, cap_refuses_and_keeps_content)
{
	struct buf b = BUF_INIT;
	b.cap = 8;
	cr_assert_eq(buf_adds(&b, "12345"), 0);
	cr_assert_eq(buf_adds(&b, "6789"), -1);
	cr_assert_str_eq(b.data, "12345");
	cr_assert_eq(buf_addf(&b, "%s", "abcdefgh"), -1);
	cr_assert_str_eq(b.data, "12345");
	cr_assert_eq(buf_addf(&b, "%d", 678), 0);
	cr_assert_str_eq(b.data, "12345678");
	buf_release(&b);
}

Test(buf, detach_hands_over)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;
	buf_adds(&b, "hello");
	s = buf_detach(&b, &len);
	cr_assert_str_eq(s, "hello");
	cr_assert_eq(len, 5);
	cr_assert_eq(b.len, 0);
	free(s);
}

Test(err, first_error_wins)
{
	struct err err = ERR_INIT;
	cr_assert_eq(err_set(&err, ERR_INPUT, "first %d", 1), ERR_INPUT);
	cr_assert_eq(err_set(&err, ERR_DB, "second"), ERR_INPUT);
	cr_assert_str_eq(err.msg.data, "first 1");
	cr_assert_eq(err_exit_status(err.code), 2);
	cr_assert_eq(err_exit_status(ERR_DB), 1);
	err_release(&err);
}
