/* gateway/imap.c - reading a mailbox over IMAP4rev1 (RFC 3501) with
 * libetpan's client; URLs after RFC 5092 (imap://user:pass@host:port/folder).
 *
 * The one file of ours that includes libetpan's IMAP side (gateway/mime.c
 * includes libetpan for the MIME writer). Messages are fetched with
 * BODY.PEEK[] so that what the reader leaves alone stays unseen for people
 * and for the survey reader, and only after RFC822.SIZE was checked:
 * libetpan holds a whole literal in memory. No TLS yet (imaps:// and
 * STARTTLS are left to do): use it on 127.0.0.1 or a trusted network. */
#include "gateway/imap.h"

#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "common/hex.h"
#include "common/xalloc.h"
#include "gateway/tls.h"
#include "common/banned.h"

struct gw_imap {
	mailimap *session;
	char *where; /* host:port, for messages */
	int told;    /* an unpinned certificate's fingerprint was logged */
};

static const char *imap_error(int code)
{
	switch (code) {
	case MAILIMAP_ERROR_STREAM: return "the connection broke or timed out";
	case MAILIMAP_ERROR_CONNECTION_REFUSED: return "connection refused";
	case MAILIMAP_ERROR_PARSE: return "its reply could not be read";
	case MAILIMAP_ERROR_MEMORY: return "out of memory";
	case MAILIMAP_ERROR_BAD_STATE: return "a command in the wrong state";
	default: return "the server said no";
	}
}

/* The server's own words after a failed command, when it gave some. */
static int fail(struct gw_imap *imap, int code, int errcode, const char *what, struct err *err)
{
	const char *said = imap->session->imap_response;
	if (code == MAILIMAP_ERROR_STREAM || code == MAILIMAP_ERROR_CONNECTION_REFUSED)
		errcode = ERR_TEMPFAIL;
	if (said && *said)
		return err_set(err, errcode, "IMAP server '%s': could not %s: %s", imap->where, what, said);
	return err_set(err, errcode, "IMAP server '%s': could not %s: %s", imap->where, what, imap_error(code));
}

/* Percent-decoded copy of s[0..n); NULL for a bad escape or a NUL. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int byte = i + 2 < n ? hex_byte(s + i + 1) : -1;
			if (byte <= 0) {
				free(out);
				return NULL;
			}
			*o++ = (char)byte;
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	return out;
}

struct url {
	char *user, *pass, *host, *folder;
	uint16_t port;
	int tls; /* imaps: TLS from the first byte */
};

static void url_release(struct url *u)
{
	free(u->user);
	if (u->pass)
		memset(u->pass, 0, strlen(u->pass));
	free(u->pass);
	free(u->host);
	free(u->folder);
}

static int parse_url(struct url *u, const char *url, struct err *err)
{
	const char *rest, *at, *slash, *colon, *hostend, *p;
	memset(u, 0, sizeof(*u));
	u->tls = !strncmp(url, "imaps://", 8);
	if (strncmp(url, "imap://", 7) && !u->tls)
		return err_set(err, ERR_INPUT, "[mailbox] url: not imap://USER:PASS@HOST:PORT/FOLDER");
	rest = url + (u->tls ? 8 : 7);
	at = strrchr(rest, '@');
	if (!at)
		goto bad;
	colon = memchr(rest, ':', (size_t)(at - rest));
	u->user = pct_decode(rest, (size_t)((colon ? colon : at) - rest));
	u->pass = colon ? pct_decode(colon + 1, (size_t)(at - colon - 1)) : xstrdup("");
	slash = strchr(at + 1, '/');
	hostend = slash ? slash : at + 1 + strlen(at + 1);
	colon = memchr(at + 1, ':', (size_t)(hostend - at - 1));
	u->host = xstrndup(at + 1, (size_t)((colon ? colon : hostend) - at - 1));
	u->port = u->tls ? 993 : 143;
	if (colon) {
		unsigned long port = 0;
		for (p = colon + 1; p < hostend && *p >= '0' && *p <= '9' && port <= 65535; p++)
			port = port * 10 + (unsigned long)(*p - '0');
		if (p != hostend || p == colon + 1 || !port || port > 65535)
			goto bad;
		u->port = (uint16_t)port;
	}
	u->folder = slash && slash[1] ? pct_decode(slash + 1, strlen(slash + 1)) : xstrdup("INBOX");
	if (!u->user || !*u->user || !u->pass || !*u->host || !u->folder)
		goto bad;
	return 0;
bad:
	url_release(u);
	return err_set(err, ERR_INPUT,
		       "[mailbox] url: not imap://USER:PASS@HOST:PORT/FOLDER (percent-encode '@' in the user)");
}

