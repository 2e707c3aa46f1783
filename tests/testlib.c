/* tests/testlib.c - shared test helpers: databases, running the binary, files. */
#include "testlib.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "crm/db.h"
#include "merge/docx_zip.h"

static const char *env_or_die(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		cr_assert_fail("%s is not set: run the tests through 'make check'", name);
	return v;
}

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
	buf_add(userp, data, size * n);
	return size * n;
}

long test_http(unsigned port, const char *method, const char *path, const char *post, const char *type,
	       struct buf *body, struct buf *headers)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char *url = xstrfmt("http://127.0.0.1:%u%s", port, path);
	long status = 0;
	struct buf ignore = BUF_INIT;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body ? body : &ignore);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, headers ? headers : &ignore);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post));
	}
	if (type) {
		char *h = xstrfmt("Content-Type: %s", type);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	}
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	buf_release(&ignore);
	free(url);
	return status;
}

static int admin_exec(const char *sql)
{
	struct err err = ERR_INIT;
	struct crm_db *db = NULL;
	char *conninfo = xstrfmt("%s dbname=postgres", env_or_die("CRMGATE_TEST_PG"));
	int rc = crm_db_connect(&db, conninfo, &err);
	if (!rc)
		rc = crm_db_exec(db, sql, &err);
	if (rc)
		fprintf(stderr, "test database: %s\n", err.msg.data);
	crm_db_free(db);
	free(conninfo);
	err_release(&err);
	return rc;
}

char *test_db_create(void)
{
	static unsigned seq;
	char name[64];
	char *sql;
	int rc;

	snprintf(name, sizeof(name), "t_%ld_%u", (long)getpid(), seq++);
	sql = xstrfmt("CREATE DATABASE %s TEMPLATE crm_template", name);
	rc = admin_exec(sql);
	free(sql);
	cr_assert_eq(rc, 0, "could not create test database %s", name);
	return xstrfmt("%s dbname=%s", env_or_die("CRMGATE_TEST_PG"), name);
}

/* A session on the database conninfo; the test fails when there is none. */
static struct crm_db *db_connect(const char *conninfo)
{
	struct crm_db *conn = NULL;
	struct err e = ERR_INIT;

	assert_ok(crm_db_connect(&conn, conninfo, &e), &e);
	err_release(&e);
	return conn;
}

struct crm_db *test_db_session(char **conninfo)
{
	*conninfo = test_db_create();
	return db_connect(*conninfo);
}

void test_db_session_end(struct crm_db *session, char *conninfo)
{
	crm_db_free(session);
	test_db_drop(conninfo);
}

void test_db_drop(char *conninfo)
{
	const char *name = conninfo ? strstr(conninfo, "dbname=") : NULL;
	if (name) {
		char *sql = xstrfmt("DROP DATABASE IF EXISTS %s WITH (FORCE)", name + 7);
		admin_exec(sql);
		free(sql);
	}
	free(conninfo);
}

static void slurp(struct buf *b, FILE *f)
{
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
}

int test_run(struct buf *out, struct buf *errout, const char *dir, const char *in_file, const char *fmt, ...)
{
	char outname[] = "/tmp/crmgate-test-out-XXXXXX";
	char errname[] = "/tmp/crmgate-test-err-XXXXXX";
	int ofd = mkstemp(outname), efd = mkstemp(errname);
	struct buf cmd = BUF_INIT, args = BUF_INIT;
	va_list ap;
	int status;

	cr_assert(ofd >= 0 && efd >= 0, "could not make temporary files");
	close(ofd);
	close(efd);
	va_start(ap, fmt);
	buf_vaddf(&args, fmt, ap);
	va_end(ap);
	if (dir)
		buf_addf(&cmd, "cd '%s' && ", dir);
	buf_addf(&cmd, "'%s' %s <%s >%s 2>%s", env_or_die("CRMGATE_BIN"), args.data, in_file ? in_file : "/dev/null",
		 outname, errname);
	status = system(cmd.data);
	if (out) {
		FILE *f = fopen(outname, "rb");
		buf_reset(out);
		if (f) {
			slurp(out, f);
			fclose(f);
		}
	}
	if (errout) {
		FILE *f = fopen(errname, "rb");
		buf_reset(errout);
		if (f) {
			slurp(errout, f);
			fclose(f);
		}
	}
	unlink(outname);
	unlink(errname);
	buf_release(&cmd);
	buf_release(&args);
	if (status == -1)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

pid_t test_crmgate_bg(const char *log, const char *db, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	pid_t pid;

	buf_addf(&cmd, "exec '%s' --db '%s' ", env_or_die("CRMGATE_BIN"), db);
	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	buf_addf(&cmd, " </dev/null >>'%s' 2>&1", log);
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0, "could not fork");
	if (!pid) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd.data, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid); /* both sides: whichever runs first */
	buf_release(&cmd);
	return pid;
}

