/* gateway/mailbox.c - the bounce mailbox: each new message read once, over
 * IMAP (gateway/imap.c) or from a Maildir, and what a bounce says recorded
 * in the outbox (SPEC section 5; RFC 3464 through gateway/dsn.c).
 *
 * A bounce counts only when it proves that it answers a message we sent:
 * it returns the message's Message-ID (its random part is ours alone), or
 * it comes back to the message's return path whose tag is the row's
 * signature (LOCAL+ID.TAG@DOMAIN, sql/015); and the recipient that failed
 * is the row's own address. An outbox id alone proves nothing: ids are
 * sequential, and X-Crmgate-Outbox shows them to every recipient, so
 * anyone could send us "bounces" for rows 1 to 200 naming an address and
 * have it suppressed. Such messages, and bounces that name another
 * address, change nothing (they are counted as unmatched). Bounces of
 * messages sent before sql/015 (a bare LOCAL+ID@DOMAIN) count when they
 * return the Message-ID, as most MTAs' reports do. */
#include "gateway/mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/dsn.h"
#include "gateway/imap.h"
#include "gateway/outbox.h"
#include "common/banned.h"

/* the most bytes of a message too large to read that are read for its header */
#define HEADER_MAX (256u << 10)

/* the first key of our advisory locks: one poll per mailbox at a time */
#define LOCK_CLASS "1835167608"

/* What one message did; *bounce is 1 for a bounce (flag it read). */
static int record(struct crm_db *db, const struct gw_mailbox_opts *o, const char *msg, size_t len,
		  struct gw_mailbox_stats *st, int *bounce, struct err *err)
{
	struct gw_dsn dsn;
	struct err perr = ERR_INIT;
	struct crm_res *res = NULL;
	const struct gw_dsn_rcpt *r = NULL;
	char id[24], mid_id[24], tag_id[24], *why = NULL;
	const char *recipient;
	int rc = 0, matched = 0;
	enum gw_dsn_verdict v;
	long *count = NULL;

	*bounce = 0;
	if (gw_dsn_parse(&dsn, msg, len, o->return_path, &perr)) {
		/* too many parts or too deep for a bounce: whatever it is, it
		 * is no bounce of ours, and the survey reader keeps it */
		log_info("mailbox: a message was not read as a bounce: %s", perr.msg.data);
		dsn.kind = GW_DSN_NONE;
	}
	err_release(&perr);
	if (dsn.kind == GW_DSN_NONE) {
		st->other++;
		if (o->other)
			rc = o->other(o->other_ctx, db, msg, len, NULL, err);
		goto done;
	}
	*bounce = 1;
	if (dsn.source != GW_DSN_SRC_MESSAGE_ID && !dsn.tag) {
		if (dsn.outbox_id)
			log_debug("mailbox: a bounce names outbox row %ld but proves nothing (neither its Message-ID"
				  " nor its signed return path)",
				  dsn.outbox_id);
		st->unmatched++;
		goto done;
	}
	/* the row whose Message-ID the bounce returns, else the one its tag was made for */
	snprintf(mid_id, sizeof(mid_id), "%ld", dsn.source == GW_DSN_SRC_MESSAGE_ID ? dsn.outbox_id : 0);
	snprintf(tag_id, sizeof(tag_id), "%ld", dsn.tag_id);
	if ((rc = crm_db_query(
		     &res, db,
		     "SELECT id, recipient FROM crm.outbox WHERE channel = 'email' AND"
		     " ((id = $1::bigint AND btrim(message_id, '<> ') = $2::text)"
		     " OR (id = $3::bigint AND $4::text IN (crm.bounce_tag(id, $5::text), crm.bounce_tag(id, NULL))))"
		     " ORDER BY id <> $1::bigint LIMIT 1",
		     5, (const char *[]){ mid_id, dsn.message_id, tag_id, dsn.tag, o->secret }, err)))
		goto done;
	if (crm_res_rows(res) != 1) {
		log_debug("mailbox: a bounce names outbox row %ld, but its Message-ID or return path is no e-mail's"
			  " of ours",
			  dsn.outbox_id);
		st->unmatched++;
		goto done;
	}
	snprintf(id, sizeof(id), "%s", crm_res_get(res, 0, 0));
	recipient = crm_res_get(res, 0, 1);
	v = gw_dsn_verdict(&dsn, recipient, &matched, &r);
	if (!matched) {
		log_debug("mailbox: a bounce for outbox row %s does not name its address", id);
		st->unmatched++;
		goto done;
	}
	if (r && r->diagnostic && *r->diagnostic)
		why = xstrfmt("%s %s", r->status[0] ? r->status : gw_dsn_action_name(r->action), r->diagnostic);
	else
		why = xstrfmt("%s %s", r && r->status[0] ? r->status : "", r ? gw_dsn_action_name(r->action) : "");
	{
		enum gw_report what;
		int changed = 0;
		switch (v) {
		case GW_DSN_V_BOUNCED:
			what = GW_REPORT_BOUNCED;
			count = &st->bounced;
			break;
		case GW_DSN_V_FAILED:
			what = GW_REPORT_FAILED;
			count = &st->failed;
			break;
		case GW_DSN_V_DELAYED:
			what = GW_REPORT_DELAYED;
			count = &st->delayed;
			break;
		case GW_DSN_V_DELIVERED:
			what = GW_REPORT_DELIVERED;
			count = &st->delivered;
			break;
		case GW_DSN_V_RELAYED:
		case GW_DSN_V_NONE:
		default: st->noted++; goto done;
		}
		if ((rc = gw_outbox_report(db, strtol(id, NULL, 10), what, why, &changed, err)))
			goto done;
		if (changed)
			(*count)++;
		else if (v == GW_DSN_V_DELAYED)
			st->delayed++; /* a delay is noted even when the row has moved on */
		else
			st->noted++;
	}
done:
	crm_res_free(res);
	free(why);
	gw_dsn_release(&dsn);
	return rc;
}

