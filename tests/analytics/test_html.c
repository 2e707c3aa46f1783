/* tests/analytics/test_html.c - the whole analytics page, over generated
 * data, opened in headless Chromium: the browser must find every report's
 * section and chart in the page it parsed, and draw it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "analytics/report.h"
#include "common/xalloc.h"

TestSuite(html, .init = test_fixture_init, .fini = test_fixture_fini, .timeout = 240);

static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static int have_chromium(void)
{
	return system("command -v chromium >/dev/null 2>&1") == 0;
}

Test(html, the_page_holds_every_report_and_chart)
{
	char *page = xstrfmt("%s/report.html", dir), *text;
	int reports = 0;

	cr_assert_eq(test_crmgate(&out, &errout, db, "-q gen --seed 3 --customers 300 --today 2026-06-30"), 0, "%s",
		     errout.data);
	cr_assert_eq(test_crmgate(&out, &errout, db, "report html --out %s", page), 0, "%s", errout.data);
	text = test_slurp(page);
	for (const struct an_def *d = an_reports; d->name; d++)
		reports++;
	cr_assert_eq(count(text, "<svg "), reports, "one chart per report");
	cr_assert_eq(count(text, "<section id="), reports);
	cr_assert_eq(count(text, "http://"), count(text, "http://www.w3.org/2000/svg"),
		     "nothing from outside but the SVG namespace");
	cr_assert_null(strstr(text, "<script"), "no scripts");
	cr_assert_null(strstr(text, " src="), "no outside resources");
	free(text);
	free(page);
}

Test(html, chromium_renders_the_charts)
{
	char *page = xstrfmt("%s/report.html", dir), *dom_file = xstrfmt("%s/dom.html", dir);
	char *shot = xstrfmt("%s/shot.png", dir), *cmd, *dom;
	struct stat st;
	int reports = 0;

	if (!have_chromium())
		cr_skip_test("chromium is not installed (scripts/deps.sh installs it): the page is not rendered");
	cr_assert_eq(test_crmgate(&out, &errout, db, "-q gen --seed 3 --customers 300 --today 2026-06-30"), 0, "%s",
		     errout.data);
	cr_assert_eq(test_crmgate(&out, &errout, db, "report html --out %s", page), 0, "%s", errout.data);
	for (const struct an_def *d = an_reports; d->name; d++)
		reports++;
	/* the DOM the browser built: a parser that gave up would not have all the charts */
	cmd = xstrfmt("timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir=%s/profile"
		      " --dump-dom file://%s > %s 2>/dev/null",
		      dir, page, dom_file);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	dom = test_slurp(dom_file);
	cr_assert_eq(count(dom, "<svg "), reports, "%s", dom);
	cr_assert_geq(count(dom, "<polygon "), 4, "the funnel's bands");
	cr_assert_geq(count(dom, "<polyline "), 2, "the Pareto lines");
	cr_assert_geq(count(dom, "<tbody>"), reports, "tables as the browser parsed them");
	cr_assert(strstr(dom, "销售漏斗"), "the Chinese text survives");
	free(dom);
	/* and it draws: a screenshot of the page is no blank picture */
	cmd = xstrfmt("timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars"
		      " --user-data-dir=%s/profile --window-size=1000,1600 --screenshot=%s file://%s"
		      " >/dev/null 2>&1",
		      dir, shot, page);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	cr_assert_eq(stat(shot, &st), 0, "no screenshot");
	cr_assert_gt(st.st_size, 20000, "a screenshot of %lld bytes is all blank", (long long)st.st_size);
	free(cmd);
	free(shot);
	free(dom_file);
	free(page);
}
