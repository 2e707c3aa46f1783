/* common/hex.c - hexadecimal digits read back. */
#include "common/hex.h"

#include "common/banned.h"

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_byte(const char *s)
{
	int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}
