/* tests/testlib.h - what every test needs: assert_ok, a fresh database, and the
 * real crmgate binary run as a user would run it.
 *
 * tests/run.sh starts a PostgreSQL server for the whole run and prepares a
 * database "crm_template" with every migration applied; CRMGATE_TEST_PG holds
 * the connection string of that server (without dbname) and CRMGATE_BIN the
 * binary under test. */
#ifndef TESTS_TESTLIB_H
#define TESTS_TESTLIB_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* Assert that a call returning an int status succeeded; on failure print the
 * error it left in err. */
#define assert_ok(expr, err)                                                                                           \
	do {                                                                                                           \
		int assert_ok_rc_ = (expr);                                                                            \
		cr_assert_eq(assert_ok_rc_, 0, "%s returned %d: %s\n%s", #expr, assert_ok_rc_, (err)->msg.data,        \
			     (err)->detail.data);                                                                      \
	} while (0)

/* The body of a ParameterizedTestParameters function whose cases are the
 * rows of table: Criterion runs each parameterized test in a new process of
 * its own, where pointers from this one mean nothing, so the tests take
 * indices into the table. */
#define TEST_CASE_INDICES(table)                                                                                       \
	do {                                                                                                           \
		static size_t idx_[sizeof(table) / sizeof(table[0])];                                                  \
		for (size_t i_ = 0; i_ < sizeof(table) / sizeof(table[0]); i_++)                                       \
			idx_[i_] = i_;                                                                                 \
		return cr_make_param_array(size_t, idx_, sizeof(table) / sizeof(table[0]));                            \
	} while (0)

/* A new database made from crm_template (the whole schema, no rows). Returns
 * its connection string, malloc'd; test_db_drop removes it again. */
char *test_db_create(void);
void test_db_drop(char *conninfo);

struct crm_db;
/* For suites that call the library: a new database (test_db_create, its
 * connection string in *conninfo) and a crm/db.c session on it;
 * test_db_session_end closes the session and drops the database. */
struct crm_db *test_db_session(char **conninfo);
void test_db_session_end(struct crm_db *session, char *conninfo);

/* Run the crmgate binary with args (a shell command line after "crmgate"),
 * in directory dir (NULL: the current one), with stdin from in_file (NULL:
 * /dev/null). Captures standard output and error; returns the exit status
 * (or 128 + signal). */
int test_run(struct buf *out, struct buf *errout, const char *dir, const char *in_file, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* test_run for the database db: "crmgate --db DB ARGS" in the current folder. */
int test_crmgate(struct buf *out, struct buf *errout, const char *db, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Run sql (statements separated by ';') on db as the database owner; it must succeed. */
void test_sql(const char *db, const char *sql);
/* Write content to DIR/ENTITY.csv and import it into db; the import must succeed. */
void test_import(const char *db, const char *dir, const char *entity, const char *content);

/* A whole file, malloc'd and NUL-terminated; dies when it is missing. */
char *test_slurp(const char *path);
/* A whole file (a zip too: its length counts) into out, replacing what it held. */
void test_slurp_buf(struct buf *out, const char *path);
/* Write a file (the test's fixture) in full; dies on failure. */
void test_write_file(const char *path, const char *content);
/* Write a .docx (a zip) at path from parts[i][0] (name) and parts[i][1]
 * (content); the [Content_Types].xml, rels and a document part are the
 * caller's to give. Dies on failure. */
void test_write_docx(const char *path, const char *const (*parts)[2], size_t n);
/* The minimal package around a document part, for test_write_docx. */
#define TEST_DOCX_TYPES                                                                                                \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"                                                \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"                               \
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"       \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"                                                 \
	"<Override PartName=\"/word/document.xml\" "                                                                   \
	"ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
#define TEST_DOCX_RELS                                                                                                 \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"                                                \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"                       \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"        \
	"officeDocument\" Target=\"word/document.xml\"/></Relationships>"
#define TEST_W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

/* One HTTP request with libcurl to 127.0.0.1:port (10 s at most): method
 * NULL is GET, or POST when post (the body) is given; type, when given, is
 * its Content-Type. The body and the headers of the answer go to the bufs
 * when given. Returns the status, 0 when the transfer failed. */
long test_http(unsigned port, const char *method, const char *path, const char *post, const char *type,
	       struct buf *body, struct buf *headers);

/* Start "crmgate --db DB ARGS..." (args: a shell command line) in the
 * background, in a process group of its own (so that kill(-pid, ...) reaches
 * the workers it forks too), its output appended to log. */
pid_t test_crmgate_bg(const char *log, const char *db, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Wait up to secs seconds for pid; its exit status (128 + signal), or -1
 * when it did not end (its group is then killed). */
int test_wait(pid_t pid, int secs);

/* A free TCP port on 127.0.0.1 (free when asked: bind it soon). */
unsigned test_free_port(void);

/* Run a shell command line (system(3)); returns its wait status. */
int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* doc (len bytes) parsed as XML by libxml2, without recovery or network:
 * all its text, malloc'd. Fails the test with libxml2's reason and what
 * (a file name, say) when doc is not well-formed, or holds U+FFFE or
 * U+FFFF (which no XML may hold, even as a reference). */
char *test_xml_text(const char *doc, size_t len, const char *what);

/* A new private directory under /tmp, malloc'd; test_rmdir removes it and all below. */
char *test_tmpdir(void);
/* The same, open to every user (mode 0755): as root the embedded PostgreSQL
 * runs as the postgres user, who must reach its folder. */
char *test_tmpdir_open(void);
void test_rmdir(char *dir);

/* The fixture of the suites that run the binary on a database of their own:
 *
 *	TestSuite(name, .init = test_fixture_init, .fini = test_fixture_fini);
 *
 * (or an .init of the suite's own that calls test_fixture_init first, then
 * adds its rows) gives each test
 *	db		a new database made from crm_template (test_db_create)
 *	dir		a private folder (test_tmpdir), where import() writes
 *	out, errout	what the last crmgate() printed
 * with crmgate(fmt, ...) running "crmgate --db DB ARGS" (test_crmgate) and
 * import(entity, content) importing CSV text (test_import) into it.
 * test_fixture_init_session gives as well, for the suites that call the
 * library,
 *	session		a crm/db.c session on db (test_fixture_fini closes it)
 * test_fixture_init_embedded gives no database but a folder open to every
 * user, in which crmgate() runs the binary without --db, as a user of the
 * embedded PostgreSQL does; test_fixture_fini stops that PostgreSQL.
 * (A test that needs a database of its own in a suite that has none, or
 * more than one, calls test_db_session itself.)
 *
 * The short names are the test file's to use: it defines TEST_FIXTURE
 * before it includes testlib.h (other files use them for their own). */
void test_fixture_init(void);
void test_fixture_init_session(void);
void test_fixture_init_embedded(void);
void test_fixture_fini(void);
int test_fixture_crmgate(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#ifdef TEST_FIXTURE
extern char *db, *dir;
extern struct buf out, errout;
extern struct crm_db *session;
#define crmgate(...)		test_fixture_crmgate(__VA_ARGS__)
#define import(entity, content) test_import(db, dir, entity, content)
#endif

#endif
