/* crm/cluster.h - the embedded PostgreSQL cluster under var/.
 *
 * Without --db or PG* settings crmgate runs its own server: initdb on first
 * use into var/pg, a Unix socket in var/run (no TCP port), started on demand
 * by every command that needs it. PostgreSQL refuses to run as root, so as
 * root the server runs as the unprivileged 'postgres' user. When that user
 * cannot reach var/ (a checkout under /root, say), the data lives in
 * /var/lib/crmgate/<hash of var's path> and var/pg links to it; when the
 * socket's path would be too long for a Unix socket, it goes to a short
 * folder under /tmp. Both are found again from var/'s path alone. */
#ifndef CRM_CLUSTER_H
#define CRM_CLUSTER_H

#include "common/err.h"

struct crm_cluster {
	char *vardir;  /* absolute path of var/ */
	char *datadir; /* the real data directory */
	char *sockdir; /* where the server's socket lives */
	char *logfile; /* the server's log */
	char *run_as;  /* "postgres" when we are root, else NULL */
	char *pgbin;   /* folder with initdb, pg_ctl, pg_dump */
};

/* Where the embedded cluster's folder (var/) is:
 *   - named, when [database] dir names one;
 *   - var/ in the working directory, when here (db init, the demo);
 *   - else, as git finds its repository: the working directory or the
 *     nearest folder above it that holds var/pg/PG_VERSION, its var/;
 *   - else $CRMGATE_HOME;
 *   - else ${XDG_DATA_HOME:-~/.local/share}/crmgate, and as root
 *     /var/lib/crmgate (which the postgres user can reach).
 * Returns an absolute path, malloc'd; nothing is created. */
char *crm_cluster_locate(const char *named, int here);

/* Work out the paths for var/ at vardir (relative to the working directory;
 * created if missing). Does not start anything. */
int crm_cluster_init(struct crm_cluster *c, const char *vardir, struct err *err);
void crm_cluster_release(struct crm_cluster *c);

/* Has initdb run? Is the server up? */
int crm_cluster_exists(const struct crm_cluster *c);
int crm_cluster_running(const struct crm_cluster *c);

/* initdb when needed, then start the server and create the database "crm".
 * A server that is already running is success. *created says whether this
 * call ran initdb. */
int crm_cluster_start(struct crm_cluster *c, int *created, struct err *err);
int crm_cluster_stop(struct crm_cluster *c, struct err *err);

/* The libpq connection string for the database "crm"; the caller frees it. */
char *crm_cluster_conninfo(const struct crm_cluster *c);

/* The path of a PostgreSQL program (pg_dump, psql…) of the same version. */
char *crm_cluster_program(const struct crm_cluster *c, const char *name);

#endif
