/* tests/common/test_utf8.c - decoding, and what XML and a terminal get. */
#include <string.h>

#include <libxml/parser.h>

#include "testlib.h"
#include "common/utf8.h"

Test(utf8, validity)
{
	cr_assert(utf8_valid("abc", 3));
	cr_assert(utf8_valid("中文", strlen("中文")));
	cr_assert(utf8_valid("\xF0\x9F\x98\x80", 4));	  /* an emoji */
	cr_assert_not(utf8_valid("\xED\xA0\x80", 3));	  /* a surrogate */
	cr_assert_not(utf8_valid("\xE4\xB8", 2));	  /* cut short */
	cr_assert_not(utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
	cr_assert_not(utf8_valid("\xC0\xAF", 2));	  /* overlong */
	cr_assert_not(utf8_valid("a\0b", 3));		  /* NUL */
}

Test(utf8, finds_what_an_import_refuses)
{
	uint32_t cp;
	cr_assert_eq(utf8_find_forbidden("王\t伟\r\n", strlen("王\t伟\r\n"), &cp), -1);
	cr_assert_eq(utf8_find_forbidden("bad\xEF\xBF\xBEname", 10, &cp), 3);
	cr_assert_eq(cp, 0xFFFE);
	cr_assert_eq(utf8_find_forbidden("x\xEF\xBF\xBF", 4, &cp), 1);
	cr_assert_eq(cp, 0xFFFF);
	cr_assert_eq(utf8_find_forbidden("ab\x1b[31m", 7, &cp), 2);
	cr_assert_eq(cp, 0x1b);
	cr_assert_eq(utf8_find_forbidden("a\xC2\x9B", 3, &cp), 1); /* C1 CSI */
	cr_assert_eq(utf8_find_forbidden("a\x7f", 2, &cp), 1);
	cr_assert_eq(utf8_find_forbidden("ab\xE4\xB8", 4, &cp), 2);
	cr_assert_eq(cp, 0xFFFFFFFFu);
}

/* Whatever bytes go in, the result parses as XML and keeps the text. */
Test(utf8, xml_is_always_well_formed)
{
	static const char *const inputs[] = {
		"<&>\"'",
		"bad\xEF\xBF\xBEname",
		"\xEF\xBF\xBF",
		"a\x01\x02\x1b"
		"b",
		"\xED\xA0\x80",
		"\xFF\xFE",
		"中文\n\t",
		"\xF0\x9F\x98\x80",
		"\xE4\xB8",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		struct buf b = BUF_INIT;
		buf_adds(&b, "<r a=\"");
		utf8_add_xml(&b, inputs[i], strlen(inputs[i]));
		buf_adds(&b, "\">");
		utf8_add_xml(&b, inputs[i], strlen(inputs[i]));
		buf_adds(&b, "</r>");
		xmlDocPtr doc =
			xmlReadMemory(b.data, (int)b.len, "t.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR);
		cr_assert(doc, "input %zu gave %s", i, b.data);
		xmlFreeDoc(doc);
		buf_release(&b);
	}
}

Test(utf8, xml_escapes_and_replaces)
{
	struct buf b = BUF_INIT;
	const char *s = "a<b>&\"c'\x01x\xEF\xBF\xBEy中";
	utf8_add_xml(&b, s, strlen(s));
	cr_assert_str_eq(b.data, "a&lt;b&gt;&amp;&quot;c&#39;x\xEF\xBF\xBDy中");
	buf_release(&b);
}

Test(utf8, xml_respects_the_cap)
{
	struct buf b = BUF_INIT;
	b.cap = 8;
	buf_adds(&b, "ab");
	cr_assert_eq(utf8_add_xml(&b, "<<<<", 4), -1);
	cr_assert_str_eq(b.data, "ab");
	buf_release(&b);
}

Test(utf8, visible_escapes_controls)
{
	struct buf b = BUF_INIT;
	const char *s = "王\x1b[2J\r\n\tx\xC2\x9B"
			"y\xFF";
	utf8_add_visible(&b, s, strlen(s), 1);
	cr_assert_str_eq(b.data, "王\\x1b[2J\\r\n\tx\\u009by\\xff");
	buf_reset(&b);
	utf8_add_visible(&b, "a\nb\tc", 5, 0);
	cr_assert_str_eq(b.data, "a\\nb\\tc");
	buf_release(&b);
}