/* A message too large to read whole (size bytes; 0: not known): the
 * other hook gets its header, head (n bytes), to keep it for a person
 * with its sender and subject; without one, a marker of where it is. */
static int record_large(struct crm_db *db, const struct gw_mailbox_opts *o, const char *head, size_t n,
			unsigned long long size, const char *where, struct gw_mailbox_stats *st, struct err *err)
{
	struct buf marker = BUF_INIT;
	char *why;
	int rc = 0;

	st->other++;
	if (!o->other)
		return 0;
	why = size ? xstrfmt("too large: a message of %llu bytes, more than the %u read; only its header was read",
			     size, GW_MAILBOX_MAX_SIZE)
		   : xstrfmt("too large: a message of more than %u bytes; only its header was read",
			     GW_MAILBOX_MAX_SIZE);
	/* the header ends at the first blank line */
	for (size_t i = 0; i + 1 < n; i++)
		if (head[i] == '\n' &&
		    (head[i + 1] == '\n' || (head[i + 1] == '\r' && i + 2 < n && head[i + 2] == '\n'))) {
			n = i + 1;
			break;
		}
	if (!n) {
		buf_addf(&marker, "X-Crmgate-Unread: %s\r\n\r\n", where);
		head = marker.data;
		n = marker.len;
	}
	rc = o->other(o->other_ctx, db, head, n, why, err);
	buf_release(&marker);
	free(why);
	return rc;
}

static int lock(struct crm_db *db, const char *key, struct err *err)
{
	char *got = NULL;
	int rc = crm_db_value(&got, db, "SELECT pg_try_advisory_lock(" LOCK_CLASS ", hashtext($1))", 1,
			      (const char *[]){ key }, err);
	if (!rc && (!got || strcmp(got, "t")))
		rc = err_set(err, ERR_TEMPFAIL, "another 'mailbox poll' is reading '%s'", key);
	free(got);
	return rc;
}

static void unlock(struct crm_db *db, const char *key)
{
	struct err ignored = ERR_INIT;
	crm_db_query(NULL, db, "SELECT pg_advisory_unlock(" LOCK_CLASS ", hashtext($1))", 1, (const char *[]){ key },
		     &ignored);
	err_release(&ignored);
}

/* ------------------------------------------------------------------ IMAP */

