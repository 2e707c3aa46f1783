/* tests/cli/test_errors.c - what an error quotes (a code typed, a value from a
 * file, the server's words) reaches the terminal with its control characters
 * shown as escapes, never as commands. */
#include <string.h>

#include "testlib.h"

Test(errors, control_characters_are_shown_escaped)
{
	char *db = test_db_create();
	struct buf out = BUF_INIT, err = BUF_INIT;

	/* ESC [ 2 J clears a terminal; CSI (U+009B) is its one-character form */
	cr_assert_eq(test_crmgate(&out, &err, db, "customer show \"$(printf 'X\\033[2J\\302\\233m')\""), 2, "%s",
		     err.data);
	cr_assert(strstr(err.data, "there is no customer 'X\\x1b[2J\\u009bm'"), "%s", err.data);
	cr_assert_null(memchr(err.data, 0x1b, err.len), "an escape reached the terminal: %s", err.data);
	cr_assert_null(strstr(err.data, "\xC2\x9B"), "a CSI reached the terminal: %s", err.data);
	buf_release(&out);
	buf_release(&err);
	test_db_drop(db);
}
