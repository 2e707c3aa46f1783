/* tests/build/test_fresh_clone.c - the README's first command on a fresh
 * machine: `make demo` in a fresh copy of the tree, with stand-ins that
 * report every package missing until they are installed
 * (tests/build/fresh_demo.sh), works on the first try and installs what
 * the demo needs, not what only the tests need. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* Where the fresh tree's database went, stopped and removed afterwards:
 * as root under /tmp it lives in /var/lib/crmgate/HASH (crm/cluster.c). */
static void stop_demo_database(const char *tree)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	test_sh("cd '%s' && ./bin/crmgate db stop >/dev/null 2>&1", tree);
	snprintf(link, sizeof(link), "%s/var/pg", tree);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (!strncmp(target, "/var/lib/crmgate/", 17) && strlen(target) > 20 && !strstr(target, ".."))
			test_sh("rm -rf \"$(dirname '%s')\"", target);
	}
}

Test(fresh_clone, make_demo_works_the_first_time, .timeout = 900)
{
#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("runs in the plain suite only: it builds its own plain binary, the same under sanitizers");
#endif
	char src[PATH_MAX];
	char *work, *tree, *report, *installed, *apt, *log;
	struct stat st;
	int rc;

	if (geteuid() != 0)
		cr_skip_test("make demo installs packages as root: this run is not root");
	cr_assert(getcwd(src, sizeof(src)));
	if (test_sh("git -C '%s' rev-parse --git-dir >/dev/null 2>&1", src) != 0)
		cr_skip_test("the source is not a git checkout: which files a clone has is unknown");
	work = test_tmpdir();
	tree = xstrfmt("%s/tree", work);

	rc = test_sh("sh '%s/tests/build/fresh_demo.sh' '%s' '%s'", src, src, work);
	log = xstrfmt("%s/make.log", work);
	{
		char *text = test_slurp(log);
		cr_expect_eq(rc, 0, "make demo failed in a fresh tree:\n%s", text);
		cr_expect_null(strstr(text, "fatal error"), "the build missed a header:\n%s", text);
		free(text);
	}
	report = xstrfmt("%s/out/report.html", tree);
	cr_expect(stat(report, &st) == 0 && st.st_size > 1000, "the demo wrote no out/report.html");

	installed = xstrfmt("%s/state/installed", work);
	apt = xstrfmt("%s/state/apt.log", work);
	{
		char *pkgs = test_slurp(installed), *calls = test_slurp(apt);
		/* what the build and the demo need came in */
		static const char *const needed[] = { "build-essential",   "pkg-config",   "libpq-dev",
						      "libzip-dev",	   "libxml2-dev",  "libetpan-dev",
						      "libmicrohttpd-dev", "postgresql-15" };
		/* what only the tests or benchmarks need did not */
		static const char *const not_needed[] = {
			"chromium", "kannel",		"kannel-extras", "dovecot-imapd", "libreoffice-writer-nogui",
			"postfix",  "libcriterion-dev", "python3-dkim",	 "nodejs"
		};
		for (size_t i = 0; i < sizeof(needed) / sizeof(*needed); i++)
			cr_expect(has_line(pkgs, needed[i]), "make demo did not install %s:\n%s", needed[i], calls);
		for (size_t i = 0; i < sizeof(not_needed) / sizeof(*not_needed); i++)
			cr_expect(!has_line(pkgs, not_needed[i]), "make demo installed %s, which it does not need",
				  not_needed[i]);
		free(pkgs);
		free(calls);
	}

	/* a second make demo installs nothing more and works again */
	{
		char *before = test_slurp(apt), *after;
		rc = test_sh("cd '%s' && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS PATH='%s/tools':\"$PATH\" "
			     "FRESH_STATE='%s/state' FRESH_REAL_PKG_CONFIG=\"$(command -v pkg-config)\" "
			     "POLICY_RC_D='%s/state/policy-rc.d' make demo >'%s/make2.log' 2>&1",
			     tree, work, work, work, work);
		after = test_slurp(apt);
		cr_expect_eq(rc, 0, "a second make demo failed (see %s/make2.log)", work);
		cr_expect_str_eq(after, before, "a second make demo called apt-get again");
		free(before);
		free(after);
	}

	stop_demo_database(tree);
	free(report);
	free(installed);
	free(apt);
	free(log);
	free(tree);
	test_rmdir(work);
}