static int poll_imap(struct crm_db *db, const struct gw_mailbox_opts *o, struct gw_mailbox_stats *st, struct err *err)
{
	struct gw_imap *imap = NULL;
	struct gw_imap_item *items = NULL;
	struct buf msg = BUF_INIT;
	char *key = NULL, *v = NULL, validity[16], uid[16];
	uint32_t last = 0;
	size_t n = 0;
	int rc, locked = 0;

	if ((rc = gw_imap_open(&imap, o->url, o->tls_fingerprint, o->timeout, &key, err)))
		goto done;
	if ((rc = lock(db, key, err)))
		goto done;
	locked = 1;
	snprintf(validity, sizeof(validity), "%" PRIu32, gw_imap_uidvalidity(imap));
	if ((rc = crm_db_value(&v, db,
			       "SELECT last_uid FROM crm.mailbox_state WHERE mailbox = $1 AND uidvalidity = $2::bigint",
			       2, (const char *[]){ key, validity }, err)))
		goto done;
	if (v)
		last = (uint32_t)strtoul(v, NULL, 10);
	if ((rc = gw_imap_list(imap, last, &items, &n, err)))
		goto done;
	msg.cap = GW_MAILBOX_MAX_SIZE;
	for (size_t i = 0; i < n; i++) {
		int bounce = 0, large = items[i].size > GW_MAILBOX_MAX_SIZE, gone = 0;
		char where[64];
		snprintf(uid, sizeof(uid), "%" PRIu32, items[i].uid);
		if (!large && (rc = gw_imap_fetch(imap, items[i].uid, &msg, err))) {
			/* expunged since it was listed: passed by; bigger than it said: too large */
			if (rc != ERR_NOTFOUND && rc != ERR_INPUT)
				goto done;
			log_info("mailbox: message %s %s: %s", uid, rc == ERR_NOTFOUND ? "passed by" : "not read whole",
				 err->msg.data);
			gone = rc == ERR_NOTFOUND;
			large = !gone;
			err_clear(err);
			rc = 0;
		}
		if (large) {
			log_info("mailbox: message %s of %" PRIu32 " bytes is too big to read whole", uid,
				 items[i].size);
			if ((rc = gw_imap_fetch_header(imap, items[i].uid, &msg, err))) {
				if (rc != ERR_NOTFOUND && rc != ERR_INPUT)
					goto done;
				err_clear(err);
				buf_reset(&msg);
				rc = 0;
			}
		}
		if ((rc = crm_db_begin(db, err)))
			goto done;
		snprintf(where, sizeof(where), "IMAP UID %s.%s", validity, uid);
		if (large)
			rc = record_large(db, o, msg.data, msg.len,
					  items[i].size > GW_MAILBOX_MAX_SIZE ? items[i].size : 0, where, st, err);
		else if (!gone)
			rc = record(db, o, msg.data, msg.len, st, &bounce, err);
		if (!rc)
			rc = crm_db_query(
				NULL, db,
				"INSERT INTO crm.mailbox_state AS m (mailbox, uidvalidity, last_uid)"
				" VALUES ($1, $2::bigint, $3::bigint) ON CONFLICT (mailbox) DO UPDATE SET"
				" uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = now()",
				3, (const char *[]){ key, validity, uid }, err);
		if (!rc)
			rc = crm_db_commit(db, err);
		if (rc) {
			crm_db_rollback(db);
			goto done;
		}
		/* recorded: a bounce is flagged read, anything else stays unseen for people */
		if (bounce && (rc = gw_imap_seen(imap, items[i].uid, err)))
			goto done;
	}
done:
	if (locked)
		unlock(db, key);
	buf_release(&msg);
	free(items);
	free(v);
	free(key);
	gw_imap_free(imap);
	return rc;
}

/* --------------------------------------------------------------- Maildir */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole of a regular file, up to the cap: 1 when it is bigger. head:
 * as much of its start as the cap holds (0). */
