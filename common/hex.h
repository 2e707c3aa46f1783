/* common/hex.h - hexadecimal digits read back: a bytea's text
 * (\x0a1b...), a percent escape in a URL (%2F). */
#ifndef COMMON_HEX_H
#define COMMON_HEX_H

/* The value of the hexadecimal digit c (0-9, a-f, A-F), or -1. */
int hex_digit(char c);
/* The byte written as two hexadecimal digits at s, or -1 when either is
 * not one (s[1] is not read when s[0] is not a digit, so a NUL ends it). */
int hex_byte(const char *s);

#endif
