/* tests/survey/test_browser.c - the survey's link page in a real browser:
 * Debian's headless Chromium, driven by tests/survey/form_browser.js with
 * the npm package playwright-core, fills in the form like a person against
 * the real `crmgate serve` (a required answer missing: the error shown,
 * the answers kept; then valid: thanks; then the link again: already
 * answered), and the database holds exactly what was chosen.
 *
 * playwright-core is installed on first use into var/npm (npm install
 * --prefix, as bench/send.sh installs nodemailer) and reused; the test is
 * skipped, saying why, when node, npm or chromium is missing or the
 * package cannot be installed. scripts/deps.sh check installs nodejs, npm
 * and chromium. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "example.h"
#include "serve.h"
#include "key.h"

#define NPM_DIR	   "var/npm"
#define PLAYWRIGHT NPM_DIR "/node_modules/playwright-core/package.json"
#define SCRIPT	   "tests/survey/form_browser.js"

static struct crm_db *conn;
static pid_t server;

static void setup(void)
{
	struct err err = ERR_INIT;
	char *file;

	test_survey_key_set();
	test_fixture_init();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact", "code,customer_code,name,email\nE1,C1,张三,zhang@example.test\n");
	file = xstrfmt("%s/sat.txt", dir);
	test_write_file(file, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", file), 0, "%s", errout.data);
	free(file);
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	assert_ok(crm_db_connect(&conn, db, &err), &err);
}

static void teardown(void)
{
	if (server > 0) {
		kill(-server, SIGTERM);
		test_wait(server, 10);
	}
	server = 0;
	crm_db_free(conn);
	conn = NULL;
	test_fixture_fini();
}

TestSuite(survey_browser, .init = setup, .fini = teardown, .timeout = 300);

static int have(const char *command)
{
	return test_sh("command -v %s >/dev/null 2>&1", command) == 0;
}

/* NULL when node, chromium and playwright-core are there (installing the
 * last if need be), else why not. */
static const char *missing(void)
{
	struct stat st;

	if (!have("node"))
		return "node is not installed (scripts/deps.sh check installs nodejs)";
	if (access("/usr/bin/chromium", X_OK))
		return "/usr/bin/chromium is not installed (scripts/deps.sh check installs chromium)";
	if (access(SCRIPT, R_OK))
		return SCRIPT " is not here: run the tests from the source folder";
	if (stat(PLAYWRIGHT, &st) == 0)
		return NULL;
	if (!have("npm"))
		return "playwright-core is not in " NPM_DIR
		       " and npm is not installed (scripts/deps.sh check installs it)";
	if (test_sh("npm install --prefix " NPM_DIR " --no-audit --no-fund --no-save --silent playwright-core@1"
		    " >/dev/null 2>&1") ||
	    stat(PLAYWRIGHT, &st))
		return "playwright-core is not in " NPM_DIR " and npm could not install it (no registry?)";
	return NULL;
}

static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;

	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	return v ? v : xstrdup("");
}

Test(survey_browser, a_person_fills_in_the_form)
{
	const char *why = missing();
	char *tok, *log, *run_log, *shots, *text, *v;
	unsigned port;
	int rc;

	if (why)
		cr_skip_test("%s", why);
	tok = serve_token(conn, "回访", "E1");
	log = xstrfmt("%s/serve.log", dir);
	run_log = xstrfmt("%s/browser.log", dir);
	shots = xstrfmt("%s/shots", dir);
	cr_assert_eq(mkdir(shots, 0700), 0);
	port = serve_start(&server, log, db);

	rc = test_sh("NODE_PATH=%s/node_modules timeout 180 node %s 'http://127.0.0.1:%u/s/%s' '%s' >'%s' 2>&1",
		     NPM_DIR, SCRIPT, port, tok, shots, run_log);
	text = test_slurp(run_log);
	cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "the browser run failed:\n%s", text);
	cr_expect(strstr(text, "missing answer: 请回答这道题。, answers kept\n"), "%s", text);
	cr_expect(strstr(text, "submitted: 谢谢！\n"), "%s", text);
	cr_expect(strstr(text, "again: 已经回答过了\n"), "%s", text);
	free(text);

	/* what the person chose, stored once, the markup as typed */
	v = value("SELECT string_agg(format('%s|%s|%s|%s', question, label, value, text), ';'"
		  " ORDER BY question, label) FROM crm.survey_answer");
	cr_expect_str_eq(v, "1|B||;2|A||;2|C||云服务;3||4|;4||12.5|;5|||<script>alert(1)</script><b>好</b>");
	free(v);
	v = value(
		"SELECT count(*) || ' ' || min(answered_by) FROM crm.survey_invitation WHERE answered_at IS NOT NULL");
	cr_expect_str_eq(v, "1 link");
	free(v);
	free(shots);
	free(run_log);
	free(log);
	free(tok);
}
