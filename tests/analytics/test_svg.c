/* tests/analytics/test_svg.c - the drawing module: escaping, fitting text,
 * numbers for people, and charts that are well-formed XML with their labels. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "analytics/svg.h"

/* The chart must parse as XML on its own. */
static void assert_xml(const struct buf *b)
{
	xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "chart.svg", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR);
	cr_assert_not_null(doc, "not well-formed: %s", b->data);
	xmlFreeDoc(doc);
}

Test(svg, text_is_escaped)
{
	struct buf b = BUF_INIT;
	an_svg_text(&b, 1, 2, 12, AN_SVG_MIDDLE, "#000", "A&B <c> \"d\" 'e'");
	cr_assert(strstr(b.data, ">A&amp;B &lt;c&gt; &quot;d&quot; &#39;e&#39;</text>"), "%s", b.data);
	buf_release(&b);
}

Test(svg, fit_cuts_with_an_ellipsis)
{
	char *t = an_svg_fit("产品质量问题很多", 10, 45);
	/* four squares of 10 fit in 45 with the ellipsis (10): three, then … */
	cr_assert_str_eq(t, "产品质…");
	free(t);
	t = an_svg_fit("abc", 10, 100);
	cr_assert_str_eq(t, "abc");
	free(t);
	cr_assert_float_eq(an_svg_text_width("中a", 10), 16, 0.01);
}

Test(svg, numbers_for_people)
{
	struct buf b = BUF_INIT;
	an_svg_number(&b, 4413700);
	buf_adds(&b, " ");
	an_svg_number(&b, 999.5);
	buf_adds(&b, " ");
	an_svg_number(&b, -1234);
	cr_assert_str_eq(b.data, "4,413,700 999.50 -1,234");
	buf_release(&b);
}

Test(svg, charts_are_whole_documents_with_their_labels)
{
	const struct an_svg_item items[] = {
		{ "产品质量 <&>", 33, "33 (30.6%)" },
		{ "交货延迟", 22, NULL },
		{ "a very long reason that cannot fit", 1, NULL },
	};
	struct buf b = BUF_INIT;

	an_svg_pareto(&b, "投诉 & Pareto", items, 3);
	assert_xml(&b);
	cr_assert(strstr(b.data, "<title>投诉 &amp; Pareto</title>"), "%s", b.data);
	cr_assert(strstr(b.data, "产品质量 &lt;&amp;&gt;"), "%s", b.data);
	cr_assert(strstr(b.data, "…</text>"), "the long label is cut: %s", b.data);
	cr_assert(strstr(b.data, "<polyline"), "the cumulative line: %s", b.data);
	cr_assert(strstr(b.data, "font-family=\"Noto Sans CJK SC"), "%s", b.data);
	cr_assert(strstr(b.data, "viewBox=\"0 0 "), "%s", b.data);
	buf_reset(&b);
	an_svg_funnel(&b, "漏斗", items, 3);
	assert_xml(&b);
	cr_assert(strstr(b.data, "33 (30.6%)"), "%s", b.data);
	/* three bands */
	cr_assert(strstr(strstr(strstr(strstr(b.data, "<polygon"), "<polygon") + 1, "<polygon") + 1, "<polygon"), "%s",
		  b.data);
	buf_reset(&b);
	an_svg_bars(&b, "bars", items, 0);
	assert_xml(&b);
	cr_assert(strstr(b.data, "no data"), "%s", b.data);
	buf_release(&b);
}
