/* merge/office.c - convert documents with LibreOffice headless
 * (soffice --convert-to; its configuration registry for the profile). */
#include "merge/office.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Files per soffice process: bounds the command line, and the time one
 * process may take (a base for start-up and a share per file). */
#define CHUNK		 200
#define TIMEOUT_BASE	 120
#define TIMEOUT_PER_FILE 10

#define PACKAGE_HINT                                                                                                   \
	"install the Debian package libreoffice-writer-nogui, or set CRMGATE_SOFFICE to the soffice program"

/* What the throw-away profile starts with. Linked images are not fetched
 * (BlockUntrustedRefererLinks), links are never updated on load (Writer's
 * link mode 0, "never"), macros never run, and any internet access goes to
 * a proxy on a closed local port: a template is untrusted, and converting it
 * must not reach the network. */
static const char registry[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
	"xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">"
	"<prop oor:name=\"BlockUntrustedRefererLinks\" oor:op=\"fuse\"><value>true</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">"
	"<prop oor:name=\"DisableMacrosExecution\" oor:op=\"fuse\"><value>true</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Office.Common/Security/Scripting\">"
	"<prop oor:name=\"MacroSecurityLevel\" oor:op=\"fuse\"><value>3</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Office.Writer/Content/Update\">"
	"<prop oor:name=\"Link\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Inet/Settings\">"
	"<prop oor:name=\"ooInetProxyType\" oor:op=\"fuse\"><value>1</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Inet/Settings\">"
	"<prop oor:name=\"ooInetHTTPProxyName\" oor:op=\"fuse\"><value>127.0.0.1</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Inet/Settings\">"
	"<prop oor:name=\"ooInetHTTPProxyPort\" oor:op=\"fuse\"><value>9</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Inet/Settings\">"
	"<prop oor:name=\"ooInetHTTPSProxyName\" oor:op=\"fuse\"><value>127.0.0.1</value></prop></item>\n"
	"<item oor:path=\"/org.openoffice.Inet/Settings\">"
	"<prop oor:name=\"ooInetHTTPSProxyPort\" oor:op=\"fuse\"><value>9</value></prop></item>\n"
	"</oor:items>\n";

static int is_program(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

static char *search_path(const char *prog)
{
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t n = strcspn(path, ":");
		char *cand = n ? xstrfmt("%.*s/%s", (int)n, path, prog) : NULL;
		if (cand && is_program(cand))
			return cand;
		free(cand);
		path += n + (path[n] == ':');
	}
	return NULL;
}

int merge_office_find(char **out, struct err *err)
{
	static const char *const places[] = { "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice" };
	const char *env = getenv("CRMGATE_SOFFICE");

	*out = NULL;
	if (env && *env) {
		if (!is_program(env)) {
			err_set(err, ERR_FAIL,
				"LibreOffice, an optional dependency, is needed here: CRMGATE_SOFFICE names '%s', "
				"which is not a program",
				env);
			err_hint(err, PACKAGE_HINT);
			return err->code;
		}
		*out = xstrdup(env);
		return 0;
	}
	if ((*out = search_path("soffice")))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(places); i++)
		if (is_program(places[i])) {
			*out = xstrdup(places[i]);
			return 0;
		}
	err_set(err, ERR_FAIL, "LibreOffice, an optional dependency, is needed here: 'soffice' is not installed");
	err_hint(err, PACKAGE_HINT);
	return err->code;
}

int merge_office_available(void)
{
	struct err err = ERR_INIT;
	char *path = NULL;
	int rc = merge_office_find(&path, &err);
	free(path);
	err_release(&err);
	return rc == 0;
}