static int read_file(const char *path, struct buf *out, int head, struct err *err)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK), rc = 0;
	buf_reset(out);
	/* a symbolic link fails with ELOOP: no MTA delivers one */
	if (fd < 0)
		return errno == ENOENT ? ERR_NOTFOUND
				       : err_set(err, ERR_FAIL, "could not open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, ERR_FAIL, "'%s' is not a regular file", path);
	}
	if (!head && (unsigned long long)sb.st_size > out->cap) {
		close(fd);
		return 1;
	}
	for (;;) {
		ssize_t got;
		if (buf_grow(out, 65536)) {
			rc = !head;
			break;
		}
		got = read(fd, out->data + out->len, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = err_set(err, ERR_FAIL, "could not read '%s': %s", path, strerror(errno));
			break;
		}
		if (!got)
			break;
		out->len += (size_t)got;
		out->data[out->len] = 0;
	}
	close(fd);
	return rc;
}

static int poll_maildir(struct crm_db *db, const struct gw_mailbox_opts *o, struct gw_mailbox_stats *st,
			struct err *err)
{
	const char *dir = o->url + 8;
	char *newdir = xstrfmt("%s/new", dir), **names = NULL;
	size_t n = 0, alloc = 0;
	struct buf msg = BUF_INIT, head = BUF_INIT;
	DIR *d = NULL;
	struct dirent *e;
	int rc = 0, locked = 0;

	if (!*dir) {
		rc = err_set(err, ERR_INPUT, "[mailbox] url: 'maildir:' names no folder");
		goto done;
	}
	if ((rc = lock(db, o->url, err)))
		goto done;
	locked = 1;
	if (!(d = opendir(newdir))) {
		rc = err_set(err, ERR_FAIL, "could not open Maildir folder '%s': %s", newdir, strerror(errno));
		goto done;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(e->d_name);
	}
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	msg.cap = GW_MAILBOX_MAX_SIZE;
	for (size_t i = 0; i < n && !rc; i++) {
		char *from = xstrfmt("%s/%s", newdir, names[i]), *to;
		size_t base = strcspn(names[i], ":");
		int bounce = 0, big = read_file(from, &msg, 0, err);
		struct stat sb;
		if (big == ERR_NOTFOUND) { /* another reader took it */
			free(from);
			continue;
		}
		if (big < 0) {
			/* not a message (a folder, a link): left where it is */
			log_info("mailbox: %s", err->msg.data);
			err_clear(err);
			free(from);
			continue;
		}
		if (big) {
			/* its header: the start of the file */
			log_info("mailbox: '%s' is too big to read whole", from);
			head.cap = HEADER_MAX;
			if (read_file(from, &head, 1, err) < 0) {
				err_clear(err);
				buf_reset(&head);
			}
		}
		if (!(rc = crm_db_begin(db, err))) {
			if (big)
				rc = record_large(db, o, head.data, head.len,
						  stat(from, &sb) ? 0 : (unsigned long long)sb.st_size, names[i], st,
						  err);
			else
				rc = record(db, o, msg.data, msg.len, st, &bounce, err);
		}
		if (!rc)
			rc = crm_db_commit(db, err);
		if (rc)
			crm_db_rollback(db);
		/* Maildir: a message read moves to cur/ with its info, S for seen */
		to = xstrfmt("%s/cur/%.*s:2,%s", dir, (int)base, names[i], bounce ? "S" : "");
		if (!rc && rename(from, to) && errno != ENOENT)
			rc = err_set(err, ERR_FAIL, "could not move '%s' to '%s': %s", from, to, strerror(errno));
		free(from);
		free(to);
	}
done:
	if (locked)
		unlock(db, o->url);
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(newdir);
	buf_release(&msg);
	buf_release(&head);
	return rc;
}

int gw_mailbox_poll(struct crm_db *db, const struct gw_mailbox_opts *opts, struct gw_mailbox_stats *stats,
		    struct err *err)
{
	if (!opts->url || !*opts->url)
		return err_set(err, ERR_INPUT, "[mailbox] url is not set");
	if (!strncmp(opts->url, "maildir:", 8))
		return poll_maildir(db, opts, stats, err);
	if (!strncmp(opts->url, "imap://", 7) || !strncmp(opts->url, "imaps://", 8))
		return poll_imap(db, opts, stats, err);
	/* not the url itself: it may hold a password */
	return err_set(err, ERR_INPUT,
		       "[mailbox] url: '%.*s:' is neither imap:// nor maildir:", (int)strcspn(opts->url, ":/@"),
		       opts->url);
}
