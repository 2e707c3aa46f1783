/* gen/gen.h - the synthetic data generator: a whole, realistic CRM (SPEC
 * section 2) for demos, tests and benchmarks, at any scale.
 *
 * The data is a pure function of the seed, the number of customers and
 * "today": the same options give byte-identical rows. Every table is streamed
 * to PostgreSQL with COPY, so that memory stays a few compact arrays per
 * customer however large the run. */
#ifndef GEN_GEN_H
#define GEN_GEN_H

#include "common/err.h"

struct crm_db;

/* Called now and then while a table is written: stage is the table
 * ("customers"), done the rows written so far, total the rows it will hold
 * (an estimate for some tables; done == total at its end). */
typedef void (*gen_progress_fn)(void *ctx, const char *stage, long done, long total);

struct gen_opts {
	unsigned long long seed; /* same seed + same today => byte-identical data */
	long customers;		 /* exactly this many customers (leads are extra) */
	/* "YYYY-MM-DD": dates are placed relative to it (the last ~3 years of
	 * history, future close dates, birthdays all year round) */
	const char *today;
	gen_progress_fn progress; /* may be NULL */
	void *progress_ctx;
};

/* Rows written, per table. The fields after competitors count tables that
 * have no entity of their own in the CSV contract. */
struct gen_stats {
	long departments, salespeople, users, customers, contacts, leads, lead_contacts, products, intents,
		opportunities, orders, order_lines, invoices, receipts, activities, expenses, complaints, competitors;
	long stage_history, complaint_log, opportunity_competitors, opportunity_team;
};

/* Fill an empty CRM database. Fails with ERR_INPUT ("the database already
 * holds N customers", hint "run 'crmgate db reset --yes' first") when
 * crm.customer, or any other table it fills, holds rows; with ERR_INPUT for
 * bad options. Runs in one transaction: all or nothing.
 *
 * To load fast it works as pg_restore does: inside that transaction it drops
 * the foreign keys and the plain (not unique) indexes of the tables it fills
 * and makes them again from their catalog definitions at the end, which
 * checks every row; the stage and complaint triggers are off while it writes
 * those logs itself. So the database user must own the tables, and other
 * sessions wait for the tables until it commits. *out may be NULL. */
int gen_run(struct gen_stats *out, struct crm_db *db, const struct gen_opts *opts, struct err *err);

#endif
