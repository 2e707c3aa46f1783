/* crm/cluster.c - the embedded PostgreSQL cluster under var/ (initdb, pg_ctl). */
#include "crm/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "common/banned.h"

#define PG_USER "postgres"
/* sun_path holds 108 bytes; the socket file is "/.s.PGSQL.5432" */
#define SOCKET_DIR_MAX (107 - 14)

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The newest /usr/lib/postgresql/N/bin, or "" to find programs on PATH. */
static char *find_pgbin(void)
{
	const char *env = getenv("CRMGATE_PGBIN");
	glob_t g;
	char *best = NULL;
	long best_v = -1;

	if (env && *env)
		return xstrdup(env);
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
			if (v > best_v) {
				best_v = v;
				free(best);
				best = xstrndup(g.gl_pathv[i], strlen(g.gl_pathv[i]) - strlen("/initdb"));
			}
		}
		globfree(&g);
	}
	return best ? best : xstrdup("");
}

/* Can user reach (search) dir? Asked of the kernel in a child that has
 * become that user, so ACLs and group membership count. */
static int user_can_reach(const char *user, const char *dir)
{
	struct passwd *pw = getpwnam(user);
	pid_t pid;
	int status;

	if (!pw)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		if (setgid(pw->pw_gid) || setuid(pw->pw_uid))
			_exit(1);
		_exit(access(dir, X_OK) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Make directory path (or take the one there) and hand it to owner. A path
 * that is a symbolic link, or a folder someone else owns, is refused: in
 * /tmp another user could have planted it to receive our socket or to make
 * root hand a folder of theirs to postgres. */
static int make_dir(const char *path, mode_t mode, const char *owner, struct err *err)
{
	struct passwd *pw = owner ? getpwnam(owner) : NULL;
	struct stat st;
	int fd, rc = 0;

	if (owner && !pw)
		return err_set(err, ERR_FAIL, "there is no user '%s' to run PostgreSQL as", owner);
	if (mkdir(path, mode) && errno != EEXIST)
		return err_set(err, ERR_FAIL, "could not create directory '%s': %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ERR_FAIL, "'%s' is not a directory of ours (a symbolic link?)", path);
	if (fstat(fd, &st) || (st.st_uid != geteuid() && (!pw || st.st_uid != pw->pw_uid)))
		rc = err_set(err, ERR_FAIL, "directory '%s' belongs to someone else: refusing to use it", path);
	else if (pw && fchown(fd, pw->pw_uid, pw->pw_gid))
		rc = err_set(err, ERR_FAIL, "could not give directory '%s' to user '%s'", path, owner);
	close(fd);
	return rc;
}

/* path made absolute against the working directory; malloc'd */
static char *absolute(const char *path)
{
	char *cwd, *abs;
	if (path[0] == '/' || !(cwd = getcwd(NULL, 0)))
		return xstrdup(path);
	abs = xstrfmt("%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", path);
	free(cwd);
	return abs;
}

char *crm_cluster_locate(const char *named, int here)
{
	const char *home = getenv("CRMGATE_HOME"), *xdg = getenv("XDG_DATA_HOME"), *user_home = getenv("HOME");
	char *dir;

	if (named && *named)
		return absolute(named);
	if (here)
		return absolute("var");
	if ((dir = file_find_upwards("var/pg/PG_VERSION"))) {
		char *var = xstrfmt("%s%svar", dir, strcmp(dir, "/") ? "/" : "");
		free(dir);
		return var;
	}
	if (home && *home)
		return absolute(home);
	if (geteuid() == 0)
		return xstrdup("/var/lib/crmgate");
	if (xdg && *xdg == '/')
		return xstrfmt("%s/crmgate", xdg);
	if (user_home && *user_home == '/')
		return xstrfmt("%s/.local/share/crmgate", user_home);
	return absolute("var");
}

int crm_cluster_init(struct crm_cluster *c, const char *vardir, struct err *err)
{
	char real[PATH_MAX];
	char hash[17];
	const char *base;
	char *fallback = NULL;

	memset(c, 0, sizeof(*c));
	if (access(vardir, F_OK) && file_mkdir_p(vardir, err))
		return err->code;
	if (make_dir(vardir, 0755, NULL, err))
		return err->code;
	if (!realpath(vardir, real))
		return err_set(err, ERR_FAIL, "could not resolve '%s': %s", vardir, strerror(errno));
	c->vardir = xstrdup(real);
	c->pgbin = find_pgbin();
	c->run_as = geteuid() == 0 ? xstrdup(PG_USER) : NULL;
	snprintf(hash, sizeof(hash), "%016" PRIx64, fnv1a(real));

	if (c->run_as && !user_can_reach(c->run_as, c->vardir)) {
		/* postgres cannot get to var/ (a checkout under /root): keep the
		 * data where it can, and point var/pg at it */
		char *link = xstrfmt("%s/pg", c->vardir);
		if (make_dir("/var/lib/crmgate", 0755, NULL, err))
			goto fail;
		fallback = xstrfmt("/var/lib/crmgate/%s", hash);
		if (make_dir(fallback, 0755, NULL, err))
			goto fail;
		c->datadir = xstrfmt("%s/pg", fallback);
		if (symlink(c->datadir, link) && errno != EEXIST)
			err_set(err, ERR_FAIL, "could not link '%s' to '%s': %s", link, c->datadir, strerror(errno));
		free(link);
		if (err->code)
			goto fail;
		base = fallback;
	} else {
		c->datadir = xstrfmt("%s/pg", c->vardir);
		base = c->vardir;
	}
	c->sockdir = xstrfmt("%s/run", base);
	if (strlen(c->sockdir) > SOCKET_DIR_MAX) {
		free(c->sockdir);
		c->sockdir = xstrfmt("/tmp/crmgate-%u-%s", (unsigned)geteuid(), hash);
	}
	c->logfile = xstrfmt("%s/server.log", c->datadir);
	free(fallback);
	return 0;
fail:
	free(fallback);
	crm_cluster_release(c);
	return err->code;
}

void crm_cluster_release(struct crm_cluster *c)
{
	free(c->vardir);
	free(c->datadir);
	free(c->sockdir);
	free(c->logfile);
	free(c->run_as);
	free(c->pgbin);
	memset(c, 0, sizeof(*c));
}

char *crm_cluster_program(const struct crm_cluster *c, const char *name)
{
	return *c->pgbin ? xstrfmt("%s/%s", c->pgbin, name) : xstrdup(name);
}

int crm_cluster_exists(const struct crm_cluster *c)
{
	char *version = xstrfmt("%s/PG_VERSION", c->datadir);
	struct stat st;
	int ok = stat(version, &st) == 0;
	free(version);
	return ok;
}

int crm_cluster_running(const struct crm_cluster *c)
{
	char *pg_ctl = crm_cluster_program(c, "pg_ctl");
	char *argv[] = { pg_ctl, "status", "-D", c->datadir, NULL };
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	int running = crm_cluster_exists(c) && proc_run(argv, c->run_as, &out, &err) == 0;
	buf_release(&out);
	err_release(&err);
	free(pg_ctl);
	return running;
}

/* Append a libpq keyword=value, quoting the value. */
static void conninfo_add(struct buf *b, const char *key, const char *value)
{
	buf_addf(b, "%s%s='", b->len ? " " : "", key);
	for (const char *p = value; *p; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, '\'');
}

char *crm_cluster_conninfo(const struct crm_cluster *c)
{
	struct buf b = BUF_INIT;
	conninfo_add(&b, "host", c->sockdir);
	conninfo_add(&b, "user", PG_USER);
	conninfo_add(&b, "dbname", "crm");
	return buf_detach(&b, NULL);
}

static int run_initdb(struct crm_cluster *c, struct err *err)
{
	char *initdb = crm_cluster_program(c, "initdb");
	/* the socket, whose folder only we can enter, is the only way in */
	char *argv[] = { initdb, "-D",	 c->datadir,	     "-U", PG_USER, "--auth-local=trust", "--auth-host=reject",
			 "-E",	 "UTF8", "--locale=C.UTF-8", NULL };
	struct buf out = BUF_INIT;
	int rc = make_dir(c->datadir, 0700, c->run_as, err);
	if (!rc)
		rc = proc_run(argv, c->run_as, &out, err);
	if (!rc) {
		/* and stays the only one however the server is started */
		char *conf = xstrfmt("%s/postgresql.conf", c->datadir);
		FILE *f = fopen(conf, "a");
		if (!f ||
		    fputs("\n# crmgate: the Unix socket alone, for this user alone\n"
			  "listen_addresses = ''\nunix_socket_permissions = 0700\n",
			  f) < 0 ||
		    fclose(f))
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", conf, strerror(errno));
		free(conf);
	}
	if (rc)
		err_hint(err, "is PostgreSQL installed? 'make demo' installs it (package postgresql-15)");
	buf_release(&out);
	free(initdb);
	return rc;
}

static int create_database(struct crm_cluster *c, struct err *err)
{
	struct buf ci = BUF_INIT;
	struct crm_db *db = NULL;
	char *exists = NULL;
	int rc;

	conninfo_add(&ci, "host", c->sockdir);
	conninfo_add(&ci, "user", PG_USER);
	conninfo_add(&ci, "dbname", "postgres");
	rc = crm_db_connect(&db, ci.data, err);
	if (!rc)
		rc = crm_db_value(&exists, db, "SELECT 1 FROM pg_database WHERE datname = 'crm'", 0, NULL, err);
	if (!rc && !exists)
		rc = crm_db_exec(db, "CREATE DATABASE crm", err);
	free(exists);
	crm_db_free(db);
	buf_release(&ci);
	return rc;
}

int crm_cluster_start(struct crm_cluster *c, int *created, struct err *err)
{
	char *pg_ctl = NULL, *opts = NULL;
	struct buf out = BUF_INIT;
	int rc = 0;

	if (created)
		*created = 0;
	if (!crm_cluster_exists(c)) {
		if ((rc = run_initdb(c, err)))
			return rc;
		if (created)
			*created = 1;
	}
	if (!crm_cluster_running(c)) {
		/* the socket is the only way in, and only for this user (root can always) */
		/* pg_ctl hands -o to a shell: a quote in the path would break out */
		if (strpbrk(c->sockdir, "'\\")) {
			rc = err_set(err, ERR_INPUT, "the folder '%s' has a quote or backslash in its path",
				     c->sockdir);
			goto done;
		}
		opts = xstrfmt("-c listen_addresses='' -c unix_socket_directories='%s'"
			       " -c unix_socket_permissions=0700",
			       c->sockdir);
		pg_ctl = crm_cluster_program(c, "pg_ctl");
		char *argv[] = {
			pg_ctl, "start", "-D", c->datadir, "-l", c->logfile, "-w", "-t", "60", "-o", opts, NULL
		};
		if ((rc = make_dir(c->sockdir, 0700, c->run_as, err)))
			goto done;
		rc = proc_run(argv, c->run_as, &out, err);
		if (rc && crm_cluster_running(c)) {
			/* another crmgate started it at the same moment */
			err_clear(err);
			rc = 0;
		}
		if (rc) {
			err_hint(err, "the server's log is %s", c->logfile);
			goto done;
		}
	}
	rc = create_database(c, err);
done:
	buf_release(&out);
	free(pg_ctl);
	free(opts);
	return rc;
}

int crm_cluster_stop(struct crm_cluster *c, struct err *err)
{
	char *pg_ctl;
	struct buf out = BUF_INIT;
	int rc;

	if (!crm_cluster_running(c))
		return 0;
	pg_ctl = crm_cluster_program(c, "pg_ctl");
	char *argv[] = { pg_ctl, "stop", "-D", c->datadir, "-m", "fast", "-w", NULL };
	rc = proc_run(argv, c->run_as, &out, err);
	buf_release(&out);
	free(pg_ctl);
	return rc;
}