int test_wait(pid_t pid, int secs)
{
	int status;

	for (int i = 0; i < secs * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(50 * 1000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

unsigned test_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
			  !getsockname(fd, (struct sockaddr *)&a, &len),
		  "no free port on 127.0.0.1");
	close(fd);
	return ntohs(a.sin_port);
}

/* "crmgate --db DB ARGS" in the current folder, or without a db "crmgate
 * ARGS" in the folder dir (the embedded PostgreSQL's). */
static int crmgate_v(struct buf *out, struct buf *errout, const char *dir, const char *db, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static int crmgate_v(struct buf *out, struct buf *errout, const char *dir, const char *db, const char *fmt, va_list ap)
{
	struct buf args = BUF_INIT;
	int rc;

	buf_vaddf(&args, fmt, ap);
	if (db)
		rc = test_run(out, errout, NULL, NULL, "--db '%s' %s", db, args.data);
	else
		rc = test_run(out, errout, dir, NULL, "%s", args.data);
	buf_release(&args);
	return rc;
}

int test_crmgate(struct buf *out, struct buf *errout, const char *db, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = crmgate_v(out, errout, NULL, db, fmt, ap);
	va_end(ap);
	return rc;
}

void test_sql(const char *db, const char *sql)
{
	struct crm_db *conn = db_connect(db);
	struct err err = ERR_INIT;

	assert_ok(crm_db_exec(conn, sql, &err), &err);
	crm_db_free(conn);
	err_release(&err);
}

void test_import(const char *db, const char *dir, const char *entity, const char *content)
{
	struct buf errout = BUF_INIT;
	char *path = xstrfmt("%s/%s.csv", dir, entity);
	test_write_file(path, content);
	cr_assert_eq(test_crmgate(NULL, &errout, db, "import %s '%s'", entity, path), 0, "import %s: %s", entity,
		     errout.data);
	buf_release(&errout);
	free(path);
}

void test_slurp_buf(struct buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "%s is missing", path);
	buf_reset(out);
	for (int c; (c = getc(f)) != EOF;)
		buf_addch(out, (char)c);
	fclose(f);
}

char *test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	cr_assert(f, "%s is missing", path);
	for (int c; (c = getc(f)) != EOF;)
		buf_addch(&b, (char)c);
	fclose(f);
	return buf_detach(&b, NULL);
}

void test_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f, "could not write %s", path);
	cr_assert_eq(fwrite(content, 1, strlen(content), f), strlen(content));
	cr_assert_eq(fclose(f), 0);
}

void test_write_docx(const char *path, const char *const (*parts)[2], size_t n)
{
	struct merge_zip_writer *w;
	struct err err = ERR_INIT;

	assert_ok(merge_zip_writer_open(&w, path, &err), &err);
	for (size_t i = 0; i < n; i++)
		assert_ok(merge_zip_writer_add(w, parts[i][0], parts[i][1], strlen(parts[i][1]), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
}

int test_sh(const char *fmt, ...)
{
	va_list ap;
	struct buf cmd = BUF_INIT;
	int rc;

	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd.data);
	buf_release(&cmd);
	return rc;
}

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/crmgate-t-XXXXXX";
	cr_assert(mkdtemp(tmpl), "could not make a temporary directory");
	return xstrdup(tmpl);
}

char *test_tmpdir_open(void)
{
	char *dir = test_tmpdir();
	cr_assert_eq(chmod(dir, 0755), 0, "could not open %s to all", dir);
	return dir;
}

void test_rmdir(char *dir)
{
	if (dir && !strncmp(dir, "/tmp/crmgate-t-", 15)) {
		char *cmd = xstrfmt("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	}
	free(dir);
}

char *test_xml_text(const char *doc, size_t len, const char *what)
{
	xmlDocPtr x =
		xmlReadMemory(doc, (int)len, what, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	const xmlError *e = xmlGetLastError();
	xmlChar *content;
	char *text;

	cr_assert_not_null(x, "%s is no XML: line %d: %s", what, e ? e->line : 0, e && e->message ? e->message : "?");
	content = xmlNodeGetContent(xmlDocGetRootElement(x));
	text = xstrdup(content ? (const char *)content : "");
	xmlFree(content);
	xmlFreeDoc(x);
	cr_assert(!memmem(doc, len, "\xEF\xBF\xBE", 3) && !memmem(doc, len, "\xEF\xBF\xBF", 3),
		  "%s holds U+FFFE or U+FFFF", what);
	return text;
}

/* The fixture, named as the tests name it: defined last, below the helpers
 * whose parameters (out, dir, db) these names would shadow. */
char *db, *dir;
struct buf out = BUF_INIT, errout = BUF_INIT;
struct crm_db *session;
static int embedded;

void test_fixture_init(void)
{
	db = test_db_create();
	dir = test_tmpdir();
	embedded = 0;
	buf_init(&out);
	buf_init(&errout);
}

void test_fixture_init_session(void)
{
	test_fixture_init();
	session = db_connect(db);
}

void test_fixture_init_embedded(void)
{
	db = NULL;
	dir = test_tmpdir_open();
	embedded = 1;
	buf_init(&out);
	buf_init(&errout);
}

void test_fixture_fini(void)
{
	if (embedded)
		test_fixture_crmgate("db stop");
	crm_db_free(session);
	session = NULL;
	test_db_drop(db);
	test_rmdir(dir);
	buf_release(&out);
	buf_release(&errout);
	db = dir = NULL;
}

int test_fixture_crmgate(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = crmgate_v(&out, &errout, dir, embedded ? NULL : db, fmt, ap);
	va_end(ap);
	return rc;
}
