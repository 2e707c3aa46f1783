/* gateway/channel_mail.c - the mail channel: postal letters. A campaign's
 * due rows become one print batch (merge/batch.h, a section per letter, PDF
 * too when LibreOffice is there) and an address list sorted by postcode, in
 * the mail folder; the rows are sent when both are written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/csv.h"
#include "common/file.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "gateway/channel.h"
#include "merge/batch.h"
#include "merge/office.h"
#include "common/banned.h"

struct mail_batch {
	struct gw_worker *w;
	struct gw_camp *k;
	struct merge_batch *batch;
	FILE *list;
	const struct gw_job **jobs; /* the rows going out, and which of them became a letter */
	int *printed, n;
	struct buf line; /* the address list's line being written */
};

static int letter(void *ctx, const struct value *rec, struct err *err)
{
	struct mail_batch *m = ctx;
	const char *code = gw_record_text(rec, "code");
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->jobs[i]->target_code, code))
			m->printed[i] = 1;
	/* written as every CSV of crmgate is (common/csv); a write that fails
	 * leaves the error flag, which the batch's end checks */
	buf_reset(&m->line);
	csv_add_field(&m->line, code);
	buf_addch(&m->line, ',');
	csv_add_field(&m->line, gw_record_text(rec, "name"));
	buf_addch(&m->line, ',');
	csv_add_field(&m->line, gw_record_text(rec, "postcode"));
	buf_addch(&m->line, ',');
	csv_add_field(&m->line, gw_record_text(rec, "address"));
	buf_adds(&m->line, "\r\n");
	fwrite(m->line.data, 1, m->line.len, m->list);
	return merge_batch_add(m->batch, rec, m->k->globals, err);
}

/* The print batch could not be written (a full disk): nothing of it stays,
 * and the letters marked sending go back to the queue, to be printed by a
 * later run; the error that stopped the batch is the one reported. */
static void unprint(struct gw_worker *w, const struct gw_job **jobs, int n, const char **codes, int ncodes,
		    const char *base, const char *csv)
{
	static const char *const made[] = { ".docx", ".pdf" };
	for (size_t i = 0; base && i < ARRAY_SIZE(made); i++) {
		char *path = xstrfmt("%s%s", base, made[i]);
		unlink(path);
		free(path);
	}
	if (csv)
		unlink(csv);
	for (int i = 0; i < n; i++) {
		struct err gerr = ERR_INIT;
		int going = 0;
		for (int k = 0; k < ncodes; k++)
			going |= codes[k] == jobs[i]->target_code;
		if (going && gw_worker_give_back(w, jobs[i], &gerr))
			log_warn("could not give row %ld back to the queue: %s", jobs[i]->id, gerr.msg.data);
		err_release(&gerr);
	}
}

/* One campaign's claimed letters: the print batch, its PDF when LibreOffice
 * is there, and the address list, all sorted by postcode. */
static int mail_send_batch(void *state, struct gw_worker *w, const struct gw_job **jobs, int n, int *handled,
			   struct err *err)
{
	struct mail_batch m = { w, NULL, NULL, NULL, jobs, xcalloc((size_t)n, sizeof(int)), n, BUF_INIT };
	const char *dir = w->o->mail_dir ? w->o->mail_dir : "out/print";
	const char **codes = xcalloc((size_t)n, sizeof(*codes));
	char stamp[32], *base = NULL, *docx = NULL, *csv = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc, ncodes = 0, sent = 0;

	(void)state;
	(void)handled;
	rc = gw_worker_campaign(&m.k, w, jobs[0]->campaign_id, err);
	/* opt-outs and suppression first: only letters that may go are printed */
	for (int i = 0; !rc && i < n; i++) {
		int go;
		rc = gw_outbox_sending(w->db, jobs[i], &go, err);
		if (!rc && go)
			codes[ncodes++] = jobs[i]->target_code;
		else if (!rc)
			w->st->skipped++;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (!rc && ncodes)
		rc = file_mkdir_p(dir, err);
	if (!rc && ncodes) {
		base = xstrfmt("%s/campaign-%ld-%s", dir, m.k->c.id, stamp);
		docx = xstrfmt("%s.docx", base);
		csv = xstrfmt("%s-addresses.csv", base);
		if (!(m.list = fopen(csv, "wx")))
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(errno));
		if (!rc) {
			fputs("code,name,postcode,address\r\n", m.list);
			rc = merge_batch_open(&m.batch, m.k->doc.docx, docx, err);
		}
		if (!rc)
			rc = gw_worker_records(w, m.k, codes, (size_t)ncodes,
					       crm_entity_column(m.k->e, "postcode") ? "t.postcode" : NULL, letter, &m,
					       err);
		if (m.batch)
			rc = rc ? (merge_batch_discard(m.batch), rc) : merge_batch_close(m.batch, err);
		if (m.list) {
			/* a write that failed (a full disk) may have left only the error flag */
			int failed = ferror(m.list), saved = errno;
			if (fclose(m.list) && !failed) {
				failed = 1;
				saved = errno;
			}
			if (failed && !rc)
				rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(saved));
		}
		if (!rc && merge_office_available()) {
			const char *p = docx;
			rc = merge_office_convert(&p, 1, "pdf", dir, err);
		}
		/* on disk before the rows say the letters are printed */
		if (!rc)
			rc = file_sync(docx, err);
		if (!rc)
			rc = file_sync(csv, err);
		/* the batch's name is ours once its address list was made (exclusively) */
		if (rc)
			unprint(w, jobs, n, codes, ncodes, m.list ? base : NULL, m.list ? csv : NULL);
	}
	/* the letters are written: each printed row is sent; a target that is
	 * gone fails its row */
	for (int i = 0; !rc && i < n; i++) {
		struct gw_result r = { GW_SENT, docx, "in the print batch", 0, 0 };
		int going = 0;
		for (int k = 0; k < ncodes; k++)
			going |= codes[k] == jobs[i]->target_code;
		if (!going)
			continue;
		if (!m.printed[i]) {
			rc = gw_worker_target_gone(w, jobs[i], err);
			continue;
		}
		gw_worker_count(w, GW_SENT);
		sent++;
		rc = gw_outbox_done(w->db, jobs[i], &r, err);
	}
	if (!rc && sent)
		log_info("campaign '%s': %d letter%s in %s, addresses in %s", m.k->c.name, sent, sent == 1 ? "" : "s",
			 docx, csv);
	buf_release(&m.line);
	free(m.printed);
	free(codes);
	free(base);
	free(docx);
	free(csv);
	return rc;
}

const struct gw_channel gw_channel_mail = {
	.name = "mail",
	/* a campaign's due rows at a time, in chunks a batch renders well
	 * within a lease: one print batch each */
	.own_claim = 2000,
	.no_sample = "sends letters: there is no address to test; 'crmgate merge' writes a sample letter",
	.send_batch = mail_send_batch,
};