/* "file:///tmp/a%20b": LibreOffice takes its profile as a URL. */
static char *file_url(const char *path)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			buf_addch(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return buf_detach(&b, NULL);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void profile_remove(char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* A new private profile: TMPDIR/crmgate-soffice-XXXXXX/user/registrymodifications.xcu. */
static int profile_make(char **out, struct err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xstrfmt("%s/crmgate-soffice-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *user = NULL, *xcu = NULL;
	FILE *f = NULL;
	int rc = 0;

	*out = NULL;
	if (!mkdtemp(dir)) {
		rc = err_set(err, ERR_FAIL, "could not make a profile folder for LibreOffice '%s': %s", dir,
			     strerror(errno));
		free(dir);
		return rc;
	}
	user = xstrfmt("%s/user", dir);
	xcu = xstrfmt("%s/registrymodifications.xcu", user);
	if (mkdir(user, 0700) || !(f = fopen(xcu, "w")) || fputs(registry, f) == EOF)
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", xcu, strerror(errno));
	if (f && fclose(f) && !rc)
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", xcu, strerror(errno));
	free(user);
	free(xcu);
	if (rc)
		profile_remove(dir);
	else
		*out = dir;
	return rc;
}

/* Names that promise a zip package (OOXML, ODF): LibreOffice opens anything
 * else as plain text and converts that without a word of complaint. */
static int zip_named(const char *base)
{
	static const char *const exts[] = {
		"docx", "docm", "dotx", "dotm", "odt", "ott", "xlsx", "ods", "pptx", "odp"
	};
	const char *dot = strrchr(base, '.');
	for (size_t i = 0; dot && i < ARRAY_SIZE(exts); i++)
		if (!strcasecmp(dot + 1, exts[i]))
			return 1;
	return 0;
}

static int check_input(const char *path, const char *base, struct err *err)
{
	unsigned char magic[4] = { 0 };
	struct stat st;
	FILE *f;
	size_t got;

	if (stat(path, &st))
		return err_set(err, ERR_INPUT, "could not convert '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(err, ERR_INPUT, "could not convert '%s': not a file", path);
	if (!(f = fopen(path, "rb")))
		return err_set(err, ERR_INPUT, "could not read '%s': %s", path, strerror(errno));
	got = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (zip_named(base) && (got < 4 || memcmp(magic, "PK\3\4", 4)))
		return err_set(err, ERR_INPUT, "could not convert '%s': it is not a %s file (not a zip package)", path,
			       strrchr(base, '.'));
	return 0;
}

struct output {
	char *path; /* outdir/x.EXT */
	size_t input;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct output *)a)->path, ((const struct output *)b)->path);
}

/* Work out where each output goes, refuse clashes, and clear what an earlier
 * run left there (or the check after the conversion could be fooled). */
static int plan_outputs(char **outputs, const char *const *paths, size_t n, const char *ext, const char *outdir,
			struct err *err)
{
	struct output *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		const char *base = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
		const char *dot = strrchr(base, '.');
		int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
		struct stat in, old;

		rc = check_input(paths[i], base, err);
		if (rc)
			break;
		outputs[i] = xstrfmt("%s/%.*s.%s", outdir, stem, base, ext);
		sorted[i].path = outputs[i];
		sorted[i].input = i;
		if (!stat(outputs[i], &old)) {
			if (!stat(paths[i], &in) && in.st_dev == old.st_dev && in.st_ino == old.st_ino)
				rc = err_set(err, ERR_INPUT, "could not convert '%s': the output would replace it",
					     paths[i]);
			else if (unlink(outputs[i]))
				rc = err_set(err, ERR_FAIL, "could not replace '%s': %s", outputs[i], strerror(errno));
		}
	}
	if (!rc)
		qsort(sorted, n, sizeof(*sorted), by_path);
	for (size_t i = 1; !rc && i < n; i++)
		if (!strcmp(sorted[i - 1].path, sorted[i].path))
			rc = err_set(err, ERR_INPUT, "could not convert '%s' and '%s': both would be written to '%s'",
				     paths[sorted[i - 1].input], paths[sorted[i].input], sorted[i].path);
	free(sorted);
	return rc;
}

/* One soffice process for n files; then every output must be there. */
static int convert_chunk(const char *soffice, const char *profile, const char *convert_to, const char *outdir,
			 const char *const *paths, char *const *outputs, size_t n, struct err *err)
{
	char **argv = xcalloc(n + 10, sizeof(*argv)), **own = xcalloc(n + 2, sizeof(*own));
	char *home = xstrfmt("HOME=%s", profile), *url = file_url(profile);
	const char *env[] = { home, NULL };
	struct proc_opts opts = { .env = env, .timeout = TIMEOUT_BASE + TIMEOUT_PER_FILE * (int)n };
	struct buf said = BUF_INIT;
	size_t argc = 0, nown = 0, failed = 0;
	int rc;

	argv[argc++] = (char *)soffice;
	argv[argc++] = own[nown++] = xstrfmt("-env:UserInstallation=%s", url);
	argv[argc++] = "--headless";
	argv[argc++] = "--norestore";
	argv[argc++] = "--convert-to";
	argv[argc++] = (char *)convert_to;
	argv[argc++] = "--outdir";
	argv[argc++] = (char *)outdir;
	for (size_t i = 0; i < n; i++)
		/* a name that starts with '-' would be taken for an option */
		argv[argc++] = paths[i][0] == '-' ? (own[nown++] = xstrfmt("./%s", paths[i])) : (char *)paths[i];
	argv[argc] = NULL;

	rc = proc_run_opts(argv, &opts, &said, err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct stat st;
		if (!stat(outputs[i], &st) && st.st_size > 0)
			continue;
		if (!failed++)
			err_set(err, ERR_FAIL, "LibreOffice could not convert '%s'", paths[i]);
		else
			err_detail(err, "LibreOffice could not convert '%s' either", paths[i]);
	}
	if (failed) {
		rc = err->code;
		if (said.len)
			err_detail(err, "%s", said.data);
		err_hint(err, "check that it opens in LibreOffice: a damaged or mislabelled file does not load");
	} else if (rc) {
		err_prefix(err, "could not convert with LibreOffice: ");
	}
	for (size_t i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	free(argv);
	free(home);
	free(url);
	buf_release(&said);
	return rc;
}

int merge_office_convert(const char *const *paths, size_t n, const char *format, const char *outdir, struct err *err)
{
	char *soffice = NULL, *profile = NULL;
	char **outputs = xcalloc(n ? n : 1, sizeof(*outputs));
	/* plain "txt" would be written in a legacy encoding */
	const char *convert_to = !strcmp(format, "txt") ? "txt:Text (encoded):UTF8" : format;
	char *ext = xstrndup(format, strcspn(format, ":"));
	int rc;

	rc = merge_office_find(&soffice, err);
	if (!rc && n)
		rc = plan_outputs(outputs, paths, n, ext, outdir, err);
	if (!rc && n)
		rc = profile_make(&profile, err);
	for (size_t i = 0; !rc && i < n; i += CHUNK)
		rc = convert_chunk(soffice, profile, convert_to, outdir, paths + i, outputs + i,
				   n - i < CHUNK ? n - i : CHUNK, err);
	profile_remove(profile);
	for (size_t i = 0; i < n; i++)
		free(outputs[i]);
	free(outputs);
	free(ext);
	free(soffice);
	return rc;
}
