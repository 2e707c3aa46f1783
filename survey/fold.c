/* survey/fold.c - full-width and Chinese punctuation read as ASCII
 * (survey/fold.h). */
#include "survey/fold.h"

#include "common/utf8.h"
#include "common/banned.h"

uint32_t survey_fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	switch (cp) {
	case 0x3000:
	case 0x00A0: return ' ';
	case 0x3010: return '[';
	case 0x3011: return ']';
	case 0x3001: return ',';
	case 0x3002: return '.';
	case 0x2013:
	case 0x2014:
	case 0x301C: return '-';
	}
	return cp;
}

uint32_t survey_fold_next(const char **s, size_t *n)
{
	uint32_t cp;
	size_t len;

	if (!*n)
		return 0;
	len = utf8_decode(*s, *n, &cp);
	if (!len)
		len = 1, cp = 0xFFFD;
	*s += len;
	*n -= len;
	return survey_fold(cp);
}

int survey_clip(const char *s, size_t n, size_t max)
{
	const char *p = s;
	size_t m = n;

	while (m) {
		const char *at = p;
		survey_fold_next(&p, &m);
		if ((size_t)(p - s) > max)
			return (int)(at - s);
	}
	return (int)n;
}