/* Does the server offer STARTTLS? Its capabilities, asked for when the
 * greeting did not list them. */
static int offers_starttls(mailimap *session)
{
	struct mailimap_capability_data *cap = NULL;

	if ((!session->imap_connection_info || !session->imap_connection_info->imap_capability) &&
	    mailimap_capability(session, &cap) == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(cap);
	return mailimap_has_extension(session, "STARTTLS");
}

/* Connect, over TLS from the first byte (imaps) or after STARTTLS when the
 * server offers it; the certificate checked against the pin; a password is
 * sent in clear text only to this machine. */
static int connect_tls(struct gw_imap *imap, const struct url *u, const char *pin, struct err *err)
{
	int r = u->tls ? mailimap_ssl_connect(imap->session, u->host, u->port)
		       : mailimap_socket_connect(imap->session, u->host, u->port);
	int tls = u->tls, loopback;

	if (r != MAILIMAP_NO_ERROR && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR_AUTHENTICATED)
		return err_set(err, ERR_TEMPFAIL, "could not connect to IMAP server '%s': %s", imap->where,
			       imap_error(r));
	loopback = gw_tls_loopback(mailstream_low_get_fd(mailstream_get_low(imap->session->imap_stream)));
	if (!tls && offers_starttls(imap->session)) {
		if ((r = mailimap_socket_starttls(imap->session)) != MAILIMAP_NO_ERROR)
			return fail(imap, r, ERR_TEMPFAIL, "start TLS", err);
		tls = 1;
	}
	if (tls) {
		char *where = xstrfmt("IMAP server '%s'", imap->where);
		unsigned char *der = NULL;
		ssize_t n = mailstream_ssl_get_certificate(imap->session->imap_stream, &der);
		int rc = gw_tls_check(der, n > 0 ? (size_t)n : 0, where, pin, loopback, &imap->told, err);
		free(der);
		free(where);
		return rc;
	}
	if (!loopback) {
		err_set(err, ERR_INPUT,
			"IMAP server '%s' offers no TLS: the password of '%s' is not sent in clear text", imap->where,
			u->user);
		err_hint(err, "use imaps://, or a server that offers STARTTLS");
		return ERR_INPUT;
	}
	return 0;
}

int gw_imap_open(struct gw_imap **out, const char *url, const char *pin, int timeout, char **key, struct err *err)
{
	struct gw_imap *imap = NULL;
	struct url u;
	int r, rc = 0;

	*out = NULL;
	if (key)
		*key = NULL;
	if ((rc = parse_url(&u, url, err)))
		return rc;
	imap = xcalloc(1, sizeof(*imap));
	imap->where = xstrfmt("%s:%u", u.host, (unsigned)u.port);
	imap->session = mailimap_new(0, NULL);
	if (!imap->session)
		BUG("mailimap_new failed");
	mailimap_set_timeout(imap->session, timeout > 0 ? timeout : 30);
	if ((rc = connect_tls(imap, &u, pin, err)))
		goto done;
	/* a PREAUTH greeting has logged us in already */
	if (imap->session->imap_state != MAILIMAP_STATE_AUTHENTICATED) {
		r = mailimap_login(imap->session, u.user, u.pass);
		if (r != MAILIMAP_NO_ERROR) {
			char *what = xstrfmt("log in as '%s'", u.user);
			rc = fail(imap, r, ERR_FAIL, what, err);
			free(what);
			goto done;
		}
	}
	r = mailimap_select(imap->session, u.folder);
	if (r != MAILIMAP_NO_ERROR) {
		char *what = xstrfmt("select folder '%s'", u.folder);
		rc = fail(imap, r, ERR_FAIL, what, err);
		free(what);
		goto done;
	}
	if (key)
		*key = xstrfmt("imap%s://%s@%s/%s", u.tls ? "s" : "", u.user, imap->where, u.folder);
done:
	url_release(&u);
	if (rc)
		gw_imap_free(imap);
	else
		*out = imap;
	return rc;
}

void gw_imap_free(struct gw_imap *imap)
{
	if (!imap)
		return;
	if (imap->session) {
		if (imap->session->imap_stream)
			mailimap_logout(imap->session);
		mailimap_free(imap->session);
	}
	free(imap->where);
	free(imap);
}

uint32_t gw_imap_uidvalidity(const struct gw_imap *imap)
{
	return imap->session->imap_selection_info ? imap->session->imap_selection_info->sel_uidvalidity : 0;
}

static const struct mailimap_msg_att_static *static_att(clistiter *it, int type)
{
	for (; it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC && item->att_data.att_static &&
		    item->att_data.att_static->att_type == type)
			return item->att_data.att_static;
	}
	return NULL;
}

