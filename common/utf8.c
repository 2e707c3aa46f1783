/* common/utf8.c - UTF-8 decoding, and what XML 1.0 (section 2.2, Char) and a
 * terminal may be given of it. */
#include "common/utf8.h"

#include <stdio.h>
#include <string.h>

#include "common/banned.h"

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int utf8_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return 0;
		i += n;
	}
	return 1;
}

int utf8_xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return cp != 0xfffe && cp != 0xffff && cp <= 0x10ffff;
}

int utf8_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0);
}

long utf8_find_forbidden(const char *s, size_t len, uint32_t *cp_out)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || !utf8_xml_char(cp) || (utf8_control(cp) && cp != '\r')) {
			*cp_out = n ? cp : 0xFFFFFFFFu;
			return (long)i;
		}
		i += n;
	}
	return -1;
}

int utf8_add_xml(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, run = 0; /* s[run..i) is copied as it is */
	size_t start = out->len;
	int rc = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		const char *rep = NULL;

		if (n == 1) {
			switch (s[i]) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default:
				if (!utf8_xml_char(cp))
					rep = "";
			}
		} else if (n == 0 || !utf8_xml_char(cp)) {
			rep = "\xEF\xBF\xBD"; /* U+FFFD */
		}
		if (!rep) {
			i += n;
			continue;
		}
		rc |= buf_add(out, s + run, i - run);
		rc |= buf_adds(out, rep);
		i += n ? n : 1;
		run = i;
	}
	rc |= buf_add(out, s + run, i - run);
	if (rc) {
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}

void utf8_add_visible(struct buf *out, const char *s, size_t len, int keep_lines)
{
	size_t i = 0, run = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		int lines = n == 1 && (cp == '\n' || cp == '\t');

		if (n && !utf8_control(cp) && (!lines || keep_lines)) {
			i += n;
			continue;
		}
		buf_add(out, s + run, i - run);
		if (n == 0)
			buf_addf(out, "\\x%02x", (unsigned char)s[i]);
		else if (cp == '\n')
			buf_adds(out, "\\n");
		else if (cp == '\t')
			buf_adds(out, "\\t");
		else if (cp == '\r')
			buf_adds(out, "\\r");
		else if (cp < 0x80)
			buf_addf(out, "\\x%02x", (unsigned)cp);
		else
			buf_addf(out, "\\u%04x", (unsigned)cp);
		i += n ? n : 1;
		run = i;
	}
	buf_add(out, s + run, i - run);
}
