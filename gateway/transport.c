/* gateway/transport.c - choosing a transport by URL, and the file transport:
 * a Maildir (the layout of https://cr.yp.to/proto/maildir.html) that each
 * message enters whole or not at all. */
#include "gateway/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/file.h"
#include "common/xalloc.h"
#include "common/banned.h"

int gw_transport_find(const struct gw_transport **out, const char *url, struct err *err)
{
	*out = NULL;
	if (url && (!strncmp(url, "smtp://", 7) || !strncmp(url, "smtps://", 8)))
		*out = &gw_transport_smtp;
	else if (url && !strncmp(url, "file:", 5))
		*out = &gw_transport_file;
	else
		return err_set(err, ERR_INPUT, "'%s' is not smtp://HOST:PORT, smtps://HOST:PORT or file:FOLDER",
			       url ? url : "");
	return 0;
}

/* --------------------------------------------------------------- Maildir */

struct maildir {
	char *dir;
	char host[64];	 /* this host's name, without '/' or ':' */
	unsigned long n; /* messages written by this process */
};

static int maildir_open(void **state, const struct gw_smtp_opts *o, struct err *err)
{
	const char *dir = o->url && !strncmp(o->url, "file:", 5) ? o->url + 5 : "";
	static const char *const sub[] = { "tmp", "new", "cur" };
	struct maildir *m;
	int rc;

	*state = NULL;
	if (!*dir)
		return err_set(err, ERR_INPUT, "'%s' names no folder (such as file:out/mail)", o->url ? o->url : "");
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		char *path = xstrfmt("%s/%s", dir, sub[i]);
		rc = file_mkdir_p(path, err);
		free(path);
		if (rc)
			return rc;
	}
	m = xcalloc(1, sizeof(*m));
	m->dir = xstrdup(dir);
	if (gethostname(m->host, sizeof(m->host)))
		snprintf(m->host, sizeof(m->host), "localhost");
	m->host[sizeof(m->host) - 1] = '\0';
	for (char *p = m->host; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	*state = m;
	return 0;
}

static void maildir_close(void *state)
{
	struct maildir *m = state;

	if (!m)
		return;
	free(m->dir);
	free(m);
}

/* Return-Path and Delivered-To first, as a delivering MTA writes them, then
 * the message as given: tmp/NAME, synced, renamed to new/NAME. */
static int maildir_send(void *state, const char *from, const char *rcpt, const char *msg, size_t len,
			struct gw_smtp_result *r, struct err *err)
{
	struct maildir *m = state;
	struct buf head = BUF_INIT, why = BUF_INIT;
	struct iovec iov[2];
	struct timeval tv;
	char *name, *tmp, *path;
	int rc = 0;

	gw_smtp_result_reset(r);
	r->stage = GW_SMTP_DOT;
	if (strpbrk(from, "\r\n") || strpbrk(rcpt, "\r\n")) {
		r->outcome = GW_PERMFAIL;
		return err_set(err, ERR_INPUT, "e-mail to '%s': an envelope address has a line break", rcpt);
	}
	gettimeofday(&tv, NULL);
	name = xstrfmt("%lld.M%ldP%ldQ%lu.%s", (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(), ++m->n, m->host);
	tmp = xstrfmt("%s/tmp/%s", m->dir, name);
	path = xstrfmt("%s/new/%s", m->dir, name);
	buf_addf(&head, "Return-Path: <%s>\r\nDelivered-To: %s\r\n", from, rcpt);
	iov[0].iov_base = head.data;
	iov[0].iov_len = head.len;
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = len;
	if (file_put(tmp, path, iov, 2, &why)) {
		rc = err_set(err, ERR_TEMPFAIL, "e-mail to '%s' failed for now: %s", rcpt, why.data);
		goto done;
	}
	r->outcome = GW_SENT;
	buf_addf(&r->reply, "saved as %s", path);
	buf_addf(&r->queue_id, "%s", name);
done:
	buf_release(&why);
	buf_release(&head);
	free(path);
	free(tmp);
	free(name);
	return rc;
}

const struct gw_transport gw_transport_file = { "file", maildir_open, maildir_send, maildir_close };
