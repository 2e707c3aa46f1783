/* tests/common/test_hex.c - hexadecimal digits read back: every byte value
 * in either case, and what is not a digit. */
#include <stdio.h>

#include "testlib.h"
#include "common/hex.h"

Test(hex, every_byte_reads_back_in_either_case)
{
	for (int b = 0; b < 256; b++) {
		char lower[3], upper[3];
		snprintf(lower, sizeof(lower), "%02x", (unsigned)b);
		snprintf(upper, sizeof(upper), "%02X", (unsigned)b);
		cr_expect_eq(hex_byte(lower), b, "'%s'", lower);
		cr_expect_eq(hex_byte(upper), b, "'%s'", upper);
	}
}

Test(hex, what_is_not_a_digit_is_refused)
{
	static const char *const bad[] = { "g0",
					   "0g",
					   "",
					   "0",
					   " 1",
					   "1 ",
					   "-1",
					   "x1",
					   "\xff"
					   "0",
					   ":0",
					   "@A",
					   "`a" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(hex_byte(bad[i]), -1, "'%s' read as a byte", bad[i]);
	for (int c = 0; c < 256; c++) {
		int want = c >= '0' && c <= '9'	  ? c - '0'
			   : c >= 'a' && c <= 'f' ? c - 'a' + 10
			   : c >= 'A' && c <= 'F' ? c - 'A' + 10
						  : -1;
		cr_expect_eq(hex_digit((char)c), want, "character %d", c);
	}
}
