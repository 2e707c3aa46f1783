/* gateway/imap.h - the few IMAP steps the mailbox reader needs, over
 * libetpan's IMAP client: log in, select a folder, list the messages after a
 * UID, fetch one without marking it, mark it seen. */
#ifndef GATEWAY_IMAP_H
#define GATEWAY_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

struct gw_imap;

struct gw_imap_item {
	uint32_t uid;
	uint32_t size; /* RFC822.SIZE */
};

/* Connect to url (imap://USER:PASS@HOST[:PORT][/FOLDER], USER, PASS and
 * FOLDER percent-encoded; port 143 and folder INBOX by default), log in and
 * select the folder; every step waits at most timeout seconds. *key is the
 * url without its password (malloc'd, the caller's): the name under which
 * the reader keeps its place. ERR_INPUT for a malformed url, ERR_TEMPFAIL
 * when the server cannot be reached, ERR_FAIL when it refuses. */
int gw_imap_open(struct gw_imap **out, const char *url, const char *pin, int timeout, char **key, struct err *err);
void gw_imap_free(struct gw_imap *imap);

/* The selected folder's UIDVALIDITY (RFC 3501 2.3.1.1). */
uint32_t gw_imap_uidvalidity(const struct gw_imap *imap);

/* The messages whose UID is above after, ascending. *items is the caller's (free). */
int gw_imap_list(struct gw_imap *imap, uint32_t after, struct gw_imap_item **items, size_t *n, struct err *err);

/* The whole message uid (BODY.PEEK[]: it stays unseen) into out, which
 * keeps its cap. */
int gw_imap_fetch(struct gw_imap *imap, uint32_t uid, struct buf *out, struct err *err);

/* Only its header (the fields and the blank line after them), as
 * gw_imap_fetch reads the whole: for a message too large to read. */
int gw_imap_fetch_header(struct gw_imap *imap, uint32_t uid, struct buf *out, struct err *err);

/* Flag message uid \Seen. */
int gw_imap_seen(struct gw_imap *imap, uint32_t uid, struct err *err);

#endif
