/* tests/cli/test_errors.c - what an error quotes (a code typed, a value from a
 * file, the server's words) reaches the terminal with its control characters
 * shown as escapes, never as commands. */
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"

TestSuite(errors, .init = test_fixture_init, .fini = test_fixture_fini);

Test(errors, control_characters_are_shown_escaped)
{
	/* ESC [ 2 J clears a terminal; CSI (U+009B) is its one-character form */
	cr_assert_eq(crmgate("customer show \"$(printf 'X\\033[2J\\302\\233m')\""), 2, "%s", errout.data);
	cr_assert(strstr(errout.data, "there is no customer 'X\\x1b[2J\\u009bm'"), "%s", errout.data);
	cr_assert_null(memchr(errout.data, 0x1b, errout.len), "an escape reached the terminal: %s", errout.data);
	cr_assert_null(strstr(errout.data, "\xC2\x9B"), "a CSI reached the terminal: %s", errout.data);
}