static int by_uid(const void *a, const void *b)
{
	const struct gw_imap_item *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

int gw_imap_list(struct gw_imap *imap, uint32_t after, struct gw_imap_item **items, size_t *n, struct err *err)
{
	struct mailimap_set *set;
	struct mailimap_fetch_type *ft;
	clist *result = NULL;
	size_t alloc = 0;
	int r;

	*items = NULL;
	*n = 0;
	if (after == UINT32_MAX)
		return 0;
	/* UID after+1:* (RFC 3501: "*" is the highest UID, so with nothing new
	 * the last message answers; it is filtered out below) */
	set = mailimap_set_new_interval(after + 1, 0);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(imap->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(imap, r, ERR_FAIL, "list the messages", err);
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);
		const struct mailimap_msg_att_static *uid =
			static_att(clist_begin(att->att_list), MAILIMAP_MSG_ATT_UID);
		const struct mailimap_msg_att_static *size =
			static_att(clist_begin(att->att_list), MAILIMAP_MSG_ATT_RFC822_SIZE);
		if (!uid || uid->att_data.att_uid <= after)
			continue;
		ALLOC_GROW(*items, *n + 1, alloc);
		(*items)[(*n)++] =
			(struct gw_imap_item){ uid->att_data.att_uid, size ? size->att_data.att_rfc822_size : 0 };
	}
	mailimap_fetch_list_free(result);
	if (*n)
		qsort(*items, *n, sizeof(**items), by_uid);
	return 0;
}

/* The message's whole text (BODY.PEEK[]), or its header (BODY.PEEK[HEADER]). */
static int fetch(struct gw_imap *imap, uint32_t uid, int header, struct buf *out, struct err *err)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	int r, rc = 0, found = 0;

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_body_peek_section(
							       header ? mailimap_section_new_header()
								      : mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(imap->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(imap, r, ERR_FAIL, "fetch a message", err);
	buf_reset(out);
	for (clistiter *it = clist_begin(result); it && !found; it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);
		const struct mailimap_msg_att_static *u = static_att(clist_begin(att->att_list), MAILIMAP_MSG_ATT_UID);
		const struct mailimap_msg_att_static *body =
			static_att(clist_begin(att->att_list), MAILIMAP_MSG_ATT_BODY_SECTION);
		if (!u || u->att_data.att_uid != uid || !body || !body->att_data.att_body_section)
			continue;
		found = 1;
		if (buf_add(out,
			    body->att_data.att_body_section->sec_body_part
				    ? body->att_data.att_body_section->sec_body_part
				    : "",
			    body->att_data.att_body_section->sec_length))
			rc = err_set(err, ERR_INPUT, "IMAP message %u is larger than %zu bytes", uid, out->cap);
	}
	mailimap_fetch_list_free(result);
	if (!rc && !found)
		rc = err_set(err, ERR_NOTFOUND, "IMAP server '%s': message %u is gone", imap->where, uid);
	return rc;
}

int gw_imap_fetch(struct gw_imap *imap, uint32_t uid, struct buf *out, struct err *err)
{
	return fetch(imap, uid, 0, out, err);
}

int gw_imap_fetch_header(struct gw_imap *imap, uint32_t uid, struct buf *out, struct err *err)
{
	return fetch(imap, uid, 1, out, err);
}

int gw_imap_seen(struct gw_imap *imap, uint32_t uid, struct err *err)
{
	struct mailimap_set *set = mailimap_set_new_single(uid);
	struct mailimap_flag_list *flags = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *store;
	int r;

	mailimap_flag_list_add(flags, mailimap_flag_new_seen());
	store = mailimap_store_att_flags_new_add_flags_silent(flags);
	r = mailimap_uid_store(imap->session, set, store);
	mailimap_store_att_flags_free(store);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(imap, r, ERR_FAIL, "mark a message seen", err);
	return 0;
}
